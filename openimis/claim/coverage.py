"""What claim submission and processing read about the insurees, the facilities and the products (spec
11.6-11.8), batch-loaded for all the lines of all the claims of one submission or processing
(`SharedReads`): the policies covering the insurees at the target dates, the product lines covering the
claimed items and services, the facilities' price-list prices, the earlier lines and claims of the
insurees and the deductibles/remunerations already consumed on a policy.

Everything here is a read (but `SharedReads.write`, the batch's ClaimDedRem rows); the other modules are
reached through their selectors (or, for the product lines, by model name through the app registry: the
product module offers no batch read of them).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db.models.functions import Coalesce
from django.utils import timezone

from openimis.claim import valuation
from openimis.claim.models import Claim, ClaimDedRem, ClaimItem, ClaimService, ClaimStatus
from openimis.core.configuration import module_config
from openimis.medical_pricelist import selectors as pricelist_selectors
from openimis.policy import selectors as policy_selectors

ITEM, SERVICE = "I", "S"
# per kind of line: the claim line model, the medical field, the product line model, the price list
LINE_MODELS = {ITEM: ClaimItem, SERVICE: ClaimService}
MEDICAL_FIELD = {ITEM: "item", SERVICE: "service"}
PRODUCT_LINE_MODEL = {ITEM: ("product", "ProductItem"), SERVICE: ("product", "ProductService")}
PRICELIST_KIND = {ITEM: "items", SERVICE: "services"}
PRICELIST_FIELD = {ITEM: "items_pricelist", SERVICE: "services_pricelist"}

# the claim categories with a money ceiling, and the ClaimDedRem column that accumulates each
CATEGORY_COLUMNS = {"C": "rem_consult", "S": "rem_surgery", "D": "rem_delivery",
                    "H": "rem_hospitalization", "A": "rem_antenatal"}
# the claim categories with a maximum number of claims per policy period (product column, reason)
CATEGORY_MAXIMA = {"C": ("max_no_consultation", 13), "S": ("max_no_surgery", 14),
                   "D": ("max_no_delivery", 15), "A": ("max_no_antenatal", 19),
                   "H": ("max_no_hospitalization", 11), "V": ("max_no_visits", 12)}
CATEGORY_AMOUNTS = {"C": "max_amount_consultation", "S": "max_amount_surgery", "D": "max_amount_delivery",
                    "H": "max_amount_hospitalization", "A": "max_amount_antenatal"}

# claims that count as "submitted" for the frequency, provision and category limits
SUBMITTED_STATUSES = [ClaimStatus.CHECKED, ClaimStatus.PROCESSED, ClaimStatus.VALUATED]
LINE_PASSED, LINE_REJECTED = 1, 2
# (insuree, day) pairs whose coverages one statement reads
COVERAGE_PAIRS = 100


def target_date(date_from: datetime.date | None, date_to: datetime.date | None) -> datetime.date | None:
    """T = dateTo ▸ dateFrom (spec 11.6 step 1)."""
    return date_to or date_from


def age_of_majority() -> int:
    return int(module_config("core").get("age_of_majority", 18))


def product_line_model(kind: str):
    return apps.get_model(*PRODUCT_LINE_MODEL[kind])


@dataclass
class Coverage:
    """One current insuree-policy covering the insuree at the target date, with its policy and product."""

    insuree_policy: object
    policy: object
    product: object

    @property
    def window(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The policy period the limits count in: the insuree's cover, up to the earlier expiry."""
        ends = [day for day in (self.policy.expiry_date, self.insuree_policy.expiry_date) if day]
        return self.insuree_policy.effective_date, (min(ends) if ends else None)


def product_lines(kind: str, product_ids, medical_ids) -> dict:
    """{(product id, item or service id): current product line}."""
    if not product_ids or not medical_ids:
        return {}
    medical = MEDICAL_FIELD[kind]
    rows = (product_line_model(kind).objects.current()
            .filter(product_id__in=list(product_ids), **{f"{medical}_id__in": list(medical_ids)}))
    return {(row.product_id, getattr(row, f"{medical}_id")): row for row in rows}


