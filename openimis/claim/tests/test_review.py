"""Review and feedback of checked claims (spec 11.3, 11.10), called as services on the demo dataset.

The demo's claim CIG00001 (facility 6, patient 45 of village 45; items 2×130, 4×40, 3×140 and services
400, 330, 1300: 2870.00 claimed) is made Checked where a test needs it. Officers 9 (E00006) and 26
(E00011) serve village 45; the demo gives no officer a phone, so the tests give them one.
"""

from __future__ import annotations

import datetime
import random
import sys
import types
from decimal import Decimal

import pytest
from django.utils import timezone

from openimis.claim import review
from openimis.claim.models import (
    Claim,
    ClaimDedRem,
    ClaimItem,
    ClaimService,
    ClaimStatus,
    Feedback,
    FeedbackPrompt,
)
from openimis.claim.rights import CLAIM_FEEDBACK, CLAIM_REVIEW, CLAIM_SEARCH, CLAIM_UPDATE
from openimis.core.errors import ValidationFailed
from openimis.core.legacy_import.demo import load_demo_dataset
from openimis.core.models import Officer, User
from openimis.policy.models import Policy
from openimis.testing.client import make_user

UNKNOWN_UUID = "0b7f6a1e-6d7c-4a39-9d1f-5a3e2f1c0d99"


@pytest.fixture
def demo(db):
    load_demo_dataset()


@pytest.fixture
def admin(demo):
    return User.objects.get(username="Admin")


def current(code: str) -> Claim:
    return Claim.objects.current().get(code=code)


def checked(code: str = "CIG00001") -> Claim:
    """The current claim `code`, made Checked as submission would leave it."""
    Claim.objects.current().filter(code=code).update(status=ClaimStatus.CHECKED)
    return current(code)


def give_phone(officer_id: int, phone: str = "+255 700 000 026") -> None:
    Officer.objects.filter(pk=officer_id).update(phone=phone)


def written_state(claim: Claim) -> tuple:
    """Everything a refused service might have written: row counts, the claim and its lines."""
    counts = tuple(model.objects.count() for model in (Claim, ClaimItem, ClaimService, Feedback,
                                                       FeedbackPrompt, ClaimDedRem))
    row = Claim.objects.filter(pk=claim.pk).values().get()
    lines = [list(model.objects.filter(claim_id=claim.pk).order_by("id").values())
             for model in (ClaimItem, ClaimService)]
    prompts = list(FeedbackPrompt.objects.filter(claim_id=claim.pk).order_by("id").values())
    return counts, row, lines, prompts


def refused(function, *args, match: str | None = None) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as raised:
        function(*args)
    if match:
        assert match in raised.value.message
    return raised.value


class Recorder:
    def __init__(self):
        self.calls: list = []
        self.real = False


@pytest.fixture
def recompute(monkeypatch):
    """Records the calls of `submission.recompute_ded_rems`: the real function behind a spy once the
    submission module has it, else a stand-in module (`real` False)."""
    recorder = Recorder()
    try:
        from openimis.claim import submission
    except ImportError:
        submission = None
    if submission is not None and hasattr(submission, "recompute_ded_rems"):
        recorder.real = True
        original = submission.recompute_ded_rems

        def spy(claim, audit_user_id):
            recorder.calls.append((claim.pk, audit_user_id))
            return original(claim, audit_user_id)

        monkeypatch.setattr(submission, "recompute_ded_rems", spy)
    else:
        stand_in = types.ModuleType("openimis.claim.submission")
        stand_in.recompute_ded_rems = lambda claim, audit_user_id: recorder.calls.append((claim.pk,
                                                                                          audit_user_id))
        monkeypatch.setitem(sys.modules, "openimis.claim.submission", stand_in)
    return recorder


def skip_unless_submission_landed(recorder: Recorder) -> None:
    if not recorder.real:
        pytest.skip("openimis.claim.submission.recompute_ded_rems has not landed yet: the deductible rows "
                    "it writes are not checked")


