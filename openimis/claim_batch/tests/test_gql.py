"""The batch run through GraphQL: processBatch (logs, errors, rights, progress), batchRunsSummaries and
relativeIndexes (shapes, filters, rights, row security)."""

from __future__ import annotations

import base64
import uuid
from decimal import Decimal

import pytest
from django.core.cache import cache

from openimis.claim.models import BatchRun, Claim
from openimis.claim.tests.claim_fixtures import appendix_b_world
from openimis.claim_batch import capitation, rights
from openimis.claim_batch.models import RelativeIndex
from openimis.claim_batch.tests.helpers import D, distribute, line, premium_on, processed_claim
from openimis.core import progress
from openimis.core.models import MutationLog
from openimis.core.tests.helpers import errors_of, log_of
from openimis.location.models import UserDistrict
from openimis.testing.client import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PROCESS = """mutation ($input: ProcessBatchMutationInput!) {
  processBatch(input: $input) { clientMutationId internalId } }"""
SUMMARIES = """query ($first: Int, $accountYear: Int, $accountMonth: Int, $accountType: Int,
  $accountCareType: String, $accountProduct: Int, $accountRegion: Int, $accountDistrict: Int) {
  batchRunsSummaries(first: $first, accountYear: $accountYear, accountMonth: $accountMonth,
    accountType: $accountType, accountCareType: $accountCareType, accountProduct: $accountProduct,
    accountRegion: $accountRegion, accountDistrict: $accountDistrict) {
    totalCount pageInfo { hasNextPage }
    edges { node { id runYear runMonth productLabel careType calcDate index } }
  } }"""
INDEXES = """query ($careType: String, $period: Int, $code: String) {
  relativeIndexes(careType: $careType, period: $period, product_Code: $code) {
    totalCount edges { node { id type careType year period calcDate relIndex auditUserId validityTo
      product { code } location { code } } } } }"""
LOGS = """query ($id: String) {
  mutationLogs(clientMutationId: $id) { edges { node { status error jsonExt } } } }"""


@pytest.fixture
def world():
    world = appendix_b_world()
    distribute(world, "B", "M", [50] * 12)
    premium_on(world, "363", D(2024, 3, 12), D(2024, 3, 12), D(2025, 3, 9))
    processed_claim(world, D(2024, 4, 10), [line("service", "R", "2", "10")])  # April: index 15/20 = 0.75
    processed_claim(world, D(2024, 5, 10), [line("service", "R", "3", "10")])  # May: 31 days: 15.5/30
    return world


def send(gql, values: dict) -> str:
    client_mutation_id = str(uuid.uuid4())
    result = gql(PROCESS, {"input": {**values, "clientMutationId": client_mutation_id,
                                     "clientMutationLabel": "Batch Process"}})
    assert "errors" not in result, result
    assert result["data"]["processBatch"]["clientMutationId"] == client_mutation_id
    return client_mutation_id


def test_process_batch_succeeds_and_keeps_its_last_progress(admin_gql, world):
    mutation_id = send(admin_gql, {"year": 2024, "month": 4})
    log = log_of(mutation_id)
    assert log.status == MutationLog.SUCCESS, log.error
    assert log.json_ext["progress"] == {"step": "done", "done": 1, "total": 1}
    run = BatchRun.objects.get()
    assert (run.location_id, run.run_year, run.run_month) == (None, 2024, 4)
    assert RelativeIndex.objects.get().rel_index == Decimal("0.7500")
    result = admin_gql(LOGS, {"id": mutation_id})
    node = result["data"]["mutationLogs"]["edges"][0]["node"]
    assert node["status"] == 2 and '"done"' in node["jsonExt"]


def test_a_region_run_through_graphql(admin_gql, world):
    region = world.district.parent
    mutation_id = send(admin_gql, {"year": 2024, "month": 4, "locationId": region.pk})
    assert log_of(mutation_id).status == MutationLog.SUCCESS
    assert BatchRun.objects.get().location_id == region.pk


