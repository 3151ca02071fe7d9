"""Settings of each new PostgreSQL session.

`join_collapse_limit = 3`: the lists join a filtered table to the rows it points to (at most six joins,
see `openimis.graphql.loading`), in an order that is already the right one. With PostgreSQL's default
of 8 the planner weighs every order of those joins: 4 to 8 ms of planning for a statement that runs in
under 1 ms. Three keeps the planner free to reorder small groups of joins (a selective filter through a
relation) at a fraction of the cost. A site can set its own value in `DB_OPTIONS`
(`{"options": "-c join_collapse_limit=8"}`); this one is then left out.
"""

from __future__ import annotations

from django.db.backends.signals import connection_created

JOIN_COLLAPSE_LIMIT = 3


def configure_session(sender, connection, **kwargs) -> None:
    if connection.vendor != "postgresql":
        return
    if "join_collapse_limit" in str(connection.settings_dict.get("OPTIONS", {}).get("options", "")):
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET join_collapse_limit = {JOIN_COLLAPSE_LIMIT}")


connection_created.connect(configure_session, dispatch_uid="openimis.core.db_session")