def price_list_prices(kind: str, health_facility, medical_ids) -> dict:
    """{item or service id: price} for the ones in the facility's current price list: the overriding
    price of the list's current detail row, else the item's or service's own price (spec 5)."""
    pricelist_id = getattr(health_facility, f"{PRICELIST_FIELD[kind]}_id")
    if pricelist_id is None or not medical_ids:
        return {}
    medical = MEDICAL_FIELD[kind]
    rows = (pricelist_selectors.current_details(PRICELIST_KIND[kind], pricelist_id)
            .filter(**{f"{medical}_id__in": list(medical_ids),
                       f"{PRICELIST_FIELD[kind]}__validity_to__isnull": True})
            .values_list(f"{medical}_id", "price_overrule", f"{medical}__price"))
    return {medical_id: (overrule if overrule is not None else price) for medical_id, overrule, price in rows}


@dataclass(frozen=True)
class EarlierLine:
    """A passed line of a submitted claim of the same insuree (frequency, maximum provision)."""

    medical_id: int
    quantity: Decimal
    day: datetime.date


def _amount(value) -> Decimal:
    return Decimal(value) if value is not None else valuation.ZERO


def product_rules(product) -> valuation.ProductRules:
    """The deductible/ceiling columns of a product as the pure valuation reads them."""
    amounts = {category: getattr(product, column) for category, column in CATEGORY_AMOUNTS.items()
               if getattr(product, column) is not None}
    return valuation.ProductRules(
        ceiling_type=product.ceiling_type or valuation.CEILING_INSUREE,
        ceiling_interpretation=product.ceiling_interpretation or valuation.INTERPRETATION_CLAIM_TYPE,
        deductible=product.deductible, deductible_ip=product.deductible_ip,
        deductible_op=product.deductible_op, ceiling=product.ceiling, ceiling_ip=product.ceiling_ip,
        ceiling_op=product.ceiling_op, threshold=product.threshold,
        max_policy_extra_member=product.max_policy_extra_member,
        max_policy_extra_member_ip=product.max_policy_extra_member_ip,
        max_policy_extra_member_op=product.max_policy_extra_member_op,
        max_ceiling_policy=product.max_ceiling_policy,
        max_ceiling_policy_ip=product.max_ceiling_policy_ip,
        max_ceiling_policy_op=product.max_ceiling_policy_op,
        max_amount_category=amounts)


