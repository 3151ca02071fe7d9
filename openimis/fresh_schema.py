"""A new SQLite database made in one transaction from a recording of its migrations.

Running the migrations of a new database one by one costs about 2 s of CPU on SQLite, nearly all of it
in Django re-rendering the historical models after each operation (a new model related to the user
model re-renders every model related to it), not in SQL. `fresh_schema.sqlite.json` records what those
migrations leave in a new SQLite database: the SQL of its tables and indexes, the rows they and their
`post_migrate` handlers write (content types, permissions, seeded code lists), the AUTOINCREMENT
counters and the migrations applied, with a key over everything that decides that result: the format,
Django's version, the user model, the installed apps in order and the bytes of every migration file.

`openimis serve` creates a new SQLite database from it when the database has no table at all and the key
is the key of the running installation (about 25 ms); any other case (another database engine, other
modules, a migration added or changed since the recording, a database holding anything) runs `migrate`
as before. `openimis manage record_fresh_schema` records it again (a test fails while it is stale, and a
test checks that it gives the database `migrate` gives).
"""

from __future__ import annotations

import hashlib
import json
import pkgutil
import sqlite3
from importlib import import_module
from pathlib import Path

RECORDING = Path(__file__).with_name("fresh_schema.sqlite.json")
FORMAT = 1
MIGRATIONS_TABLE = "django_migrations"


def migration_sources() -> list[tuple[str, list[tuple[str, bytes]]]] | None:
    """(app label, [(migration name, source bytes), ...]) of every installed app in order; None when a
    migration has no source file to read (then there is no key and `migrate` runs)."""
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    found = []
    for app_config in apps.get_app_configs():
        module_name, _explicit = MigrationLoader.migrations_module(app_config.label)
        sources: list[tuple[str, bytes]] = []
        module = None
        if module_name is not None:
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as error:
                if not (error.name and "migrations" in error.name.split(".")):
                    return None
        for finder, name, is_package in pkgutil.iter_modules(getattr(module, "__path__", None) or []):
            if is_package or name[0] in "_~":
                continue
            source = Path(getattr(finder, "path", "")) / f"{name}.py"
            if not source.is_file():
                return None
            sources.append((name, source.read_bytes().replace(b"\r\n", b"\n")))
        found.append((app_config.label, sorted(sources)))
    return found


def current_key() -> str | None:
    import django
    from django.conf import settings

    sources = migration_sources()
    if sources is None:
        return None
    digest = hashlib.sha256(f"format {FORMAT}\ndjango {django.__version__}\n"
                            f"user model {settings.AUTH_USER_MODEL}\n".encode())
    for label, migrations in sources:
        digest.update(f"app {label}\n".encode())
        for name, source in migrations:
            digest.update(f"migration {name} {len(source)}\n".encode())
            digest.update(source)
    return digest.hexdigest()


def record(database_file: Path, key: str) -> dict:
    """The recording of a SQLite database that `migrate` has just created (and nothing else wrote to)."""
    connection = sqlite3.connect(database_file)
    try:
        objects = connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid").fetchall()
        rows = []
        for kind, table, _sql in objects:
            if kind != "table" or table == MIGRATIONS_TABLE:
                continue
            columns = [column[1] for column in connection.execute(f'PRAGMA table_info("{table}")')]
            values = connection.execute(
                f'SELECT {", ".join(f"{chr(34)}{column}{chr(34)}" for column in columns)} FROM "{table}" '
                "ORDER BY rowid").fetchall()
            if any(isinstance(value, bytes) for row in values for value in row):
                raise ValueError(f"{table}: binary values cannot be recorded")
            if values:
                rows.append({"table": table, "columns": columns, "rows": [list(row) for row in values]})
        sequences = []
        if connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
            sequences = connection.execute("SELECT name, seq FROM sqlite_sequence ORDER BY rowid").fetchall()
        migrations = connection.execute(f"SELECT id, app, name FROM {MIGRATIONS_TABLE} ORDER BY id")
        migrations = migrations.fetchall()
    finally:
        connection.close()
    return {"format": FORMAT, "key": key, "sqlite_version": sqlite3.sqlite_version,
            "schema": [sql for _kind, _name, sql in objects], "rows": rows,
            "sequences": [list(each) for each in sequences],
            "migrations": [list(each) for each in migrations]}


def dumps(recording: dict) -> str:
    """The recording as JSON with one statement, row, counter or migration a line, for readable diffs."""
    def items(values, indent: str) -> str:
        return ",\n".join(indent + json.dumps(value, ensure_ascii=False) for value in values)

    tables = ",\n".join(
        f'  {{"table": {json.dumps(table["table"])}, "columns": {json.dumps(table["columns"])}, "rows": [\n'
        f'{items(table["rows"], "   ")}]}}' for table in recording["rows"])
    return (f'{{"format": {recording["format"]}, "key": {json.dumps(recording["key"])}, '
            f'"sqlite_version": {json.dumps(recording["sqlite_version"])},\n'
            f' "schema": [\n{items(recording["schema"], "  ")}],\n'
            f' "rows": [\n{tables}],\n'
            f' "sequences": [\n{items(recording["sequences"], "  ")}],\n'
            f' "migrations": [\n{items(recording["migrations"], "  ")}]}}\n')


def _recording() -> dict | None:
    try:
        recording = json.loads(RECORDING.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return recording if isinstance(recording, dict) and recording.get("format") == FORMAT else None


def _cache_tables() -> set[str]:
    from django.conf import settings

    return {cache.get("LOCATION") for cache in settings.CACHES.values()
            if cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"}


def create_from_recording(connection) -> bool:
    """Create the database from the recording when it is an empty SQLite database and the recording's key
    is the installation's; True when it did (the migrations are then recorded as applied now)."""
    if connection.vendor != "sqlite":
        return False
    recording = _recording()
    if recording is None or recording.get("key") != current_key():
        return False
    from django.db import transaction
    from django.utils import timezone

    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if set(connection.introspection.table_names(cursor)) - _cache_tables():
            return False  # not empty (the table of a database cache, made first, does not count)
        for statement in recording["schema"]:
            cursor.execute(statement)
        for table in recording["rows"]:
            columns = ", ".join(f'"{column}"' for column in table["columns"])
            marks = ", ".join(["%s"] * len(table["columns"]))
            cursor.executemany(f'INSERT INTO "{table["table"]}" ({columns}) VALUES ({marks})', table["rows"])
        applied = connection.ops.adapt_datetimefield_value(timezone.now())
        cursor.executemany(
            f'INSERT INTO "{MIGRATIONS_TABLE}" ("id", "app", "name", "applied") VALUES (%s, %s, %s, %s)',
            [(number, app, name, applied) for number, app, name in recording["migrations"]])
        if recording["sequences"]:  # the AUTOINCREMENT counters, as migrate left them
            cursor.execute("DELETE FROM sqlite_sequence")
            cursor.executemany("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                               recording["sequences"])
    return True
