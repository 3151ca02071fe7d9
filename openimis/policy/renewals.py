"""The daily policy job (spec 8.7): renewal reminders for the policies about to end, then the expiry of
those whose end has passed. Photo renewal details and SMS texts are not prepared."""

from __future__ import annotations

import datetime

from django.db import transaction

from openimis.core.configuration import module_config
from openimis.core.services import audit_id
from openimis.policy import selectors, services
from openimis.policy.models import ACTIVE, EXPIRED, PolicyRenewal

# renewal warning bits
OUTSIDE_PRODUCT_PERIOD = 1
NO_OFFICER = 2
OFFICER_GONE = 4


def _end_of_chain(start, next_of):
    """Follow `next_of` from `start` to the last link (a loop stops where it would repeat)."""
    seen, current = set(), start
    while current is not None and next_of(current) is not None and current.pk not in seen:
        seen.add(current.pk)
        current = next_of(current)
    return current


def _chain(product) -> list[int]:
    ids, current = [], product
    while current is not None and current.pk not in ids:
        ids.append(current.pk)
        current = current.conversion_product
    return ids


def _has_follower(policy) -> bool:
    return selectors.current_policies().filter(
        family_id=policy.family_id, product_id__in=_chain(policy.product),
        start_date__gte=policy.expiry_date + datetime.timedelta(days=1)).exists()


def _warnings(product, officer, renewal_date: datetime.date) -> int:
    bits = 0
    if not (product.date_from.date() <= renewal_date <= product.date_to.date()):
        bits |= OUTSIDE_PRODUCT_PERIOD
    if officer is None:
        bits |= NO_OFFICER
    elif officer.works_to is not None and officer.works_to.date() < renewal_date:
        bits |= OFFICER_GONE
    return bits


@transaction.atomic
def insert_renewals(today: datetime.date | None = None) -> int:
    today = today or datetime.date.today()
    interval = int(module_config("policy").get("policy_renewal_interval", 14))
    due = (selectors.current_policies()
           .filter(status__in=[ACTIVE, EXPIRED], expiry_date__lte=today + datetime.timedelta(days=interval))
           .select_related("product__conversion_product", "officer", "family__head_insuree"))
    created = 0
    for policy in due:
        if _has_follower(policy) or PolicyRenewal.objects.current().filter(policy=policy).exists():
            continue
        product = _end_of_chain(policy.product, lambda found: found.conversion_product)
        officer = _end_of_chain(policy.officer, lambda found: found.substitution_officer)
        renewal_date = policy.expiry_date + datetime.timedelta(days=1)
        PolicyRenewal.objects.create(
            policy=policy, insuree=policy.family.head_insuree, new_product=product, new_officer=officer,
            renewal_prompt_date=today, renewal_date=renewal_date,
            phone_number=officer.phone if officer else None, sms_status=0,
            renewal_warnings=_warnings(product, officer, renewal_date), audit_user_id=0)
        created += 1
    return created


def daily_job() -> None:
    insert_renewals()
    services.expire_policies()


def end_reminders(actor, previous, renewed) -> None:
    """POLICY_RENEWED: the previous policy's pending reminders are done."""
    for renewal in PolicyRenewal.objects.current().filter(policy=previous):
        renewal.delete_history(audit_id(actor))

