"""Reading one legacy table from a CSV file written by PostgreSQL (`COPY ... WITH CSV HEADER`)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from openimis.core.legacy_import.declarations import Row


def csv_path(folder: Path, table_name: str) -> Path:
    return folder / f"{table_name}.csv"


def read_rows(folder: Path, table_name: str) -> Iterator[Row]:
    """The rows of `<folder>/<table_name>.csv`; an empty field is NULL (None). A missing file is an
    empty table: the exports hold one file per non-empty table."""
    path = csv_path(folder, table_name)
    if not path.exists():
        return
    with path.open(newline="", encoding="utf-8") as file:
        for line in csv.DictReader(file):
            yield {column: (text if text != "" else None) for column, text in line.items()}
