"""Claim submission (spec 11.6, rejection codes 11.5, product assignment 11.7) through `submit_claim`, on a
real database: one test per rejection code submission can produce, the Appendix B claim, the refusals and
the number of SQL statements one submission costs."""

from __future__ import annotations

import datetime
import json
import threading
import time
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openimis.claim.models import Claim, ClaimDedRem, ClaimItem, ClaimService
from openimis.claim.submission import recompute_ded_rems, submit_claim, submit_claims
from openimis.claim.tests.claim_fixtures import (
    VISIT,
    active_policy,
    appendix_b_world,
    insuree_of,
)
from openimis.core.errors import ValidationFailed
from openimis.core.models import ModuleConfiguration
from openimis.core.tasks import ServiceErrors
from openimis.insuree.models import Gender
from openimis.location.models import HealthFacilityLegalForm
from openimis.medical.models import Item, Service

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def world():
    return appendix_b_world()


def submitted(actor, claim: Claim) -> Claim:
    submit_claim(actor, claim.uuid)
    claim.refresh_from_db()
    return claim


def item_line(claim: Claim, item) -> ClaimItem:
    return ClaimItem.objects.current().get(claim=claim, item=item)


def service_line(claim: Claim, service) -> ClaimService:
    return ClaimService.objects.current().get(claim=claim, service=service)


def assert_rejected(line, reason: int) -> None:
    line.refresh_from_db()
    assert (line.status, line.rejection_reason) == (2, reason)


def assert_passed(line) -> None:
    line.refresh_from_db()
    assert (line.status, line.rejection_reason) == (1, 0)


# --- Appendix B ---------------------------------------------------------------------------------

def test_appendix_b_submission(world, admin_user):
    claim = world.appendix_b_claim()
    assert claim.claimed == Decimal("180")
    claim = submitted(admin_user, claim)
    assert claim.status == 4
    assert claim.category == "C"
    assert claim.rejection_reason == 0
    assert claim.approved == Decimal("150.00")
    assert claim.submit_stamp is not None
    assert claim.audit_user_id_submit == admin_user.id_for_audit
    item = item_line(claim, world.item)
    service = service_line(claim, world.service)
    assert (item.status, item.rejection_reason, item.price_adjusted) == (1, 0, Decimal("5.00"))
    assert (item.product_id, item.policy_id, item.limitation, item.limitation_value, item.price_origin) == (
        world.product.id, world.policy.id, "F", Decimal("3.00"), "P")
    assert (service.status, service.rejection_reason, service.price_adjusted) == (1, 0, Decimal("100.00"))
    assert (service.limitation, service.limitation_value) == ("C", Decimal("80.00"))
    assert service.price_valuated is None  # submission does not valuate
    [row] = ClaimDedRem.objects.current().filter(claim=claim)
    assert (row.policy_id, row.insuree_id) == (world.policy.id, world.insuree.id)
    assert (row.ded_g, row.rem_g, row.ded_op, row.rem_op) == (Decimal("50"), Decimal("64"), Decimal("50"),
                                                              Decimal("64"))
    assert (row.ded_ip, row.rem_ip) == (None, None)
    # the claim and its lines were versioned
    assert Claim.objects.filter(legacy_id=claim.id).count() == 1
    assert ClaimItem.objects.filter(legacy_id=item.id, status=1, rejection_reason=None).count() == 1


def test_unknown_claim_is_refused(admin_user):
    missing = str(uuid.uuid4())
    with pytest.raises(ValidationFailed) as raised:
        submit_claim(admin_user, missing)
    assert raised.value.detail == missing


def _snapshot(claim: Claim) -> tuple:
    counts = tuple(model.objects.count() for model in (Claim, ClaimItem, ClaimService, ClaimDedRem))
    stored = Claim.objects.filter(pk=claim.pk).values().get()
    return counts, stored


def test_a_claim_not_entered_is_refused_and_nothing_changes(world, admin_user):
    claim = submitted(admin_user, world.appendix_b_claim())
    before = _snapshot(claim)
    with pytest.raises(ValidationFailed, match="Only an entered claim"):
        submit_claim(admin_user, claim.uuid)
    assert _snapshot(claim) == before


