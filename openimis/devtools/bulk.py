"""Fast writes of many generated rows: primary keys reserved before the rows are built (so children can
name their parents), then one COPY per table on PostgreSQL, or one `executemany` per table on SQLite.

Rows are plain tuples in the order of the columns a `BulkTable` was given; the model's other fields that
have a default get it, the rest stay NULL. Foreign keys are checked at commit (Django creates them
deferrable), so a family may name a head insuree written after it in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.db import connection, models, transaction

SUPPORTED_VENDORS = ("postgresql", "sqlite")


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


class BulkTable:
    def __init__(self, model: type[models.Model], field_names: list[str]):
        self.model = model
        self.table = model._meta.db_table
        fields = [model._meta.get_field(name) for name in field_names]
        given = {field.name for field in fields}
        self.defaulted = [field for field in model._meta.concrete_fields
                          if field.name not in given and not field.primary_key and field.has_default()]
        self.fields = [model._meta.pk, *fields, *self.defaulted]
        self.columns = ", ".join(_quoted(field.column) for field in self.fields)

    # --- primary keys ------------------------------------------------------------------------------

    def reserve_ids(self, count: int) -> range:
        """`count` new primary keys, taken from the table's sequence (PostgreSQL) or after the highest
        key ever given (SQLite, inside the caller's write transaction)."""
        if count <= 0:
            return range(0)
        if connection.vendor == "postgresql":
            return self._reserve_from_sequence(count)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({_quoted(self.model._meta.pk.column)}) FROM {_quoted(self.table)}")
            highest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [self.table])
            found = cursor.fetchone()
            start = max(highest, found[0] if found else 0) + 1
        return range(start, start + count)

    def _reserve_from_sequence(self, count: int) -> range:
        """`count` consecutive values of the key's sequence. ALTER SEQUENCE (a no-op: the same increment)
        holds back every other nextval() of that sequence until the transaction ends, so no insert
        elsewhere can draw a value between our nextval() and setval()."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)",
                           [_quoted(self.table), self.model._meta.pk.column])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT seqincrement FROM pg_sequence WHERE seqrelid = %s::regclass", [sequence])
            cursor.execute(f"ALTER SEQUENCE {sequence} INCREMENT BY {int(cursor.fetchone()[0])}")
            cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1)", [sequence, sequence, count])
            last = cursor.fetchone()[0]
        return range(last - count + 1, last + 1)

    # --- writing ----------------------------------------------------------------------------------

    def write(self, rows: Iterable[tuple]) -> int:
        """Rows of (primary key, the given fields in order), the defaults appended here; how many. On
        PostgreSQL each row is sent as soon as it is made: the server stores a row while the next is
        built."""
        if self.defaulted:
            rows = (row + tuple(field.get_default() for field in self.defaulted) for row in rows)
        counted = _Counted(rows)
        if connection.vendor == "postgresql":
            self._copy(counted)
        else:
            self._insert(counted)
        return counted.count

    def _copy(self, rows: Iterable[tuple]) -> None:
        with connection.cursor() as cursor:
            statement = f"COPY {_quoted(self.table)} ({self.columns}) FROM STDIN"
            with cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)

    def _insert(self, rows: Iterable[tuple]) -> None:
        moments = [position for position, field in enumerate(self.fields)
                   if isinstance(field, models.DateTimeField)]
        if moments:  # SQLite keeps naive UTC text, as Django writes it
            rows = (_naive_moments(row, moments) for row in rows)
        marks = ", ".join(["%s"] * len(self.fields))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {_quoted(self.table)} ({self.columns}) VALUES ({marks})", rows)


class _Counted:
    def __init__(self, rows: Iterable[tuple]):
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[tuple]:
        for row in self.rows:
            self.count += 1
            yield row


def _naive_moments(row: tuple, positions: list[int]) -> tuple:
    values = list(row)
    for position in positions:
        moment = values[position]
        if isinstance(moment, datetime.datetime) and moment.tzinfo is not None:
            values[position] = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return tuple(values)


def taken_values(model: type[models.Model], field_name: str, values: list[str]) -> set[str]:
    """Which of `values` some row of `model` (current or history) already holds in `field_name`."""
    column = _quoted(model._meta.get_field(field_name).column)
    table = _quoted(model._meta.db_table)
    found: set[str] = set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} = ANY(%s)", [values])
            found.update(row[0] for row in cursor.fetchall())
            return found
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IN ({marks})", chunk)
            found.update(row[0] for row in cursor.fetchall())
    return found


def analyze(model_classes: list[type[models.Model]]) -> None:
    """Fresh planner statistics for the tables just filled (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in model_classes:
            cursor.execute(f"ANALYZE {_quoted(model._meta.db_table)}")


def start_batch(skip_reference_triggers: bool) -> bool:
    """Settings of one batch transaction on PostgreSQL (SET LOCAL: they end with it). Its commit does not
    wait for the disk (a crash loses the last batches, it corrupts nothing). When the user is allowed to
    (a superuser), the foreign-key triggers do not fire, as with `pg_restore --disable-triggers`: every
    reference a batch writes names a row read before the first batch or written by the same batch.
    True when the database checks the references itself."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        if skip_reference_triggers and _is_superuser(cursor):
            cursor.execute("SET LOCAL session_replication_role = replica")
            return False
    return True


def _is_superuser(cursor) -> bool:
    cursor.execute("SELECT current_setting('is_superuser')")
    return cursor.fetchone()[0] == "on"