def ded_rem_columns(row: valuation.DedRem, hospital: bool) -> dict:
    """The ClaimDedRem columns of a row the valuation computed (spec 11.8 step 4): the general totals,
    the same totals on the in-patient or out-patient side, and the category amounts."""
    columns = {"ded_g": row.ded_g, "rem_g": row.rem_g}
    if hospital:
        columns.update(ded_ip=row.ded_ip, rem_ip=row.rem_ip)
    else:
        columns.update(ded_op=row.ded_op, rem_op=row.rem_op)
    for category, amount in row.rem_category.items():
        if category in CATEGORY_COLUMNS:
            columns[CATEGORY_COLUMNS[category]] = amount
    return columns


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months, clamped to the last day of a shorter month (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last = (following - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


# --- what the claims of one submission or processing share ------------------------------------

def _ded_rem(row) -> valuation.DedRem:
    """A stored (or about to be stored) ClaimDedRem row as the pure valuation reads it."""
    return valuation.DedRem(
        insuree_id=row.insuree_id, ded_g=_amount(row.ded_g), rem_g=_amount(row.rem_g),
        ded_ip=_amount(row.ded_ip), rem_ip=_amount(row.rem_ip), ded_op=_amount(row.ded_op),
        rem_op=_amount(row.rem_op),
        rem_category={category: _amount(getattr(row, column))
                      for category, column in CATEGORY_COLUMNS.items()})


def _runs_on(start: datetime.date | None, end: datetime.date | None, day: datetime.date) -> bool:
    """`start ≤ day ≤ end` as the database compares them (a missing bound compares false)."""
    return start is not None and end is not None and start <= day <= end


class SharedReads:
    """What the claims of one submission or processing read, loaded once for all of them: the insurees'
    coverages, the facilities' price lists, the product lines and the policies' members, which the batch
    does not change, and the earlier lines and claims of the insurees and the ClaimDedRem rows of the
    policies, which it does: the claims the batch checks or valuates are added to them in memory as it
    goes (`record_checked`, `set_ded_rems`), so each claim sees the ones before it as if they had been
    written, and the rows are written once at the end (`write`)."""

    def __init__(self, claims: list, medical_ids: dict, checks: bool = False):
        self.claims = claims
        self.batch_ids = {claim.pk for claim in claims}
        self.insuree_ids = {claim.insuree_id for claim in claims}
        self.medical_ids = medical_ids  # kind -> {item or service id} of the batch's lines
        self.checks = checks
        self.age_of_majority = age_of_majority()
        self._prices: dict = {}
        self._product_lines: dict = {}
        self._product_ids: set = set()
        self._coverages: dict = {}
        self._covers: dict | None = None
        self._members: dict = {}
        self._stored_ded_rems: dict = {}  # policy id -> [(claim id, valuation.DedRem)] as read
        self._new_ded_rems: dict = {}  # policy id -> {claim id: [valuation.DedRem]} the batch computed
        self._earlier_lines: dict | None = None  # (kind, insuree id) -> {medical id: [(claim id, line)]}
        self._earlier_claims: dict | None = None  # insuree id -> [(claim id, category, day)]
        self.new_ded_rems: dict = {}  # claim id -> [ClaimDedRem to write]

    # --- what the batch does not change ---------------------------------------------------------
    def prices(self, kind: str, health_facility) -> dict:
        key = (kind, getattr(health_facility, f"{PRICELIST_FIELD[kind]}_id"))
        if key not in self._prices:
            self._prices[key] = price_list_prices(kind, health_facility, self.medical_ids.get(kind))
        return self._prices[key]

    def load_coverages(self, pairs) -> None:
        """The coverages of every (insuree id, target day) of the batch, in one statement."""
        pairs = sorted({pair for pair in pairs if pair[1] is not None and pair not in self._coverages})
        found = {}
        for begin in range(0, len(pairs), COVERAGE_PAIRS):  # SQLite bounds the depth of an expression
            query = None
            for insuree_id, day in pairs[begin:begin + COVERAGE_PAIRS]:
                one = policy_selectors.covering(insuree_id, day)
                query = one if query is None else query | one
            found.update((row.pk, row) for row in query.select_related("policy", "policy__product"))
        # earliest effective policy first (a covering policy has an effective date)
        rows = sorted(found.values(), key=lambda row: (row.policy.effective_date, row.policy_id, row.pk))
        for insuree_id, day in pairs:
            self._coverages[(insuree_id, day)] = [
                Coverage(row, row.policy, row.policy.product) for row in rows
                if row.insuree_id == insuree_id and _runs_on(row.effective_date, row.expiry_date, day)
                and _runs_on(row.policy.effective_date, row.policy.expiry_date, day)]

    def coverages(self, insuree_id: int, day: datetime.date) -> list[Coverage]:
        """Spec 11.6 step 1: the insuree's current insuree-policies whose coverage and (Active or Expired)
        policy run on `day`; earliest effective policy first."""
        if (insuree_id, day) not in self._coverages:
            self.load_coverages([(insuree_id, day)])
        return self._coverages.get((insuree_id, day), [])

    def all_coverages(self) -> list[Coverage]:
        return [cover for covers in self._coverages.values() for cover in covers]

    def has_insuree_cover(self, insuree_id: int, date_from: datetime.date, day: datetime.date) -> bool:
        """Spec 11.6 step 2 (reason 7): a current insuree-policy effective by `date_from`, expiring on or
        after the target date (the insurees' rows read once)."""
        if self._covers is None:
            self._covers = defaultdict(list)
            rows = (policy_selectors.current_insuree_policies().filter(insuree_id__in=list(self.insuree_ids))
                    .values_list("insuree_id", "effective_date", "expiry_date"))
            for row_insuree_id, effective, expiry in rows:
                self._covers[row_insuree_id].append((effective, expiry))
        return any(effective is not None and expiry is not None and effective <= date_from and expiry >= day
                   for effective, expiry in self._covers.get(insuree_id, ()))

    def load_product_lines(self, product_ids) -> None:
        """The current product lines of these products (and of those loaded before) covering the batch's
        items and services; nothing is read when every product was."""
        wanted = set(product_ids)
        if wanted <= self._product_ids:
            return
        self._product_ids |= wanted
        for kind in (ITEM, SERVICE):
            self._product_lines[kind] = product_lines(kind, self._product_ids, self.medical_ids.get(kind))

    def product_lines(self, kind: str) -> dict:
        return self._product_lines.get(kind, {})

    def load_policies(self, policy_ids) -> None:
        """The members and the current ClaimDedRem rows of these policies."""
        policy_ids = sorted(set(policy_ids) - set(self._members))
        if not policy_ids:
            return
        for policy_id in policy_ids:
            self._members[policy_id] = []
            self._stored_ded_rems[policy_id] = []
        rows = (policy_selectors.current_insuree_policies().filter(policy_id__in=policy_ids)
                .values_list("policy_id", "insuree_id", "effective_date", "expiry_date"))
        for policy_id, insuree_id, effective, expiry in rows:
            self._members[policy_id].append((insuree_id, effective, expiry))
        for row in ClaimDedRem.objects.current().filter(policy_id__in=policy_ids).order_by("id"):
            self._stored_ded_rems[row.policy_id].append((row.claim_id, _ded_rem(row)))

    def members_at(self, policy_id: int, day: datetime.date) -> int:
        """The number of insurees with a current insuree-policy of the policy effective on `day`."""
        return len({insuree_id for insuree_id, effective, expiry in self._members.get(policy_id, ())
                    if effective is not None and effective <= day and (expiry is None or expiry >= day)})

    def policy_contexts(self, policies: dict, claim_id: int, day: datetime.date) -> dict:
        """{policy id: valuation.PolicyContext} for `policies` ({policy id: (policy, product)}): the members
        at `day` and what the other claims consumed (their current rows, or the batch's new ones)."""
        self.load_policies(policies)
        contexts = {}
        for policy_id, (_policy, product) in policies.items():
            # the stored rows but those of the claim and of the claims the batch gave new ones, then these
            stored = [row for owner, row in self._stored_ded_rems[policy_id]
                      if owner != claim_id and owner not in self.new_ded_rems]
            computed = [row for owner, rows in self._new_ded_rems.get(policy_id, {}).items()
                        if owner != claim_id for row in rows]
            previous = tuple(stored + computed)
            contexts[policy_id] = valuation.PolicyContext(product=product_rules(product),
                                                          members=self.members_at(policy_id, day) or 1,
                                                          previous=previous)
        return contexts

    # --- what the batch changes ---------------------------------------------------------------
    def set_ded_rems(self, claim, rows: list) -> None:
        """The claim's ClaimDedRem rows are now `rows` (none for a rejected claim): the rows the claim had
        end, these are written by `write`, and the next claims of the batch count them."""
        for by_claim in self._new_ded_rems.values():
            by_claim.pop(claim.pk, None)
        for row in rows:
            self._new_ded_rems.setdefault(row.policy_id, {}).setdefault(claim.pk, []).append(_ded_rem(row))
        self.new_ded_rems[claim.pk] = rows

    def earlier_lines(self, kind: str, insuree_id: int, claim_id: int) -> dict:
        """{item or service id: [EarlierLine]}: the current passed lines of the batch's items (services) on
        the insuree's other current claims with a status above Entered."""
        if self._earlier_lines is None:
            self._load_earlier()
        found = self._earlier_lines.get((kind, insuree_id), {})
        return {medical_id: [line for owner, line in lines if owner != claim_id]
                for medical_id, lines in found.items()}

    def earlier_claims(self, insuree_id: int, claim_id: int) -> list:
        """(category, target date) of the insuree's other current claims with a status above Entered."""
        if self._earlier_claims is None:
            self._load_earlier()
        return [(category, day) for owner, category, day in self._earlier_claims.get(insuree_id, ())
                if owner != claim_id]

    def _load_earlier(self) -> None:
        """The passed lines and the claims of the insurees that count for the limits, in three statements;
        read before the batch changes anything (the claims it checks are added by `record_checked`)."""
        self._earlier_lines = defaultdict(lambda: defaultdict(list))
        for kind in (ITEM, SERVICE):
            medical_ids = self.medical_ids.get(kind)
            if not medical_ids:
                continue
            medical = MEDICAL_FIELD[kind]
            rows = (LINE_MODELS[kind].objects.current()
                    .filter(status=LINE_PASSED, claim__validity_to__isnull=True,
                            claim__insuree_id__in=list(self.insuree_ids),
                            claim__status__in=SUBMITTED_STATUSES,
                            **{f"{medical}_id__in": list(medical_ids)})
                    .annotate(day=Coalesce("claim__date_to", "claim__date_from"),
                              quantity=Coalesce("qty_approved", "qty_provided"))
                    .values_list("claim__insuree_id", "claim_id", f"{medical}_id", "quantity", "day"))
            for insuree_id, claim_id, medical_id, quantity, day in rows:
                self._earlier_lines[(kind, insuree_id)][medical_id].append(
                    (claim_id, EarlierLine(medical_id, Decimal(quantity), day)))
        self._earlier_claims = defaultdict(list)
        rows = (Claim.objects.current()
                .filter(insuree_id__in=list(self.insuree_ids), status__in=SUBMITTED_STATUSES)
                .annotate(day=Coalesce("date_to", "date_from"))
                .values_list("insuree_id", "pk", "category", "day"))
        for insuree_id, claim_id, category, day in rows:
            self._earlier_claims[insuree_id].append((claim_id, category, day))

    def record_checked(self, claim, category: str | None, passed_lines) -> None:
        """A claim of the batch became Checked: its passed lines ((kind, medical id, quantity)) and the
        claim itself count for the frequency, provision and category limits of the next claims."""
        if not self.checks:
            return  # validations disabled: the limits are never checked
        if self._earlier_lines is None:
            self._load_earlier()
        day = target_date(claim.date_from, claim.date_to)
        for kind, medical_id, quantity in passed_lines:
            self._earlier_lines[(kind, claim.insuree_id)][medical_id].append(
                (claim.pk, EarlierLine(medical_id, Decimal(quantity), day)))
        self._earlier_claims[claim.insuree_id].append((claim.pk, category, day))

    def write(self, audit_user_id: int) -> None:
        """End the ClaimDedRem rows of the claims given new ones (or none), write the new ones."""
        if not self.new_ded_rems:
            return
        ClaimDedRem.objects.current().filter(claim_id__in=list(self.new_ded_rems)).update(
            validity_to=timezone.now())
        rows = [row for rows in self.new_ded_rems.values() for row in rows]
        if rows:
            ClaimDedRem.objects.bulk_create(rows)
        self.new_ded_rems = {}