def test_resubmitting_a_rejected_claim_is_refused(world, admin_user):
    claim = submitted(admin_user, world.appendix_b_claim(date_claimed=D(2024, 3, 1)))
    assert claim.status == 1
    before = _snapshot(claim)
    with pytest.raises(ValidationFailed):
        submit_claim(admin_user, claim.uuid)
    assert _snapshot(claim) == before


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_check_the_claim_once(admin_user):
    """The second submission waits for the first one's row lock, then finds the claim Checked. PostgreSQL
    only (SQLite's test database in memory does not wait for locks)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks between connections: PostgreSQL (the SQLite test database is in memory)")
    world = appendix_b_world()
    claim = world.appendix_b_claim()
    outcomes = []

    def submit():
        try:
            with transaction.atomic():
                submit_claim(admin_user, claim.uuid)
                time.sleep(0.5)  # hold the lock while the other one tries
            outcomes.append("checked")
        except ValidationFailed as refused:
            outcomes.append(refused.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(outcomes) == ["Only an entered claim can be submitted", "checked"]
    assert Claim.objects.filter(legacy_id=claim.id).count() == 1
    assert ClaimDedRem.objects.current().filter(claim=claim).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_batches_of_the_same_claims_in_opposite_orders_neither_deadlock_nor_act_twice(admin_user):
    """The claims are locked in id order whatever the order given: the second batch waits for the first,
    then finds every claim Checked. PostgreSQL only (the SQLite test database in memory has no row
    locks between connections)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks between connections: PostgreSQL (the SQLite test database is in memory)")
    # the code lists the world needs: a transactional test before this one emptied the seeded tables
    HealthFacilityLegalForm.objects.get_or_create(code="D", defaults={"legal_form": "District organization"})
    Gender.objects.get_or_create(code="M", defaults={"gender": "Male"})
    world = appendix_b_world()
    claims = [world.claim(items=[(world.item, 1, 6)], services=[(world.service, 1, 120)]) for _ in range(5)]
    uuids = [claim.uuid for claim in claims]
    outcomes = []

    def submit(order):
        try:
            with transaction.atomic():
                submit_claims(admin_user, order)
                time.sleep(0.5)  # hold the locks while the other one tries
            outcomes.append("checked")
        except ServiceErrors as refused:
            outcomes.append(refused.as_dicts()[0]["message"])
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(order,)) for order in (uuids, uuids[::-1])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["5 of 5 failed", "checked"]
    for claim in claims:
        assert Claim.objects.get(pk=claim.pk).status == 4
        assert Claim.objects.filter(legacy_id=claim.pk).count() == 1
        assert ClaimDedRem.objects.current().filter(claim=claim).count() == 1


# --- claim-level reasons ------------------------------------------------------------------------

def test_9_claimed_before_the_visit(world, admin_user):
    claim = submitted(admin_user, world.appendix_b_claim(date_claimed=D(2024, 3, 31)))
    assert (claim.status, claim.rejection_reason) == (1, 9)
    assert_rejected(item_line(claim, world.item), 9)
    assert_rejected(service_line(claim, world.service), 9)
    assert not ClaimDedRem.objects.current().filter(claim=claim).exists()


def test_7_visit_before_the_cover_starts(world, admin_user):
    claim = submitted(admin_user, world.appendix_b_claim(date_from=D(2024, 3, 11)))
    assert (claim.status, claim.rejection_reason) == (1, 7)
    assert_rejected(item_line(claim, world.item), 7)
    assert_rejected(service_line(claim, world.service), 7)


def test_7_insuree_no_longer_current(world, admin_user):
    claim = world.appendix_b_claim()
    world.insuree.delete_history(None)
    claim = submitted(admin_user, claim)
    assert (claim.status, claim.rejection_reason) == (1, 7)
    assert_rejected(service_line(claim, world.service), 7)


# --- line reasons -------------------------------------------------------------------------------

def test_1_item_not_in_registers_and_the_claim_passes_with_the_other_line(world, admin_user):
    gone = world.add_item("I2")
    Item.objects.filter(pk=gone.pk).update(validity_to=timezone.now())
    claim = submitted(admin_user, world.claim(items=[(gone, 1, 5)], services=[(world.service, 1, 100)]))
    assert claim.status == 4
    assert_rejected(item_line(claim, gone), 1)
    assert_passed(service_line(claim, world.service))
    assert claim.approved == Decimal("100.00")  # the rejected line counts 0


def test_1_when_no_line_passes_the_claim_is_rejected_with_1(world, admin_user):
    gone = world.add_service("S2")
    Service.objects.filter(pk=gone.pk).update(validity_to=timezone.now())
    claim = submitted(admin_user, world.claim(services=[(gone, 1, 100)]))
    assert (claim.status, claim.rejection_reason) == (1, 1)
    assert_rejected(service_line(claim, gone), 1)
    assert claim.approved == Decimal("0.00")


def test_2_not_in_the_price_list(world, admin_user):
    outside = world.add_item("I3", in_price_list=False)
    claim = submitted(admin_user, world.claim(items=[(outside, 1, 5), (world.item, 1, 5)]))
    assert claim.status == 4
    assert_rejected(item_line(claim, outside), 2)
    assert_passed(item_line(claim, world.item))


