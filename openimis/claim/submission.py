"""Claim submission (spec 11.6, with the rejection codes of 11.5 and the product assignment of 11.7).

`submit_claim` checks an Entered claim and leaves it Checked (4) or Rejected (1); a claim the checks
reject is a successful outcome, saved like a checked one. `recompute_ded_rems` re-runs step 5 (product
assignment, deductibles and ceilings without valuation, ClaimDedRem rows) for a Checked claim whose lines
a review changed. Both run in the caller's transaction (a nested savepoint when it has one); the claim is
read again under a row lock and its status checked after the lock, so two concurrent submissions of one
claim check it once and the second is refused.

Everything the checks need is read once per claim (price lists, product lines, policies, earlier lines
and claims of the insuree), not once per line.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openimis.claim import coverage, selectors, valuation
from openimis.claim.coverage import ITEM, LINE_PASSED, LINE_REJECTED, SERVICE
from openimis.claim.models import Claim, ClaimDedRem, ClaimItem, ClaimService, ClaimStatus
from openimis.core.configuration import module_config
from openimis.core.errors import ValidationFailed
from openimis.core.history import lock
from openimis.core.services import audit_id
from openimis.insuree import selectors as insuree_selectors

# rejection reasons (spec 11.5)
NOT_IN_REGISTERS = 1
NOT_IN_PRICE_LIST = 2
NO_PRODUCT = 3
PATIENT_CATEGORY = 4
FREQUENCY = 5
INSUREE_NOT_COVERED = 7
INVALID_DATES = 9
CARE_TYPE = 10
MAX_PROVISION = 16
WAITING_PERIOD = 17

# the claim category: the first of these among the claim's services (spec 11.6)
CATEGORY_ORDER = "SDAHCOV"
VISIT = "V"
OTHER = "O"
HOSPITALIZATION = "H"

# patient category mask (spec 4.3)
MALE, FEMALE, ADULT, MINOR = 1, 2, 4, 8

# the line columns submission writes
SUBMITTED_LINE_FIELDS = ["validity_from", "audit_user_id", "status", "rejection_reason", "qty_provided",
                         "qty_approved", "product", "policy", "price_origin", "limitation",
                         "limitation_value", "price_adjusted"]
ASSIGNED_LINE_FIELDS = ["status", "rejection_reason", "product", "policy", "price_origin", "limitation",
                        "limitation_value", "price_adjusted"]


@dataclass
class Line:
    """A claim line under examination: the row, its kind (I/S), its item or service, the reason found
    and the (coverage, product line) pairs that may pay it."""

    kind: str
    row: ClaimItem | ClaimService
    reason: int = 0
    pairs: list = field(default_factory=list)

    @property
    def medical(self):
        return self.row.item if self.kind == ITEM else self.row.service

    @property
    def medical_id(self) -> int:
        return self.row.item_id if self.kind == ITEM else self.row.service_id

    @property
    def quantity(self) -> Decimal:
        row = self.row
        return row.qty_approved if row.qty_approved is not None else row.qty_provided


@dataclass
class Facts:
    """What the checks of one claim read, loaded once."""

    claim: Claim
    day: datetime.date
    insuree: object
    health_facility: object
    coverages: list
    adult: bool
    category: str = VISIT
    prices: dict = field(default_factory=dict)  # kind -> {medical id: price}
    product_lines: dict = field(default_factory=dict)  # kind -> {(product id, medical id): line}
    earlier_lines: dict = field(default_factory=dict)  # kind -> {medical id: [EarlierLine]}
    earlier_claims: list | None = None

    @property
    def in_patient(self) -> bool:
        return self.day != self.claim.date_from


# --- reading the claim ------------------------------------------------------------------------

def locked_claim(actor, uuid) -> Claim:
    """The current claim `uuid` the actor may act on, read again under a row lock."""
    claim = selectors.claim_by(actor, uuid=uuid) if uuid else None
    if claim is None:
        raise ValidationFailed(_("Claim not found"), str(uuid))
    lock(claim)
    if not claim.is_current:  # deleted by a transaction that committed while this one waited
        raise ValidationFailed(_("Claim not found"), str(uuid))
    return claim


def claim_lines(claim: Claim) -> list[Line]:
    """The claim's current lines, items first, each in entry order, with their item or service."""
    items = ClaimItem.objects.current().filter(claim=claim).select_related("item").order_by("id")
    services = ClaimService.objects.current().filter(claim=claim).select_related("service").order_by("id")
    return [Line(ITEM, row) for row in items] + [Line(SERVICE, row) for row in services]