# --- every function: wrong status, unknown claim, another facility's claim -------------------------

def _deliver_feedback(actor, uuid):
    return review.deliver_feedback(actor, {"claim_uuid": uuid, "feedback": {"asessment": 3}})


def _save_review(actor, uuid):
    return review.save_review(actor, {"claim_uuid": uuid, "adjustment": "seen", "items": [], "services": []})


BY_UUID = [review.select_for_feedback, review.skip_feedback, review.bypass_feedback, _deliver_feedback,
           review.select_for_review, review.skip_review, review.bypass_review, _save_review,
           review.deliver_review]


@pytest.mark.parametrize("function", BY_UUID, ids=lambda function: function.__name__)
def test_only_a_checked_claim_is_reviewed_or_gets_feedback(admin, function, recompute):
    give_phone(26)
    for code, status in (("CIG00001", ClaimStatus.ENTERED), ("CIA00001", ClaimStatus.CHECKED)):
        Claim.objects.current().filter(code=code).update(status=status)
    entered = current("CIG00001")
    before = written_state(entered)
    error = refused(function, admin, entered.uuid, match="CIG00001 is not checked")
    assert error.detail == entered.uuid
    assert written_state(entered) == before and recompute.calls == []


@pytest.mark.parametrize("function", BY_UUID, ids=lambda function: function.__name__)
def test_an_unknown_claim_is_refused_with_its_uuid(admin, function, recompute):
    claim = checked()
    before = written_state(claim)
    for uuid in (UNKNOWN_UUID, "not-a-uuid", None):
        error = refused(function, admin, uuid, match="Claim not found")
        assert error.detail == str(uuid)
    assert written_state(claim) == before and recompute.calls == []


@pytest.mark.parametrize("function", BY_UUID, ids=lambda function: function.__name__)
def test_a_facility_bound_user_does_not_reach_another_facilitys_claim(demo, function, recompute):
    user = make_user("facility", [CLAIM_SEARCH, CLAIM_UPDATE, CLAIM_REVIEW, CLAIM_FEEDBACK])
    user.i_user.health_facility_id = 18  # the facility of CID00001
    user.i_user.save()
    other = checked("CIG00001")  # facility 6
    before = written_state(other)
    error = refused(function, user, other.uuid, match="Claim not found")
    assert error.detail == other.uuid
    assert written_state(other) == before and recompute.calls == []
    own = checked("CID00001")
    assert review.select_for_review(user, own.uuid).review_status == review.SELECTED


def test_a_uuid_is_found_whatever_its_case(admin):
    claim = checked()
    assert review.select_for_review(admin, claim.uuid.upper()).pk == claim.pk


# --- feedback -------------------------------------------------------------------------------------

def test_selecting_for_feedback_prompts_the_officer_of_the_patients_village_who_has_a_phone(admin):
    give_phone(26, " +255 700 000 026 ")  # officer 9 serves village 45 too, without a phone
    claim = checked()
    history = Claim.objects.filter(legacy_id=claim.pk).count()
    selected = review.select_for_feedback(admin, claim.uuid)
    assert selected.feedback_status == review.SELECTED
    assert Claim.objects.filter(legacy_id=claim.pk).count() == history + 1  # versioned
    prompt = FeedbackPrompt.objects.current().get(claim=claim)
    assert prompt.officer_id == 26 and prompt.phone_number == "+255 700 000 026"
    assert prompt.feedback_prompt_date == timezone.localdate() and prompt.sms_status == 0
    assert prompt.audit_user_id == admin.id_for_audit


def test_the_officer_is_the_first_with_a_phone_still_at_work(admin):
    give_phone(9, "111")
    give_phone(26, "222")
    claim = checked()
    review.select_for_feedback(admin, claim.uuid)
    assert FeedbackPrompt.objects.current().get(claim=claim).officer_id == 9
    Officer.objects.filter(pk=9).update(works_to=timezone.now() - datetime.timedelta(days=1))
    review.select_for_feedback(admin, claim.uuid)  # selected again: a new prompt replaces the open one
    prompts = FeedbackPrompt.objects.filter(claim=claim)
    assert prompts.current().get().officer_id == 26
    assert prompts.filter(officer_id=9).get().validity_to is not None


