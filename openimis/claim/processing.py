"""Claim processing (spec 11.8 in processing mode, 11.10 "Process").

`process_claim` valuates a Checked claim: each passed line gets its adjusted price, the part its
policy's deductible absorbs, what exceeds a category or the general ceiling (accumulated over the other
claims of the policy period through their ClaimDedRem rows) and the amount paid; the claim becomes
Valuated (16), or Processed (8) when a passed line is priced relatively (the batch run values those).
Runs in the caller's transaction, on the claim read again under a row lock.
"""

from __future__ import annotations

import dataclasses

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openimis.claim import coverage, submission, valuation
from openimis.claim.coverage import ITEM, LINE_PASSED, SERVICE
from openimis.claim.models import Claim, ClaimStatus, FeedbackPrompt
from openimis.core.errors import ValidationFailed
from openimis.core.services import audit_id
from openimis.policy import selectors as policy_selectors

SELECTED, BYPASSED = 4, 16
VALUATED_LINE_FIELDS = ["validity_from", "audit_user_id", "price_adjusted", "price_valuated",
                        "deductable_amount", "exceed_ceiling_amount", "exceed_ceiling_amount_category",
                        "remunerated_amount"]


def _bypass_selections(claim: Claim, now) -> None:
    """Processing turns a review or feedback Selected (4) into Bypassed (16); a bypassed feedback's
    prompt is closed."""
    if claim.review_status == SELECTED:
        claim.review_status = BYPASSED
    if claim.feedback_status == SELECTED:
        claim.feedback_status = BYPASSED
        FeedbackPrompt.objects.current().filter(claim=claim).update(validity_to=now)


def _policies(lines: list) -> dict:
    """{policy id: (policy, product)} of the current policies the passed lines were assigned to."""
    ids = {line.row.policy_id for line in lines if line.row.policy_id is not None}
    rows = policy_selectors.current_policies().filter(pk__in=ids).select_related("product")
    return {policy.pk: (policy, policy.product) for policy in rows}


def valuate(claim: Claim, lines: list, audit_user_id: int) -> valuation.ClaimValuation:
    """Spec 11.8 in processing mode on the claim's passed lines (their assigned product and policy);
    writes the lines' amounts and the claim's ClaimDedRem rows."""
    day = coverage.target_date(claim.date_from, claim.date_to)
    insuree = claim.insuree
    adult = valuation.is_adult(insuree.dob, day, coverage.age_of_majority())
    passed = [line for line in lines if line.row.status == LINE_PASSED]
    policies = _policies(passed)
    inputs = []
    for kind in (ITEM, SERVICE):
        own = [line for line in passed if line.kind == kind]
        ids = {line.medical_id for line in own}
        prices = coverage.price_list_prices(kind, claim.health_facility, ids)
        product_lines = coverage.product_lines(kind, {line.row.product_id for line in own}, ids)
        for line in own:
            product_line = product_lines.get((line.row.product_id, line.medical_id))
            value = submission.valuation_line(line, prices.get(line.medical_id), product_line, adult)
            if line.row.policy_id not in policies:
                value = dataclasses.replace(value, passed=False)
            inputs.append(value)
    contexts = coverage.policy_contexts(policies, claim.pk, day)
    category = claim.category or submission.claim_category(lines, day != claim.date_from)
    result = valuation.valuate_claim(submission.claim_data(claim, category), inputs, contexts)
    by_line = {(value.kind, value.line_id): value for value in result.lines}
    for line in passed:
        value = by_line.get((line.kind, line.row.pk))
        if value is None:
            continue
        row = line.row
        if value.price_adjusted is not None:
            row.price_adjusted = value.price_adjusted
        row.price_valuated = value.price_valuated
        row.deductable_amount = value.deductable_amount
        row.exceed_ceiling_amount = value.exceed_ceiling_amount
        row.exceed_ceiling_amount_category = value.exceed_ceiling_amount_category
        row.remunerated_amount = value.remunerated_amount
    if result.rejected_no_product:
        submission.close_ded_rems(claim)
    else:
        submission.write_ded_rems(claim, result, contexts, audit_user_id)
    return result


@transaction.atomic
def process_claim(actor, uuid) -> Claim:
    """Process a Checked claim (spec 11.8, 11.10): Valuated (16) or Processed (8), or Rejected (1, reason
    3) when no passed line has a product. Refused (ValidationFailed) for an unknown claim or a claim that
    is not Checked."""
    claim = submission.locked_claim(actor, uuid)
    if claim.status != ClaimStatus.CHECKED:
        raise ValidationFailed(_("Only a checked claim can be processed"),
                               _("claim %(code)s has status %(status)s") % {"code": claim.code,
                                                                            "status": claim.status})
    audit_user_id = audit_id(actor)
    claim.save_history(audit_user_id)
    lines = submission.claim_lines(claim)
    passed = [line for line in lines if line.row.status == LINE_PASSED]
    submission.version_lines(passed, audit_user_id)
    result = valuate(claim, lines, audit_user_id)
    now = timezone.now()
    if result.rejected_no_product:
        claim.status = ClaimStatus.REJECTED
        claim.rejection_reason = result.rejection_reason
    else:
        claim.status = result.status
        claim.approved = result.approved
        claim.valuated = result.valuated
        claim.remunerated = result.remunerated
    claim.date_processed = timezone.localdate()
    claim.process_stamp = now
    claim.audit_user_id_process = audit_user_id
    _bypass_selections(claim, now)
    submission.save_lines(passed, VALUATED_LINE_FIELDS)
    claim.save()
    return claim
