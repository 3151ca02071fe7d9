"""Writes of the policy module (spec 8.2, 8.5): create, renew, update (Idle only), suspend, delete, and the
activation a covering contribution triggers. Every public operation is one transaction; plain Python.

`data` uses the snake_case names of the GraphQL input (`enroll_date`, `product_id`, `family_id`,
`officer_id`, `is_paid`, `receipt`, `payer_uuid`, ...). The client sends the dates and the value that
`policyValues` computed; they are stored as sent after sanity checks (as openIMIS does): the renewal
form computes them from the previous policy's expiry, not from the enrolment date it sends.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from openimis.core import hook_registry, inputs, unique
from openimis.core import selectors as core_selectors
from openimis.core.configuration import module_config
from openimis.core.errors import NotFound, ValidationFailed
from openimis.core.history import lock
from openimis.core.services import audit_id
from openimis.insuree import selectors as insuree_selectors
from openimis.policy import selectors, values
from openimis.policy.hooks import POLICY_IN_USE, POLICY_PAID, POLICY_RENEWED
from openimis.policy.models import (
    ACTIVE,
    EXPIRED,
    IDLE,
    READY,
    STAGE_NEW,
    STAGE_RENEWAL,
    STAGES,
    SUSPENDED,
    InsureePolicy,
    Policy,
)
from openimis.product import selectors as product_selectors


def product_for(product_id):
    """The current product whose id or legacy id is `product_id` (spec 8.4)."""
    if product_id in (None, ""):
        raise ValidationFailed(_("The product is mandatory"))
    product = (product_selectors.current_products()
               .filter(Q(id=int(product_id)) | Q(legacy_id=int(product_id))).order_by("id").first())
    if product is None:
        raise NotFound(_("Product not found"), str(product_id))
    return product


def family_for(actor, family_id):
    family = insuree_selectors.family_by(actor, pk=int(family_id)) if family_id not in (None, "") else None
    if family is None or not family.is_current:
        raise NotFound(_("Family not found"), str(family_id))
    return family


def compute_values(actor, stage: str, enroll_date, product_id, family_id, prev_uuid=None) -> tuple:
    """`policyValues`: an unsaved policy with its start and expiry dates and value, and the warnings."""
    if stage not in STAGES:
        raise ValidationFailed(_("Unknown policy stage: %(stage)s") % {"stage": stage})
    enroll = inputs.as_date(enroll_date)
    product = product_for(product_id)
    family = family_for(actor, family_id)
    previous = selectors.policy_by(actor, uuid=prev_uuid) if prev_uuid else None
    start = values.start_date(product, stage, enroll)
    members = selectors.members_in_order(family)
    value, warnings = values.policy_value(product, stage, enroll, start, members, previous)
    policy = Policy(family=family, product=product, stage=stage, status=IDLE, enroll_date=enroll,
                    start_date=start, expiry_date=values.expiry_date(product, start), value=value)
    return policy, warnings


def _officer(officer_id):
    officer = (core_selectors.enrolment_officers().filter(id=int(officer_id)).first()
               if officer_id not in (None, "") else None)
    if officer is None:
        raise NotFound(_("Enrolment officer not found"), str(officer_id))
    return officer


def _fill_policy(actor, policy: Policy, data: dict) -> None:
    policy.enroll_date = inputs.as_date(data.get("enroll_date"))
    policy.start_date = inputs.as_date(data.get("start_date"))
    policy.expiry_date = inputs.as_date(data.get("expiry_date"))
    if policy.enroll_date is None or policy.start_date is None or policy.expiry_date is None:
        raise ValidationFailed(_("The enrolment, start and expiry dates are mandatory"))
    if policy.enroll_date > datetime.date.today():
        raise ValidationFailed(_("The enrolment date %(date)s is in the future")
                               % {"date": policy.enroll_date.isoformat()})
    if policy.expiry_date < policy.start_date:
        raise ValidationFailed(_("The expiry date is before the start date"))
    policy.value = inputs.amount(data.get("value"), _("Policy value"))
    policy.product = product_for(data.get("product_id"))
    policy.family = family_for(actor, data.get("family_id"))
    policy.officer = _officer(data.get("officer_id"))


def _covered(policy: Policy) -> list:
    """The members a policy covers: the family's current members, up to the product's maximum."""
    members = selectors.members_in_order(policy.family)
    if policy.product.max_members:
        members = members[: policy.product.max_members]
    return members


def cover(actor, policy: Policy, insuree, effective_date=None) -> InsureePolicy:
    return InsureePolicy.objects.create(
        insuree=insuree, policy=policy, enrollment_date=policy.enroll_date, start_date=policy.start_date,
        effective_date=effective_date, expiry_date=policy.expiry_date, offline=False,
        audit_user_id=audit_id(actor))


def _new_policy(actor, data: dict, stage: str) -> Policy:
    policy = Policy(stage=stage, status=IDLE, creation_date=datetime.date.today(),
                    audit_user_id=audit_id(actor))
    if stage == STAGE_NEW:  # (a renewal's input names the policy it renews)
        policy.uuid = inputs.chosen_uuid(Policy, data.get("uuid")) or policy.uuid
    _fill_policy(actor, policy, data)
    unique.save(policy)
    for member in _covered(policy):
        cover(actor, policy, member, policy.effective_date)
    if data.get("is_paid"):
        if not hook_registry.handlers(POLICY_PAID):
            raise ValidationFailed(_("A paid policy needs the contribution module"))
        hook_registry.call(POLICY_PAID, actor, policy, data.get("receipt"), data.get("payer_uuid"))
        policy.refresh_from_db()
    return policy


@transaction.atomic
def create_policy(actor, data: dict) -> Policy:
    return _new_policy(actor, data, STAGE_NEW)


@transaction.atomic
def renew_policy(actor, data: dict) -> Policy:
    policy = _new_policy(actor, data, STAGE_RENEWAL)
    previous = (selectors.current_policies()
                .filter(family=policy.family, product=policy.product, status__in=[ACTIVE, EXPIRED])
                .exclude(pk=policy.pk).order_by("-expiry_date", "-id").first())
    if previous is not None:
        hook_registry.call(POLICY_RENEWED, actor, previous, policy)
    return policy


def current_policy(actor, uuid) -> Policy:
    """The current policy `uuid` the actor may see, read under a row lock (`locked`)."""
    policy = selectors.policy_by(actor, uuid=uuid) if uuid else None
    if policy is not None and policy.is_current:
        policy = locked(policy)
    if policy is None or not policy.is_current:
        raise NotFound(_("Policy not found"), str(uuid))
    return policy


def locked(policy: Policy) -> Policy:
    """The policy read again under a row lock held until the transaction ends: its status is the one the
    last concurrent change committed, and no other change of it (payment, suspension, deletion, update)
    runs before this transaction ends. Check a status after this, so that a transition happens once."""
    return lock(policy)


def version(actor, policy: Policy) -> None:
    policy.save_history(audit_id(actor))
    policy.audit_user_id = audit_id(actor)


def _version_insuree_policy(actor, insuree_policy: InsureePolicy, **changes) -> None:
    insuree_policy.save_history(audit_id(actor))
    for name, value in changes.items():
        setattr(insuree_policy, name, value)
    insuree_policy.audit_user_id = audit_id(actor)
    insuree_policy.save()


def _refresh_coverage(actor, policy: Policy) -> None:
    """Copy the policy's dates onto its current insuree-policies (history kept)."""
    for insuree_policy in selectors.covered_members(policy):
        _version_insuree_policy(actor, insuree_policy, enrollment_date=policy.enroll_date,
                                start_date=policy.start_date, effective_date=policy.effective_date,
                                expiry_date=policy.expiry_date)


