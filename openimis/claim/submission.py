"""Claim submission (spec 11.6, with the rejection codes of 11.5 and the product assignment of 11.7).

`submit_claims` checks Entered claims, each left Checked (4) or Rejected (1); a claim the checks reject is
a successful outcome, saved like a checked one; an unknown claim or one that is not Entered is refused,
and then the whole batch (`run_for_each`: all or nothing, every refusal reported). `submit_claim` does it
for one claim. `recompute_ded_rems` re-runs step 5 (product assignment, deductibles and ceilings without
valuation, ClaimDedRem rows) for a Checked claim whose lines a review changed. They run in the caller's
transaction (a nested savepoint when it has one); the claims are read under a row lock (in id order, so
concurrent batches do not deadlock) and their status checked after the lock, so two concurrent
submissions of one claim check it once and the second is refused.

A batch reads what its claims need once for all of them (`ClaimBatch`, `coverage.SharedReads`: the
claims, their lines, the insurees' policies, the price lists, the product lines, earlier lines and claims,
ClaimDedRem rows), checks the claims one after the other in the order given, each seeing the ones before
it (frequency, maximum provision, category maxima, deductibles and ceilings) as one-by-one submissions
would, and writes everything at the end in a few statements: a constant number of statements per batch.
"""

from __future__ import annotations

import datetime
import sqlite3
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from openimis.claim import coverage, selectors, valuation
from openimis.claim.coverage import ITEM, LINE_PASSED, LINE_REJECTED, SERVICE
from openimis.claim.models import Claim, ClaimDedRem, ClaimItem, ClaimService, ClaimStatus
from openimis.core.configuration import module_config
from openimis.core.errors import ValidationFailed
from openimis.core.history import new_uuid
from openimis.core.services import audit_id
from openimis.graphql.mutations import max_ids, run_for_each
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
# the claim columns submission writes
SUBMITTED_CLAIM_FIELDS = ["validity_from", "audit_user_id", "status", "rejection_reason", "category",
                          "approved", "submit_stamp", "audit_user_id_submit"]
# rows per UPDATE statement of `update_rows`
UPDATE_CHUNK = 500


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
    reads: coverage.SharedReads
    category: str = VISIT
    prices: dict = field(default_factory=dict)  # kind -> {medical id: price}
    product_lines: dict = field(default_factory=dict)  # kind -> {(product id, medical id): line}
    earlier_lines: dict = field(default_factory=dict)  # kind -> {medical id: [EarlierLine]}
    earlier_claims: list | None = None

    @property
    def in_patient(self) -> bool:
        return self.day != self.claim.date_from


# --- reading and writing the claims of a batch -------------------------------------------------------

def _locking(queryset):
    """`queryset` under a row lock held until the transaction ends (FOR NO KEY UPDATE on PostgreSQL, as
    `openimis.core.history.lock` takes it); as it is without row locks (SQLite: a writing transaction
    holds the whole database) or outside a transaction."""
    features = connection.features
    if not (features.has_select_for_update and connection.in_atomic_block):
        return queryset
    return queryset.select_for_update(no_key=features.has_select_for_no_key_update)


def locked_claims(actor, uuids) -> dict:
    """{uuid: claim} of the claims among `uuids` the actor may act on, read again under a row lock, in id
    order (a claim deleted while this waited for its lock is there, no longer current)."""
    keys = sorted({str(uuid) for uuid in uuids or () if uuid})
    if not keys:
        return {}
    ids = list(selectors.claims(actor).filter(uuid__in=keys).values_list("pk", flat=True))
    if not ids:
        return {}
    rows = list(_locking(Claim._base_manager.filter(pk__in=ids).order_by("id")))
    return {claim.uuid: claim for claim in rows}


def claim_lines(claim: Claim) -> list[Line]:
    """The claim's current lines, items first, each in entry order, with their item or service."""
    return lines_of([claim])[claim.pk]


def lines_of(claims: list) -> dict:
    """{claim id: [Line]}: the current lines of these claims, items first, each in entry order, with their
    item or service (two statements)."""
    found = {claim.pk: [] for claim in claims}
    if not claims:
        return found
    for kind, model, medical in ((ITEM, ClaimItem, "item"), (SERVICE, ClaimService, "service")):
        rows = (model.objects.current().filter(claim_id__in=list(found)).select_related(medical)
                .order_by("id"))
        for row in rows:
            found[row.claim_id].append(Line(kind, row))
    return found


def medical_ids_of(lines) -> dict:
    """{kind: {item or service id}} of these lines."""
    found: dict = {ITEM: set(), SERVICE: set()}
    for line in lines:
        found[line.kind].add(line.medical_id)
    return found


