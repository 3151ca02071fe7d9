"""Writes of the contribution module (spec 9.2): a premium and its effect on its policy. Every public
operation is one transaction. The policy module calls `pay_policy` (through its POLICY_PAID hook) when a
policy is created with `isPaid`: the same rules apply.

`data` uses the snake_case names of the GraphQL input (`policy_uuid`, `payer_uuid`, `pay_date`, ...).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from openimis.contribution import selectors
from openimis.contribution.models import ACTIONS, PAY_TYPES, RECEIPT_MAX_LENGTH, Premium
from openimis.core import inputs, unique
from openimis.core.errors import NotFound, ValidationFailed
from openimis.core.history import lock
from openimis.core.services import audit_id
from openimis.payer import selectors as payer_selectors
from openimis.policy import selectors as policy_selectors
from openimis.policy import services as policy_services

ENFORCE, SUSPEND, WAIT = ACTIONS


def _payer(actor, payer_uuid):
    if not payer_uuid:
        return None
    payer = payer_selectors.payer_by(actor, uuid=str(payer_uuid))
    if payer is None or not payer.is_current:
        raise NotFound(_("Payer not found"), str(payer_uuid))
    return payer


def _receipt(data: dict, policy, except_uuid=None) -> str:
    receipt = str(data.get("receipt") or "").strip()
    if not receipt:
        raise ValidationFailed(_("The receipt number is mandatory"))
    if len(receipt) > RECEIPT_MAX_LENGTH:
        raise ValidationFailed(_("The receipt number is longer than %(length)s characters")
                               % {"length": RECEIPT_MAX_LENGTH})
    # unique among the premiums of the policies of one product: no index can hold that, so the product
    # row is locked first, and two payments of one product check their receipts one after the other
    lock(policy.product)
    if selectors.receipt_taken(receipt, policy.product_id, except_uuid):
        raise ValidationFailed(_("The receipt %(receipt)s is already used for this product")
                               % {"receipt": receipt}, "mutation.code_already_taken")
    return receipt


def _fill(actor, premium: Premium, data: dict, policy) -> None:
    premium.amount = inputs.amount(data.get("amount"), _("Amount"), above_zero=True)
    premium.pay_date = inputs.as_date(data.get("pay_date"))
    if premium.pay_date is None:
        raise ValidationFailed(_("The payment date is mandatory"))
    pay_type = str(data.get("pay_type") or "").strip()
    if pay_type not in PAY_TYPES:
        raise ValidationFailed(_("Unknown payment type: %(type)s") % {"type": pay_type}, ", ".join(PAY_TYPES))
    premium.pay_type = pay_type
    premium.payer = _payer(actor, data.get("payer_uuid"))
    premium.is_photo_fee = bool(data.get("is_photo_fee"))
    premium.is_offline = bool(data.get("is_offline"))


def _policy(actor, uuid):
    """The current policy `uuid`, locked: what its premiums do to it depends on its status and on what
    was paid, which concurrent payments of the same policy change (they wait for this one)."""
    policy = policy_selectors.policy_by(actor, uuid=uuid) if uuid else None
    if policy is not None and policy.is_current:
        policy = policy_services.locked(policy)
    if policy is None or not policy.is_current:
        raise NotFound(_("Policy not found"), str(uuid))
    return policy


def _apply(actor, premium: Premium, action: str | None) -> None:
    """Spec 9.2 step 3-4: what the premium does to its policy."""
    if action and action not in ACTIONS:
        raise ValidationFailed(_("Unknown action: %(action)s") % {"action": action}, ", ".join(ACTIONS))
    if premium.is_photo_fee:
        return  # a photo fee is not a contribution towards the value
    policy = premium.policy
    if action == SUSPEND:
        policy_services.suspend(actor, policy)
        return
    if not policy_services.waits_for_contributions(policy):
        return  # only an idle policy waits for its contributions
    balance = (policy.value or Decimal(0)) - Decimal(selectors.paid_total(policy.id, premium.id))
    if premium.amount < balance and action != ENFORCE:
        return  # a partial payment: the policy stays idle
    if premium.amount < balance:
        effective = premium.pay_date
    else:  # covered exactly or overpaid: cover starts at the payment, not before the start date
        effective = max(premium.pay_date, policy.start_date)
    policy_services.version(actor, policy)
    policy_services.activate(actor, policy, effective)


@transaction.atomic
def create_premium(actor, data: dict) -> Premium:
    policy = _policy(actor, data.get("policy_uuid"))
    premium = Premium(policy=policy, audit_user_id=audit_id(actor))
    premium.uuid = inputs.chosen_uuid(Premium, data.get("uuid")) or premium.uuid
    _fill(actor, premium, data, policy)
    premium.receipt = _receipt(data, policy)
    unique.save(premium)
    _apply(actor, premium, data.get("action"))
    return premium


def _current(actor, uuid) -> Premium:
    premium = selectors.premium_by(actor, uuid=uuid) if uuid else None
    if premium is None or not premium.is_current:
        raise NotFound(_("Contribution not found"), str(uuid))
    return premium


@transaction.atomic
def update_premium(actor, data: dict) -> Premium:
    premium = _current(actor, data.get("uuid"))
    policy = policy_services.locked(premium.policy)
    lock(premium)  # the receipt it had is the one committed last
    if not premium.is_current:
        raise NotFound(_("Contribution not found"), str(data.get("uuid")))
    premium.policy = policy
    if data.get("policy_uuid") and str(data["policy_uuid"]) != policy.uuid:
        raise ValidationFailed(_("A contribution cannot move to another policy"), premium.uuid)
    old_receipt = premium.receipt
    premium.save_history(audit_id(actor))
    _fill(actor, premium, data, policy)
    new_receipt = str(data.get("receipt") or "").strip()
    premium.receipt = new_receipt if new_receipt == old_receipt else _receipt(data, policy, premium.uuid)
    premium.audit_user_id = audit_id(actor)
    premium.save()
    _apply(actor, premium, data.get("action"))
    return premium


@transaction.atomic
def delete_premium(actor, uuid) -> Premium:
    """Soft delete; the policy's status is not recomputed (spec 9.2)."""
    premium = _current(actor, uuid)
    premium.delete_history(audit_id(actor))
    return premium


def _next_receipt(policy) -> str:
    prefix = f"RE-{policy.product.code}-{policy.enroll_date.isoformat()}-"
    number = selectors.current_premiums().filter(receipt__startswith=prefix).count() + 1
    while selectors.receipt_taken(f"{prefix}{number:05d}", policy.product_id):
        number += 1
    return f"{prefix}{number:05d}"


def pay_policy(actor, policy, receipt: str | None, payer_uuid: str | None) -> Premium:
    """The policy module's POLICY_PAID hook: a cash contribution of the whole value on the enrolment date
    (inside the policy's transaction)."""
    data = {"amount": policy.value, "pay_date": policy.enroll_date, "pay_type": "C", "payer_uuid": payer_uuid,
            "receipt": receipt or _next_receipt(policy)}
    premium = Premium(policy=policy, audit_user_id=audit_id(actor))
    if not policy.value:
        raise ValidationFailed(_("A policy without value cannot be paid"))
    _fill(actor, premium, data, policy)
    premium.receipt = _receipt(data, policy)
    premium.save()
    _apply(actor, premium, None)
    return premium

