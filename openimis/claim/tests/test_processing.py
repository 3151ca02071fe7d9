"""Claim processing (spec 11.8 in processing mode, 11.10) through `process_claim`, on a real database:
Appendix B to the cent, the category and general ceilings across two claims of a policy period, relative
prices, the selections bypassed, and the refusals."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openimis.claim.models import Claim, ClaimDedRem, ClaimItem, ClaimService, FeedbackPrompt
from openimis.claim.processing import process_claim
from openimis.claim.submission import submit_claim
from openimis.claim.tests.claim_fixtures import VISIT, appendix_b_world, insuree_of
from openimis.core.errors import ValidationFailed
from openimis.policy.models import InsureePolicy

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def world():
    return appendix_b_world()


def processed(actor, claim: Claim) -> Claim:
    submit_claim(actor, claim.uuid)
    process_claim(actor, claim.uuid)
    claim.refresh_from_db()
    return claim


def line_of(claim: Claim, medical):
    model, name = (ClaimItem, "item") if medical.__class__.__name__ == "Item" else (ClaimService, "service")
    return model.objects.current().get(claim=claim, **{name: medical})


def amounts(line) -> tuple:
    return (line.price_adjusted, line.price_valuated, line.deductable_amount, line.exceed_ceiling_amount,
            line.exceed_ceiling_amount_category, line.remunerated_amount)


def current_ded_rem(claim: Claim) -> ClaimDedRem:
    [row] = ClaimDedRem.objects.current().filter(claim=claim)
    return row


def test_appendix_b_steps_4_to_6(world, admin_user):
    claim = world.appendix_b_claim()
    assert (claim.status, claim.claimed) == (2, Decimal("180"))
    submit_claim(admin_user, claim.uuid)
    claim.refresh_from_db()
    assert (claim.status, claim.category, claim.approved) == (4, "C", Decimal("150.00"))
    submitted_row = current_ded_rem(claim)
    assert (submitted_row.ded_g, submitted_row.rem_g) == (Decimal("50.00"), Decimal("64.00"))

    process_claim(admin_user, claim.uuid)
    claim.refresh_from_db()
    assert claim.status == 16
    assert (claim.approved, claim.remunerated, claim.valuated) == (Decimal("64.00"),) * 3
    assert claim.date_processed == timezone.localdate()
    assert claim.process_stamp is not None
    assert claim.audit_user_id_process == admin_user.id_for_audit
    zero = Decimal("0.00")
    # I1: 10 × 5 = 50, fixed 10 × 3 = 30, all deducted
    assert amounts(line_of(claim, world.item)) == (Decimal("5.00"), zero, Decimal("30.00"), zero, zero, zero)
    # S1: 100, 20 deducted, 80 % of 80 = 64
    assert amounts(line_of(claim, world.service)) == (Decimal("100.00"), Decimal("64.00"), Decimal("20.00"),
                                                      zero, zero, Decimal("64.00"))
    row = current_ded_rem(claim)
    assert (row.ded_g, row.ded_op, row.rem_g, row.rem_op) == (Decimal("50.00"), Decimal("50.00"),
                                                              Decimal("64.00"), Decimal("64.00"))
    assert (row.ded_ip, row.rem_ip, row.policy_id, row.insuree_id) == (None, None, world.policy.id,
                                                                       world.insuree.id)
    # the submission's row was replaced, and the claim versioned at each step
    assert ClaimDedRem.objects.filter(claim=claim).count() == 2
    assert Claim.objects.filter(legacy_id=claim.id).count() == 2


def test_appendix_b_step_8_the_deductible_is_consumed(world, admin_user):
    processed(admin_user, world.appendix_b_claim())
    second = processed(admin_user, world.claim(services=[(world.service, 1, 100)], date_from=D(2024, 6, 1)))
    line = line_of(second, world.service)
    assert (line.deductable_amount, line.price_valuated) == (Decimal("0.00"), Decimal("80.00"))
    assert second.remunerated == Decimal("80.00")


def test_a_category_ceiling_across_two_claims(world, admin_user):
    world.update_product(deductible=None, max_amount_consultation=Decimal("100"))
    first = processed(admin_user, world.claim(services=[(world.service, 1, 100)]))
    assert line_of(first, world.service).price_valuated == Decimal("80.00")
    assert current_ded_rem(first).rem_consult == Decimal("80.00")
    second = processed(admin_user, world.claim(services=[(world.service, 1, 100)], date_from=D(2024, 5, 1)))
    line = line_of(second, world.service)
    assert (line.price_valuated, line.exceed_ceiling_amount_category, line.exceed_ceiling_amount) == (
        Decimal("20.00"), Decimal("60.00"), Decimal("0.00"))
    assert (second.status, second.remunerated) == (16, Decimal("20.00"))


def test_the_general_ceiling_across_two_claims(world, admin_user):
    world.update_product(deductible=None, ceiling=Decimal("100"))
    first = processed(admin_user, world.claim(services=[(world.service, 1, 100)]))
    assert first.remunerated == Decimal("80.00")
    second = processed(admin_user, world.claim(services=[(world.service, 1, 100)], date_from=D(2024, 5, 1)))
    line = line_of(second, world.service)
    assert (line.price_valuated, line.exceed_ceiling_amount, line.remunerated_amount) == (
        Decimal("20.00"), Decimal("60.00"), Decimal("20.00"))
    assert current_ded_rem(second).rem_g == Decimal("20.00")


def test_a_ceiling_per_insuree_ignores_the_other_members(world, admin_user):
    world.update_product(deductible=None, ceiling=Decimal("100"), ceiling_type="I")
    spouse, _family = insuree_of(world.village, "090909090")
    InsureePolicy.objects.create(insuree=spouse, policy=world.policy,
                                 effective_date=world.policy.effective_date,
                                 expiry_date=world.policy.expiry_date)
    processed(admin_user, world.claim(services=[(world.service, 1, 100)]))
    # the spouse's claim on the same policy has the whole ceiling
    other = processed(admin_user, world.claim(services=[(world.service, 1, 100)], insuree=spouse))
    assert other.remunerated == Decimal("80.00")


def test_a_line_excluded_from_the_ceiling_is_paid_whole(world, admin_user):
    world.update_product(deductible=None, ceiling=Decimal("50"))
    world.product_service.ceiling_exclusion_adult = "B"
    world.product_service.save()
    claim = processed(admin_user, world.claim(services=[(world.service, 1, 100)]))
    line = line_of(claim, world.service)
    assert (line.price_valuated, line.exceed_ceiling_amount) == (Decimal("80.00"), Decimal("0.00"))
    assert current_ded_rem(claim).rem_g == Decimal("0.00")  # not counted in the ceiling


def test_an_in_patient_claim_fills_the_in_patient_columns(world, admin_user):
    world.update_product(deductible=None, deductible_ip=Decimal("10"), ceiling=None,
                         ceiling_ip=Decimal("500"))
    claim = processed(admin_user, world.claim(services=[(world.service, 1, 100)], date_to=D(2024, 4, 3)))
    assert claim.category == "H"
    row = current_ded_rem(claim)
    # 100 - 10 deducted = 90, 80 % = 72
    assert (row.ded_g, row.ded_ip, row.rem_g, row.rem_ip) == (Decimal("10.00"), Decimal("10.00"),
                                                              Decimal("72.00"), Decimal("72.00"))
    assert (row.ded_op, row.rem_op) == (None, None)


def test_a_relative_price_leaves_the_claim_processed(world, admin_user):
    world.product_service.price_origin = "R"
    world.product_service.save()
    claim = processed(admin_user, world.appendix_b_claim())
    assert claim.status == 8
    assert (claim.valuated, claim.remunerated) == (None, None)
    assert claim.approved == Decimal("64.00")
    line = line_of(claim, world.service)
    assert (line.price_origin, line.price_valuated, line.remunerated_amount) == ("R", None, Decimal("64.00"))


def test_the_selections_are_bypassed(world, admin_user):
    claim = world.appendix_b_claim(review_status=4, feedback_status=4)
    prompt = FeedbackPrompt.objects.create(claim=claim, feedback_prompt_date=VISIT)
    claim = processed(admin_user, claim)
    assert (claim.review_status, claim.feedback_status) == (16, 16)
    prompt.refresh_from_db()
    assert prompt.validity_to is not None


def test_rejected_lines_are_not_valuated(world, admin_user):
    uncovered = world.add_item("I8", covered=False)
    claim = processed(admin_user, world.claim(items=[(uncovered, 1, 5)], services=[(world.service, 1, 100)]))
    assert claim.status == 16
    line = line_of(claim, uncovered)
    assert (line.status, line.rejection_reason, line.price_valuated) == (2, 3, None)


def _snapshot(claim: Claim) -> tuple:
    counts = tuple(model.objects.count() for model in (Claim, ClaimItem, ClaimService, ClaimDedRem))
    return counts, Claim.objects.filter(pk=claim.pk).values().get()


@pytest.mark.parametrize("submit", [False, True])
def test_only_a_checked_claim_is_processed(world, admin_user, submit):
    claim = world.appendix_b_claim()
    if submit:
        process_claim_once = processed(admin_user, claim)
        assert process_claim_once.status == 16
    before = _snapshot(claim)
    with pytest.raises(ValidationFailed, match="Only a checked claim"):
        process_claim(admin_user, claim.uuid)
    assert _snapshot(claim) == before


def test_one_processing_costs_a_bounded_number_of_statements(world, admin_user):
    other = world.add_item("I7")
    claim = world.claim(items=[(world.item, 10, 6), (other, 2, 5)], services=[(world.service, 1, 120)])
    submit_claim(admin_user, claim.uuid)
    with CaptureQueriesContext(connection) as queries:
        process_claim(admin_user, claim.uuid)
    assert len(queries) <= 24, "\n".join(query["sql"] for query in queries.captured_queries)
    claim.refresh_from_db()
    assert claim.status == 16


def test_an_unknown_claim_is_refused(admin_user):
    with pytest.raises(ValidationFailed):
        process_claim(admin_user, str(uuid.uuid4()))
