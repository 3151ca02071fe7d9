"""Indexes of the list searches and orders: the partial indexes the models declare (every database) and
the PostgreSQL-only search indexes of `openimis.core.db_indexes`.

On PostgreSQL the search indexes must be built on the very expression Django sends for the API's text
filters (`UPPER(col::text) LIKE UPPER(...)`) and the planner must pick them; the test tables are small,
so sequential scans are switched off where the plan is checked (the index must be usable, which is what
the expression and operator class decide). Run on PostgreSQL with
`DB_ENGINE=postgresql DB_HOST=127.0.0.1 DB_USER=postgres DB_NAME=oi_idx_test pytest <this file>`."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from openimis.core import db_indexes
from openimis.core.db_indexes import AddPrefixSearchIndex, AddSubstringSearchIndex, create_search_indexes
from openimis.insuree import selectors as insuree_selectors
from openimis.insuree.models import Insuree

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL-only indexes (expressions, operator classes, pg_trgm); run with DB_ENGINE=postgresql")

# table -> the partial btree indexes of its default list order (models' Meta, every database)
LIST_ORDER_INDEXES = {
    "insuree_family": ["family_current_newest"],
    "insuree_insuree": ["insuree_current_chf_id"],
    "policy_policy": ["policy_current_newest"],
    "contribution_premium": ["premium_current_newest", "premium_current_receipt"],
    "claim_claim": ["claim_current_newest", "claim_current_status_newest"],
}
# table -> columns searched with istartswith / icontains (PostgreSQL only)
PREFIX_SEARCHES = {
    "insuree_insuree": ["chf_id"],
    "insuree_family": ["confirmation_no"],
}
SUBSTRING_SEARCHES = {
    "core_user": ["username"],
    "core_interactiveuser": ["last_name", "other_names"],
    "core_officer": ["code", "last_name", "other_names"],
    "location_location": ["code", "name"],
    "location_healthfacility": ["code", "name"],
    "medical_item": ["code", "name"],
    "medical_service": ["code", "name"],
    "medical_diagnosis": ["code", "name"],
    "medical_pricelist_servicespricelist": ["name"],
    "medical_pricelist_itemspricelist": ["name"],
    "product_product": ["code", "name"],
    "insuree_insuree": ["last_name", "other_names", "phone"],
    "contribution_premium": ["receipt"],
    "payer_payer": ["name"],
}


def _index_definitions() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()")
        return dict(cursor.fetchall())


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _plan_of(queryset) -> str:
    return _plan(*queryset.query.sql_with_params())


def _plan_of_count(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    return _plan(f"SELECT count(*) FROM ({sql}) counted", params)


def _insurees_and_families(count: int = 8000):
    """`count` current insurees (one in a thousand named Johansson; insurance numbers are the digits of
    their rank reversed, so a prefix picks rows spread over the table) and one family per four; a few
    thousand rows at least, or the planner rightly prefers any other path on a table of three pages."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO insuree_insuree (validity_from, uuid, chf_id, last_name, other_names, head,"
            " card_issued, status, audit_user_id)"
            " SELECT now() - make_interval(mins => %s - n), gen_random_uuid()::text,"
            " reverse(lpad(n::text, 9, '0')), CASE WHEN n %% 1000 = 7 THEN 'Johansson' ELSE 'Name' || n END,"
            " 'Other' || n %% 97, n %% 4 = 0, false, 'AC', 0 FROM generate_series(1, %s) AS n",
            [count, count])
        cursor.execute(
            "INSERT INTO insuree_family (validity_from, uuid, head_insuree_id, is_offline, audit_user_id)"
            " SELECT validity_from, gen_random_uuid()::text, id, false, 0 FROM insuree_insuree WHERE head")
        # new GIN entries wait in the index's pending list until a (auto)vacuum merges them, and the planner
        # prices that list as expensive to read: merge it as a settled table would have it
        cursor.execute("SELECT gin_clean_pending_list(indexrelid::regclass) FROM pg_index"
                       " JOIN pg_class ON pg_class.oid = indexrelid JOIN pg_am ON pg_am.oid = relam"
                       " WHERE indrelid = 'insuree_insuree'::regclass AND amname = 'gin'")
        cursor.execute("ANALYZE insuree_insuree")
        cursor.execute("ANALYZE insuree_family")


def test_list_order_indexes_exist_after_migrations():
    with connection.cursor() as cursor:
        for table, names in LIST_ORDER_INDEXES.items():
            constraints = connection.introspection.get_constraints(cursor, table)
            for name in names:
                assert name in constraints and constraints[name]["index"], (table, name)


def test_search_index_operations_do_nothing_on_other_databases():
    executed = []
    state = SimpleNamespace(apps=apps)
    operations = [AddPrefixSearchIndex("insuree", "chf_id"), AddSubstringSearchIndex("insuree", "phone")]
    for vendor in ("sqlite", "microsoft", "mysql"):
        editor = SimpleNamespace(connection=SimpleNamespace(vendor=vendor, alias="default"),
                                 collect_sql=False, execute=executed.append,
                                 quote_name=lambda name: f'"{name}"')
        for operation in operations:
            operation.database_forwards("insuree", editor, state, state)
            operation.database_backwards("insuree", editor, state, state)
    assert executed == []


