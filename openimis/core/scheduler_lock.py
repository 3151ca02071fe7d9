"""One scheduler at a time: the lock a scheduler holds while it runs the scheduled jobs.

`openimis scheduler` and the scheduler thread of `openimis serve` (`SCHEDULER_AUTOSTART`) both take it; a
second scheduler finds it taken and waits, trying again every tick, and takes over when the first one
stops. What holds the lock depends on the database, so that a scheduler that dies (even by SIGKILL)
frees it at once, without waiting for a lease to expire:

- PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) on a connection of its own; PostgreSQL
  frees it when the connection ends, and a scheduler whose connection broke no longer holds it.
- SQLite: an exclusive `flock` on a file next to the database file (SQLite serves one machine); the
  system frees it when the process ends.
- Another database: a lease in the shared cache (`CACHE_BACKEND` Redis, Memcached or the database
  cache) renewed by the running scheduler; a dead scheduler's lease expires after `LEASE_SECONDS`.
  Without a shared cache there is nothing to lock: the scheduler runs and warns that it must be alone.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from pathlib import Path

from django.db import DatabaseError

logger = logging.getLogger("openimis.scheduler")
ADVISORY_KEY = 0x6F70656E494D4953  # "openIMIS" in ASCII: the advisory lock of the scheduler
CACHE_KEY = "openimis:scheduler-lock"
LEASE_SECONDS = 30


class SchedulerLock:
    """`acquire()` tries once without waiting; `still_held()` is asked on every tick while held."""

    description = "no lock"

    def acquire(self) -> bool:
        return True

    def still_held(self) -> bool:
        return True

    def release(self) -> None:
        pass


class PostgreSQLAdvisoryLock(SchedulerLock):
    description = "PostgreSQL advisory lock"

    def __init__(self, alias: str = "default"):
        self.alias = alias
        self.wrapper = None

    def _connection(self):
        if self.wrapper is None:
            from django.db import connections

            self.wrapper = connections.create_connection(self.alias)  # not shared with Django's own
        self.wrapper.ensure_connection()
        return self.wrapper

    def acquire(self) -> bool:
        try:
            with self._connection().cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
                return bool(cursor.fetchone()[0])
        except DatabaseError:
            logger.exception("the scheduler lock could not be asked for")
            self.release()
            return False

    def still_held(self) -> bool:
        try:
            with self._connection().cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        except DatabaseError:  # the connection broke: PostgreSQL has freed the lock
            self.release()
            return False

    def release(self) -> None:
        if self.wrapper is not None:
            try:
                self.wrapper.close()  # ends the session, and with it the lock
            except DatabaseError:
                pass  # a connection already broken: its session, and the lock, are gone
            self.wrapper = None


class FileLock(SchedulerLock):
    description = "file lock"

    def __init__(self, path: Path):
        self.path = path
        self.file = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_file = open(self.path, "a+b")  # kept open while held
        try:
            _lock_file(lock_file)
        except OSError:
            lock_file.close()
            return False
        self.file = lock_file
        return True

    def release(self) -> None:
        if self.file is not None:
            self.file.close()  # closing the file frees the lock
            self.file = None


def _lock_file(lock_file) -> None:
    """An exclusive lock of the whole file, without waiting; OSError when another holds it."""
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt

        lock_file.seek(0)
        msvcrt.locking(lock_file.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


class CacheLease(SchedulerLock):
    description = "lease in the shared cache"

    def __init__(self, lease_seconds: int = LEASE_SECONDS):
        self.owner = uuid.uuid4().hex
        self.lease_seconds = lease_seconds
        self.renewed = 0.0

    def _cache(self):
        from django.core.cache import cache

        return cache

    def acquire(self) -> bool:
        if self._cache().add(CACHE_KEY, self.owner, timeout=self.lease_seconds):
            self.renewed = time.monotonic()
            return True
        return False

    def still_held(self) -> bool:
        cache = self._cache()
        if cache.get(CACHE_KEY) != self.owner:
            return False
        if time.monotonic() - self.renewed > self.lease_seconds / 3:
            cache.touch(CACHE_KEY, self.lease_seconds)
            self.renewed = time.monotonic()
        return True

    def release(self) -> None:
        cache = self._cache()
        if cache.get(CACHE_KEY) == self.owner:
            cache.delete(CACHE_KEY)


UNSHARED_CACHES = {"django.core.cache.backends.locmem.LocMemCache",
                   "django.core.cache.backends.dummy.DummyCache"}


def scheduler_lock() -> SchedulerLock:
    """The lock that fits the configured database (and cache)."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "postgresql":
        return PostgreSQLAdvisoryLock()
    if connection.vendor == "sqlite":
        return FileLock(lock_file_path())
    if settings.CACHES["default"]["BACKEND"] not in UNSHARED_CACHES:
        return CacheLease()
    logger.warning("no lock for the scheduler on %s without a shared cache (CACHE_BACKEND): run exactly one "
                   "scheduler", connection.vendor)
    return SchedulerLock()


def lock_file_path() -> Path:
    """Next to the SQLite database file; in the data folder for a database in memory."""
    from django.conf import settings
    from django.db import connection

    name = str(connection.settings_dict["NAME"] or "")
    if name and ":memory:" not in name and not name.startswith("file:"):
        return Path(name).with_name(Path(name).name + ".scheduler-lock")
    return Path(settings.ENV.data_dir) / "scheduler.lock"
