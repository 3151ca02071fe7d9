"""Capitation of a batch run (spec 12.2 g): a product's share of the month's allocated contributions paid
to the eligible facilities of its area, in proportion to six criteria (catchment population and families,
insured population and families, visits, adjusted amount), each weighted by the product.

Per criterion c: pot_c = available × weight_c / 100 (stored, to the cent, in `alc_contri_*`); unit_c =
pot_c / Σ over the eligible facilities of their figure (stored in `up_*`, 6 places); a facility's payment
= Σ unit_c × its figure, computed exactly then rounded to the cent. Catchment figures are weighted by the
catchment percentage. A fixed number of aggregate queries per product, whatever the number of claims.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from openimis.claim_batch import relative, tables
from openimis.claim_batch.models import CapitationPayment

ZERO = Decimal("0")
UNIT_PLACES = Decimal("0.000001")
CRITERIA = [  # (figure, product weight, pot column, unit price column)
    ("population", "weight_population", "alc_contri_population", "up_population"),
    ("families", "weight_number_families", "alc_contri_num_families", "up_num_families"),
    ("insured_population", "weight_insured_population", "alc_contri_ins_population", "up_ins_population"),
    ("insured_families", "weight_number_insured_families", "alc_contri_ins_families", "up_ins_families"),
    ("visits", "weight_number_visits", "alc_contri_visits", "up_visits"),
    ("adjusted", "weight_adjusted_amount", "alc_contri_adjusted_amount", "up_adjusted_amount"),
]


def _cents(value: Decimal) -> Decimal:
    return value.quantize(relative.CENT, ROUND_HALF_UP)


def has_capitation(product) -> bool:
    return any((getattr(product, weight) or ZERO) > 0 for _f, weight, _p, _u in CRITERIA)


def eligible_facilities(product) -> list:
    """The current facilities of the product's area whose level/sublevel is one of its pairs."""
    levels = relative.facility_levels_q(product)
    if levels is None:
        return []
    facilities = tables.health_facilities().filter(levels)
    if product.location_id is not None:
        facilities = facilities.filter(Q(location_id=product.location_id)
                                       | Q(location__parent_id=product.location_id))
    return list(facilities.select_related("location__parent").order_by("code", "id"))


def _catchment_figures(facility_ids: list[int], product_id: int, window: relative.Window) -> dict:
    """{facility id: {population, families, insured_population, insured_families}} weighted by catchment."""
    catchments = list(tables.catchment_model().objects.filter(
        validity_to__isnull=True, health_facility_id__in=facility_ids).values_list(
        "health_facility_id", "location_id", "catchment", "location__male_population",
        "location__female_population", "location__other_population", "location__families"))
    villages = {row[1] for row in catchments}
    insured = tables.insuree_policies().filter(
        policy__validity_to__isnull=True, policy__product_id=product_id, effective_date__lte=window.end,
        expiry_date__gte=window.start, insuree__validity_to__isnull=True,
        insuree__family__location_id__in=list(villages),
    ).exclude(policy__status=tables.POLICY_IDLE).values("insuree__family__location_id").annotate(
        insurees=Count("insuree_id", distinct=True), families=Count("insuree__family_id", distinct=True))
    insured_by_village = {row["insuree__family__location_id"]: row for row in insured}
    figures: dict = defaultdict(lambda: defaultdict(lambda: ZERO))
    for facility_id, village_id, share, male, female, other, families in catchments:
        weight = Decimal(share or 0) / 100
        found = figures[facility_id]
        found["population"] += Decimal((male or 0) + (female or 0) + (other or 0)) * weight
        found["families"] += Decimal(families or 0) * weight
        village = insured_by_village.get(village_id)
        if village:
            found["insured_population"] += Decimal(village["insurees"]) * weight
            found["insured_families"] += Decimal(village["families"]) * weight
    return figures


def _activity_figures(facility_ids: list[int], product_id: int, window: relative.Window) -> dict:
    """{facility id: {visits, adjusted}}: the facility's current claims with a passed line of the product
    processed in the month (Processed or Valuated), and Σ adjusted value of those lines."""
    first, after = window.stamps()
    claims = tables.claim_model().objects.filter(
        validity_to__isnull=True, status__in=[tables.PROCESSED, tables.VALUATED], process_stamp__gte=first,
        process_stamp__lt=after, health_facility_id__in=facility_ids)
    has_line = Q()
    for model in tables.line_models():
        # `IN (lines)` rather than a correlated EXISTS: without planner statistics SQLite would scan the
        # product's lines once per claim
        has_line |= Q(pk__in=model.objects.filter(validity_to__isnull=True, status=tables.LINE_PASSED,
                                                  product_id=product_id).values("claim_id"))
    figures: dict = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in claims.filter(has_line).values("health_facility_id").annotate(visits=Count("id")):
        figures[row["health_facility_id"]]["visits"] = Decimal(row["visits"])
    adjusted = Coalesce("price_approved", "price_adjusted") * Coalesce("qty_approved", "qty_provided")
    for model in tables.line_models():
        rows = model.objects.filter(
            validity_to__isnull=True, status=tables.LINE_PASSED, product_id=product_id,
            claim_id__in=claims.values("pk"),
        ).values("claim__health_facility_id").annotate(total=Sum(adjusted, output_field=relative.MONEY))
        for row in rows:
            figures[row["claim__health_facility_id"]]["adjusted"] += Decimal(row["total"] or 0)
    return figures


def pay_capitation(product, year: int, month: int, run, now, audit_user_id: int) -> list[CapitationPayment]:
    """The product's capitation payments of the month, one row per eligible facility."""
    if not has_capitation(product):
        return []
    facilities = eligible_facilities(product)
    if not facilities:
        return []
    window = relative.month_window(year, month)
    available = (relative.allocated_contributions(product.pk, window.start, window.end)
                 * Decimal(product.share_contribution or 0) / 100)
    ids = [facility.pk for facility in facilities]
    figures = _catchment_figures(ids, product.pk, window)
    for facility_id, found in _activity_figures(ids, product.pk, window).items():
        figures[facility_id].update(found)
    pots, units = {}, {}
    for figure, weight, _pot, _unit in CRITERIA:
        pots[figure] = available * Decimal(getattr(product, weight) or 0) / 100
        total = sum((figures[pk][figure] for pk in ids), ZERO)
        units[figure] = pots[figure] / total if total else ZERO
    rows = []
    for facility in facilities:
        found = figures[facility.pk]
        district = facility.location
        region = district.parent if district is not None else None
        row = CapitationPayment(
            year=year, month=month, product=product, health_facility=facility, batch_run=run,
            region_code=region.code if region else None, region_name=region.name if region else None,
            district_code=district.code, district_name=district.name, health_facility_code=facility.code,
            health_facility_name=facility.name, acc_code=facility.acc_code, hf_level=facility.level,
            hf_sublevel=facility.sub_level_id, total_population=_cents(found["population"]),
            total_families=_cents(found["families"]),
            total_insured_insuree=_cents(found["insured_population"]),
            total_insured_families=_cents(found["insured_families"]), total_claims=int(found["visits"]),
            total_adjusted=_cents(found["adjusted"]),
            payment_cathment=_cents(sum((units[figure] * found[figure] for figure, *_ in CRITERIA), ZERO)),
            validity_from=now, audit_user_id=audit_user_id)
        for figure, _weight, pot, unit in CRITERIA:
            setattr(row, pot, _cents(pots[figure]))
            setattr(row, unit, units[figure].quantize(UNIT_PLACES, ROUND_HALF_UP))
        rows.append(row)
    return CapitationPayment.objects.bulk_create(rows)

