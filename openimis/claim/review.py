"""Review and feedback of checked claims (spec 11.3, 11.10): selecting a claim for feedback (with a prompt
to an enrolment officer of the patient's village), skipping or bypassing it, delivering the feedback;
selecting, skipping, bypassing, saving and delivering the medical officer's review. Plain Python, one
transaction per public function; no GraphQL.

Every function finds the claim among those the actor may see (`selectors.claim_by`), reads it again
under a row lock, refuses it unless it is Checked, and versions it before changing it. `data` uses the
snake_case names of the GraphQL input (`claim_uuid`, `submit_review`, `qty_approved`, ...); a field a
line of a review leaves out keeps its value.

The review and feedback statuses share their codes: 1 idle, 2 not selected, 4 selected, 8 delivered,
16 bypassed. Once delivered, a review or a feedback is no longer selected, skipped or bypassed.
"""

from __future__ import annotations

import random
from decimal import ROUND_CEILING, Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from openimis.claim import selectors, valuation
from openimis.claim.models import (
    Claim,
    ClaimDedRem,
    ClaimItem,
    ClaimService,
    ClaimStatus,
    Feedback,
    FeedbackPrompt,
)
from openimis.core import inputs
from openimis.core import selectors as core_selectors
from openimis.core.errors import ValidationFailed
from openimis.core.services import audit_id
from openimis.insuree import selectors as insuree_selectors

# the review and feedback statuses of a claim
IDLE = 1
NOT_SELECTED = 2
SELECTED = 4
DELIVERED = 8
BYPASSED = 16

# the status of a claim line
LINE_PASSED = 1
LINE_REJECTED = 2
# a line's rejection reason: none, and "rejected by the medical officer" (spec 11.5)
NO_REJECTION = 0
REJECTED_BY_REVIEW = -1
# the claim-level reason of a claim none of whose lines passed (spec 11.1, 11.6 step 4)
ALL_LINES_REJECTED = 1

ASSESSMENT_RANGE = range(1, 6)
# the fields of a line that a review sets
REVIEWED_FIELDS = ("qty_approved", "price_approved", "justification", "status", "rejection_reason")


# --- finding the claim ---------------------------------------------------------------------------

def checked_claim(actor, uuid) -> Claim:
    """The current claim `uuid` the actor may see, read again under a row lock; refused unless it is
    Checked. Check the review and feedback statuses after this: they are the ones committed last."""
    claim = selectors.claim_for_update(actor, uuid)
    if claim is None:
        raise ValidationFailed(_("Claim not found"), str(uuid))
    if claim.status != ClaimStatus.CHECKED:
        raise ValidationFailed(_("Claim %(code)s is not checked: only a checked claim is reviewed or gets "
                                 "feedback") % {"code": claim.code}, claim.uuid)
    return claim


def _version(actor, claim: Claim) -> None:
    claim.save_history(audit_id(actor))
    claim.audit_user_id = audit_id(actor)


def _refuse_delivered_feedback(claim: Claim) -> None:
    if claim.feedback_status == DELIVERED:
        raise ValidationFailed(_("The feedback on claim %(code)s was already delivered")
                               % {"code": claim.code}, claim.uuid)


def _refuse_delivered_review(claim: Claim) -> None:
    if claim.review_status == DELIVERED:
        raise ValidationFailed(_("The review of claim %(code)s was already delivered")
                               % {"code": claim.code}, claim.uuid)


def _recompute_ded_rems(claim: Claim, audit_user_id: int, versioned: set = frozenset()) -> None:
    """Spec 11.6 step 5 again: product assignment, deductibles and ceilings of the reviewed claim. It
    changes the lines without versioning them, so every current line not yet versioned by this operation
    (`versioned`: (model, id) pairs) is versioned first."""
    from openimis.claim.submission import recompute_ded_rems  # the submission module, imported when used

    for model in (ClaimItem, ClaimService):
        for line in model.objects.current().filter(claim=claim).order_by("id"):
            if (model, line.pk) not in versioned:
                line.save_history(audit_user_id)
                line.save(update_fields=["validity_from", "audit_user_id"])
    recompute_ded_rems(claim, audit_user_id)


