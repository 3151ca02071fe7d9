"""The database's own time for the SQL an operation sends: the floor under its latency.

The server runs with DB_QUERIES_LOG_FILE, where Django's debug cursor writes every statement as
`<asctime> DEBUG django.db.backends: (<seconds>) <sql>; args=<params>; alias=<alias>` (openimis/settings.py,
openimis/core/apps.py). The statements of one request of an operation are read back from that file; on
PostgreSQL each read statement (SELECT/WITH) runs again under `EXPLAIN (ANALYZE, FORMAT JSON)` in one psql
session, best of three, for its Planning Time and Execution Time. Django logs PostgreSQL statements with
their parameters bound (psycopg's client-side binding), so they run as logged. On SQLite, which has no
planner timings, each read statement is run again on the database file through Python's sqlite3 module
(read-only, rows fetched, best of three): its execution time; the file's own figure is the logged duration.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import postgres
from server import BenchError

RECORD_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \w+ ([\w.]+): ", re.MULTILINE)
TIMED = re.compile(r"^\((\d+(?:\.\d+)?)\) (.*)$", re.DOTALL)
JOIN = re.compile(r"\bJOIN\b", re.IGNORECASE)
READ = re.compile(r"^\s*(SELECT|WITH)\b", re.IGNORECASE)
SEPARATOR = "@@bench-statement@@"
REPEAT = 3


@dataclass
class Statement:
    logged_ms: float
    sql: str

    @property
    def joins(self) -> int:
        return len(JOIN.findall(self.sql))

    @property
    def is_read(self) -> bool:
        return bool(READ.match(self.sql))


class QueryLog:
    """The DB_QUERIES_LOG_FILE of a server: the statements written after a mark."""

    def __init__(self, path: Path):
        self.path = path

    def mark(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0

    def statements_since(self, offset: int) -> list[Statement]:
        with open(self.path, "rb") as file:
            file.seek(offset)
            text = file.read().decode(errors="replace")
        starts = list(RECORD_START.finditer(text))
        found = []
        for index, start in enumerate(starts):
            if start.group(1) != "django.db.backends":
                continue
            end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
            message = text[start.end():end].rstrip("\n")
            timed = TIMED.match(message)
            if not timed:
                continue
            sql = timed.group(2).rpartition("; alias=")[0].rpartition("; args=")[0]
            found.append(Statement(float(timed.group(1)) * 1000, sql.strip()))
        return found


def explain(database: str, statements: list[Statement]) -> list[tuple[float, float] | None]:
    """(planning ms, execution ms) of each read statement, the best of REPEAT runs; None for writes.

    One psql session with one `-c` per run: the server does not interpret `-c` text (no variables, no
    backslash commands), and the session's catalog caches are warm after the first run, like the
    long-lived connections of the server."""
    reads = [index for index, statement in enumerate(statements) if statement.is_read]
    results: list[tuple[float, float] | None] = [None] * len(statements)
    if not reads:
        return results
    arguments = []
    for index in reads:
        for _ in range(REPEAT):
            arguments += ["-c", f"\\echo {SEPARATOR}",
                          "-c", f"EXPLAIN (ANALYZE, FORMAT JSON) {statements[index].sql.rstrip(';')}"]
    where = postgres.connection()
    psql = shutil.which("psql")
    if not psql:
        raise BenchError("psql is not installed: apt-get install postgresql-client")
    command = [psql, "-h", where["host"], "-p", where["port"], "-U", where["user"], "-d", database,
               "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", *arguments]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise BenchError(f"EXPLAIN failed: {result.stderr.strip()[:500]}")
    plans = [json.loads(chunk)[0] for chunk in result.stdout.split(SEPARATOR)[1:]]
    if len(plans) != len(reads) * REPEAT:
        raise BenchError(f"EXPLAIN gave {len(plans)} plans for {len(reads) * REPEAT} statements")
    for position, index in enumerate(reads):
        runs = [(plan["Planning Time"], plan["Execution Time"])
                for plan in plans[position * REPEAT:(position + 1) * REPEAT]]
        results[index] = min(runs, key=sum)
    return results


def time_sqlite(path: Path, statements: list[Statement]) -> list[tuple[float, float] | None]:
    """(0, execution ms) of each read statement on the SQLite file, the best of REPEAT runs with the rows
    fetched; None for writes and for statements that need Django's SQL functions."""
    results: list[tuple[float, float] | None] = [None] * len(statements)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for index, statement in enumerate(statements):
            if not statement.is_read:
                continue
            runs = []
            try:
                for _ in range(REPEAT):
                    started = time.perf_counter()
                    connection.execute(statement.sql).fetchall()
                    runs.append((time.perf_counter() - started) * 1000)
            except sqlite3.Error:
                continue
            results[index] = (0.0, min(runs))
    finally:
        connection.close()
    return results


def summarize(statements: list[Statement], explained: list[tuple[float, float] | None] | None,
              planner: bool = True) -> dict:
    """The figures of one operation's statements; planning/execution only where they were measured
    (`planner`: the database reported planning times, PostgreSQL's EXPLAIN ANALYZE)."""
    biggest = max(statements, key=lambda statement: statement.joins, default=None)
    summary = {
        "statements": len(statements),
        "reads": sum(statement.is_read for statement in statements),
        "max_joins": biggest.joins if biggest else 0,
        "logged_ms": round(sum(statement.logged_ms for statement in statements), 3),
        "planning_ms": None,
        "execution_ms": None,
        "sql": [{"logged_ms": statement.logged_ms, "joins": statement.joins, "sql": statement.sql[:2000]}
                for statement in statements],
    }
    if explained is not None:
        measured = [each for each in explained if each is not None]
        summary["measured"] = len(measured)
        summary["planning_ms"] = round(sum(planning for planning, _ in measured), 3) if planner else None
        summary["execution_ms"] = round(sum(execution for _, execution in measured), 3)
        for entry, each in zip(summary["sql"], explained, strict=True):
            if each is not None:
                entry["execution_ms"] = each[1]
                if planner:
                    entry["planning_ms"] = each[0]
    return summary
