"""The computations of `policyValues` (spec 8.3 start and expiry dates, 8.4 policy value). Plain
functions of a product, a stage, dates and the family members; nothing is written."""

from __future__ import annotations

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from openimis.core.configuration import module_config
from openimis.policy.models import STAGE_NEW

CENT = Decimal("0.01")
RELATION_OTHER = 7  # the relationship "Others": counted apart from the threshold


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months; the day of month is kept, or the month's last day when too short."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _cycle_dates(product, year: int) -> list[datetime.date]:
    dates = []
    for cycle in (product.start_cycle_1, product.start_cycle_2, product.start_cycle_3, product.start_cycle_4):
        if cycle:
            day, month = (int(part) for part in cycle.split("-"))
            dates.append(datetime.date(year, month, day))
    return dates


def start_date(product, stage: str, enroll_date: datetime.date) -> datetime.date:
    """Spec 8.3: the day cover starts for a policy enrolled on `enroll_date`."""
    if stage == STAGE_NEW and (product.administration_period or 0) > 0:
        enroll_date = add_months(enroll_date, product.administration_period)
    if not _cycle_dates(product, enroll_date.year):
        return enroll_date  # a free-cycle product
    grace = product.grace_period_enrolment if stage == STAGE_NEW else product.grace_period_renewal
    reference = add_months(enroll_date, -(grace or 0))
    for cycle_date in _cycle_dates(product, reference.year):
        if reference <= cycle_date:
            return cycle_date
    return _cycle_dates(product, reference.year + 1)[0]


def expiry_date(product, start: datetime.date) -> datetime.date:
    return add_months(start, product.insurance_period) - datetime.timedelta(days=1)


def _money(value) -> Decimal:
    return Decimal(value or 0)


def policy_value(product, stage: str, enroll_date: datetime.date, start: datetime.date, members: list,
                 previous_policy=None, today: datetime.date | None = None) -> tuple[Decimal, list[str]]:
    """Spec 8.4: the amount due and the warnings. `members`: the family's current insurees in creation
    order (those beyond the product's maximum are not counted)."""
    today = today or datetime.date.today()
    warnings = []
    if product.max_members and len(members) > product.max_members:
        warnings.append(_("The family has %(count)s members, more than the %(max)s of the product")
                        % {"count": len(members), "max": product.max_members})
        members = members[: product.max_members]
    majority = module_config("core").get("age_of_majority", 18)
    adults = children = other_adults = other_children = 0
    for member in members:
        adult = (member.age(today) or 0) >= majority
        if member.relationship_id == RELATION_OTHER:
            other_adults, other_children = other_adults + adult, other_children + (not adult)
        else:
            adults, children = adults + adult, children + (not adult)
    premium_adult, premium_child = _money(product.premium_adult), _money(product.premium_child)
    threshold = product.threshold or 0
    extra_adults = max(0, adults - threshold) if threshold > 0 else 0
    extra_children = max(0, children - (threshold - adults + extra_adults)) if threshold > 0 else 0
    if _money(product.lump_sum) > 0:
        contribution = (_money(product.lump_sum) + (extra_adults + other_adults) * premium_adult
                        + (extra_children + other_children) * premium_child)
    else:
        contribution = (adults + other_adults) * premium_adult + (children + other_children) * premium_child
    counted = adults + children + other_adults + other_children
    if _money(product.general_assembly_lump_sum) > 0:
        assembly = _money(product.general_assembly_lump_sum)
    else:
        assembly = counted * _money(product.general_assembly_fee)
    registration = Decimal(0)
    if stage == STAGE_NEW:
        if _money(product.registration_lump_sum) > 0:
            registration = _money(product.registration_lump_sum)
        else:
            registration = counted * _money(product.registration_fee)
    value = contribution + assembly + registration
    value -= value * _discount(product, stage, enroll_date, start, previous_policy) / 100
    return value.quantize(CENT, rounding=ROUND_HALF_UP), warnings


def _discount(product, stage, enroll_date, start, previous_policy) -> Decimal:
    """The discount percentage earned by enrolling early enough."""
    if stage == STAGE_NEW:
        percent, period = product.enrolment_discount_perc, product.enrolment_discount_period
        if not (percent and period and _cycle_dates(product, start.year)):
            return Decimal(0)
        reference = start
    else:
        percent, period = product.renewal_discount_perc, product.renewal_discount_period
        if not (percent and period):
            return Decimal(0)
        reference = start
        if previous_policy is not None and previous_policy.expiry_date:
            reference = previous_policy.expiry_date + datetime.timedelta(days=1)
    return Decimal(percent) if enroll_date <= add_months(reference, -period) else Decimal(0)