def _close_ded_rems(actor, claim: Claim) -> None:
    """A claim none of whose lines passed consumes nothing of its policies: its rows end now."""
    now = timezone.now()
    ClaimDedRem.objects.current().filter(claim=claim).update(validity_to=now, audit_user_id=audit_id(actor))


# --- feedback -----------------------------------------------------------------------------------

def patient_village_id(claim: Claim) -> int | None:
    """The village of the claim's patient: the insuree's current village, else the family's."""
    insuree = claim.insuree
    if insuree.current_village_id:
        return insuree.current_village_id
    return insuree.family.location_id if insuree.family_id else None


def feedback_officer(claim: Claim):
    """The enrolment officer a feedback prompt goes to: a current officer still at work who serves the
    patient's village and has a phone number (the lowest id when several do); refused when none does."""
    village_id = patient_village_id(claim)
    officer = None
    if village_id is not None:
        serving = (insuree_selectors.villages_of_any_officer().filter(location_id=village_id)
                   .values("officer_id"))
        officer = (core_selectors.enrolment_officers().filter(id__in=serving)
                   .filter(Q(works_to__isnull=True) | Q(works_to__gte=timezone.now()))
                   .exclude(phone__isnull=True).exclude(phone__regex=r"^\s*$").order_by("id").first())
    if officer is None:
        raise ValidationFailed(_("No enrolment officer with a phone number serves the village of the patient "
                                 "of claim %(code)s") % {"code": claim.code}, claim.uuid)
    return officer


def _close_prompts(actor, claim: Claim) -> None:
    """The claim's open feedback prompts end now."""
    FeedbackPrompt.objects.current().filter(claim=claim).update(validity_to=timezone.now(),
                                                                audit_user_id=audit_id(actor))


@transaction.atomic
def select_for_feedback(actor, uuid) -> Claim:
    """`selectClaimsForFeedback` for one claim: feedback status Selected (4) and a feedback prompt dated
    today to an officer of the patient's village (`feedback_officer`), with the officer's phone number.
    Selecting a claim again replaces its open prompt."""
    claim = checked_claim(actor, uuid)
    _refuse_delivered_feedback(claim)
    officer = feedback_officer(claim)
    _version(actor, claim)
    claim.feedback_status = SELECTED
    claim.save()
    _close_prompts(actor, claim)
    FeedbackPrompt.objects.create(claim=claim, feedback_prompt_date=timezone.localdate(), officer=officer,
                                  phone_number=officer.phone.strip(), sms_status=0,
                                  audit_user_id=audit_id(actor))
    return claim


def _set_feedback_status(actor, uuid, status: int) -> Claim:
    claim = checked_claim(actor, uuid)
    _refuse_delivered_feedback(claim)
    _version(actor, claim)
    claim.feedback_status = status
    claim.save()
    _close_prompts(actor, claim)
    return claim


@transaction.atomic
def skip_feedback(actor, uuid) -> Claim:
    """`skipClaimsFeedback` for one claim: feedback status Not selected (2); its open prompts end."""
    return _set_feedback_status(actor, uuid, NOT_SELECTED)


@transaction.atomic
def bypass_feedback(actor, uuid) -> Claim:
    """`bypassClaimsFeedback` for one claim: feedback status Bypassed (16); its open prompts end."""
    return _set_feedback_status(actor, uuid, BYPASSED)


def _flag(data: dict, key: str, label: str) -> bool | None:
    value = data.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise ValidationFailed(_("%(field)s must be true or false") % {"field": label}, str(value))