def version_lines(lines: list[Line], audit_user_id: int) -> None:
    """Keep the stored state of these lines as history rows (one insert per kind); the rows were read
    after the claim's lock, which every writer of a claim's lines takes, so they are the stored state."""
    now = timezone.now()
    copies: dict = {ITEM: [], SERVICE: []}
    for line in lines:
        row = line.row
        values = {model_field.attname: getattr(row, model_field.attname)
                  for model_field in row._meta.concrete_fields if not model_field.primary_key}
        values.update(validity_to=now, legacy_id=row.pk)
        copies[line.kind].append(type(row)(**values))
        row.validity_from = now
        row.audit_user_id = audit_user_id
    for kind, rows in copies.items():
        if rows:
            coverage.LINE_MODELS[kind].objects.bulk_create(rows)


def save_lines(lines: list[Line], fields: list[str]) -> None:
    """One UPDATE of `fields` per line: a claim has a few lines, for which Django builds a bulk update's
    CASE expressions (one per field and line) more slowly than the plain statements."""
    for line in lines:
        line.row.save(update_fields=fields)


def approved_amount(lines: list[Line]) -> Decimal:
    """Σ over the passed lines of (priceApproved ▸ priceAdjusted ▸ priceAsked) × (qtyApproved ▸
    qtyProvided) (spec 11.1)."""
    total = valuation.ZERO
    for line in lines:
        row = line.row
        if row.status != LINE_PASSED:
            continue
        price = next(value for value in (row.price_approved, row.price_adjusted, row.price_asked)
                     if value is not None)
        total += Decimal(price) * Decimal(line.quantity)
    return valuation.money(total)


def claim_category(lines: list[Line], in_patient: bool) -> str:
    """The first of S, D, A, H, C, O, V among the categories of the claim's services; an in-patient
    claim counts as H too; V by default."""
    found = {line.medical.category for line in lines if line.kind == SERVICE}
    if in_patient:
        found.add(HOSPITALIZATION)
    return next((category for category in CATEGORY_ORDER if category in found), VISIT)


def patient_mask(insuree, adult: bool) -> int:
    gender = getattr(insuree, "gender_id", None)
    return (MALE if gender in ("M", "O") else FEMALE) | (ADULT if adult else MINOR)


def _is_adult(insuree, day: datetime.date) -> bool:
    return valuation.is_adult(getattr(insuree, "dob", None), day, coverage.age_of_majority())


# --- the checks ---------------------------------------------------------------------------------

def claim_reason(claim: Claim, insuree, day: datetime.date | None) -> int:
    """Spec 11.6 step 2: 9 for invalid dates, 7 for an insuree not current or not covered, else 0."""
    if day is None or (claim.date_from and claim.date_claimed and claim.date_claimed < claim.date_from):
        return INVALID_DATES
    if insuree is None or not coverage.has_insuree_cover(claim.insuree_id, claim.date_from, day):
        return INSUREE_NOT_COVERED
    return 0


def _care_type_fails(facts: Facts, line: Line) -> bool:
    facility = facts.health_facility.care_type or "B"
    care = line.medical.care_type
    if facility == "O":
        return facts.in_patient or care == "I"
    return facility == "I" and care == "O"


def _category_fails(facts: Facts, line: Line) -> bool:
    mask = line.medical.patient_category or 0
    patient = patient_mask(facts.insuree, facts.adult)
    return mask != 0 and (mask & patient) != patient


def _frequency_fails(facts: Facts, line: Line) -> bool:
    frequency = line.medical.frequency or 0
    if frequency <= 0:
        return False
    since = facts.day - datetime.timedelta(days=frequency)
    return any(earlier.day >= since for earlier in facts.earlier_lines[line.kind].get(line.medical_id, ()))


def _within(day: datetime.date, window: tuple) -> bool:
    start, end = window
    return (start is None or day >= start) and (end is None or day <= end)


