"""The query-count harness fails when a count is above, below or missing from its baseline, and when the
statements grow with the rows; UPDATE_QUERY_COUNTS=1 records the counts instead."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from openimis.testing.query_counts import LARGE, UPDATE_VARIABLE, Baselines, check_list


class FakeClient:
    """Answers any query with its rows after sending `fixed` statements (and one per row if `per_row`)."""

    def __init__(self, fixed: int, per_row: bool = False):
        self.fixed, self.per_row, self.rows = fixed, per_row, 0

    def add_rows(self, count: int) -> None:
        self.rows += count

    def __call__(self, query: str, variables: dict | None = None) -> dict:
        with connection.cursor() as cursor:
            for _ in range(self.fixed + (self.rows if self.per_row else 0)):
                cursor.execute("SELECT 1")
        return {"data": {"things": {"edges": list(range(self.rows))}}}


def check(baselines: Baselines, client: FakeClient) -> None:
    check_list(baselines, "things", client, "{ things }", client.add_rows, ("things", "edges"))


@pytest.fixture
def baselines(tmp_path, monkeypatch, db):
    monkeypatch.delenv(UPDATE_VARIABLE, raising=False)
    path = tmp_path / "query_counts.json"
    path.write_text(json.dumps({"things": 3}), encoding="utf-8")
    return Baselines(path)


def test_a_count_equal_to_its_baseline_passes(baselines):
    check(baselines, FakeClient(3))


def test_a_count_above_its_baseline_fails_naming_the_statements(baselines):
    with pytest.raises(AssertionError, match=r"things: 4 SQL statements, baseline 3:\nSELECT 1"):
        check(baselines, FakeClient(4))


def test_a_count_below_its_baseline_fails(baselines):
    with pytest.raises(AssertionError, match="fewer than the baseline 3"):
        check(baselines, FakeClient(2))


def test_a_missing_count_fails(baselines):
    baselines.path.write_text("{}", encoding="utf-8")
    with pytest.raises(AssertionError, match="things: no baseline in .* \\(measured 3\\)"):
        check(baselines, FakeClient(3))


def test_a_missing_file_fails(baselines):
    baselines.path.unlink()
    with pytest.raises(AssertionError, match="no baseline"):
        check(baselines, FakeClient(3))


def test_a_statement_per_row_fails_even_when_updating(baselines, monkeypatch):
    monkeypatch.setenv(UPDATE_VARIABLE, "1")
    with pytest.raises(AssertionError, match=f"statements for 3 rows, {3 + LARGE} for {LARGE}"):
        check(baselines, FakeClient(3, per_row=True))
    assert json.loads(baselines.path.read_text(encoding="utf-8")) == {"things": 3}


def test_updating_records_the_measured_count(baselines, monkeypatch):
    monkeypatch.setenv(UPDATE_VARIABLE, "1")
    check(baselines, FakeClient(5))
    assert json.loads(baselines.path.read_text(encoding="utf-8")) == {"things": 5}
