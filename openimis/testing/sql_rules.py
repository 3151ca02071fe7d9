"""Rules every statement a GraphQL read sends must follow, checked on every query the tests send."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

# more joins make PostgreSQL's planning time grow fast (a forty-join statement took half a second)
MAX_JOINS = 6
JOIN = re.compile(r"\bJOIN\b", re.IGNORECASE)


def joins(sql: str) -> int:
    return len(JOIN.findall(sql))


def is_read(query: str) -> bool:
    return not query.lstrip().startswith("mutation")


class StatementsWithinJoinLimit(CaptureQueriesContext):
    """Captures the statements of one GraphQL read and refuses any with more than MAX_JOINS joins."""

    def __init__(self):
        super().__init__(connection)

    def __exit__(self, exc_type, exc_value, traceback):
        super().__exit__(exc_type, exc_value, traceback)
        if exc_type is not None:
            return
        too_many = [entry["sql"] for entry in self.captured_queries
                    if entry["sql"].lstrip().upper().startswith("SELECT") and joins(entry["sql"]) > MAX_JOINS]
        assert not too_many, f"statements with more than {MAX_JOINS} joins:\n" + "\n".join(too_many)