def test_the_family_village_serves_when_the_patient_has_no_current_village(admin):
    give_phone(26)
    claim = checked()
    assert claim.insuree.current_village_id is None and claim.insuree.family.location_id == 45
    assert review.feedback_officer(claim).pk == 26
    claim.insuree.current_village_id = 59  # officer 3 serves village 59
    give_phone(3, "333")
    assert review.feedback_officer(claim).pk == 3


def test_no_officer_with_a_phone_in_the_village_refuses_the_selection(admin):
    give_phone(24, "444")  # an officer with a phone, of no village
    give_phone(9, "   ")  # blank
    claim = checked()
    before = written_state(claim)
    error = refused(review.select_for_feedback, admin, claim.uuid,
                    match="No enrolment officer with a phone number serves the village")
    assert error.detail == claim.uuid
    assert written_state(claim) == before


@pytest.mark.parametrize("function, status", [(review.skip_feedback, review.NOT_SELECTED),
                                              (review.bypass_feedback, review.BYPASSED)])
def test_skipping_or_bypassing_feedback_closes_the_prompt(admin, function, status):
    give_phone(26)
    claim = checked()
    review.select_for_feedback(admin, claim.uuid)
    assert function(admin, claim.uuid).feedback_status == status
    assert current("CIG00001").feedback_status == status
    assert not FeedbackPrompt.objects.current().filter(claim=claim).exists()
    assert FeedbackPrompt.objects.filter(claim=claim).get().validity_to is not None


def test_delivering_feedback_records_it_and_closes_the_prompt(admin):
    give_phone(26)
    claim = checked()
    review.select_for_feedback(admin, claim.uuid)
    delivered = review.deliver_feedback(admin, {"claim_uuid": claim.uuid, "feedback": {
        "care_rendered": True, "payment_asked": False, "drug_prescribed": True, "drug_received": False,
        "asessment": 4, "officer_id": 26, "feedback_date": "2024-05-02T10:30:00"}})
    claim = current("CIG00001")
    assert claim.feedback_status == review.DELIVERED and claim.feedback_available
    feedback = Feedback.objects.get()
    assert claim.feedback_id == feedback.pk == delivered.feedback_id
    assert (feedback.care_rendered, feedback.payment_asked, feedback.drug_prescribed, feedback.drug_received,
            feedback.asessment, feedback.officer_id) == (True, False, True, False, 4, 26)
    assert feedback.feedback_date == datetime.datetime(2024, 5, 2, 10, 30, tzinfo=datetime.UTC)
    assert not FeedbackPrompt.objects.current().filter(claim=claim).exists()
    # delivered: not delivered again, nor selected, skipped or bypassed
    for function in (_deliver_feedback, review.select_for_feedback, review.skip_feedback,
                     review.bypass_feedback):
        refused(function, admin, claim.uuid)


def test_delivering_feedback_versions_the_feedback_the_claim_had(admin):
    claim = checked()
    earlier = Feedback.objects.create(claim=claim, asessment=1, officer_id=9, audit_user_id=0)
    Claim.objects.filter(pk=claim.pk).update(feedback_status=review.SELECTED, feedback=earlier)
    review.deliver_feedback(admin, {"claim_uuid": claim.uuid, "feedback": {"asessment": 5}})
    feedback = Feedback.objects.current().get()
    assert feedback.pk == earlier.pk and feedback.asessment == 5 and feedback.officer_id is None
    assert feedback.feedback_date is not None  # now, when not given
    old = Feedback.objects.get(legacy_id=earlier.pk)
    assert old.asessment == 1 and old.validity_to is not None