def _assessment(value) -> int | None:
    if value in (None, ""):
        return None
    number = inputs.id_or_none(value)
    if number not in ASSESSMENT_RANGE:
        raise ValidationFailed(_("The assessment must be a whole number from 1 to 5"), str(value))
    return number


def _feedback_officer_id(value) -> int | None:
    if value in (None, ""):
        return None
    officer_id = inputs.id_or_none(value)
    if officer_id is None or not core_selectors.enrolment_officers().filter(id=officer_id).exists():
        raise ValidationFailed(_("Enrolment officer not found"), str(value))
    return officer_id


def _feedback_values(data: dict) -> dict:
    """The fields of a feedback from its input, checked."""
    moment = inputs.as_datetime(data.get("feedback_date")) or timezone.now()
    if timezone.localdate(moment) > timezone.localdate():
        raise ValidationFailed(_("The feedback date is in the future"), moment.isoformat())
    return {
        "care_rendered": _flag(data, "care_rendered", "careRendered"),
        "payment_asked": _flag(data, "payment_asked", "paymentAsked"),
        "drug_prescribed": _flag(data, "drug_prescribed", "drugPrescribed"),
        "drug_received": _flag(data, "drug_received", "drugReceived"),
        "asessment": _assessment(data.get("asessment")),
        "officer_id": _feedback_officer_id(data.get("officer_id")),
        "feedback_date": moment,
    }


@transaction.atomic
def deliver_feedback(actor, data: dict) -> Claim:
    """`deliverClaimFeedback`: the feedback of a claim selected for feedback (status 4) is recorded
    (created, or its current feedback versioned and overwritten), the claim's feedback status becomes
    Delivered (8) with `feedback_available` set and `feedback` pointing at it, and its prompts end.

    `data`: `claim_uuid`, `feedback` {`care_rendered`, `payment_asked`, `drug_prescribed`,
    `drug_received` (booleans), `asessment` (1 to 5), `officer_id` (an enrolment officer),
    `feedback_date` (now when absent; not in the future)}."""
    claim = checked_claim(actor, data.get("claim_uuid"))
    if claim.feedback_status != SELECTED:
        raise ValidationFailed(_("Claim %(code)s is not selected for feedback") % {"code": claim.code},
                               claim.uuid)
    values = _feedback_values(data.get("feedback") or {})
    feedback = Feedback.objects.current().filter(claim=claim).order_by("-id").first()
    if feedback is None:
        feedback = Feedback(claim=claim)
    else:
        feedback.save_history(audit_id(actor))
    for name, value in values.items():
        setattr(feedback, name, value)
    feedback.audit_user_id = audit_id(actor)
    feedback.save()
    _version(actor, claim)
    claim.feedback_status = DELIVERED
    claim.feedback_available = True
    claim.feedback = feedback
    claim.save()
    _close_prompts(actor, claim)
    return claim


# --- review -------------------------------------------------------------------------------------

def _set_review_status(actor, uuid, status: int) -> Claim:
    claim = checked_claim(actor, uuid)
    _refuse_delivered_review(claim)
    _version(actor, claim)
    claim.review_status = status
    claim.save()
    return claim


@transaction.atomic
def select_for_review(actor, uuid) -> Claim:
    """`selectClaimsForReview` for one claim: review status Selected (4)."""
    return _set_review_status(actor, uuid, SELECTED)


@transaction.atomic
def skip_review(actor, uuid) -> Claim:
    """`skipClaimsReview` for one claim: review status Not selected (2)."""
    return _set_review_status(actor, uuid, NOT_SELECTED)


@transaction.atomic
def bypass_review(actor, uuid) -> Claim:
    """`bypassClaimsReview` for one claim: review status Bypassed (16)."""
    return _set_review_status(actor, uuid, BYPASSED)


def _free_text(value) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def _line_status(value) -> int:
    status = inputs.id_or_none(value)
    if status not in (LINE_PASSED, LINE_REJECTED):
        raise ValidationFailed(_("The status of a claim line is 1 (passed) or 2 (rejected)"), str(value))
    return status


