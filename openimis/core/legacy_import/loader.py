"""Loading the declared legacy tables of every enabled module, in one transaction.

Primary keys are kept, so references between tables (foreign keys, `legacy_id` of history rows) hold.
History rows and current rows are loaded alike. Foreign keys are only checked at commit (Django creates
them deferrable on SQLite and PostgreSQL), so a row may point at a row loaded later: a location at its
parent, a history row at its current row, a health facility at a price list of a later module.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction

from openimis.core.legacy_import.convert import ConversionError, convert
from openimis.core.legacy_import.declarations import AfterLoad, Row, Table
from openimis.core.legacy_import.reader import read_rows
from openimis.modules import import_string_or_none, module_configs

BATCH_SIZE = 500


class LegacyImportError(Exception):
    """A legacy table that cannot be loaded; the message names the table, the row and the column."""


@dataclass
class TableCount:
    name: str
    model: str
    current: int = 0
    history: int = 0

    @property
    def total(self) -> int:
        return self.current + self.history


@dataclass
class LoadReport:
    tables: list[TableCount] = field(default_factory=list)
    after_load: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(table.total for table in self.tables) + sum(self.after_load.values())

    def summary(self) -> str:
        return f"{self.rows} rows from {len(self.tables)} legacy tables in {self.seconds:.2f}s"


def declared_tables() -> list[Table | AfterLoad]:
    """Every enabled module's declarations, in module order, then in each module's own order."""
    declarations: list[Table | AfterLoad] = []
    for config in module_configs():
        declared = import_string_or_none(getattr(config, "legacy_tables", None))
        declarations.extend(declared or [])
    return declarations


def _non_empty(declaration: Table | AfterLoad) -> list[type[models.Model]]:
    if isinstance(declaration, AfterLoad):
        return [model for model in declaration.writes if model._base_manager.exists()]
    if declaration.skip_existing:
        return []
    rows = declaration.model._base_manager.all()
    if declaration.replaceable is not None:
        rows = rows.exclude(declaration.replaceable)
    return [declaration.model] if rows.exists() else []


def database_is_empty(declarations: list[Table | AfterLoad] | None = None) -> bool:
    """No row in any table the loader fills (reference rows it may skip or replace aside)."""
    declarations = declared_tables() if declarations is None else declarations
    return not any(_non_empty(declaration) for declaration in declarations)


def non_empty_models(declarations: list[Table | AfterLoad]) -> list[str]:
    return sorted({model._meta.label for declaration in declarations for model in _non_empty(declaration)})


def _instance(table: Table, row: Row, fields: dict[str, models.Field]) -> models.Model:
    values = {}
    for column, field_name in table.columns.items():
        model_field = fields[field_name]
        try:
            text = row.get(column)
            raw = table.converters[column](text) if column in table.converters else text
            values[model_field.attname] = convert(model_field, raw)
        except (ConversionError, ValueError, TypeError, ArithmeticError) as error:
            raise LegacyImportError(f"{table.name}, row {row}: column {column}: {error}") from error
    for field_name, compute in table.derived.items():
        model_field = fields[field_name]
        try:
            values[model_field.attname] = convert(model_field, compute(row))
        except (ConversionError, ValueError, TypeError, ArithmeticError) as error:
            raise LegacyImportError(f"{table.name}: field {field_name}: {error}") from error
    return table.model(**values)


def _fields(table: Table) -> dict[str, models.Field]:
    fields = {model_field.name: model_field for model_field in table.model._meta.concrete_fields}
    unknown = sorted(set(table.columns.values()).union(table.derived) - set(fields))
    if unknown:
        raise LegacyImportError(f"{table.name}: {table.model.__name__} has no field {', '.join(unknown)}")
    return fields


def load_table(table: Table, folder: Path) -> TableCount:
    fields = _fields(table)
    rows = list(read_rows(folder, table.name))
    absent = sorted(set(table.columns) - set(rows[0])) if rows else []
    if absent:
        raise LegacyImportError(f"{table.name}: no column {', '.join(absent)} in the file")
    rows = [row for row in rows if table.keep is None or table.keep(row)]
    instances = [_instance(table, row, fields) for row in rows]
    if table.skip_existing:
        present = set(table.model._base_manager.values_list("pk", flat=True))
        instances = [instance for instance in instances if instance.pk not in present]
    try:
        table.model._base_manager.bulk_create(instances, batch_size=BATCH_SIZE)
    except IntegrityError as error:  # two current rows with one code: the database keeps codes unique
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise LegacyImportError(f"{table.name}: rows break a uniqueness rule of openIMIS (two current "
                                f"records with the same code or uuid?): {first_line}") from error
    count = TableCount(table.name, table.model._meta.label)
    for instance in instances:
        if getattr(instance, "validity_to", None) is None:
            count.current += 1
        else:
            count.history += 1
    return count


def reset_sequences(model_classes: list[type[models.Model]]) -> None:
    """After rows with explicit ids, the next generated id must follow them (PostgreSQL sequences;
    SQLite and its AUTOINCREMENT keep track by themselves and return no statement)."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_classes)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def check_references() -> None:
    """The deferred foreign keys, checked now to name the culprit instead of failing at commit."""
    try:
        connection.check_constraints()
    except IntegrityError as error:
        raise LegacyImportError(f"a reference does not hold: {error}") from error


def load_tables(folder: Path, declarations: list[Table | AfterLoad] | None = None) -> LoadReport:
    """Load every declared table from `folder` (one CSV per legacy table) into an empty database."""
    started = time.perf_counter()
    declarations = declared_tables() if declarations is None else declarations
    report = LoadReport()
    with transaction.atomic():
        refused = non_empty_models(declarations)
        if refused:
            raise LegacyImportError(f"the database is not empty ({', '.join(refused)} hold rows)")
        tables = [declaration for declaration in declarations if isinstance(declaration, Table)]
        for table in tables:
            if table.replaceable is not None:
                table.model._base_manager.filter(table.replaceable).delete()
        for table in tables:
            report.tables.append(load_table(table, folder))
        reset_sequences(list({table.model: None for table in tables}))
        check_references()
        for step in declarations:
            if isinstance(step, AfterLoad):
                report.after_load[step.name] = step.function()
    report.seconds = time.perf_counter() - started
    return report
