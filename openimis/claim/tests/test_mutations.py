"""The claim mutations over HTTP as fe-claim 1.10 sends them (inline input, numbers as decimal strings):
Appendix B's claim entered, submitted, reviewed and processed through the API, and error paths that
write nothing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from openimis.claim import rights
from openimis.claim.models import Claim, ClaimDedRem, ClaimItem, ClaimMutation, ClaimService
from openimis.claim.tests.claim_fixtures import appendix_b_world
from openimis.core import services as core_services
from openimis.insuree.tests.helpers import error_of, send, succeeded
from openimis.testing.client import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return appendix_b_world()


@pytest.fixture
def admin(gql):
    core_services.create_administrator("claimadmin", PASSWORD, "Claim", "Admin")
    assert "errors" not in gql.login("claimadmin", PASSWORD)
    return gql


def claim_input(world, code="C1", items=None, services=None, extra="") -> str:
    items = items if items is not None else [(world.item.id, "10", "6")]
    services = services if services is not None else [(world.service.id, "1", "120")]
    item_lines = ", ".join(f'{{itemId: {pk}, qtyProvided: "{qty}", priceAsked: "{price}", status: 1}}'
                           for pk, qty, price in items)
    service_lines = ", ".join(f'{{serviceId: {pk}, qtyProvided: "{qty}", priceAsked: "{price}", status: 1}}'
                              for pk, qty, price in services)
    return (f'code: "{code}", autogenerate: false, insureeId: {world.insuree.id}, '
            f'healthFacilityId: {world.health_facility.id}, icdId: {world.icd.id}, dateFrom: "2024-04-01", '
            f'dateClaimed: "2024-04-01", visitType: "O", feedbackStatus: 1, reviewStatus: 1, '
            f"items: [{item_lines}], services: [{service_lines}] {extra}")


def _claim(code="C1") -> Claim:
    return Claim.objects.current().get(code=code)


def test_appendix_b_through_the_api(world, admin):
    created = send(admin, "createClaim", claim_input(world))
    log = succeeded(created)
    claim = _claim()
    assert ClaimMutation.objects.filter(mutation=log, claim=claim).exists()
    assert (claim.status, claim.claimed) == (2, Decimal("180.00"))

    succeeded(send(admin, "submitClaims", f'uuids: ["{claim.uuid}"]'))
    claim = _claim()
    assert (claim.status, claim.category, claim.approved) == (4, "C", Decimal("150.00"))
    ded_rem = ClaimDedRem.objects.current().get(claim=claim)
    assert (ded_rem.ded_g, ded_rem.rem_g) == (Decimal("50.00"), Decimal("64.00"))

    succeeded(send(admin, "selectClaimsForReview", f'uuids: ["{claim.uuid}"]'))
    assert _claim().review_status == 4
    item = ClaimItem.objects.current().get(claim=claim)
    service = ClaimService.objects.current().get(claim=claim)
    succeeded(send(admin, "saveClaimReview", (
        f'claimUuid: "{claim.uuid}", adjustment: "fewer tablets", submitReview: true, '
        f'items: [{{id: {item.id}, itemId: {world.item.id}, qtyApproved: "8", status: 1}}], '
        f'services: [{{id: {service.id}, serviceId: {world.service.id}, status: 1}}]')))
    claim = _claim()
    assert (claim.review_status, claim.adjustment) == (8, "fewer tablets")

    succeeded(send(admin, "processClaims", f'uuids: ["{claim.uuid}"]'))
    claim = _claim()
    item = ClaimItem.objects.current().get(claim=claim)
    service = ClaimService.objects.current().get(claim=claim)
    # 8 tablets at 5, limited to 3 each = 24, all taken by the deductible of 50 (26 left); the
    # consultation: 100 - 26 = 74 at 80 % = 59.20
    assert item.deductable_amount == Decimal("24.00") and item.price_valuated == Decimal("0.00")
    assert service.deductable_amount == Decimal("26.00") and service.price_valuated == Decimal("59.20")
    assert (claim.status, claim.valuated) == (16, Decimal("59.20"))

    result = admin(f'{{ claims(uuid: "{claim.uuid}") {{ edges {{ node {{ status claimed approved valuated '
                   "reviewStatus } } } }")
    node = result["data"]["claims"]["edges"][0]["node"]
    assert node["status"] == 16 and Decimal(node["valuated"]) == Decimal("59.20")


def test_a_refused_create_writes_nothing(world, admin):
    before = (Claim.objects.count(), ClaimItem.objects.count(), ClaimService.objects.count())
    bad_item = send(admin, "createClaim", claim_input(world, items=[(999999, "1", "5")]))
    assert "999999" in error_of(bad_item)
    late = send(admin, "createClaim", claim_input(world, extra=', dateTo: "2024-03-01"'))
    error_of(late)
    assert (Claim.objects.count(), ClaimItem.objects.count(), ClaimService.objects.count()) == before


def test_submitting_a_claim_twice_is_refused_the_second_time(world, admin):
    succeeded(send(admin, "createClaim", claim_input(world)))
    claim = _claim()
    succeeded(send(admin, "submitClaims", f'uuids: ["{claim.uuid}"]'))
    ded_rems = ClaimDedRem.objects.count()
    assert error_of(send(admin, "submitClaims", f'uuids: ["{claim.uuid}"]'))
    assert ClaimDedRem.objects.count() == ded_rems and _claim().status == 4


def test_processing_needs_its_right(world, gql):
    claim = world.appendix_b_claim()
    make_user("submitter", [rights.CLAIM_SEARCH, rights.CLAIM_SUBMIT])
    assert "errors" not in gql.login("submitter", PASSWORD)
    result = gql(f'mutation {{ processClaims(input: {{uuids: ["{claim.uuid}"]}}) {{ internalId }} }}')
    assert result["errors"][0]["message"] == "unauthorized"
    assert _claim().status == 2


def test_submit_all_submits_the_entered_claims_the_searchers_filters_select(world, admin):
    """fe-claim's "submit all" sends the searcher's filters as a JSON text instead of uuids."""
    first, second = world.appendix_b_claim(), world.claim(items=[(world.item, 1, 6)], code="C2")
    other = world.claim(items=[(world.item, 1, 6)], code="OTHER")
    filters = json.dumps({"status": 2, "code_Istartswith": "C",
                          "healthFacility_Uuid": world.health_facility.uuid}).replace('"', '\\"')
    succeeded(send(admin, "submitClaims", f'additionalFilters: "{filters}"'))
    assert {Claim.objects.current().get(pk=claim.pk).status for claim in (first, second)} == {4}
    assert Claim.objects.current().get(pk=other.pk).status == 2
    assert "valid filters" in error_of(send(admin, "submitClaims", 'additionalFilters: "{\\"noSuch\\": 1}"'))
    assert "valid filters" in error_of(send(admin, "submitClaims", 'additionalFilters: "not json"'))