def _waiting_period_fails(facts: Facts, cover, product_line) -> bool:
    months = product_line.waiting_period_adult if facts.adult else product_line.waiting_period_child
    insuree_policy, policy = cover.insuree_policy, cover.policy
    if not months or insuree_policy.effective_date is None:
        return False
    joined_later = (policy.effective_date is not None
                    and insuree_policy.effective_date > policy.effective_date)
    if policy.stage != "N" and not joined_later:
        return False
    return facts.day < coverage.add_months(insuree_policy.effective_date, months)


def _provision_allowed(facts: Facts, line: Line, cover, product_line) -> Decimal | None | bool:
    """The quantity this pair still allows: None (no limit, or room for the whole line), a smaller
    quantity the line is cut to, or False when the maximum is reached."""
    limit = product_line.limit_no_adult if facts.adult else product_line.limit_no_child
    if limit is None:
        return None
    window = cover.window
    used = sum((earlier.quantity for earlier in facts.earlier_lines[line.kind].get(line.medical_id, ())
                if _within(earlier.day, window)), valuation.ZERO)
    if used + line.quantity <= limit:
        return None
    if used < limit:
        return Decimal(limit) - used
    return False


def _category_maximum_reason(facts: Facts, cover) -> int:
    """13/14/15/19/11/12 when the insuree's earlier claims of the claim's category in this policy period
    reached the product's maximum (spec 11.6; a maximum of 0 refuses every claim of the category)."""
    if facts.category not in coverage.CATEGORY_MAXIMA:
        return 0
    column, reason = coverage.CATEGORY_MAXIMA[facts.category]
    maximum = getattr(cover.product, column)
    if maximum is None:
        return 0
    if facts.earlier_claims is None:
        facts.earlier_claims = coverage.earlier_claims(facts.claim.insuree_id, facts.claim.pk)
    window = cover.window
    matching = {facts.category, None} if facts.category == VISIT else {facts.category}
    count = sum(1 for category, day in facts.earlier_claims if category in matching and _within(day, window))
    return reason if count >= maximum else 0


def covering_pairs(facts: Facts, line: Line) -> list:
    """The (coverage, product line) pairs whose product covers the line's item or service."""
    lines = facts.product_lines[line.kind]
    return [(cover, lines[(cover.product.pk, line.medical_id)]) for cover in facts.coverages
            if (cover.product.pk, line.medical_id) in lines]


def _product_reason(facts: Facts, line: Line) -> int:
    """3, or 17/16 (and the category maxima for services) when no covering pair passes; the passing
    pairs are kept for the product assignment, and the quantity cut to what the most generous allows."""
    pairs = covering_pairs(facts, line)
    if not pairs:
        return NO_PRODUCT
    passing, allowances, first_failure = [], [], 0
    for cover, product_line in pairs:
        reason = 0
        if _waiting_period_fails(facts, cover, product_line):
            reason = WAITING_PERIOD
        else:
            allowed = _provision_allowed(facts, line, cover, product_line)
            if allowed is False:
                reason = MAX_PROVISION
            elif line.kind == SERVICE:
                reason = _category_maximum_reason(facts, cover)
        if reason:
            first_failure = first_failure or reason
            continue
        passing.append((cover, product_line))
        allowances.append(allowed)
    if not passing:
        return first_failure
    if all(allowed is not None for allowed in allowances):
        quantity = max(allowances)
        if line.row.qty_approved is not None:
            line.row.qty_approved = quantity
        else:
            line.row.qty_provided = quantity
    line.pairs = passing
    return 0


def line_reason(facts: Facts, line: Line) -> int:
    """The first failing check of a line (spec 11.6 step 3): items 1, 2, 10, 4, 5, products; services
    1, 2, 10, 5, 4, products and category maxima."""
    if line.medical.validity_to is not None:
        return NOT_IN_REGISTERS
    if line.medical_id not in facts.prices[line.kind]:
        return NOT_IN_PRICE_LIST
    if _care_type_fails(facts, line):
        return CARE_TYPE
    checks = [(PATIENT_CATEGORY, _category_fails), (FREQUENCY, _frequency_fails)]
    if line.kind == SERVICE:
        checks.reverse()
    for reason, fails in checks:
        if fails(facts, line):
            return reason
    return _product_reason(facts, line)