def test_a_failed_run_logs_its_error_and_writes_nothing(admin_gql, world):
    send(admin_gql, {"year": 2024, "month": 4})
    before = (BatchRun.objects.count(), RelativeIndex.objects.count(), Claim.objects.count())
    mutation_id = send(admin_gql, {"year": 2024, "month": 4})
    assert [error["message"] for error in errors_of(mutation_id)] == ["Already run before"]
    mutation_id = send(admin_gql, {"year": 2024, "month": 14})
    assert [error["message"] for error in errors_of(mutation_id)] == ["The month must be between 1 and 12"]
    assert (BatchRun.objects.count(), RelativeIndex.objects.count(), Claim.objects.count()) == before


def test_an_unexpected_fault_is_logged_and_rolled_back(admin_gql, world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(capitation, "pay_capitation", broken)
    mutation_id = send(admin_gql, {"year": 2024, "month": 4})
    [error] = errors_of(mutation_id)
    assert error["detail"] == "disk full"
    assert not BatchRun.objects.exists() and not RelativeIndex.objects.exists()
    assert not Claim.objects.filter(status=16).exists()


def test_without_the_process_right_the_mutation_is_unauthorized(gql, world):
    make_user("searcher", [rights.BATCH_RUN_SEARCH])
    assert "errors" not in gql.login("searcher", PASSWORD)
    result = gql(PROCESS, {"input": {"year": 2024, "month": 4, "clientMutationId": "x"}})
    assert result["errors"][0]["message"] == "unauthorized"
    assert not BatchRun.objects.exists()


def test_a_district_user_runs_only_their_district_or_region(gql, world):
    user = make_user("clerk", [rights.BATCH_RUN_PROCESS])
    UserDistrict.objects.create(user=user.i_user, location=world.district)
    assert "errors" not in gql.login("clerk", PASSWORD)
    mutation_id = send(gql, {"year": 2024, "month": 4})
    assert errors_of(mutation_id)[0]["message"] == (
        "Only a user who sees every location may run the national batch")
    other = world.district.parent.__class__.objects.create(code="R9", name="Other", type="R")
    mutation_id = send(gql, {"year": 2024, "month": 4, "locationId": other.pk})
    assert errors_of(mutation_id)[0]["message"] == "This location is not among yours"
    mutation_id = send(gql, {"year": 2024, "month": 4, "locationId": world.district.pk})
    assert log_of(mutation_id).status == MutationLog.SUCCESS
    mutation_id = send(gql, {"year": 2024, "month": 4, "locationId": world.district.parent.pk})
    assert log_of(mutation_id).status == MutationLog.SUCCESS


def test_batch_runs_summaries_shape_and_filters(admin_gql, world):
    send(admin_gql, {"year": 2024, "month": 4})
    send(admin_gql, {"year": 2024, "month": 5})
    result = admin_gql(SUMMARIES, {"first": 10})
    assert "errors" not in result, result
    summaries = result["data"]["batchRunsSummaries"]
    assert summaries["totalCount"] == 2
    first = summaries["edges"][0]["node"]
    pk = RelativeIndex.objects.get(period=5).pk
    node_id = base64.b64encode(f"BatchRunSummaryGQLType:{pk}".encode()).decode()
    assert first == {"id": node_id, "runYear": 2024, "runMonth": 5, "productLabel": "P1 Product P1",
                     "careType": "B", "calcDate": first["calcDate"], "index": 0.5167}
    assert len(first["calcDate"]) == 10
    for filters, months in [({"accountMonth": 4}, [4]), ({"accountYear": 2023}, []), ({"accountType": 4}, []),
                            ({"accountType": 12, "accountCareType": "B"}, [5, 4]),
                            ({"accountProduct": world.product.pk}, [5, 4]), ({"accountCareType": "I"}, []),
                            ({"accountRegion": world.district.parent.pk}, []),
                            ({"accountDistrict": world.district.pk}, []), ({"first": 1}, [5])]:
        result = admin_gql(SUMMARIES, {"first": 10, **filters})
        edges = result["data"]["batchRunsSummaries"]["edges"]
        assert [edge["node"]["runMonth"] for edge in edges] == months, filters


def test_relative_indexes_shape_and_filters(admin_gql, world):
    send(admin_gql, {"year": 2024, "month": 4})
    result = admin_gql(INDEXES, {})
    assert "errors" not in result, result
    [edge] = result["data"]["relativeIndexes"]["edges"]
    node = edge["node"]
    assert isinstance(node.pop("auditUserId"), int) and len(node.pop("calcDate")) >= 10
    assert {key: value for key, value in node.items() if key != "id"} == {
        "type": 12, "careType": "B", "year": 2024, "period": 4, "relIndex": "0.7500", "validityTo": None,
        "product": {"code": "P1"}, "location": None}
    for filters, count in [({"careType": "B"}, 1), ({"careType": "I"}, 0), ({"period": 4}, 1),
                           ({"period": 5}, 0), ({"code": "P1"}, 1), ({"code": "P2"}, 0)]:
        result = admin_gql(INDEXES, filters)
        assert result["data"]["relativeIndexes"]["totalCount"] == count, filters


def test_the_lists_need_a_batch_run_right_and_apply_row_security(gql, world, admin_user):
    from openimis.claim_batch import services

    world.update_product(location=world.district.parent)
    services.process_batch(admin_user, world.district.parent.pk, 2024, 4)
    assert RelativeIndex.objects.get().location_id == world.district.parent.pk
    make_user("nobody", [111001])
    assert "errors" not in gql.login("nobody", PASSWORD)
    for query in (SUMMARIES, INDEXES):
        assert gql(query, {})["errors"][0]["message"] == "unauthorized"
    user = make_user("elsewhere", [rights.BATCH_RUN_SEARCH])
    other_region = world.district.parent.__class__.objects.create(code="R9", name="Other", type="R")
    other_district = other_region.__class__.objects.create(code="R9D1", name="Other D", type="D",
                                                           parent=other_region)
    UserDistrict.objects.create(user=user.i_user, location=other_district)
    assert "errors" not in gql.login("elsewhere", PASSWORD)
    assert gql(INDEXES, {})["data"]["relativeIndexes"]["totalCount"] == 0
    assert gql(SUMMARIES, {})["data"]["batchRunsSummaries"]["totalCount"] == 0
    UserDistrict.objects.create(user=user.i_user, location=world.district)
    assert "errors" not in gql.login("elsewhere", PASSWORD)
    assert gql(INDEXES, {})["data"]["relativeIndexes"]["totalCount"] == 1


def test_progress_is_merged_into_json_ext_while_the_log_is_received():
    log_id = uuid.uuid4()
    assert progress.merged_json_ext({"a": 1}, 0, log_id) == {"a": 1}
    progress.reporter(log_id)("remuneration", 2, 5)
    expected = {"step": "remuneration", "done": 2, "total": 5}
    assert progress.current(log_id) == expected
    assert progress.merged_json_ext({"a": 1}, 0, log_id) == {"a": 1, "progress": expected}
    assert progress.merged_json_ext(None, 0, log_id) == {"progress": expected}
    assert progress.merged_json_ext({"a": 1}, 2, log_id) == {"a": 1}  # ended: the stored value only
    progress.forget(log_id)
    assert progress.current(log_id) is None
    cache.clear()


def test_a_running_batch_shows_its_progress_in_mutation_logs(admin_gql, admin_user):
    log = MutationLog.objects.create(json_content="{}", user=admin_user, client_mutation_id="running",
                                     json_ext={"kept": True})
    progress.report(log.id, {"step": "claims", "done": 0, "total": 3})
    node = admin_gql(LOGS, {"id": "running"})["data"]["mutationLogs"]["edges"][0]["node"]
    assert node["status"] == 0
    assert '"progress"' in node["jsonExt"] and '"claims"' in node["jsonExt"] and '"kept"' in node["jsonExt"]
    progress.forget(log.id)


def test_a_location_lists_the_relative_indexes_of_its_runs(admin_gql, world, gql):
    region = world.district.parent
    world.update_product(location=region)
    send(admin_gql, {"year": 2024, "month": 4, "locationId": region.pk})
    query = """query ($uuid: String) { locations(uuid: $uuid) { edges { node {
      relativeIndexes { totalCount edges { node { period relIndex } } } } } } }"""
    result = admin_gql(query, {"uuid": region.uuid})
    assert "errors" not in result, result
    indexes = result["data"]["locations"]["edges"][0]["node"]["relativeIndexes"]
    assert indexes == {"totalCount": 1, "edges": [{"node": {"period": 4, "relIndex": "0.7500"}}]}