def history_copy(record, now):
    """The history row keeping the stored state of `record` (read under its lock, not yet changed): a new
    row (with a new uuid when the record has one), `validity_to` now and `legacy_id` the record's id, as
    openimis.core.history makes them."""
    values = {model_field.attname: getattr(record, model_field.attname)
              for model_field in record._meta.concrete_fields if not model_field.primary_key}
    values.update(validity_to=now, legacy_id=record.pk)
    if "uuid" in values:
        values["uuid"] = new_uuid()
    return type(record)(**values)


def update_rows(model, rows: list, fields: list[str]) -> None:
    """Write `fields` of these rows: on PostgreSQL and SQLite (3.33 and later) one UPDATE ... FROM
    (VALUES ...) per 500 rows (Django's bulk update builds a CASE per field and row, slower than the
    statements it saves), else Django's bulk update."""
    if not rows:
        return
    vendor = connection.vendor
    update_from = vendor == "postgresql" or (vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 33))
    if not update_from:  # SQLite reads UPDATE ... FROM since 3.33; Django 5.2 runs on 3.31
        model._base_manager.bulk_update(rows, fields)
        return
    meta = model._meta
    columns = [meta.pk] + [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table, key = quote(meta.db_table), quote(meta.pk.column)
    if vendor == "postgresql":  # typed cells: a column of NULLs is no text column
        cells = "(" + ", ".join(f"CAST(%s AS {column.cast_db_type(connection)})" for column in columns) + ")"
        names = ", ".join(quote(column.column) for column in columns)
        source, value = f"AS v({names})", [f"v.{quote(column.column)}" for column in columns]
    else:  # SQLite names the columns of VALUES column1, column2, ...
        cells = "(" + ", ".join("%s" for _column in columns) + ")"
        source, value = "AS v", [f"v.column{index}" for index in range(1, len(columns) + 1)]
    assignments = ", ".join(f"{quote(column.column)} = {value[index]}"
                            for index, column in enumerate(columns) if index)
    for begin in range(0, len(rows), UPDATE_CHUNK):
        chunk = rows[begin:begin + UPDATE_CHUNK]
        parameters = [column.get_db_prep_save(getattr(row, column.attname), connection)
                      for row in chunk for column in columns]
        sql = (f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([cells] * len(chunk))}) {source} "
               f"WHERE {table}.{key} = {value[0]}")
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters)


class ClaimBatch:
    """The claims of one submission or processing: read under lock with their lines at the start, worked
    on one by one (`claim`), written at the end (`write`)."""

    def __init__(self, actor, uuids, status: int):
        self.audit_user_id = audit_id(actor)
        self.now = timezone.now()
        self.status = status
        self.claims = locked_claims(actor, uuids)
        self.workable = [claim for claim in self.claims.values()
                         if claim.is_current and claim.status == status]
        prefetch_related_objects(self.workable, "health_facility")
        self.lines = lines_of(self.workable)
        self.done: list[Claim] = []
        self.history: list = []
        self.line_history: dict = {ITEM: [], SERVICE: []}
        self.changed_lines: dict = {ITEM: [], SERVICE: []}

    def all_lines(self) -> list[Line]:
        return [line for lines in self.lines.values() for line in lines]

    def claim(self, uuid, refusal: str) -> Claim:
        """The claim `uuid` of the batch, refused (ValidationFailed) when unknown, out of the actor's reach,
        no longer current or not in the batch's status (`refusal` says which status)."""
        claim = self.claims.get(str(uuid)) if uuid else None
        if claim is None or not claim.is_current:
            raise ValidationFailed(_("Claim not found"), str(uuid))
        if claim.status != self.status:
            detail = _("claim %(code)s has status %(status)s") % {"code": claim.code, "status": claim.status}
            raise ValidationFailed(refusal, detail)
        return claim

    def version(self, claim: Claim, lines: list[Line]) -> None:
        """Keep the stored state of the claim and of these lines as history rows (written by `write`); they
        were read after the claim's lock, which every writer of a claim and its lines takes."""
        self.history.append(history_copy(claim, self.now))
        claim.validity_from = self.now
        claim.audit_user_id = self.audit_user_id
        for line in lines:
            self.line_history[line.kind].append(history_copy(line.row, self.now))
            line.row.validity_from = self.now
            line.row.audit_user_id = self.audit_user_id
            self.changed_lines[line.kind].append(line.row)
        self.done.append(claim)

    def write(self, line_fields: list[str], claim_fields: list[str]) -> None:
        """The history rows, the lines' and the claims' new state."""
        if self.history:
            Claim.objects.bulk_create(self.history)
        for kind, rows in self.line_history.items():
            if rows:
                coverage.LINE_MODELS[kind].objects.bulk_create(rows)
        for kind, rows in self.changed_lines.items():
            update_rows(coverage.LINE_MODELS[kind], rows, line_fields)
        update_rows(Claim, self.done, claim_fields)