def current_insuree(claim: Claim):
    """The claim's insuree when still current (None once deleted)."""
    return insuree_selectors.current_insurees().filter(pk=claim.insuree_id).first()


def _load_facts(claim: Claim, lines: list[Line], day: datetime.date, checks: bool, insuree) -> Facts:
    facts = Facts(claim=claim, day=day, insuree=insuree, health_facility=claim.health_facility,
                  coverages=coverage.valid_coverages(claim.insuree_id, day),
                  adult=_is_adult(insuree, day))
    facts.category = claim_category(lines, facts.in_patient)
    product_ids = {cover.product.pk for cover in facts.coverages}
    for kind in (ITEM, SERVICE):
        ids = {line.medical_id for line in lines if line.kind == kind}
        facts.prices[kind] = coverage.price_list_prices(kind, facts.health_facility, ids)
        facts.product_lines[kind] = coverage.product_lines(kind, product_ids, ids)
        facts.earlier_lines[kind] = (coverage.earlier_lines(kind, claim.insuree_id, claim.pk, ids)
                                     if checks else {})
    return facts


# --- step 5: products, deductibles and ceilings --------------------------------------------------

def _limit(product_line, visit_type: str | None, adult: bool) -> tuple:
    """(limitation type, limit) of a product line for the claim's visit type and the patient's age."""
    if visit_type == "E":
        return (product_line.limitation_type_e,
                product_line.limit_adult_e if adult else product_line.limit_child_e)
    if visit_type == "R":
        return (product_line.limitation_type_r,
                product_line.limit_adult_r if adult else product_line.limit_child_r)
    return product_line.limitation_type, product_line.limit_adult if adult else product_line.limit_child


def _best(candidates: list, default: Decimal) -> tuple | None:
    """The candidate with the highest limit (the first one among equals)."""
    best = None
    for candidate in candidates:
        value = candidate[2] if candidate[2] is not None else default
        if best is None or value > best[3]:
            best = (*candidate, value)
    return best


def choose_product(line: Line, visit_type: str | None, adult: bool) -> tuple | None:
    """Spec 11.7: (coverage, product line, limitation, limit) paying the line, or None."""
    co_insurance, fixed = [], []
    for cover, product_line in line.pairs:
        kind, value = _limit(product_line, visit_type, adult)
        (fixed if kind == valuation.LIMITATION_FIXED else co_insurance).append((cover, product_line, value))
    best_c = _best(co_insurance, valuation.HUNDRED)
    best_f = _best(fixed, valuation.ZERO)
    if best_c is None or best_f is None:
        chosen = best_c or best_f
        if chosen is None:
            return None
        kind = valuation.LIMITATION_CO_INSURANCE if best_c else valuation.LIMITATION_FIXED
        return chosen[0], chosen[1], kind, chosen[2]
    row = line.row
    price = next(value for value in (row.price_approved, row.price_adjusted, row.price_asked)
                 if value is not None)
    fixed_limit, percent = best_f[3], best_c[3]
    take_fixed = fixed_limit == 0 or fixed_limit > price
    if not take_fixed and percent < valuation.HUNDRED:
        own_fixed = price - fixed_limit
        own_co_insurance = (1 - percent / valuation.HUNDRED) * price
        take_fixed = own_co_insurance > own_fixed
    if take_fixed:
        return best_f[0], best_f[1], valuation.LIMITATION_FIXED, best_f[2]
    return best_c[0], best_c[1], valuation.LIMITATION_CO_INSURANCE, best_c[2]


def assign_product(line: Line, visit_type: str | None, adult: bool) -> bool:
    chosen = choose_product(line, visit_type, adult)
    row = line.row
    if chosen is None:
        row.product_id = row.policy_id = None
        return False
    cover, product_line, limitation, value = chosen
    row.product_id = cover.product.pk
    row.policy_id = cover.policy.pk
    row.price_origin = product_line.price_origin or valuation.PRICE_ORIGIN_PRICELIST
    row.limitation = limitation
    row.limitation_value = value
    return True


