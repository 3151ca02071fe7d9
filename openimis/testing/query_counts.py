"""The query-count harness: a list query costs the same number of SQL statements over a few rows and over
many (no statement per row), and no more than its committed baseline.

Each module keeps its baselines in `tests/query_counts.json` beside its tests: {case name: statements}.
The counts include the fixed cost of a request (the caller's token, user, rights, districts). A case
above its baseline fails, naming every statement; below it, it fails too, so that the file stays what
the code does. `UPDATE_QUERY_COUNTS=1 pytest ...` writes the measured counts into the files instead.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

SMALL, LARGE = 3, 12
UPDATE_VARIABLE = "UPDATE_QUERY_COUNTS"


@dataclass(frozen=True)
class Measured:
    statements: int
    rows: int
    sql: list[str]


def rows_at(data, path: Sequence[str]) -> list:
    for key in path:
        data = data[key]
    return data


def measure(client, query: str, path: Sequence[str], variables: dict | None = None) -> Measured:
    """The statements one GraphQL request sends, and the rows found at `path` of its answer."""
    with CaptureQueriesContext(connection) as captured:
        result = client(query, variables)
    assert "errors" not in result, result["errors"]
    return Measured(len(captured), len(rows_at(result["data"], path)),
                    [entry["sql"] for entry in captured])


class Baselines:
    """The committed counts of one module (`<module>/tests/query_counts.json`)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def _read(self) -> dict[str, int]:
        return json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}

    def check(self, name: str, measured: Measured) -> None:
        counts = self._read()
        if os.environ.get(UPDATE_VARIABLE):
            counts[name] = measured.statements
            self.path.write_text(json.dumps(dict(sorted(counts.items())), indent=2) + "\n", encoding="utf-8")
            return
        statements = "\n".join(measured.sql)
        assert name in counts, f"{name}: no baseline in {self.path} (measured {measured.statements}); " \
                               f"run with {UPDATE_VARIABLE}=1 to record it"
        assert measured.statements <= counts[name], (
            f"{name}: {measured.statements} SQL statements, baseline {counts[name]}:\n{statements}")
        assert measured.statements == counts[name], (
            f"{name}: {measured.statements} SQL statements, fewer than the baseline {counts[name]}: "
            f"lower it in {self.path} (or run with {UPDATE_VARIABLE}=1)")


def check_list(baselines: Baselines, name: str, client, query: str, add_rows: Callable[[int], object],
               path: Sequence[str], variables: dict | None = None, more: int | None = None) -> None:
    """Add SMALL rows, measure; add LARGE - SMALL more, measure again: the same statements both times,
    at least `more` (default LARGE - SMALL) more rows the second time, and the module's baseline."""
    add_rows(SMALL)
    small = measure(client, query, path, variables)
    add_rows(LARGE - SMALL)
    large = measure(client, query, path, variables)
    assert large.rows >= small.rows + (LARGE - SMALL if more is None else more), (small.rows, large.rows)
    assert small.statements == large.statements, (
        f"{name}: {small.statements} SQL statements for {small.rows} rows, {large.statements} for "
        f"{large.rows}:\n" + "\n".join(large.sql))
    baselines.check(name, large)