def save_lines(lines: list[Line], fields: list[str]) -> None:
    """Write `fields` of these lines (one statement per kind)."""
    for kind in (ITEM, SERVICE):
        update_rows(coverage.LINE_MODELS[kind], [line.row for line in lines if line.kind == kind], fields)


def approved_amount(lines: list[Line]) -> Decimal:
    """Σ over the passed lines of (priceApproved ▸ priceAdjusted ▸ priceAsked) × (qtyApproved ▸
    qtyProvided) (spec 11.1)."""
    return valuation.money(sum(
        (valuation.approved_value(line.row.price_approved, line.row.price_adjusted, line.row.price_asked,
                                  line.row.qty_approved, line.row.qty_provided)
         for line in lines if line.row.status == LINE_PASSED), valuation.ZERO))


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


def _is_adult(insuree, day: datetime.date, age_of_majority: int) -> bool:
    return valuation.is_adult(getattr(insuree, "dob", None), day, age_of_majority)


# --- the checks ---------------------------------------------------------------------------------

def claim_reason(claim: Claim, insuree, day: datetime.date | None, reads: coverage.SharedReads) -> int:
    """Spec 11.6 step 2: 9 for invalid dates, 7 for an insuree not current or not covered, else 0."""
    if day is None or (claim.date_from and claim.date_claimed and claim.date_claimed < claim.date_from):
        return INVALID_DATES
    if insuree is None or not reads.has_insuree_cover(claim.insuree_id, claim.date_from, day):
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
        facts.earlier_claims = facts.reads.earlier_claims(facts.claim.insuree_id, facts.claim.pk)
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


def current_insurees(claims: list) -> dict:
    """{insuree id: insuree} of the claims' insurees still current (a deleted one is missing)."""
    ids = {claim.insuree_id for claim in claims}
    return {insuree.pk: insuree for insuree in insuree_selectors.current_insurees().filter(pk__in=list(ids))}


def _load_facts(claim: Claim, lines: list[Line], day: datetime.date, checks: bool, insuree,
                reads: coverage.SharedReads) -> Facts:
    facts = Facts(claim=claim, day=day, insuree=insuree, health_facility=claim.health_facility,
                  coverages=reads.coverages(claim.insuree_id, day),
                  adult=_is_adult(insuree, day, reads.age_of_majority), reads=reads)
    facts.category = claim_category(lines, facts.in_patient)
    reads.load_product_lines({cover.product.pk for cover in facts.coverages})
    for kind in (ITEM, SERVICE):
        facts.prices[kind] = reads.prices(kind, facts.health_facility)
        facts.product_lines[kind] = reads.product_lines(kind)
        facts.earlier_lines[kind] = reads.earlier_lines(kind, claim.insuree_id, claim.pk) if checks else {}
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


def close_ded_rems(claim: Claim, reads: coverage.SharedReads) -> None:
    """The claim's current ClaimDedRem rows end (a re-validated or rejected claim consumes nothing)."""
    reads.set_ded_rems(claim, [])


def write_ded_rems(claim: Claim, result: valuation.ClaimValuation, contexts: dict,
                   audit_user_id: int, reads: coverage.SharedReads) -> None:
    """Replace the claim's ClaimDedRem rows by one row per policy the valuation used (written with the
    batch, counted at once by its next claims)."""
    rows = []
    for policy_id, row in result.ded_rems.items():
        hospital = valuation.is_hospital_claim(contexts[policy_id].product.ceiling_interpretation,
                                               claim.date_from, claim.date_to, claim.health_facility.level)
        rows.append(ClaimDedRem(policy_id=policy_id, insuree_id=claim.insuree_id, claim=claim,
                                audit_user_id=audit_user_id, **coverage.ded_rem_columns(row, hospital)))
    reads.set_ded_rems(claim, rows)


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
        reject(claim, lines, NO_PRODUCT if unpaid else NOT_IN_REGISTERS, facts.reads)
        return False
    policies = {}
    for line in passed:
        cover = next(cover for cover, _product_line in line.pairs if cover.policy.pk == line.row.policy_id)
        policies[cover.policy.pk] = (cover.policy, cover.product)
    contexts = facts.reads.policy_contexts(policies, claim.pk, facts.day)
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
    write_ded_rems(claim, result, contexts, audit_user_id, facts.reads)
    mark_lines(lines)
    claim.status = ClaimStatus.CHECKED
    claim.rejection_reason = 0
    claim.approved = approved_amount(lines)
    return True


def mark_lines(lines: list[Line]) -> None:
    for line in lines:
        line.row.rejection_reason = line.reason
        line.row.status = LINE_PASSED if line.reason == 0 else LINE_REJECTED


def reject(claim: Claim, lines: list[Line], reason: int, reads: coverage.SharedReads) -> None:
    """The claim is Rejected with `reason`; it consumes nothing of its policies."""
    mark_lines(lines)
    claim.status = ClaimStatus.REJECTED
    claim.rejection_reason = reason
    claim.approved = approved_amount(lines)
    close_ded_rems(claim, reads)