def valuation_line(line: Line, price_list_price, product_line, adult: bool) -> valuation.ClaimLine:
    """The pure valuation's view of a passed, assigned line."""
    row = line.row
    exclusion = None
    if product_line is not None:
        exclusion = product_line.ceiling_exclusion_adult if adult else product_line.ceiling_exclusion_child
    if price_list_price is None:  # not in the price list any more (or never checked): the register's
        price_list_price = line.medical.price
    return valuation.ClaimLine(
        line_id=row.pk, kind=line.kind, qty_provided=row.qty_provided, price_asked=row.price_asked,
        price_list_price=price_list_price, qty_approved=row.qty_approved, price_approved=row.price_approved,
        passed=True, policy_id=row.policy_id,
        price_origin=row.price_origin or valuation.PRICE_ORIGIN_PRICELIST,
        limitation=row.limitation or valuation.LIMITATION_CO_INSURANCE, limitation_value=row.limitation_value,
        ceiling_exclusion=exclusion)


def claim_data(claim: Claim, category: str | None) -> valuation.ClaimData:
    return valuation.ClaimData(insuree_id=claim.insuree_id, date_from=claim.date_from, date_to=claim.date_to,
                               category=category, hf_level=claim.health_facility.level)


def close_ded_rems(claim: Claim) -> None:
    """End the claim's current ClaimDedRem rows (a re-validated or rejected claim consumes nothing)."""
    ClaimDedRem.objects.current().filter(claim=claim).update(validity_to=timezone.now())


def write_ded_rems(claim: Claim, result: valuation.ClaimValuation, contexts: dict,
                   audit_user_id: int) -> None:
    """Replace the claim's ClaimDedRem rows by one row per policy the valuation used."""
    close_ded_rems(claim)
    rows = []
    for policy_id, row in result.ded_rems.items():
        hospital = valuation.is_hospital_claim(contexts[policy_id].product.ceiling_interpretation,
                                               claim.date_from, claim.date_to, claim.health_facility.level)
        rows.append(ClaimDedRem(policy_id=policy_id, insuree_id=claim.insuree_id, claim=claim,
                                audit_user_id=audit_user_id, **coverage.ded_rem_columns(row, hospital)))
    ClaimDedRem.objects.bulk_create(rows)


def assign_and_account(facts: Facts, lines: list[Line], audit_user_id: int) -> bool:
    """Spec 11.6 step 5 for the passed lines: assign their products, compute the deductibles and ceilings
    without valuation (sets priceAdjusted) and store the claim's ClaimDedRem rows. False (and the claim
    Rejected with reason 3) when a passed line finds no product."""
    claim = facts.claim
    passed = [line for line in lines if line.reason == 0]
    unpaid = [line for line in passed if not assign_product(line, claim.visit_type, facts.adult)]
    for line in unpaid:
        line.reason = NO_PRODUCT
    if unpaid or not passed:
        reject(claim, lines, NO_PRODUCT if unpaid else NOT_IN_REGISTERS)
        return False
    policies = {}
    for line in passed:
        cover = next(cover for cover, _product_line in line.pairs if cover.policy.pk == line.row.policy_id)
        policies[cover.policy.pk] = (cover.policy, cover.product)
    contexts = coverage.policy_contexts(policies, claim.pk, facts.day)
    product_lines = {line.row.pk: next(product_line for cover, product_line in line.pairs
                                       if cover.policy.pk == line.row.policy_id
                                       and cover.product.pk == line.row.product_id)
                     for line in passed}
    inputs = [valuation_line(line, facts.prices[line.kind].get(line.medical_id),
                             product_lines[line.row.pk], facts.adult) for line in passed]
    result = valuation.valuate_claim(claim_data(claim, facts.category), inputs, contexts)
    adjusted = {(value.kind, value.line_id): value.price_adjusted for value in result.lines}
    for line in passed:
        price = adjusted.get((line.kind, line.row.pk))
        if price is not None:
            line.row.price_adjusted = price
    write_ded_rems(claim, result, contexts, audit_user_id)
    mark_lines(lines)
    claim.status = ClaimStatus.CHECKED
    claim.rejection_reason = 0
    claim.approved = approved_amount(lines)
    return True