@pytest.mark.parametrize("feedback, message", [
    ({"asessment": 6}, "assessment must be a whole number from 1 to 5"),
    ({"asessment": 0}, "assessment must be a whole number from 1 to 5"),
    ({"officer_id": 999999}, "Enrolment officer not found"),
    ({"care_rendered": "yes"}, "careRendered must be true or false"),
    ({"feedback_date": "yesterday"}, "Invalid date and time"),
    ({"feedback_date": (timezone.now() + datetime.timedelta(days=3)).isoformat()}, "in the future"),
])
def test_a_wrong_feedback_is_refused_and_nothing_written(admin, feedback, message):
    give_phone(26)
    claim = checked()
    review.select_for_feedback(admin, claim.uuid)
    before = written_state(claim)
    refused(review.deliver_feedback, admin, {"claim_uuid": claim.uuid, "feedback": feedback}, match=message)
    assert written_state(claim) == before


def test_feedback_is_delivered_only_for_a_claim_selected_for_it(admin):
    claim = checked()
    before = written_state(claim)
    refused(_deliver_feedback, admin, claim.uuid, match="is not selected for feedback")
    assert written_state(claim) == before


# --- review selection ------------------------------------------------------------------------------

@pytest.mark.parametrize("function, status", [(review.select_for_review, review.SELECTED),
                                              (review.skip_review, review.NOT_SELECTED),
                                              (review.bypass_review, review.BYPASSED)])
def test_selecting_skipping_bypassing_a_review(admin, function, status):
    claim = checked()
    history = Claim.objects.filter(legacy_id=claim.pk).count()
    assert function(admin, claim.uuid).review_status == status
    claim = current("CIG00001")
    assert claim.review_status == status and claim.audit_user_id == admin.id_for_audit
    assert Claim.objects.filter(legacy_id=claim.pk).count() == history + 1
    assert Claim.objects.filter(legacy_id=claim.pk).order_by("-id").first().review_status == review.IDLE


def test_a_delivered_review_is_no_longer_selected_skipped_or_bypassed(admin):
    claim = checked()
    Claim.objects.filter(pk=claim.pk).update(review_status=review.DELIVERED)
    before = written_state(claim)
    for function in (review.select_for_review, review.skip_review, review.bypass_review):
        refused(function, admin, claim.uuid, match="already delivered")
    assert written_state(claim) == before


# --- saving a review -------------------------------------------------------------------------------

def test_adjusting_a_quantity_and_a_price_recomputes_approved_to_the_cent(admin):
    claim = checked()
    item = ClaimItem.objects.get(pk=22)  # 4 × 40.00
    service = ClaimService.objects.get(pk=28)  # 1 × 330.00
    untouched = ClaimItem.objects.get(pk=21)
    reviewed = review.save_review(admin, {
        "claim_uuid": claim.uuid, "adjustment": "  two boxes were enough  ",
        "items": [{"id": 22, "item_id": item.item_id, "qty_approved": "2.5", "status": 1,
                   "justification": "half the dose"},
                  {"id": 21, "item_id": untouched.item_id, "status": 1}],  # nothing changes
        "services": [{"id": 28, "service_id": service.service_id, "price_approved": Decimal("123.45"),
                      "qty_approved": 3, "status": 1}]})
    # 2870 − 160 + 2.5 × 40 − 330 + 3 × 123.45
    assert reviewed.approved == Decimal("2850.35")
    claim = current("CIG00001")
    assert claim.approved == Decimal("2850.35") and claim.status == ClaimStatus.CHECKED
    assert claim.adjustment == "two boxes were enough"
    assert claim.adjuster == claim.audit_user_id_review == admin.id_for_audit
    assert claim.review_status == review.IDLE  # saved, not submitted
    item.refresh_from_db()
    assert item.qty_approved == Decimal("2.50") and item.justification == "half the dose"
    assert item.rejection_reason == 0
    assert item.audit_user_id_review == admin.id_for_audit and item.validity_from_review is not None
    old = ClaimItem.objects.get(legacy_id=22)
    assert old.qty_approved is None and old.validity_to is not None
    assert ClaimService.objects.get(legacy_id=28).price_approved is None
    assert not ClaimItem.objects.filter(legacy_id=21).exists()  # unchanged: not versioned
    untouched.refresh_from_db()
    assert untouched.validity_from_review is None


