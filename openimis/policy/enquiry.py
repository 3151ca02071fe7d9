"""Reads behind the enquiry (spec 7.6): the policy summary rows of a family or an insuree, and what an
insuree may still use under their active policy.

Usage comes from claims, which this module does not know: the claim module answers the hooks below.
Without it nothing has been used, so the deductibles consumed are 0, the remaining ceilings are the
product's, and the counts left are the product's maxima."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from openimis.core import hook_registry
from openimis.core.configuration import module_config
from openimis.core.errors import NotFound
from openimis.insuree import selectors as insuree_selectors
from openimis.medical import selectors as medical_selectors
from openimis.policy import selectors, values
from openimis.policy.hooks import INSUREE_CATEGORY_USAGE, INSUREE_LINE_USAGE, POLICY_CONSUMPTION
from openimis.policy.models import ACTIVE, IDLE, READY
from openimis.product import selectors as product_selectors


@dataclass
class SummaryRow:
    id: int
    policy_id: int
    policy_uuid: str
    policy_value: float | None
    product_code: str
    product_name: str
    start_date: datetime.date | None
    enroll_date: datetime.date | None
    effective_date: datetime.date | None
    expiry_date: datetime.date | None
    officer_code: str | None
    officer_name: str | None
    status: int | None
    validity_from: datetime.date | None
    validity_to: datetime.date | None
    max_installments: int | None
    ded: float | None = None
    ded_in_patient: float | None = None
    ded_out_patient: float | None = None
    ceiling: float | None = None
    ceiling_in_patient: float | None = None
    ceiling_out_patient: float | None = None
    balance: float | None = None
    contribution_plan_code: str | None = None
    contribution_plan_name: str | None = None


def _consumption(policy_ids: list[int]) -> dict:
    found: dict = {}
    for answer in hook_registry.call(POLICY_CONSUMPTION, policy_ids):
        found.update(answer or {})
    return found


def _left(maximum, used) -> float | None:
    if maximum is None:
        return None
    return float(Decimal(maximum) - Decimal(used or 0))


def _row(policy, used: dict) -> SummaryRow:
    product, officer = policy.product, policy.officer
    paid = getattr(policy, "sum_premiums_total", None) or Decimal(0)
    return SummaryRow(
        id=policy.id, policy_id=policy.id, policy_uuid=policy.uuid,
        policy_value=float(policy.value) if policy.value is not None else None,
        product_code=product.code, product_name=product.name, start_date=policy.start_date,
        enroll_date=policy.enroll_date, effective_date=policy.effective_date,
        expiry_date=policy.expiry_date, officer_code=officer.code if officer else None,
        officer_name=f"{officer.last_name} {officer.other_names}" if officer else None,
        status=policy.status, validity_from=policy.validity_from.date(),
        validity_to=policy.validity_to.date() if policy.validity_to else None,
        max_installments=product.max_installments,
        ded=float(used.get("ded") or 0), ded_in_patient=float(used.get("ded_ip") or 0),
        ded_out_patient=float(used.get("ded_op") or 0),
        ceiling=_left(product.ceiling, used.get("rem")),
        ceiling_in_patient=_left(product.ceiling_ip, used.get("rem_ip")),
        ceiling_out_patient=_left(product.ceiling_op, used.get("rem_op")),
        # what is left to pay (the legacy meaning; 24.10 subtracts the consumed deductible instead)
        balance=float((policy.value or Decimal(0)) - paid),
    )


def _expiry(policy) -> datetime.date:
    return policy.expiry_date or datetime.date.max  # no expiry date ranks as the latest


def _active_or_last_expired(policies: list) -> list:
    """Per product, as 24.10 keeps them: every idle or ready policy, and one other: the first by status
    (active before suspended before expired), then the latest expiry, the current row first."""
    def rank(policy):
        return (policy.status, -_expiry(policy).toordinal(), policy.validity_to is not None, -policy.id)

    kept, chosen = [], {}
    for policy in sorted(policies, key=rank):
        if policy.status in (IDLE, READY):
            kept.append(policy)
        elif policy.product_id not in chosen:
            chosen[policy.product_id] = policy
    return kept + list(chosen.values())


def summary_rows(queryset, active_or_last_expired_only=False, target_date=None, order_by=None) -> list:
    queryset = selectors.annotated(queryset.select_related("product", "officer"))
    if target_date:
        queryset = queryset.filter(effective_date__lte=target_date, expiry_date__gt=target_date)
    policies = list(queryset.order_by("expiry_date", "id"))
    if active_or_last_expired_only:
        policies = _active_or_last_expired(policies)
    used = _consumption([policy.id for policy in policies])
    rows = [_row(policy, used.get(policy.id, {})) for policy in policies]
    if order_by:
        name = values_key(order_by)
        rows.sort(key=lambda row: (getattr(row, name) is None, getattr(row, name) or 0),
                  reverse=order_by.startswith("-"))
    else:
        rows.sort(key=lambda row: (row.expiry_date is None, row.expiry_date or datetime.date.min))
    return rows


def values_key(order_by: str) -> str:
    """The row attribute an `orderBy` names (`expiryDate`, `-productCode`); the expiry date otherwise."""
    name = re.sub(r"(?<!^)(?=[A-Z])", "_", order_by.lstrip("-+")).lower()
    return name if name in SummaryRow.__dataclass_fields__ else "expiry_date"


def insuree_by_chf_id(user, chf_id: str):
    insuree = insuree_selectors.insurees(user).filter(chf_id=chf_id).first()
    if insuree is None:
        raise NotFound(_("No insuree with the insurance number %(chf_id)s") % {"chf_id": chf_id}, chf_id)
    return insuree


def _coverages(insuree) -> list:
    """The insuree's current insuree-policies on current policies of current products, the latest
    expiring first (no expiry date counts as the latest), in one statement."""
    rows = (selectors.current_insuree_policies()
            .filter(insuree=insuree, policy__validity_to__isnull=True,
                    policy__product__validity_to__isnull=True)
            .select_related("policy__product"))
    return sorted(rows, key=lambda row: (row.expiry_date or datetime.date.max, row.id), reverse=True)


def _active_today(coverages: list):
    """The first of `coverages` by an active policy that covers today."""
    today = datetime.date.today()
    return next((row for row in coverages if row.policy.status == ACTIVE and row.effective_date
                 and row.expiry_date and row.effective_date <= today <= row.expiry_date), None)


def _count_left(maximum, used) -> int | None:
    return None if maximum is None else max(0, maximum - (used or 0))


def _usage(hook: str, *args) -> dict | int:
    answers = [answer for answer in hook_registry.call(hook, *args) if answer]
    return answers[0] if answers else {}


# the answer for an insuree no policy has ever covered: nothing left, nothing allowed
NOTHING_LEFT = {
    "prod_id": None, "total_admissions_left": 0, "total_visits_left": 0, "total_consultations_left": 0,
    "total_surgeries_left": 0, "total_deliveries_left": 0, "total_antenatal_left": 0,
    "consultation_amount_left": 0, "surgery_amount_left": 0, "delivery_amount_left": 0,
    "hospitalization_amount_left": 0, "antenatal_amount_left": 0, "is_item_ok": False, "is_service_ok": False,
}
UNKNOWN_CODE = {
    "item": gettext_noop("No medical item with the code %(code)s"),
    "service": gettext_noop("No medical service with the code %(code)s"),
}


def _check_code(kind: str, code: str | None) -> None:
    """An item or service code the enquiry names must be a current one (24.10 answers an error)."""
    if code is None:
        return
    rows = medical_selectors.items() if kind == "item" else medical_selectors.services()
    if not rows.filter(code__iexact=code).exists():
        raise NotFound(_(UNKNOWN_CODE[kind]) % {"code": code}, code)


def eligibility(user, chf_id: str, item_code: str | None = None, service_code: str | None = None) -> dict:
    """Spec 7.6: what the insuree may still use. The product is that of their latest coverage (its id as
    `prodId`, as 24.10 answers it); the lines of an item or a service count under an active policy only."""
    insuree = insuree_by_chf_id(user, chf_id)
    _check_code("item", item_code)
    _check_code("service", service_code)
    coverages = _coverages(insuree)
    if not coverages:
        return dict(NOTHING_LEFT)
    latest = coverages[0]
    product = latest.policy.product
    used = _usage(INSUREE_CATEGORY_USAGE, insuree, latest.policy) or {}
    answer = {
        "prod_id": str(product.id),
        "total_admissions_left": _count_left(product.max_no_hospitalization, used.get("hospitalization")),
        "total_visits_left": _count_left(product.max_no_visits, used.get("visits")),
        "total_consultations_left": _count_left(product.max_no_consultation, used.get("consultation")),
        "total_surgeries_left": _count_left(product.max_no_surgery, used.get("surgery")),
        "total_deliveries_left": _count_left(product.max_no_delivery, used.get("delivery")),
        "total_antenatal_left": _count_left(product.max_no_antenatal, used.get("antenatal")),
        # the product's maxima (spec 16.4: 24.10 does not subtract the amounts used)
        "consultation_amount_left": product.max_amount_consultation,
        "surgery_amount_left": product.max_amount_surgery,
        "delivery_amount_left": product.max_amount_delivery,
        "hospitalization_amount_left": product.max_amount_hospitalization,
        "antenatal_amount_left": product.max_amount_antenatal,
    }
    active = _active_today(coverages)
    if item_code:
        line = (product_selectors.product_items(active.policy.product)
                .filter(item__code__iexact=item_code).first() if active else None)
        answer.update(_line(insuree, active, "item", line))
    if service_code:
        line = (product_selectors.product_services(active.policy.product)
                .filter(service__code__iexact=service_code).first() if active else None)
        answer.update(_line(insuree, active, "service", line))
    return answer


def _line(insuree, coverage, kind: str, line) -> dict:
    if line is None:
        return {f"is_{kind}_ok": False}
    adult = (insuree.age() or 0) >= module_config("core").get("age_of_majority", 18)
    waiting = (line.waiting_period_adult if adult else line.waiting_period_child) or 0
    start = coverage.effective_date or coverage.policy.effective_date
    min_date = values.add_months(start, waiting) if start else None
    limit = line.limit_no_adult if adult else line.limit_no_child
    used = _usage(INSUREE_LINE_USAGE, insuree, coverage.policy, kind, line.id) or 0
    left = None if limit is None else max(0, int(limit) - int(used))
    ok = (min_date is None or min_date <= datetime.date.today()) and (left is None or left > 0)
    return {f"min_date_{kind}": min_date, f"{kind}_left": left, f"is_{kind}_ok": ok}
