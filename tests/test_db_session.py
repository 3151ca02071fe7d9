"""Every PostgreSQL session plans the lists' joins in their written order, in groups of three."""

from __future__ import annotations

import pytest
from django.db import connection

from openimis.core.db_session import JOIN_COLLAPSE_LIMIT


@pytest.mark.django_db
def test_postgresql_sessions_limit_join_reordering():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        assert cursor.fetchone()[0] == str(JOIN_COLLAPSE_LIMIT)
