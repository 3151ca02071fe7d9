"""Claim processing (spec 11.8 in processing mode, 11.10 "Process").

`process_claims` valuates Checked claims: each passed line gets its adjusted price, the part its
policy's deductible absorbs, what exceeds a category or the general ceiling (accumulated over the other
claims of the policy period through their ClaimDedRem rows, the claims processed before it in the batch
included) and the amount paid; the claim becomes Valuated (16), or Processed (8) when a passed line is
priced relatively (the batch run values those). All or nothing, like submission; `process_claim` does it
for one claim. Runs in the caller's transaction, on the claims read again under a row lock, with what
they read loaded once for the batch and what they write written at its end (submission.ClaimBatch).
"""

from __future__ import annotations

import dataclasses

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from openimis.claim import coverage, submission, valuation
from openimis.claim.coverage import LINE_PASSED
from openimis.claim.models import Claim, ClaimStatus, FeedbackPrompt
from openimis.graphql.mutations import max_ids, run_for_each
from openimis.policy import selectors as policy_selectors

SELECTED, BYPASSED = 4, 16
VALUATED_LINE_FIELDS = ["validity_from", "audit_user_id", "price_adjusted", "price_valuated",
                        "deductable_amount", "exceed_ceiling_amount", "exceed_ceiling_amount_category",
                        "remunerated_amount"]


PROCESSED_CLAIM_FIELDS = ["validity_from", "audit_user_id", "status", "rejection_reason", "approved",
                          "valuated", "remunerated", "date_processed", "process_stamp",
                          "audit_user_id_process", "review_status", "feedback_status"]


def _bypass_selections(claim: Claim, closed_prompts: list) -> None:
    """Processing turns a review or feedback Selected (4) into Bypassed (16); a bypassed feedback's
    prompt is closed (the claim's id joins `closed_prompts`)."""
    if claim.review_status == SELECTED:
        claim.review_status = BYPASSED
    if claim.feedback_status == SELECTED:
        claim.feedback_status = BYPASSED
        closed_prompts.append(claim.pk)


def _policies(lines: list) -> dict:
    """{policy id: (policy, product)} of the current policies the passed lines were assigned to."""
    ids = {line.row.policy_id for line in lines if line.row.policy_id is not None}
    if not ids:
        return {}
    rows = policy_selectors.current_policies().filter(pk__in=list(ids)).select_related("product")
    return {policy.pk: (policy, policy.product) for policy in rows}


def valuate(claim: Claim, lines: list, audit_user_id: int, reads: coverage.SharedReads,
            policies: dict) -> valuation.ClaimValuation:
    """Spec 11.8 in processing mode on the claim's passed lines (their assigned product and policy, among
    the current `policies` {policy id: (policy, product)}); sets the lines' amounts and the claim's
    ClaimDedRem rows (written with the batch)."""
    day = coverage.target_date(claim.date_from, claim.date_to)
    adult = valuation.is_adult(claim.insuree.dob, day, reads.age_of_majority)
    passed = [line for line in lines if line.row.status == LINE_PASSED]
    used = {line.row.policy_id: policies[line.row.policy_id] for line in passed
            if line.row.policy_id in policies}
    inputs = []
    for kind in (coverage.ITEM, coverage.SERVICE):
        prices = reads.prices(kind, claim.health_facility)
        product_lines = reads.product_lines(kind)
        for line in passed:
            if line.kind != kind:
                continue
            product_line = product_lines.get((line.row.product_id, line.medical_id))
            value = submission.valuation_line(line, prices.get(line.medical_id), product_line, adult)
            if line.row.policy_id not in used:
                value = dataclasses.replace(value, passed=False)
            inputs.append(value)
    contexts = reads.policy_contexts(used, claim.pk, day)
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
        submission.close_ded_rems(claim, reads)
    else:
        submission.write_ded_rems(claim, result, contexts, audit_user_id, reads)
    return result


class Processing(submission.ClaimBatch):
    """One processing of Checked claims: `process(uuid)` valuates one, `write()` writes them all."""

    def __init__(self, actor, uuids):
        super().__init__(actor, uuids, ClaimStatus.CHECKED)
        prefetch_related_objects(self.workable, "insuree")
        self.every_line = dict(self.lines)
        for claim_id, lines in self.every_line.items():  # only the passed lines are valuated and written
            self.lines[claim_id] = [line for line in lines if line.row.status == LINE_PASSED]
        passed = self.all_lines()
        self.reads = coverage.SharedReads(self.workable, submission.medical_ids_of(passed))
        self.policies = _policies(passed)
        self.reads.load_product_lines({line.row.product_id for line in passed if line.row.product_id})
        self.reads.load_policies(self.policies)
        self.closed_prompts: list = []

    def process(self, uuid) -> Claim:
        claim = self.claim(uuid, _("Only a checked claim can be processed"))
        passed = self.lines[claim.pk]
        self.version(claim, passed)
        result = valuate(claim, self.every_line[claim.pk], self.audit_user_id, self.reads, self.policies)
        if result.rejected_no_product:
            claim.status = ClaimStatus.REJECTED
            claim.rejection_reason = result.rejection_reason
        else:
            claim.status = result.status
            claim.approved = result.approved
            claim.valuated = result.valuated
            claim.remunerated = result.remunerated
        claim.date_processed = timezone.localdate()
        claim.process_stamp = self.now
        claim.audit_user_id_process = self.audit_user_id
        _bypass_selections(claim, self.closed_prompts)
        return claim

    def write(self) -> None:
        super().write(VALUATED_LINE_FIELDS, PROCESSED_CLAIM_FIELDS)
        self.reads.write(self.audit_user_id)
        if self.closed_prompts:
            FeedbackPrompt.objects.current().filter(claim_id__in=self.closed_prompts).update(
                validity_to=self.now)


@transaction.atomic
def process_claims(actor, uuids) -> list[Claim]:
    """Process Checked claims (spec 11.8, 11.10), in the order given: each becomes Valuated (16) or
    Processed (8), or Rejected (1, reason 3) when no passed line has a product. All or nothing: an unknown
    claim or a claim that is not Checked is refused, every refusal is reported (`run_for_each`'s
    ServiceErrors) and nothing is written. The same results as processing them one after the other."""
    uuids = list(uuids or [])
    processing = Processing(actor, uuids if len(uuids) <= max_ids() else [])
    processed: list[Claim] = []
    run_for_each(uuids, lambda uuid: processed.append(processing.process(uuid)))
    processing.write()
    return processed


@transaction.atomic
def process_claim(actor, uuid) -> Claim:
    """Process a Checked claim (spec 11.8, 11.10): Valuated (16) or Processed (8), or Rejected (1, reason
    3) when no passed line has a product. Refused (ValidationFailed) for an unknown claim or a claim that
    is not Checked."""
    processing = Processing(actor, [uuid])
    claim = processing.process(uuid)
    processing.write()
    return claim