def _reviewed_values(line, given: dict) -> dict:
    """The reviewed fields of `line` after the review `given` (only the keys it holds change a field).

    A rejected line approves no quantity and keeps a rejection reason: the one given, else its own, else
    -1 (rejected by the medical officer); a passed line has none."""
    values = {name: getattr(line, name) for name in REVIEWED_FIELDS}
    if "qty_approved" in given:
        values["qty_approved"] = inputs.amount(given["qty_approved"], _("Approved quantity"), required=False)
    if "price_approved" in given:
        values["price_approved"] = inputs.amount(given["price_approved"], _("Approved price"), required=False)
    if "justification" in given:
        values["justification"] = _free_text(given["justification"])
    if given.get("status") is not None:
        values["status"] = _line_status(given["status"])
    if values["status"] == LINE_REJECTED:
        given_reason = given.get("rejection_reason")
        reason = _rejection_reason(given_reason) if given_reason not in (None, "") else None
        values["rejection_reason"] = reason or values["rejection_reason"] or REJECTED_BY_REVIEW
        values["qty_approved"] = Decimal("0.00")
    else:
        values["rejection_reason"] = NO_REJECTION
    return values


def _rejection_reason(value) -> int:
    """A rejection reason given as a number (-1 or a code of spec 11.5)."""
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValidationFailed(_("The rejection reason of a claim line must be a number"),
                               str(value)) from None


def _reviewed_lines(claim: Claim, given_lines, model, line_key: str, label: str) -> list:
    """[(line, new values)] for the lines a review names, matched by `id` among the claim's current
    lines; refused: a line without id, an unknown or repeated id, a line of another item or service."""
    current = {line.pk: line for line in model.objects.current().filter(claim=claim)}
    reviewed, seen = [], set()
    for given in given_lines or []:
        line_id = inputs.id_or_none(given.get("id"))
        if line_id is None or line_id not in current:
            raise ValidationFailed(_("The claim %(code)s has no current %(kind)s line %(id)s")
                                   % {"code": claim.code, "kind": label, "id": given.get("id")},
                                   str(given.get("id")))
        if line_id in seen:
            raise ValidationFailed(_("The %(kind)s line %(id)s is reviewed twice")
                                   % {"kind": label, "id": line_id}, str(line_id))
        seen.add(line_id)
        line = current[line_id]
        named = given.get(line_key)
        if named not in (None, "") and inputs.id_or_none(named) != getattr(line, line_key):
            raise ValidationFailed(_("The %(kind)s line %(id)s is not for %(kind)s %(named)s")
                                   % {"kind": label, "id": line_id, "named": named}, str(named))
        reviewed.append((line, _reviewed_values(line, given)))
    return reviewed


def approved_amount(claim: Claim) -> Decimal:
    """Σ over the claim's current lines that are not rejected of (price approved ▸ adjusted ▸ asked) ×
    (quantity approved ▸ provided), to the cent."""
    return valuation.money(sum(
        (valuation.approved_value(line.price_approved, line.price_adjusted, line.price_asked,
                                  line.qty_approved, line.qty_provided)
         for model in (ClaimItem, ClaimService)
         for line in model.objects.current().filter(claim=claim).exclude(status=LINE_REJECTED)),
        valuation.ZERO))


def _all_lines_rejected(claim: Claim) -> bool:
    lines = [model.objects.current().filter(claim=claim) for model in (ClaimItem, ClaimService)]
    return any(query.exists() for query in lines) and not any(
        query.exclude(status=LINE_REJECTED).exists() for query in lines)


