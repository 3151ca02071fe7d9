"""Reading one legacy table from a CSV file written by PostgreSQL (`COPY ... WITH CSV HEADER`).

PostgreSQL writes NULL as an empty unquoted field and an empty text as `""`; both must come back as they
were (openIMIS answers `""` for a phone or a confirmation number that is empty, and `null` for one that was
never set), so the file is split here rather than by the csv module, which reads both as "".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from openimis.core.legacy_import.declarations import Row


def csv_path(folder: Path, table_name: str) -> Path:
    return folder / f"{table_name}.csv"


def split_records(text: str) -> Iterator[list[str | None]]:
    """The records of a CSV text, each a list of fields: a quoted field is its text (`""` is ""), an
    empty unquoted field is None. Quoted fields may hold commas, doubled quotes and line breaks."""
    position, length = 0, len(text)
    fields: list[str | None] = []
    while position < length:
        if text[position] == '"':  # a quoted field, up to the lone closing quote
            parts, position = [], position + 1
            while True:
                closing = text.find('"', position)
                if closing < 0:
                    raise ValueError("a quoted field is not closed")
                parts.append(text[position:closing])
                position = closing + 1
                if not text.startswith('"', position):
                    break
                parts.append('"')  # a doubled quote
                position += 1
            fields.append("".join(parts))
        else:
            end = position
            while end < length and text[end] not in ",\r\n":
                end += 1
            fields.append(text[position:end] or None)
            position = end
        if position < length and text[position] == ",":
            position += 1
            if position == length:  # the file ends on an empty last field
                fields.append(None)
            continue
        yield fields
        fields = []
        position += 2 if text.startswith("\r\n", position) else 1
    if fields:
        yield fields


def read_rows(folder: Path, table_name: str) -> Iterator[Row]:
    """The rows of `<folder>/<table_name>.csv` by column name: NULL is None, an empty text is "". A
    missing file is an empty table: the exports hold one file per non-empty table."""
    path = csv_path(folder, table_name)
    if not path.exists():
        return
    records = split_records(path.read_text(encoding="utf-8"))
    header = next(records, None)
    if header is None:
        return
    for record in records:
        if record == [None]:  # a blank line
            continue
        yield dict(zip(header, record + [None] * (len(header) - len(record)), strict=False))