# --- the services -----------------------------------------------------------------------------

def check_claim(claim: Claim, lines: list[Line], audit_user_id: int, reads: coverage.SharedReads,
                insuree, disabled: bool) -> None:
    """Spec 11.6 steps 1-6 on a claim read under lock (status, category, lines and ClaimDedRem set;
    the caller saves the claim and the lines). `insuree`: the claim's insuree when current;
    `disabled`: the claim module's `default_validations_disabled`."""
    day = coverage.target_date(claim.date_from, claim.date_to)
    for line in lines:  # a line already carrying a reason keeps it
        line.reason = line.row.rejection_reason or 0
    if not disabled:
        reason = claim_reason(claim, insuree, day, reads)
        if reason:
            claim.category = claim_category(lines, day is not None and day != claim.date_from)
            for line in lines:
                line.reason = line.reason or reason
            reject(claim, lines, reason, reads)
            return
    facts = _load_facts(claim, lines, day, not disabled, insuree, reads)
    claim.category = facts.category
    for line in lines:
        if line.reason:
            continue
        if disabled:
            line.pairs = covering_pairs(facts, line)
        else:
            line.reason = line_reason(facts, line)
    if not any(line.reason == 0 for line in lines):
        reject(claim, lines, NOT_IN_REGISTERS, reads)
        return
    if assign_and_account(facts, lines, audit_user_id):
        reads.record_checked(claim, claim.category, [(line.kind, line.medical_id, line.quantity)
                                                     for line in lines if line.row.status == LINE_PASSED])


class Submission(ClaimBatch):
    """One submission of Entered claims: `submit(uuid)` checks one, `write()` writes them all."""

    def __init__(self, actor, uuids):
        super().__init__(actor, uuids, ClaimStatus.ENTERED)
        self.disabled = bool(module_config("claim").get("default_validations_disabled"))
        self.insurees = current_insurees(self.workable)
        self.reads = coverage.SharedReads(self.workable, medical_ids_of(self.all_lines()),
                                          checks=not self.disabled)
        self.reads.load_coverages((claim.insuree_id, coverage.target_date(claim.date_from, claim.date_to))
                                  for claim in self.workable)
        covers = self.reads.all_coverages()
        self.reads.load_product_lines({cover.product.pk for cover in covers})
        self.reads.load_policies({cover.policy.pk for cover in covers})

    def submit(self, uuid) -> Claim:
        claim = self.claim(uuid, _("Only an entered claim can be submitted"))
        lines = self.lines[claim.pk]
        self.version(claim, lines)
        check_claim(claim, lines, self.audit_user_id, self.reads, self.insurees.get(claim.insuree_id),
                    self.disabled)
        claim.submit_stamp = self.now
        claim.audit_user_id_submit = self.audit_user_id
        return claim

    def write(self) -> None:
        super().write(SUBMITTED_LINE_FIELDS, SUBMITTED_CLAIM_FIELDS)
        self.reads.write(self.audit_user_id)


@transaction.atomic
def submit_claims(actor, uuids) -> list[Claim]:
    """Submit Entered claims (spec 11.6), in the order given: each becomes Checked (4), or Rejected (1)
    when a claim check fails, when no line passes or when a passed line finds no product. All or nothing:
    an unknown claim or a claim that is not Entered is refused, every refusal is reported
    (`run_for_each`'s ServiceErrors) and nothing is written. The same results as submitting the claims
    one after the other."""
    uuids = list(uuids or [])
    submission = Submission(actor, uuids if len(uuids) <= max_ids() else [])
    submitted: list[Claim] = []
    run_for_each(uuids, lambda uuid: submitted.append(submission.submit(uuid)))
    submission.write()
    return submitted


@transaction.atomic
def submit_claim(actor, uuid) -> Claim:
    """Submit an Entered claim (spec 11.6): it becomes Checked (4), or Rejected (1) when a claim check
    fails, when no line passes or when a passed line finds no product. Refused (ValidationFailed) for an
    unknown claim or a claim that is not Entered."""
    submission = Submission(actor, [uuid])
    claim = submission.submit(uuid)
    submission.write()
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
    reads = coverage.SharedReads([claim], medical_ids_of(lines))
    facts = _load_facts(claim, lines, day, False, current_insurees([claim]).get(claim.insuree_id), reads)
    facts.category = claim.category or facts.category
    for line in lines:
        if line.reason == 0:
            line.pairs = covering_pairs(facts, line)
    assign_and_account(facts, lines, audit_user_id)
    reads.write(audit_user_id)
    save_lines(lines, ASSIGNED_LINE_FIELDS)
    claim.save(update_fields=["status", "rejection_reason", "approved"])