def test_3_no_product_covers_it(world, admin_user):
    uncovered = world.add_item("I4", covered=False)
    claim = submitted(admin_user, world.claim(items=[(uncovered, 1, 5)]))
    assert (claim.status, claim.rejection_reason) == (1, 1)
    assert_rejected(item_line(claim, uncovered), 3)


def test_10_care_type_of_the_item_and_of_an_in_patient_claim(world, admin_user):
    in_patient_only = world.add_item("I5", care_type="I")
    world.health_facility.care_type = "O"
    world.health_facility.save()
    claim = submitted(admin_user, world.claim(items=[(in_patient_only, 1, 5), (world.item, 1, 5)]))
    assert claim.status == 4
    assert_rejected(item_line(claim, in_patient_only), 10)
    assert_passed(item_line(claim, world.item))
    # an out-patient facility cannot claim a stay
    stay = submitted(admin_user, world.claim(services=[(world.service, 1, 100)], date_to=D(2024, 4, 3)))
    assert stay.status == 1
    assert_rejected(service_line(stay, world.service), 10)


def test_4_patient_category(world, admin_user):
    for_women = world.add_item("I6", patient_category=2 | 4 | 8)
    for_children = world.add_service("S6", patient_category=1 | 2 | 8)
    claim = submitted(admin_user, world.claim(items=[(for_women, 1, 5)],
                                              services=[(for_children, 1, 100), (world.service, 1, 100)]))
    assert claim.status == 4
    assert_rejected(item_line(claim, for_women), 4)
    assert_rejected(service_line(claim, for_children), 4)
    assert_passed(service_line(claim, world.service))


def test_5_frequency(world, admin_user):
    monthly = world.add_service("S7", frequency=30)
    first = submitted(admin_user, world.claim(services=[(monthly, 1, 100)]))
    assert first.status == 4
    again = submitted(admin_user, world.claim(services=[(monthly, 1, 100), (world.service, 1, 100)],
                                              date_from=VISIT + datetime.timedelta(days=10)))
    assert again.status == 4
    assert_rejected(service_line(again, monthly), 5)
    assert_passed(service_line(again, world.service))
    later = submitted(admin_user, world.claim(services=[(monthly, 1, 100)],
                                              date_from=VISIT + datetime.timedelta(days=31)))
    assert_passed(service_line(later, monthly))


def test_17_waiting_period(world, admin_user):
    waiting = world.add_service("S8", covered=False)
    world.cover_service(waiting, waiting_period_adult=3)
    claim = submitted(admin_user, world.claim(services=[(waiting, 1, 100)]))
    assert (claim.status, claim.rejection_reason) == (1, 1)
    assert_rejected(service_line(claim, waiting), 17)
    after = submitted(admin_user, world.claim(services=[(waiting, 1, 100)], date_from=D(2024, 6, 12)))
    assert_passed(service_line(after, waiting))


def test_16_maximum_provision_cuts_then_rejects(world, admin_user):
    world.product_item.limit_no_adult = 5
    world.product_item.save()
    first = submitted(admin_user, world.claim(items=[(world.item, 4, 5)]))
    assert_passed(item_line(first, world.item))
    second = submitted(admin_user, world.claim(items=[(world.item, 3, 5)]))
    line = item_line(second, world.item)
    assert_passed(line)
    assert line.qty_provided == Decimal("1")  # 5 allowed, 4 used: cut to 1
    assert second.approved == Decimal("5.00")
    third = submitted(admin_user, world.claim(items=[(world.item, 2, 5)],
                                              services=[(world.service, 1, 100)]))
    assert third.status == 4
    assert_rejected(item_line(third, world.item), 16)


@pytest.mark.parametrize(("category", "column", "reason"), [
    ("C", "max_no_consultation", 13), ("S", "max_no_surgery", 14), ("D", "max_no_delivery", 15),
    ("A", "max_no_antenatal", 19), ("V", "max_no_visits", 12)])
def test_category_maxima(world, admin_user, category, column, reason):
    service = world.service if category == "C" else world.add_service(f"X{category}", category=category)
    world.update_product(**{column: 1})
    first = submitted(admin_user, world.claim(services=[(service, 1, 100)]))
    assert first.status == 4
    assert first.category == category
    second = submitted(admin_user, world.claim(items=[(world.item, 1, 5)], services=[(service, 1, 100)],
                                               date_from=VISIT + datetime.timedelta(days=1)))
    assert second.status == 4  # the item line passed
    assert_rejected(service_line(second, service), reason)
    assert_passed(item_line(second, world.item))


