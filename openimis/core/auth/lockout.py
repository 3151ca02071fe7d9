"""Login lockout after repeated failures, counted in the shared cache (so every process agrees)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def _key(username: str) -> str:
    return f"openimis:login-failures:{username.lower()}"


def enabled() -> bool:
    return bool(settings.LOGIN_LOCKOUT["ENABLED"])


def is_locked(username: str) -> bool:
    return enabled() and cache.get(_key(username), 0) >= settings.LOGIN_LOCKOUT["ATTEMPTS"]


def record_failure(username: str) -> None:
    if not enabled():
        return
    key = _key(username)
    if cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT["SECONDS"]):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT["SECONDS"])


def clear(username: str) -> None:
    cache.delete(_key(username))