def mark_lines(lines: list[Line]) -> None:
    for line in lines:
        line.row.rejection_reason = line.reason
        line.row.status = LINE_PASSED if line.reason == 0 else LINE_REJECTED


def reject(claim: Claim, lines: list[Line], reason: int) -> None:
    """The claim is Rejected with `reason`; it consumes nothing of its policies."""
    mark_lines(lines)
    claim.status = ClaimStatus.REJECTED
    claim.rejection_reason = reason
    claim.approved = approved_amount(lines)
    close_ded_rems(claim)


# --- the services -----------------------------------------------------------------------------

def check_claim(claim: Claim, lines: list[Line], audit_user_id: int) -> None:
    """Spec 11.6 steps 1-6 on a claim read under lock (status, category, lines and ClaimDedRem set;
    the caller saves the claim and the lines)."""
    day = coverage.target_date(claim.date_from, claim.date_to)
    disabled = bool(module_config("claim").get("default_validations_disabled"))
    for line in lines:  # a line already carrying a reason keeps it
        line.reason = line.row.rejection_reason or 0
    insuree = current_insuree(claim)
    if not disabled:
        reason = claim_reason(claim, insuree, day)
        if reason:
            claim.category = claim_category(lines, day is not None and day != claim.date_from)
            for line in lines:
                line.reason = line.reason or reason
            reject(claim, lines, reason)
            return
    facts = _load_facts(claim, lines, day, not disabled, insuree)
    claim.category = facts.category
    for line in lines:
        if line.reason:
            continue
        if disabled:
            line.pairs = covering_pairs(facts, line)
        else:
            line.reason = line_reason(facts, line)
    if not any(line.reason == 0 for line in lines):
        reject(claim, lines, NOT_IN_REGISTERS)
        return
    assign_and_account(facts, lines, audit_user_id)


@transaction.atomic
def submit_claim(actor, uuid) -> Claim:
    """Submit an Entered claim (spec 11.6): it becomes Checked (4), or Rejected (1) when a claim check
    fails, when no line passes or when a passed line finds no product. Refused (ValidationFailed) for an
    unknown claim or a claim that is not Entered."""
    claim = locked_claim(actor, uuid)
    if claim.status != ClaimStatus.ENTERED:
        raise ValidationFailed(_("Only an entered claim can be submitted"),
                               _("claim %(code)s has status %(status)s") % {"code": claim.code,
                                                                            "status": claim.status})
    audit_user_id = audit_id(actor)
    claim.save_history(audit_user_id)
    lines = claim_lines(claim)
    version_lines(lines, audit_user_id)
    check_claim(claim, lines, audit_user_id)
    claim.submit_stamp = timezone.now()
    claim.audit_user_id_submit = audit_user_id
    save_lines(lines, SUBMITTED_LINE_FIELDS)
    claim.save()
    return claim


@transaction.atomic
def recompute_ded_rems(claim: Claim, audit_user_id: int) -> None:
    """Re-run spec 11.6 step 5 for a Checked claim whose lines a review changed: the passed lines (status
    1) get their product again, priceAdjusted and the claim's ClaimDedRem rows are recomputed, `approved`
    too. A passed line no product pays rejects the claim (reason 3). The caller versioned the claim and
    its lines; this saves the lines' assignment and the claim's status, rejection reason and approved.
    Refused (ValidationFailed) for a claim that is not Checked."""
    if claim.status != ClaimStatus.CHECKED:
        raise ValidationFailed(_("Only a checked claim has its deductibles and ceilings computed again"),
                               _("claim %(code)s has status %(status)s") % {"code": claim.code,
                                                                            "status": claim.status})
    lines = claim_lines(claim)
    day = coverage.target_date(claim.date_from, claim.date_to)
    for line in lines:
        line.reason = 0 if line.row.status == LINE_PASSED else (line.row.rejection_reason or -1)
    facts = _load_facts(claim, lines, day, False, current_insuree(claim))
    facts.category = claim.category or facts.category
    for line in lines:
        if line.reason == 0:
            line.pairs = covering_pairs(facts, line)
    assign_and_account(facts, lines, audit_user_id)
    save_lines(lines, ASSIGNED_LINE_FIELDS)
    claim.save(update_fields=["status", "rejection_reason", "approved"])
