"""Which tables changed: a version token per table, in the shared cache, replaced after every committed
write that goes through Django's database connection (the ORM, bulk writes, raw cursors alike).

Whatever is derived from a table's rows (an exact count of a list) can be kept under the versions of the
tables it read: a later write gives the table a new version, so the kept value is no longer found.
Writes outside Django's connection (psql, another program) are not seen: keep derived values briefly.
"""

from __future__ import annotations

import re
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.backends.signals import connection_created

KEY = "openimis:table-version:"
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[`"\[]?([A-Za-z0-9_]+)', re.IGNORECASE)
TRUNCATE = re.compile(r"^\s*TRUNCATE\b", re.IGNORECASE)
NAME = re.compile(r'[`"\[]?([A-Za-z0-9_]+)[`"\]]?')
PENDING = "_openimis_changed_tables"


def new_version(tables) -> None:
    """Give `tables` new versions now."""
    cache.set_many({KEY + table: uuid.uuid4().hex for table in tables}, timeout=None)


def versions(tables: list[str]) -> list[str]:
    """The current version of each table (a table never seen gets one now)."""
    return versions_and_values(tables, [])[0]


def versions_and_values(tables: list[str], other_keys: list[str]) -> tuple[list[str], dict]:
    """The versions of `tables` and the cached values of `other_keys`, read from the cache together (one
    round trip to a shared cache where two would do the same work)."""
    keys = [KEY + table for table in tables]
    found = cache.get_many(keys + other_keys)
    missing = [key for key in keys if key not in found]
    for key in missing:
        cache.add(key, uuid.uuid4().hex, timeout=None)
    if missing:
        found.update(cache.get_many(missing))
    return [str(found.get(key, "")) for key in keys], {key: found[key] for key in other_keys if key in found}


def _pending_tables(connection) -> set[str]:
    """The tables the current transaction wrote, given new versions when it commits. A transaction
    rolled back drops its callback (Django forgets it), and the next write starts a new set."""
    state = getattr(connection, PENDING, None)
    if state is None or not any(entry[1] is state[0] for entry in connection.run_on_commit):
        tables: set[str] = set()

        def give_new_versions():
            new_version(tables)

        transaction.on_commit(give_new_versions, using=connection.alias)
        state = (give_new_versions, tables)
        setattr(connection, PENDING, state)
    return state[1]


def written_tables(sql) -> list[str]:
    if not isinstance(sql, str):
        return []
    match = WRITE.match(sql)
    if match is not None:
        return [match.group(1)]
    if TRUNCATE.match(sql):  # TRUNCATE [TABLE] "a", "b" ... [RESTART IDENTITY] [CASCADE]
        names = NAME.findall(TRUNCATE.sub("", sql, count=1))
        return [name for name in names if name.upper() not in {"TABLE", "RESTART", "IDENTITY", "CASCADE",
                                                               "CONTINUE", "RESTRICT", "ONLY"}]
    return []


def _cache_tables() -> frozenset[str]:
    """The tables of database caches: writing one is the cache at work (a new version would be a write to
    the cache, so a write to its table, without end), never a change of data."""
    global CACHE_TABLES
    if CACHE_TABLES is None:
        from django.conf import settings

        CACHE_TABLES = frozenset(config.get("LOCATION") for config in settings.CACHES.values()
                                 if config["BACKEND"] == "django.core.cache.backends.db.DatabaseCache")
    return CACHE_TABLES


CACHE_TABLES: frozenset[str] | None = None


def _track_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    tables = [table for table in written_tables(sql) if table not in _cache_tables()]
    if tables:
        connection = context["connection"]
        if connection.in_atomic_block:  # new versions once the transaction commits
            _pending_tables(connection).update(tables)
        else:
            new_version(tables)
    return result


def track_writes(sender, connection, **kwargs) -> None:
    if _track_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_track_writes)


connection_created.connect(track_writes, dispatch_uid="openimis.core.table_versions")