def test_11_hospital_admissions(world, admin_user):
    world.update_product(max_no_hospitalization=1)
    first = submitted(admin_user, world.claim(services=[(world.service, 1, 100)], date_to=D(2024, 4, 3)))
    assert (first.status, first.category) == (4, "H")
    second = submitted(admin_user, world.claim(services=[(world.service, 1, 100)],
                                               date_from=D(2024, 5, 1), date_to=D(2024, 5, 2)))
    assert (second.status, second.rejection_reason) == (1, 1)
    assert_rejected(service_line(second, world.service), 11)


def test_a_visit_maximum_counts_claims_without_category(world, admin_user):
    world.update_product(max_no_visits=1)
    visit = world.add_service("SV", category=None)
    earlier = world.claim(services=[(visit, 1, 100)])
    Claim.objects.filter(pk=earlier.pk).update(status=4, category=None)
    claim = submitted(admin_user, world.claim(services=[(visit, 1, 100)]))
    assert claim.category == "V"
    assert_rejected(service_line(claim, visit), 12)


def test_validations_can_be_disabled(world, admin_user):
    ModuleConfiguration.objects.create(module="claim", layer="be",
                                       config=json.dumps({"default_validations_disabled": True}))
    outside = world.add_item("I9", in_price_list=False)
    claim = submitted(admin_user, world.claim(items=[(outside, 2, 7)], date_claimed=D(2024, 3, 1)))
    assert claim.status == 4
    line = item_line(claim, outside)
    assert_passed(line)
    assert line.price_adjusted == Decimal("5.00")  # the register's price


# --- product assignment -------------------------------------------------------------------------

def test_the_fixed_limit_wins_when_the_patient_pays_less(world, admin_user):
    second_product = world.product.__class__.objects.create(
        code="P2", name="P2", date_from=world.product.date_from, date_to=world.product.date_to,
        ceiling_type="P")
    world.cover_service(world.service, product=second_product, limitation_type="F", limit_adult=Decimal("90"))
    policy, _rows = active_policy(world.family, second_product, [world.insuree])
    claim = submitted(admin_user, world.claim(services=[(world.service, 1, 100)]))
    line = service_line(claim, world.service)
    # co-insurance 80 %: the patient pays 20; fixed 90: the patient pays 10
    assert (line.product_id, line.policy_id, line.limitation, line.limitation_value) == (
        second_product.id, policy.id, "F", Decimal("90.00"))


def test_the_emergency_limits_apply_to_an_emergency_visit(world, admin_user):
    world.product_service.limitation_type_e = "C"
    world.product_service.limit_adult_e = Decimal("95")
    world.product_service.save()
    claim = submitted(admin_user, world.claim(services=[(world.service, 1, 100)], visit_type="E"))
    line = service_line(claim, world.service)
    assert (line.limitation, line.limitation_value) == ("C", Decimal("95.00"))


def test_a_child_uses_the_child_limits(world, admin_user):
    child, family = insuree_of(world.village, "080808080", dob=D(2015, 5, 5))
    active_policy(family, world.product, [child])
    world.product_service.limit_child = Decimal("60")
    world.product_service.save()
    claim = submitted(admin_user, world.claim(services=[(world.service, 1, 100)], insuree=child))
    assert service_line(claim, world.service).limitation_value == Decimal("60.00")


def test_resubmission_after_a_review_recomputes_the_ded_rems(world, admin_user):
    claim = submitted(admin_user, world.appendix_b_claim())
    line = service_line(claim, world.service)
    line.price_approved = Decimal("50")
    line.save()
    recompute_ded_rems(claim, 7)
    claim.refresh_from_db()
    assert claim.approved == Decimal("100.00")
    rows = ClaimDedRem.objects.filter(claim=claim)
    [current] = rows.filter(validity_to__isnull=True)
    # I1: 30 deducted; S1: 50 → 20 deducted → 30 × 80 % = 24
    assert (current.ded_g, current.rem_g, current.audit_user_id) == (Decimal("50"), Decimal("24"), 7)
    assert rows.count() == 2


def test_only_a_checked_claim_has_its_ded_rems_recomputed(world, admin_user):
    claim = world.appendix_b_claim()
    with pytest.raises(ValidationFailed):
        recompute_ded_rems(claim, 7)
    assert not ClaimDedRem.objects.exists()


# --- cost -----------------------------------------------------------------------------------------

def test_one_submission_costs_a_bounded_number_of_statements(world, admin_user):
    other = world.add_item("I7")
    claim = world.claim(items=[(world.item, 10, 6), (other, 2, 5)], services=[(world.service, 1, 120)])
    with CaptureQueriesContext(connection) as queries:
        submit_claim(admin_user, claim.uuid)
    assert len(queries) <= 30, "\n".join(query["sql"] for query in queries.captured_queries)
    claim.refresh_from_db()
    assert claim.status == 4
