"""Relative pricing of a batch run (spec 12.2 steps a to f), set-based: per product and care type a fixed
number of statements (aggregates for the allocated contributions and the claim value, one UPDATE per line
table for the remuneration), never a statement per claim or line.

Money: the allocated contributions and the claim value are exact decimals; the index is rounded to 4
places (as `tblRelIndex` stores it) and that stored index is the one applied; each line's remunerated
amount is rounded to the cent, and a claim's remunerated total is the sum of its (rounded) lines.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Round
from django.utils import timezone

from openimis.claim_batch import tables
from openimis.claim_batch.models import MONTHLY, QUARTERLY, YEARLY

ZERO = Decimal("0")
ONE = Decimal("1")
INDEX_PLACES = Decimal("0.0001")
CENT = Decimal("0.01")
MONEY = DecimalField(max_digits=18, decimal_places=2)
KIND_TYPES = {"M": MONTHLY, "Q": QUARTERLY, "Y": YEARLY}
PERIOD_FIELDS = {"B": "period_rel_prices", "I": "period_rel_prices_ip", "O": "period_rel_prices_op"}


@dataclass(frozen=True)
class Window:
    """A period closing in the run's month: its kind (12, 4, 1), number in the year, first and last day."""

    type: int
    period: int
    start: datetime.date
    end: datetime.date

    def stamps(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[from, to) as aware datetimes, for the claims' process stamps."""
        first = timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))
        after = timezone.make_aware(datetime.datetime.combine(self.end + datetime.timedelta(days=1),
                                                              datetime.time.min))
        return first, after


@dataclass
class Group:
    """The lines of one product valuated with one index: care type B (every claim), or I / O (hospital
    or not, by the product's ceiling interpretation)."""

    product: object
    care_type: str
    window: Window
    index: Decimal
    distributed: bool  # False: no distribution, index 1 and no RelativeIndex row


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def month_window(year: int, month: int) -> Window:
    return Window(MONTHLY, month, datetime.date(year, month, 1), month_end(year, month))