def test_a_rejected_line_approves_nothing(admin):
    claim = checked()
    review.save_review(admin, {"claim_uuid": claim.uuid, "items": [
        {"id": 23, "status": 2, "qty_approved": 3, "rejection_reason": 0}]})  # 3 × 140.00
    line = ClaimItem.objects.get(pk=23)
    assert (line.status, line.rejection_reason, line.qty_approved) == (2, -1, Decimal("0.00"))
    assert current("CIG00001").approved == Decimal("2450.00")
    # passed again: no rejection reason, and its quantity counts again once approved
    review.save_review(admin, {"claim_uuid": claim.uuid,
                               "items": [{"id": 23, "status": 1, "qty_approved": 1}]})
    line.refresh_from_db()
    assert (line.status, line.rejection_reason, line.qty_approved) == (1, 0, Decimal("1.00"))
    assert current("CIG00001").approved == Decimal("2590.00")


def test_rejecting_every_line_rejects_the_claim(admin, recompute):
    claim = checked()
    policy = Policy.objects.current().first()
    ded_rem = ClaimDedRem.objects.create(claim=claim, policy=policy, insuree=claim.insuree,
                                         ded_g=Decimal("10.00"))
    items = [{"id": pk, "status": 2} for pk in (21, 22, 23)]
    services = [{"id": pk, "status": 2, "rejection_reason": 10} for pk in (27, 28, 29)]
    rejected = review.save_review(admin, {"claim_uuid": claim.uuid, "items": items, "services": services,
                                          "submit_review": True})
    claim = current("CIG00001")
    assert rejected.status == claim.status == ClaimStatus.REJECTED
    assert claim.rejection_reason == 1 and claim.approved == Decimal("0.00")
    assert claim.review_status == review.DELIVERED
    reasons = ClaimService.objects.current().filter(claim=claim).values_list("rejection_reason", flat=True)
    assert set(reasons) == {10}  # a reason given is kept
    ded_rem.refresh_from_db()
    assert ded_rem.validity_to is not None  # a rejected claim consumes nothing
    assert recompute.calls == []


def test_rejecting_some_lines_keeps_the_claim_checked(admin):
    claim = checked()
    review.save_review(admin, {"claim_uuid": claim.uuid,
                               "items": [{"id": pk, "status": 2} for pk in (21, 22, 23)]})
    claim = current("CIG00001")
    assert claim.status == ClaimStatus.CHECKED and claim.approved == Decimal("2030.00")


@pytest.mark.parametrize("change, message", [
    ({"items": [{"id": 1, "status": 1}]}, "has no current item line 1"),  # a line of CID00001
    ({"services": [{"id": 22, "status": 1}]}, "has no current service line 22"),  # a history line
    ({"items": [{"status": 1}]}, "has no current item line None"),
    ({"items": [{"id": 22, "qty_approved": -1}]}, "Approved quantity cannot be negative"),
    ({"services": [{"id": 28, "price_approved": "-0.01"}]}, "Approved price cannot be negative"),
    ({"items": [{"id": 22, "qty_approved": "abc"}]}, "Approved quantity is not a number"),
    ({"items": [{"id": 22, "qty_approved": "1.234"}]}, "Approved quantity must have at most"),
    ({"items": [{"id": 22, "status": 3}]}, "1 (passed) or 2 (rejected)"),
    ({"items": [{"id": 22, "status": 2, "rejection_reason": "x"}]}, "rejection reason"),
    ({"items": [{"id": 22, "item_id": 999}]}, "is not for item 999"),
    ({"items": [{"id": 22}, {"id": 22}]}, "reviewed twice"),
])
def test_a_wrong_review_is_refused_and_nothing_written(admin, change, message, recompute):
    claim = checked()
    before = written_state(claim)
    data = {"claim_uuid": claim.uuid, "adjustment": "no", "submit_review": True,
            "items": [{"id": 21, "qty_approved": 1, "status": 1}], **change}
    refused(review.save_review, admin, data, match=message)
    assert written_state(claim) == before and recompute.calls == []


