"""Keeping optional heavy imports out of a process that cannot use them.

graphene-django and Django REST framework both import Django's PostgreSQL model fields when they can
(`try: from django.contrib.postgres.fields import ...`, to convert `ArrayField`s and the like), and
those import `psycopg`: about 85 ms of start-up and 12 MiB of memory. On SQLite (or SQL Server) no
model can have such a field, so for these two importers the import fails as if `psycopg` were not
installed, and they go on without the PostgreSQL fields, as they are written to. Any other module
importing `django.contrib.postgres.fields` gets it as usual.
"""

from __future__ import annotations

import importlib.abc
import sys

POSTGRESQL_FIELDS = "django.contrib.postgres.fields"
OPTIONAL_IMPORTERS = frozenset({"graphene_django.compat", "rest_framework.compat"})


class _PostgreSQLFieldsForOptionalImporters(importlib.abc.MetaPathFinder):
    """Refuses `django.contrib.postgres.fields` to the `OPTIONAL_IMPORTERS` only."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != POSTGRESQL_FIELDS:
            return None
        frame = sys._getframe(1)
        while frame is not None:  # the importing module's frame is below the import machinery's
            if frame.f_globals.get("__name__") in OPTIONAL_IMPORTERS:
                raise ModuleNotFoundError(f"{POSTGRESQL_FIELDS} is not used with this database",
                                          name=fullname)
            frame = frame.f_back
        return None


def skip_postgresql_fields(database_engine: str | None) -> None:
    """Unless the database is PostgreSQL, graphene-django and DRF do without the PostgreSQL fields.
    Call it before they are imported (from the settings)."""
    if database_engine and "postgresql" in database_engine:
        return
    if not any(isinstance(finder, _PostgreSQLFieldsForOptionalImporters) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PostgreSQLFieldsForOptionalImporters())