def closing_window(kind: str, year: int, month: int) -> Window | None:
    """The period of this kind (M, Q, Y) that closes with the month; None when none does."""
    end = month_end(year, month)
    if kind == "M":
        return month_window(year, month)
    if kind == "Q":
        if month % 3:
            return None
        return Window(QUARTERLY, month // 3, datetime.date(year, month - 2, 1), end)
    if kind == "Y":
        return Window(YEARLY, 1, datetime.date(year, 1, 1), end) if month == 12 else None
    return None


def distributions(product) -> dict[str, tuple[str, dict[int, Decimal]]]:
    """{care type: (period kind, {period: percent})} of the product's relative distributions: a care type
    counts when its PeriodRelPrices column names a kind and it has current rows of that kind."""
    rows = product.relative_distributions.filter(validity_to__isnull=True).values_list(
        "care_type", "type", "period", "percent")
    found: dict[str, tuple[str, dict[int, Decimal]]] = {}
    for care_type, kind_type, period, percent in rows:
        kind = getattr(product, PERIOD_FIELDS.get(care_type, ""), None)
        if kind not in KIND_TYPES or KIND_TYPES[kind] != kind_type:
            continue
        found.setdefault(care_type, (kind, {}))[1][period] = percent if percent is not None else ZERO
    return found


def hospital_q(product, prefix: str = "") -> Q:
    """The claims counted as hospital (in-patient) claims by the product's ceiling interpretation."""
    if product.ceiling_interpretation == tables.HEALTH_FACILITY_TYPE:
        return Q(**{f"{prefix}health_facility__level": tables.HOSPITAL_LEVEL})
    return Q(**{f"{prefix}date_to__isnull": False, f"{prefix}date_to__gt": F(f"{prefix}date_from")})


def care_type_q(product, care_type: str, prefix: str = "") -> Q:
    if care_type == "I":
        return hospital_q(product, prefix)
    if care_type == "O":
        return ~hospital_q(product, prefix)
    return Q()


def facility_levels_q(product, path: str = "") -> Q | None:
    """The facilities (`path` leads to their fields) of the product's Level/Sublevel 1..4 pairs (a pair
    without a sublevel: any sublevel); None when the product names no level."""
    found = None
    for number in range(1, 5):
        level = getattr(product, f"level_{number}")
        if not level:
            continue
        condition = Q(**{f"{path}level": level})
        sublevel = getattr(product, f"sublevel_{number}")
        if sublevel:
            condition &= Q(**{f"{path}sub_level_id": sublevel})
        found = condition if found is None else found | condition
    return found


def excluded_facilities_q(product, prefix: str = "") -> Q | None:
    """The claims' facilities excluded from the claim value (they are paid by capitation)."""
    return facility_levels_q(product, f"{prefix}health_facility__")


def allocated_contributions(product_id: int, start: datetime.date, end: datetime.date) -> Decimal:
    """Σ amount × overlapDays / coverDays over the product's counted premiums (spec 12.2 b), exact."""
    rows = tables.premiums().filter(
        policy__validity_to__isnull=True, policy__product_id=product_id, policy__effective_date__lte=end,
        policy__expiry_date__gte=start, pay_date__lt=F("policy__expiry_date"), pay_date__lte=end,
    ).exclude(policy__status=tables.POLICY_IDLE).values_list(
        "amount", "pay_date", "policy__effective_date", "policy__expiry_date")
    total = ZERO
    for amount, pay_date, effective_date, expiry_date in rows.iterator(chunk_size=5000):
        cover_start = max(pay_date, effective_date)
        cover_days = (expiry_date - cover_start).days + 1
        overlap = (min(expiry_date, end) - max(cover_start, start)).days + 1
        if cover_days > 0 and overlap > 0:
            total += Decimal(amount) * overlap / cover_days
    return total


def line_value():
    """A line's value: priceValuated, else (priceApproved ▸ priceAdjusted) × (qtyApproved ▸ qtyProvided)."""
    return Coalesce(F("price_valuated"),
                    Coalesce(F("price_approved"), F("price_adjusted")) * Coalesce(F("qty_approved"),
                                                                                  F("qty_provided")),
                    output_field=MONEY)


def _processed_in(window: Window, prefix: str = "") -> Q:
    first, after = window.stamps()
    return Q(**{f"{prefix}validity_to__isnull": True, f"{prefix}status": tables.PROCESSED,
                f"{prefix}process_stamp__gte": first, f"{prefix}process_stamp__lt": after})


def claim_value(product, care_type: str, window: Window) -> Decimal:
    """Σ value of the current passed relatively priced lines of the product on the claims Processed in
    the window (of the care type), outside the product's excluded facilities (spec 12.2 c)."""
    excluded = excluded_facilities_q(product, "claim__")
    total = ZERO
    for model in tables.line_models():
        lines = model.objects.filter(_processed_in(window, "claim__"),
                                     care_type_q(product, care_type, "claim__"))
        lines = lines.filter(validity_to__isnull=True, status=tables.LINE_PASSED,
                             price_origin=tables.RELATIVE, product_id=product.pk)
        if excluded is not None:
            lines = lines.exclude(excluded)
        total += lines.aggregate(value=Sum(line_value()))["value"] or ZERO
    return total


def relative_index(allocated: Decimal, percent: Decimal, value: Decimal) -> Decimal:
    """allocated × percent/100 / value, to 4 places; 1 when nothing was claimed."""
    if not value:
        return ONE
    return (allocated * Decimal(percent) / 100 / Decimal(value)).quantize(INDEX_PLACES, ROUND_HALF_UP)


def groups_of(product, year: int, month: int) -> list[Group]:
    """The product's line groups whose period closes this month, each with its index (spec 12.2 a-d)."""
    found = distributions(product)
    if not found:
        return [Group(product, "B", month_window(year, month), ONE, False)]
    care_types = ["B"] if "B" in found else ["I", "O"]
    groups = []
    allocated_by_window: dict[Window, Decimal] = {}
    for care_type in care_types:
        if care_type not in found:  # I without O (or the reverse): those lines are paid at index 1
            groups.append(Group(product, care_type, month_window(year, month), ONE, False))
            continue
        kind, percents = found[care_type]
        window = closing_window(kind, year, month)
        if window is None:
            continue
        if window not in allocated_by_window:
            allocated_by_window[window] = allocated_contributions(product.pk, window.start, window.end)
        value = claim_value(product, care_type, window)
        index = relative_index(allocated_by_window[window], percents.get(window.period, ZERO), value)
        groups.append(Group(product, care_type, window, index, True))
    return groups


def group_q(group: Group) -> Q:
    """The claims of a group: Processed (current) in its window, of its care type, with a passed line of
    its product."""
    has_line = Q()
    for model in tables.line_models():
        # `IN (lines)` rather than a correlated EXISTS: without planner statistics SQLite would scan the
        # product's lines once per claim
        has_line |= Q(pk__in=model.objects.filter(validity_to__isnull=True, status=tables.LINE_PASSED,
                                                  product_id=group.product.pk).values("claim_id"))
    return _processed_in(group.window) & care_type_q(group.product, group.care_type) & has_line


def run_claims(groups: list[Group]) -> QuerySet:
    """The claims the run valuates: those of its groups not valuated by a run yet (each once)."""
    claims = tables.claim_model().objects.filter(batch_run__isnull=True)
    if not groups:
        return claims.none()
    found = Q()
    for group in groups:
        found |= group_q(group)
    return claims.filter(found)


def group_lines(model, group: Group, amount) -> QuerySet:
    """The passed lines of the group's product on its claims whose remunerated amount changes: the relative
    ones, and any other whose stored amount is not its value (processing stored that value already)."""
    claims = tables.claim_model().objects.filter(group_q(group), batch_run__isnull=True).values("pk")
    lines = model.objects.filter(validity_to__isnull=True, status=tables.LINE_PASSED,
                                 product_id=group.product.pk, claim_id__in=claims)
    return lines.filter(Q(price_origin=tables.RELATIVE) | Q(remunerated_amount__isnull=True)
                        | ~Q(remunerated_amount=amount))


def remunerate(group: Group, now, audit_user_id: int, history: bool = False) -> int:
    """remuneratedAmount = (index for R lines, 1 for the others) × value, to the cent (spec 12.2 e);
    with `history` the lines' stored state is kept as history rows first, as claim processing does."""
    index = Value(group.index, output_field=DecimalField(max_digits=18, decimal_places=4))
    amount = Round(Case(When(price_origin=tables.RELATIVE, then=line_value() * index),
                        default=line_value(), output_field=MONEY), 2, output_field=MONEY)
    changed = 0
    for model in tables.line_models():
        lines = group_lines(model, group, amount)
        if history:
            tables.copy_to_history(lines, now)
        changed += lines.update(remunerated_amount=amount, validity_from=now, audit_user_id=audit_user_id)
    return changed


def version_claims(groups: list[Group], now) -> int:
    """History rows of the run's claims as they are before the run (Processed, no run)."""
    return tables.copy_to_history(run_claims(groups), now)


def close_claims(groups: list[Group], run_id: int, now, audit_user_id: int) -> int:
    """The run's claims point at it and become Valuated (16), remunerated = Σ of their passed lines'
    remunerated amounts; one UPDATE."""
    sums = []
    for model in tables.line_models():
        total = model.objects.filter(claim_id=OuterRef("pk"), validity_to__isnull=True,
                                     status=tables.LINE_PASSED).values("claim_id").annotate(
            total=Sum("remunerated_amount")).values("total")
        sums.append(Coalesce(Subquery(total, output_field=MONEY), Value(ZERO), output_field=MONEY))
    return run_claims(groups).update(status=tables.VALUATED, batch_run_id=run_id,
                                     remunerated=sums[0] + sums[1], validity_from=now,
                                     audit_user_id=audit_user_id)
