"""What claim submission and processing read about the insuree, the facility and the products (spec
11.6-11.8), batch-loaded for all the lines of one claim: the policies covering the insuree at the target
date, the product lines covering the claimed items and services, the facility's price-list prices, the
earlier claims of the insuree and the deductibles/remunerations already consumed on a policy.

Everything here is a read; the other modules are reached through their selectors (or, for the product
lines, by model name through the app registry: the product module offers no batch read of them).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db.models import Q
from django.db.models.functions import Coalesce

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


def valid_coverages(insuree_id: int, day: datetime.date) -> list[Coverage]:
    """Spec 11.6 step 1: the insuree's current insuree-policies whose coverage and (Active or Expired)
    policy run on `day`; earliest effective policy first."""
    rows = (policy_selectors.covering(insuree_id, day)
            .select_related("policy", "policy__product")
            .order_by("policy__effective_date", "policy_id", "id"))
    return [Coverage(row, row.policy, row.policy.product) for row in rows]


def has_insuree_cover(insuree_id: int, date_from: datetime.date, day: datetime.date) -> bool:
    """Spec 11.6 step 2 (reason 7): a current insuree-policy effective by `date_from`, expiring on or
    after the target date."""
    return (policy_selectors.current_insuree_policies()
            .filter(insuree_id=insuree_id, effective_date__lte=date_from, expiry_date__gte=day).exists())


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


def earlier_lines(kind: str, insuree_id: int, claim_id: int, medical_ids) -> dict:
    """{item or service id: [EarlierLine]}: the current passed lines of these items (services) on the
    insuree's other current claims with a status above Entered."""
    if not medical_ids:
        return {}
    medical = MEDICAL_FIELD[kind]
    rows = (LINE_MODELS[kind].objects.current()
            .filter(status=LINE_PASSED, claim__validity_to__isnull=True, claim__insuree_id=insuree_id,
                    claim__status__in=SUBMITTED_STATUSES, **{f"{medical}_id__in": list(medical_ids)})
            .exclude(claim_id=claim_id)
            .annotate(day=Coalesce("claim__date_to", "claim__date_from"),
                      quantity=Coalesce("qty_approved", "qty_provided"))
            .values_list(f"{medical}_id", "quantity", "day"))
    found = defaultdict(list)
    for medical_id, quantity, day in rows:
        found[medical_id].append(EarlierLine(medical_id, Decimal(quantity), day))
    return found


def earlier_claims(insuree_id: int, claim_id: int) -> list[tuple[str | None, datetime.date]]:
    """(category, target date) of the insuree's other current claims with a status above Entered."""
    return list(Claim.objects.current()
                .filter(insuree_id=insuree_id, status__in=SUBMITTED_STATUSES).exclude(pk=claim_id)
                .annotate(day=Coalesce("date_to", "date_from")).values_list("category", "day"))


def members_at(policy_ids, day: datetime.date) -> dict:
    """{policy id: number of insurees with a current insuree-policy effective on `day`}."""
    if not policy_ids:
        return {}
    counts: dict = defaultdict(int)
    rows = (policy_selectors.current_insuree_policies()
            .filter(policy_id__in=list(policy_ids), effective_date__lte=day)
            .filter(Q(expiry_date__isnull=True) | Q(expiry_date__gte=day))
            .values_list("policy_id", "insuree_id").distinct())
    for policy_id, _insuree_id in rows:
        counts[policy_id] += 1
    return counts


def _amount(value) -> Decimal:
    return Decimal(value) if value is not None else valuation.ZERO


def previous_ded_rems(policy_ids, claim_id: int) -> dict:
    """{policy id: [valuation.DedRem]}: what the other claims consumed of these policies (current rows)."""
    if not policy_ids:
        return {}
    found = defaultdict(list)
    rows = ClaimDedRem.objects.current().filter(policy_id__in=list(policy_ids)).exclude(claim_id=claim_id)
    for row in rows.order_by("id"):
        found[row.policy_id].append(valuation.DedRem(
            insuree_id=row.insuree_id, ded_g=_amount(row.ded_g), rem_g=_amount(row.rem_g),
            ded_ip=_amount(row.ded_ip), rem_ip=_amount(row.rem_ip), ded_op=_amount(row.ded_op),
            rem_op=_amount(row.rem_op),
            rem_category={category: _amount(getattr(row, column))
                          for category, column in CATEGORY_COLUMNS.items()}))
    return found


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


def policy_contexts(policies: dict, claim_id: int, day: datetime.date) -> dict:
    """{policy id: valuation.PolicyContext} for `policies` ({policy id: (policy, product)})."""
    members = members_at(policies, day)
    previous = previous_ded_rems(policies, claim_id)
    return {policy_id: valuation.PolicyContext(product=product_rules(product),
                                               members=members.get(policy_id, 0) or 1,
                                               previous=tuple(previous.get(policy_id, ())))
            for policy_id, (_policy, product) in policies.items()}


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
