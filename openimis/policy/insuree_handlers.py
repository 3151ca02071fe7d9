"""The policy module's handlers of the insuree module's hooks (openimis.insuree.hooks): who is covered
when members join, leave, die or are deleted, and whether a family policy is full."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from openimis.core.services import audit_id
from openimis.policy import selectors, services
from openimis.policy.models import EXPIRED, SUSPENDED


def _open_family_policies(family):
    """The family's current policies that still run and are not suspended."""
    today = datetime.date.today()
    return (selectors.family_policies(family).exclude(status__in=[SUSPENDED, EXPIRED])
            .filter(expiry_date__gte=today).select_related("product").order_by("id"))


def _is_full(policy) -> bool:
    maximum = policy.product.max_members
    return bool(maximum) and selectors.covered_members(policy).count() >= maximum


def can_add_insuree(family) -> list[str]:
    return [_("The policy of product %(product)s already covers its maximum of %(max)s members")
            % {"product": policy.product.code, "max": policy.product.max_members}
            for policy in _open_family_policies(family) if _is_full(policy)]


def _cover_on_family_policies(actor, insuree, family) -> None:
    today = datetime.date.today()
    for policy in _open_family_policies(family):
        if _is_full(policy) or selectors.covered_members(policy).filter(insuree=insuree).exists():
            continue
        effective = max(today, policy.effective_date) if policy.effective_date else None
        services.cover(actor, policy, insuree, effective)


def insuree_added(actor, insuree, add_on_existing_policy: bool) -> None:
    if add_on_existing_policy and insuree.family_id:
        _cover_on_family_policies(actor, insuree, insuree.family)


def _end_coverage(actor, insuree, end: datetime.date) -> None:
    for insuree_policy in selectors.current_insuree_policies().filter(insuree=insuree):
        if insuree_policy.expiry_date is None or insuree_policy.expiry_date > end:
            insuree_policy.save_history(audit_id(actor))
            insuree_policy.expiry_date = end
            insuree_policy.save()


def insuree_status_ended(actor, insuree, status_date) -> None:
    _end_coverage(actor, insuree, status_date or datetime.date.today())


def insuree_deleted(actor, insuree) -> None:
    for insuree_policy in selectors.current_insuree_policies().filter(insuree=insuree):
        insuree_policy.delete_history(audit_id(actor))


def insuree_left_family(actor, insuree, cancel_policies: bool) -> None:
    if cancel_policies:
        _end_coverage(actor, insuree, datetime.date.today())


def insuree_joined_family(actor, insuree, family) -> None:
    _cover_on_family_policies(actor, insuree, family)

