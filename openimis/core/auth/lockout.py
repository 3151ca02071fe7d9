"""Login lockout after repeated failures, counted in the shared cache (so every process agrees).

Failures are counted per username and client address (`openimis.core.proxies.client_address`: the real
client behind trusted proxies): someone guessing a user's password locks that user out for their own
address only, not for the user's own computer or for everyone behind the same load balancer.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from openimis.core.proxies import client_address


def _key(username: str, request=None) -> str:
    address = client_address(request) if request is not None else ""
    return f"openimis:login-failures:{username.lower()}:{address}"


def enabled() -> bool:
    return bool(settings.LOGIN_LOCKOUT["ENABLED"])


def is_locked(username: str, request=None) -> bool:
    return enabled() and cache.get(_key(username, request), 0) >= settings.LOGIN_LOCKOUT["ATTEMPTS"]


def record_failure(username: str, request=None) -> None:
    if not enabled():
        return
    key = _key(username, request)
    if cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT["SECONDS"]):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT["SECONDS"])


def clear(username: str, request=None) -> None:
    cache.delete(_key(username, request))
