"""Kept rows (openimis.graphql.kept_rows): a list answers its locations from rows kept per process, reads
them again after any committed write to the table, and never keeps them inside a transaction. These tests
commit for real (transactional database)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from openimis.graphql import kept_rows
from openimis.location.models import Location
from openimis.location.tests.helpers import make_tree

pytestmark = pytest.mark.django_db(transaction=True)

VILLAGES = ('{ locations(type: "V", code_Istartswith: "KPT", orderBy: ["code"]) { edges { node { code '
            "parent { %s name parent { name parent { name code } } } } } } }")


def _villages(gql, extra: str = ""):
    with CaptureQueriesContext(connection) as queries:
        result = gql(VILLAGES % extra)
    assert "errors" not in result, result
    chains = [edge["node"] for edge in result["data"]["locations"]["edges"]]
    location_reads = [query["sql"] for query in queries if "location_location" in query["sql"]]
    return chains, location_reads


def _names(chains):
    return [(chain["code"], chain["parent"]["name"], chain["parent"]["parent"]["name"],
             chain["parent"]["parent"]["parent"]["name"]) for chain in chains]


def test_parents_come_from_kept_rows_after_the_first_read(admin_gql):
    make_tree("KPT", "Kept")
    chains, first_reads = _villages(admin_gql)
    assert _names(chains) == [("KPTDMV1", "Kept municipality", "Kept district", "Kept region"),
                              ("KPTDMV2", "Kept municipality", "Kept district", "Kept region")]
    chains_again, reads = _villages(admin_gql)
    assert chains_again == chains
    assert len(reads) == 1 and "JOIN" not in reads[0], reads  # the list itself, no join, no prefetch
    assert len(first_reads) > 1  # the parents were read once


def test_a_committed_rename_is_read_at_once(admin_gql):
    tree = make_tree("KPT", "Kept")
    _villages(admin_gql)
    Location.objects.filter(pk=tree["district"].pk).update(name="Renamed district")
    chains, _reads = _villages(admin_gql)
    assert {chain["parent"]["parent"]["name"] for chain in chains} == {"Renamed district"}


def test_a_selection_beyond_columns_is_loaded_as_before(admin_gql):
    make_tree("KPT", "Kept")
    chains, reads = _villages(admin_gql, "clientMutationId children { edges { node { code } } }")
    assert _names(chains)[0] == ("KPTDMV1", "Kept municipality", "Kept district", "Kept region")
    assert len(chains[0]["parent"]["children"]["edges"]) == 2
    assert any("JOIN" in sql for sql in reads) or len(reads) > 1


def test_nothing_is_kept_inside_a_transaction():
    assert kept_rows.is_kept(Location)
    with transaction.atomic():
        assert not kept_rows.is_kept(Location)
