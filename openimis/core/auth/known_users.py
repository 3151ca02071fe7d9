"""The user a token names, read from the database once per state of the tables that user row is made of.

Every authenticated request needs its user, with the interactive user and whether they hold the IMIS
administrator role: one statement that cost more to build than most of a small request. The row read is
kept per process under the versions of the tables it came from (`openimis.core.table_versions`): any
committed change to a user, an interactive user, a role or a role assignment gives the next request a
fresh read, in every process sharing the cache; processes that do not share one (the default local
memory cache with several workers) see each other's changes within `KEPT_SECONDS`. Each request gets
its own copy of the row, so what one request caches on its user (rights, districts, a related row)
never reaches another. Inside a transaction the row is always read and never kept.
"""

from __future__ import annotations

import copy
import time

from django.db import connection

from openimis.core import selectors
from openimis.core.models import InteractiveUser, Role, User, UserRole
from openimis.core.table_versions import versions

MOST_KEPT = 10_000
KEPT_SECONDS = 30.0
_kept: dict[str, tuple[list[str], float, User]] = {}


def user_tables() -> list[str]:
    """The tables a kept user row is made of (its state is their versions)."""
    return [model._meta.db_table for model in (User, InteractiveUser, UserRole, Role)]


def _read(username: str) -> User | None:
    users = User.objects.filter(username=username, validity_to__isnull=True).select_related("i_user")
    user = selectors.with_admin_flag(users).first()
    if user is not None:
        user.remember_admin(user.is_imis_admin_flag)
    return user


def current_user_named(username: str, state: list[str] | None = None) -> User | None:
    """The current user of that name; `state`: the versions of `user_tables()` when already read."""
    if connection.in_atomic_block:
        return _read(username)
    state = versions(user_tables()) if state is None else state
    now = time.monotonic()
    kept = _kept.get(username)
    if kept is not None and kept[0] == state and now - kept[1] < KEPT_SECONDS:
        return copy.copy(kept[2])
    user = _read(username)
    if user is not None:
        if len(_kept) >= MOST_KEPT:
            _kept.clear()
        _kept[username] = (state, now, user)
        user = copy.copy(user)
    return user