def test_submitting_a_review_delivers_it_and_computes_the_deductibles_again(admin, recompute):
    claim = checked()
    review.save_review(admin, {"claim_uuid": claim.uuid, "items": [{"id": 22, "qty_approved": 1}],
                               "submit_review": True})
    claim = current("CIG00001")
    assert claim.review_status == review.DELIVERED
    assert recompute.calls == [(claim.pk, admin.id_for_audit)]
    # the lines the recomputation may change were versioned first (22 once, by the review)
    assert ClaimItem.objects.filter(legacy_id=22).count() == 1
    assert ClaimItem.objects.filter(legacy_id__in=[21, 23]).count() == 2
    assert ClaimService.objects.filter(legacy_id__in=[27, 28, 29]).count() == 3
    skip_unless_submission_landed(recompute)
    assert_ded_rems_follow_status(claim)


def assert_ded_rems_follow_status(claim: Claim) -> None:
    """After the deductibles were computed again: a claim still checked has its rows; one that no
    product pays (the demo's policies do not cover CIG00001's dates) is Rejected with none."""
    rows = ClaimDedRem.objects.current().filter(claim=claim)
    if claim.status == ClaimStatus.CHECKED:
        assert rows.exists()
    else:
        assert claim.status == ClaimStatus.REJECTED and not rows.exists()


def test_delivering_a_review(admin, recompute):
    claim = checked()
    review.select_for_review(admin, claim.uuid)
    delivered = review.deliver_review(admin, claim.uuid)
    claim = current("CIG00001")
    assert delivered.review_status == claim.review_status == review.DELIVERED
    assert claim.audit_user_id_review == admin.id_for_audit
    assert recompute.calls == [(claim.pk, admin.id_for_audit)]
    assert ClaimItem.objects.filter(legacy_id__in=[21, 22, 23]).count() == 3  # versioned first
    skip_unless_submission_landed(recompute)
    assert_ded_rems_follow_status(claim)


# --- choosing claims for review -----------------------------------------------------------------------

def test_review_candidates_by_value_and_at_random(admin):
    uuids = list(Claim.objects.current().order_by("id").values_list("uuid", flat=True))
    claimed = dict(Claim.objects.current().values_list("uuid", "claimed"))
    above = review.review_candidates(admin, uuids + [UNKNOWN_UUID], value_above="11000")
    assert above == [uuid for uuid in uuids if claimed[uuid] > 11000] and len(above) == 6
    assert review.review_candidates(admin, uuids) == []
    drawn = review.review_candidates(admin, uuids, random_percent=25, rng=random.Random(7))
    assert len(drawn) == 3 and set(drawn) <= set(uuids)  # 25 % of 10, rounded up
    both = review.review_candidates(admin, uuids, random_percent=50, value_above=11000, rng=random.Random(1))
    assert set(above) <= set(both) and len(both) == 6 + 2  # half of the other 4
    assert review.review_candidates(admin, uuids, random_percent=100) == uuids
    refused(review.review_candidates, admin, uuids, 101, match="cannot be more than 100")
    refused(review.review_candidates, admin, uuids, None, -5, match="cannot be negative")


def test_review_candidates_are_claims_the_user_sees(demo):
    user = make_user("facility", [CLAIM_SEARCH])
    user.i_user.health_facility_id = 18
    user.i_user.save()
    uuids = list(Claim.objects.current().values_list("uuid", flat=True))
    assert review.review_candidates(user, uuids, random_percent=100) == [current("CID00001").uuid]
