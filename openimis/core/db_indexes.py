"""Search indexes only PostgreSQL can use, as migration operations that do nothing on other databases.

Django on PostgreSQL writes the case-insensitive text filters of the API as expressions on the column:
`chf_id__istartswith="12"` is `UPPER("insuree_insuree"."chf_id"::text) LIKE UPPER('12%')`,
`last_name__icontains="son"` is `UPPER("insuree_insuree"."last_name"::text) LIKE UPPER('%son%')` and
`__iexact` is `UPPER(col::text) = UPPER(...)`. An index serves such a condition only when it is built on
that very expression, so:

- a prefix search index is a btree on `UPPER(col::text) text_pattern_ops`: the pattern operator class
  turns `LIKE 'ABC%'` into a range scan whatever the collation of the database (a btree with the normal
  operator class can do it only under the C collation), and it answers `iexact` as well;
- a substring search index is a GIN on `UPPER(col::text) gin_trgm_ops` (extension pg_trgm), which
  answers `LIKE '%SON%'` (and prefixes too) from the trigrams of the searched text.

Plain and partial btree indexes (default orderings over current rows) are declared in the models' Meta
instead: Django creates those on every database. The indexes made here are not part of the model state,
so `makemigrations` neither sees nor drops them.

pg_trgm is a trusted extension from PostgreSQL 13: the owner of the database may create it. When it is
missing and cannot be created, the substring indexes are skipped with a warning and the migration goes
on; the searches then work as before, by reading the table. To add them later, create the extension as a
superuser (`CREATE EXTENSION pg_trgm;` in the database), then run `create_search_indexes()` (see there).
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.base import Operation

logger = logging.getLogger("openimis.migrations")

POSTGRESQL_NAME_MAX_LENGTH = 63
TRIGRAM_EXTENSION = "pg_trgm"
RECOVERY_COMMAND = ('openimis manage shell -c "from openimis.core.db_indexes import create_search_indexes; '
                    'print(create_search_indexes())"')


def _is_postgresql(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


# (connection alias, database, extension) for which the extension was refused in this process: warned once
_refused: set[tuple[str, str, str]] = set()


def trigram_extension_ready(schema_editor) -> bool:
    """True when pg_trgm is installed in the database, creating it first when the user may do so.

    A refused `CREATE EXTENSION` runs in a savepoint, so the migration's transaction survives it; it is
    reported once, and not tried again by the next operations of the same run."""
    connection = schema_editor.connection
    refusal = (connection.alias, str(connection.settings_dict.get("NAME")), TRIGRAM_EXTENSION)
    if refusal in _refused:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = %s", [TRIGRAM_EXTENSION])
        if cursor.fetchone():
            return True
    try:
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {TRIGRAM_EXTENSION}")
    except DatabaseError as error:
        _refused.add(refusal)
        logger.warning(
            "PostgreSQL extension %s is not installed and could not be created (%s): the substring search "
            "indexes are skipped, `icontains` filters read whole tables. To add them later: "
            "`CREATE EXTENSION %s;` in the database as a superuser, then `%s`.",
            TRIGRAM_EXTENSION, " ".join(str(error).split()), TRIGRAM_EXTENSION, RECOVERY_COMMAND)
        return False
    return True


class _PostgreSQLSearchIndex(Operation):
    """`CREATE INDEX IF NOT EXISTS <table>_<column>_<suffix>` on one text column of a model; the reverse
    drops it. Nothing happens on a database other than PostgreSQL."""

    reversible = True
    reduces_to_sql = True
    name_suffix = ""
    method = ""
    operator_class = ""
    needs_trigram = False
    searches = ""  # what the index serves, for `describe()`

    def __init__(self, model_name: str, field_name: str):
        self.model_name = model_name.lower()
        self.field_name = field_name

    def deconstruct(self):
        return self.__class__.__name__, [self.model_name, self.field_name], {}

    def state_forwards(self, app_label, state):
        pass  # the model state does not know PostgreSQL-only indexes

    def describe(self) -> str:
        return f"PostgreSQL index for {self.searches} searches on {self.model_name}.{self.field_name}"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name}_{self.field_name}_{self.name_suffix}"

    def _table_and_column(self, app_label, state) -> tuple[object, str, str]:
        model = state.apps.get_model(app_label, self.model_name)
        return model, model._meta.db_table, model._meta.get_field(self.field_name).column

    def index_name(self, table: str, column: str) -> str:
        name = f"{table}_{column}_{self.name_suffix}"
        # PostgreSQL would truncate a longer name, and IF NOT EXISTS could then match another index
        if len(name) > POSTGRESQL_NAME_MAX_LENGTH:
            raise ValueError(f"index name {name!r} is longer than {POSTGRESQL_NAME_MAX_LENGTH} characters")
        return name

    def create_sql(self, schema_editor, table: str, column: str) -> str:
        quote = schema_editor.quote_name
        return (f"CREATE INDEX IF NOT EXISTS {quote(self.index_name(table, column))} ON {quote(table)} "
                f"USING {self.method} ((UPPER({quote(column)}::text)) {self.operator_class})")

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not _is_postgresql(schema_editor):
            return
        model, table, column = self._table_and_column(app_label, to_state)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if self.needs_trigram:
            if schema_editor.collect_sql:  # `sqlmigrate`: print what a migration would run
                schema_editor.execute(f"CREATE EXTENSION IF NOT EXISTS {TRIGRAM_EXTENSION}")
            elif not trigram_extension_ready(schema_editor):
                return
        schema_editor.execute(self.create_sql(schema_editor, table, column))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if not _is_postgresql(schema_editor):
            return
        model, table, column = self._table_and_column(app_label, from_state)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        name = schema_editor.quote_name(self.index_name(table, column))
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class AddPrefixSearchIndex(_PostgreSQLSearchIndex):
    """Serves `field__istartswith` and `field__iexact` (`chfId_Istartswith`, `confirmationNo_Istartswith`)."""

    name_suffix = "upper_prefix"
    method = "btree"
    operator_class = "text_pattern_ops"
    searches = "istartswith/iexact"


class AddSubstringSearchIndex(_PostgreSQLSearchIndex):
    """Serves `field__icontains` (`lastName_Icontains`, `name_Icontains`, the `str`/`search` pickers), and
    `field__istartswith` as well; needs the pg_trgm extension (skipped with a warning without it)."""

    name_suffix = "upper_trgm"
    method = "gin"
    operator_class = "gin_trgm_ops"
    needs_trigram = True
    searches = "icontains"


def _index_names(connection) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        return {name for (name,) in cursor.fetchall()}


def create_search_indexes(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Run the search index operations of the applied migrations again, on the current models, and return
    the names of the indexes that were missing and now exist: for a database whose migrations ran before
    pg_trgm could be installed. Existing indexes are left as they are; nothing happens off PostgreSQL."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    loader = MigrationLoader(connection)
    state = SimpleNamespace(apps=apps)
    _refused.clear()  # the extension may have been installed since a refusal seen by this process
    before = _index_names(connection)
    with connection.schema_editor() as schema_editor:
        for app_label, migration_name in sorted(loader.applied_migrations):
            migration = loader.disk_migrations.get((app_label, migration_name))
            for operation in migration.operations if migration else []:
                if not isinstance(operation, _PostgreSQLSearchIndex):
                    continue
                try:
                    operation.database_forwards(app_label, schema_editor, state, state)
                except (LookupError, FieldDoesNotExist):  # the model or field is gone since that migration
                    continue
    return sorted(_index_names(connection) - before)