@transaction.atomic
def update_policy(actor, data: dict) -> Policy:
    policy = current_policy(actor, data.get("uuid"))
    if policy.status != IDLE:
        raise ValidationFailed(_("Only an idle policy can be changed"), policy.uuid)
    family_id = policy.family_id
    version(actor, policy)
    _fill_policy(actor, policy, data)
    if policy.family_id != family_id:
        raise ValidationFailed(_("A policy cannot move to another family"), policy.uuid)
    policy.save()
    _refresh_coverage(actor, policy)
    covered = set(selectors.covered_members(policy).values_list("insuree_id", flat=True))
    for member in _covered(policy):
        if member.id not in covered:
            cover(actor, policy, member, policy.effective_date)
    return policy


@transaction.atomic
def suspend_policy(actor, uuid) -> Policy:
    policy = current_policy(actor, uuid)
    suspend(actor, policy)
    return policy


def suspend(actor, policy: Policy) -> None:
    """The policy becomes Suspended (history kept)."""
    version(actor, policy)
    policy.status = SUSPENDED
    policy.save()


def waits_for_contributions(policy: Policy) -> bool:
    """An idle policy: its contributions may still activate it."""
    return policy.status == IDLE


@transaction.atomic
def delete_policy(actor, uuid) -> Policy:
    policy = current_policy(actor, uuid)
    if any(hook_registry.call(POLICY_IN_USE, policy)):
        raise ValidationFailed(_("The policy is used by claims and cannot be deleted"), policy.uuid)
    for insuree_policy in selectors.covered_members(policy):
        insuree_policy.delete_history(audit_id(actor))
    policy.delete_history(audit_id(actor))
    return policy


def activate(actor, policy: Policy, effective_date: datetime.date) -> None:
    """The policy is paid (spec 9.2): Active (Ready with an activation option other than 1) from
    `effective_date`, and its members are covered from then. The caller versioned the policy."""
    option = module_config("policy").get("activation_option", 1)
    policy.status = ACTIVE if option == 1 else READY
    policy.effective_date = effective_date
    policy.save()
    _refresh_coverage(actor, policy)


def activate_by_payment(actor, policy: Policy, effective_date: datetime.date) -> bool:
    """A matched payment covers the policy (the payment module, activation option 2): an Idle or Ready
    policy becomes Active from `effective_date` (history kept, locked first) and its members are covered
    from then. False, with nothing written, when the policy is no longer current, Idle or Ready."""
    policy = locked(policy)
    if not policy.is_current or policy.status not in (IDLE, READY):
        return False
    version(actor, policy)
    policy.status = ACTIVE
    policy.effective_date = effective_date
    policy.save()
    _refresh_coverage(actor, policy)
    return True


def expire_policies(today: datetime.date | None = None) -> int:
    """The daily batch (spec 8.2): every current policy whose expiry date has passed becomes Expired."""
    today = today or datetime.date.today()
    expired = 0
    with transaction.atomic():
        for policy in selectors.current_policies().filter(expiry_date__lt=today).exclude(status=EXPIRED):
            locked(policy)
            if not policy.is_current or policy.status == EXPIRED:
                continue  # a concurrent change got there first
            version(None, policy)
            policy.status = EXPIRED
            policy.save()
            expired += 1
    return expired