@transaction.atomic
def save_review(actor, data: dict) -> Claim:
    """`saveClaimReview`: the medical officer's review of a checked claim.

    `data`: `claim_uuid`, `adjustment` (the reviewer's comment), `items` [{`id`, `item_id`,
    `qty_approved`, `price_approved`, `justification`, `status`, `rejection_reason`}], `services` (the
    same with `service_id`), `submit_review`. Each line named by its `id` gets the fields given (see
    `_reviewed_values`), is versioned when one changes, and records who reviewed it and when. The claim
    gets the adjustment, its adjuster and reviewer, and `approved` again (`approved_amount`). When no line
    of the claim passes any more it becomes Rejected (reason 1) and its deductible/remuneration rows end.
    With `submit_review` the review is Delivered (8) and, for a claim still checked, its deductibles and
    ceilings are computed again."""
    claim = checked_claim(actor, data.get("claim_uuid"))
    reviewed = (_reviewed_lines(claim, data.get("items"), ClaimItem, "item_id", "item")
                + _reviewed_lines(claim, data.get("services"), ClaimService, "service_id", "service"))
    now = timezone.now()
    actor_id = audit_id(actor)
    versioned = set()
    for line, values in reviewed:
        if all(getattr(line, name) == value for name, value in values.items()):
            continue
        line.save_history(actor_id)
        versioned.add((type(line), line.pk))
        for name, value in values.items():
            setattr(line, name, value)
        line.validity_from_review = now
        line.audit_user_id_review = actor_id
        line.save()
    _version(actor, claim)
    if "adjustment" in data:
        claim.adjustment = _free_text(data["adjustment"])
    claim.adjuster = actor_id
    claim.audit_user_id_review = actor_id
    claim.validity_from_review = now
    claim.approved = approved_amount(claim)
    rejected = _all_lines_rejected(claim)
    if rejected:
        claim.status = ClaimStatus.REJECTED
        claim.rejection_reason = ALL_LINES_REJECTED
    if data.get("submit_review"):
        claim.review_status = DELIVERED
    claim.save()
    if rejected:
        _close_ded_rems(actor, claim)
    elif data.get("submit_review"):
        _recompute_ded_rems(claim, actor_id, versioned)
    return claim


@transaction.atomic
def deliver_review(actor, uuid) -> Claim:
    """`deliverClaimsReview` for one claim: review status Delivered (8); its deductibles and ceilings are
    computed again from the reviewed lines."""
    claim = checked_claim(actor, uuid)
    _version(actor, claim)
    claim.review_status = DELIVERED
    claim.audit_user_id_review = audit_id(actor)
    claim.save()
    _recompute_ded_rems(claim, audit_id(actor))
    return claim


# --- choosing claims for review -----------------------------------------------------------------

def review_candidates(user, uuids, random_percent=None, value_above=None, rng: random.Random | None = None
                      ) -> list[str]:
    """The uuids among `uuids` (current claims the user may see) that the review page's selection picks:
    those whose claimed amount is above `value_above`, and a random `random_percent` % of the others
    (rounded up: one claim at least when the percentage is above zero). In the order of `uuids`."""
    wanted = [inputs.uuid_or_none(uuid) for uuid in uuids or []]
    visible = dict(selectors.claims(user).filter(uuid__in=[uuid for uuid in wanted if uuid])
                   .values_list("uuid", "claimed"))
    known = [uuid for uuid in dict.fromkeys(wanted) if uuid in visible]
    picked = set()
    if value_above not in (None, ""):
        threshold = inputs.amount(value_above, _("Value"))
        picked = {uuid for uuid in known if (visible[uuid] or 0) > threshold}
    if random_percent not in (None, ""):
        percent = inputs.amount(random_percent, _("Percentage"))
        if percent > 100:
            raise ValidationFailed(_("%(field)s cannot be more than 100") % {"field": _("Percentage")},
                                   str(random_percent))
        others = [uuid for uuid in known if uuid not in picked]
        count = int((len(others) * percent / 100).to_integral_value(rounding=ROUND_CEILING))
        picked.update((rng or random.SystemRandom()).sample(others, count))
    return [uuid for uuid in known if uuid in picked]