def test_index_names_are_checked_against_the_postgresql_limit():
    operation = AddSubstringSearchIndex("insuree", "last_name")
    assert operation.index_name("insuree_insuree", "last_name") == "insuree_insuree_last_name_upper_trgm"
    with pytest.raises(ValueError, match="longer than 63"):
        operation.index_name("t" * 50, "last_name")


@on_postgresql
def test_search_indexes_are_built_on_the_expressions_django_sends():
    # what Django writes for the API's filters: the index expressions below must be these
    filtered = str(Insuree.objects.filter(chf_id__istartswith="12", last_name__icontains="son").query)
    assert 'UPPER("insuree_insuree"."chf_id"::text) LIKE UPPER(' in filtered
    assert 'UPPER("insuree_insuree"."last_name"::text) LIKE UPPER(' in filtered
    definitions = _index_definitions()
    for table, columns in PREFIX_SEARCHES.items():
        for column in columns:
            definition = definitions.get(f"{table}_{column}_upper_prefix", "")
            assert f"{table} USING btree (upper(({column})::text) text_pattern_ops)" in definition
    for table, columns in SUBSTRING_SEARCHES.items():
        for column in columns:
            definition = definitions.get(f"{table}_{column}_upper_trgm", "")
            assert f"{table} USING gin (upper(({column})::text) gin_trgm_ops)" in definition
    assert "WHERE (validity_to IS NULL)" in definitions["family_current_newest"]
    assert "(validity_from DESC, id DESC)" in definitions["family_current_newest"]
    assert "(chf_id, validity_from DESC, id DESC)" in definitions["insuree_current_chf_id"]
    assert "(receipt varchar_pattern_ops)" in definitions["premium_current_receipt"]


@on_postgresql
def test_planner_uses_the_prefix_index_for_chf_id_istartswith():
    _insurees_and_families()
    found = insuree_selectors.insurees(None).filter(chf_id__istartswith="321")  # ranks ending in 123
    page = found.order_by("chf_id", "-validity_from", "-id")[:10]
    assert "insuree_insuree_chf_id_upper_prefix" in _plan_of(page)
    assert "insuree_insuree_chf_id_upper_prefix" in _plan_of_count(found)
    assert found.count() == 8 and len(page) == 8


@on_postgresql
def test_planner_uses_the_trigram_index_for_last_name_icontains():
    _insurees_and_families()
    found = insuree_selectors.insurees(None).filter(last_name__icontains="hanss")
    plan = _plan_of_count(found)
    assert "Bitmap Index Scan on insuree_insuree_last_name_upper_trgm" in plan, plan
    assert found.count() == 8


@on_postgresql
def test_planner_reads_the_newest_families_from_the_partial_index_without_sorting():
    _insurees_and_families()
    page = insuree_selectors.families(None).order_by("-validity_from", "-id")[:10]
    plan = _plan_of(page)
    assert "family_current_newest" in plan and "Sort" not in plan, plan
    newest = list(page)
    assert [family.validity_from for family in newest] == sorted(
        (family.validity_from for family in newest), reverse=True)


@on_postgresql
def test_reverse_operation_drops_the_index_and_forward_creates_it_again():
    operation = AddPrefixSearchIndex("insuree", "chf_id")
    state = SimpleNamespace(apps=apps)
    with connection.schema_editor() as editor:  # inside the test's transaction: rolled back afterwards
        operation.database_backwards("insuree", editor, state, state)
        assert "insuree_insuree_chf_id_upper_prefix" not in _index_definitions()
        operation.database_forwards("insuree", editor, state, state)
        operation.database_forwards("insuree", editor, state, state)  # IF NOT EXISTS: applying twice is fine
    assert "insuree_insuree_chf_id_upper_prefix" in _index_definitions()


@on_postgresql
def test_substring_indexes_are_skipped_with_a_warning_without_the_trigram_extension(monkeypatch, caplog):
    # an extension that cannot be created stands for pg_trgm refused to a user without the right
    monkeypatch.setattr(db_indexes, "TRIGRAM_EXTENSION", "pg_trgm_not_available")
    operation = AddSubstringSearchIndex("insuree", "phone")
    state = SimpleNamespace(apps=apps)
    with connection.schema_editor() as editor, caplog.at_level(logging.WARNING, logger="openimis.migrations"):
        operation.database_backwards("insuree", editor, state, state)
        operation.database_forwards("insuree", editor, state, state)
    assert "insuree_insuree_phone_upper_trgm" not in _index_definitions()
    assert "pg_trgm_not_available is not installed and could not be created" in caplog.text
    assert Insuree.objects.filter(phone__icontains="255").count() == 0  # the transaction goes on


@on_postgresql
def test_search_indexes_missing_after_migrations_are_created_on_request():
    with connection.cursor() as cursor:  # as if pg_trgm had been refused when the migration ran
        cursor.execute('DROP INDEX "insuree_insuree_last_name_upper_trgm"')
        cursor.execute('DROP INDEX "medical_diagnosis_name_upper_trgm"')
    created = create_search_indexes()
    assert created == ["insuree_insuree_last_name_upper_trgm", "medical_diagnosis_name_upper_trgm"]
    assert create_search_indexes() == []


def test_creating_missing_search_indexes_does_nothing_on_other_databases():
    if connection.vendor == "postgresql":
        pytest.skip("the PostgreSQL side is tested above")
    assert create_search_indexes() == []
