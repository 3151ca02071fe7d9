"""Writes of the payment module: create, update (with history) and delete payments, and what a payment
does once received: it is matched to the contributions it pays and, with the policy module's activation
option 2, it activates the policies they pay. Every public operation is one transaction; plain Python.

`data` uses the snake_case names of the GraphQL input (`received_amount`, `premium_uuid`, ...).

The rules where openIMIS says nothing, as decided here:
- Status. A status the caller sends must be one of the known codes (`models.STATUSES`). A failure
  (negative) or a cancellation (0) is kept as sent and nothing is matched. Otherwise the status follows
  the payment: received (a received amount and a received date) and tied to a contribution: Matched (5),
  with `matched_date` today unless sent; received without contribution: the status sent, else Payment
  received (4); not received: the status sent, else Payment created (1). Matched is refused for a payment
  that is not received or pays no contribution.
- Details. `premium_uuid` ties the payment to a current contribution the user sees (row security of the
  contribution module). The detail keeps a snapshot of the policy (product code, stage, enrolment date),
  the family head's insurance number, the contribution's amount as `expected_amount`, and the received
  amount as `amount` (kept in step with the payment on every update). An update may add the contribution
  of a payment without one; it cannot move a payment to another contribution.
- Activation (option 2 only). When a payment is matched, each policy its contributions pay, if Idle (1)
  or Ready (16), becomes Active (2) once the amounts of the current matched payment details of its
  current contributions cover its value; its effective date is the later of the received date and the
  start date. A payment never deactivates a policy: un-matching or deleting it leaves the policy as it is
  (as deleting a contribution does). With option 1 a payment changes no policy.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openimis.contribution import selectors as contribution_selectors
from openimis.core import inputs, unique
from openimis.core.configuration import module_config
from openimis.core.errors import NotFound, ValidationFailed
from openimis.core.history import lock
from openimis.core.services import audit_id
from openimis.payment import selectors
from openimis.payment.models import (
    CANCELLED,
    CREATED,
    LANGUAGE_MAX_LENGTH,
    MATCHED,
    OFFICER_CODE_MAX_LENGTH,
    ORIGIN_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    RECEIPT_NO_MAX_LENGTH,
    RECEIVED,
    REJECTED_REASON_MAX_LENGTH,
    STATUSES,
    TRANSACTION_NO_MAX_LENGTH,
    TYPE_OF_PAYMENT_MAX_LENGTH,
    Payment,
    PaymentDetail,
)
from openimis.policy import services as policy_services

# the policy module's activation option under which a matched payment activates a policy
ACTIVATION_BY_PAYMENT = 2


def _status(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        status = int(value)
    except (TypeError, ValueError):
        status = None
    if status not in STATUSES:
        raise ValidationFailed(_("Unknown payment status: %(status)s") % {"status": value},
                               ", ".join(str(code) for code in STATUSES))
    return status


def _not_in_future(day: datetime.date | None, label: str) -> datetime.date | None:
    if day is not None and day > timezone.localdate():
        raise ValidationFailed(_("%(field)s %(date)s is in the future")
                               % {"field": label, "date": day.isoformat()})
    return day


def _fill(payment: Payment, data: dict) -> None:
    """Set every field from `data` (an update is complete, as the payment page sends the whole form: an
    omitted optional field is cleared)."""
    payment.expected_amount = inputs.amount(data.get("expected_amount"), _("Expected amount"), required=False)
    payment.received_amount = inputs.amount(data.get("received_amount"), _("Received amount"), required=False)
    payment.transfer_fee = inputs.amount(data.get("transfer_fee"), _("Transfer fee"), required=False)
    payment.request_date = inputs.as_date(data.get("request_date"))
    payment.received_date = _not_in_future(inputs.as_date(data.get("received_date")), _("Received date"))
    payment.payment_date = _not_in_future(inputs.as_date(data.get("payment_date")), _("Payment date"))
    payment.matched_date = inputs.as_date(data.get("matched_date"))
    payment.date_last_sms = inputs.as_date(data.get("date_last_sms"))
    if payment.request_date and payment.received_date and payment.received_date < payment.request_date:
        raise ValidationFailed(_("The received date is before the request date"))
    payment.officer_code = inputs.text(data, "officer_code", _("Officer code"), OFFICER_CODE_MAX_LENGTH)
    payment.phone_number = inputs.text(data, "phone_number", _("Phone number"), PHONE_MAX_LENGTH)
    payment.transaction_no = inputs.text(data, "transaction_no", _("Transaction number"),
                                         TRANSACTION_NO_MAX_LENGTH)
    payment.origin = inputs.text(data, "origin", _("Origin"), ORIGIN_MAX_LENGTH)
    payment.receipt_no = inputs.text(data, "receipt_no", _("Receipt number"), RECEIPT_NO_MAX_LENGTH)
    payment.rejected_reason = inputs.text(data, "rejected_reason", _("Rejected reason"),
                                          REJECTED_REASON_MAX_LENGTH)
    payment.language_name = inputs.text(data, "language_name", _("Language"), LANGUAGE_MAX_LENGTH)
    payment.type_of_payment = inputs.text(data, "type_of_payment", _("Type of payment"),
                                          TYPE_OF_PAYMENT_MAX_LENGTH)


def _premium(actor, premium_uuid):
    """The current contribution `premium_uuid` the actor sees, or None when none is named."""
    if premium_uuid in (None, ""):
        return None
    premium = contribution_selectors.premium_by(actor, uuid=str(premium_uuid))
    if premium is None or not premium.is_current:
        raise NotFound(_("Contribution not found"), str(premium_uuid))
    return premium


def _detail_for(actor, payment: Payment, premium) -> PaymentDetail:
    policy = premium.policy
    head = policy.family.head_insuree
    return PaymentDetail(payment=payment, premium=premium, product_code=policy.product.code,
                         insurance_number=head.chf_id if head else None, policy_stage=policy.stage,
                         enrollment_date=policy.enroll_date, expected_amount=premium.amount,
                         amount=payment.received_amount, audit_user_id=audit_id(actor))


def _is_received(payment: Payment) -> bool:
    return payment.received_amount is not None and payment.received_date is not None


def _set_status(payment: Payment, sent_status: int | None, has_details: bool) -> None:
    """The status rules of the module docstring."""
    if sent_status is not None and sent_status <= CANCELLED:
        payment.status = sent_status
        return
    if sent_status == MATCHED and not (_is_received(payment) and has_details):
        raise ValidationFailed(_("Only a received payment that pays a contribution can be matched"))
    if _is_received(payment) and has_details:
        payment.status = MATCHED
        payment.matched_date = payment.matched_date or timezone.localdate()
    elif _is_received(payment):
        payment.status = sent_status or RECEIVED
    else:
        payment.status = sent_status or CREATED


def _activate_policies(actor, payment: Payment) -> None:
    """Activation option 2: the policies a matched payment pays, covered now, become Active."""
    if payment.status != MATCHED:
        return
    if module_config("policy").get("activation_option", 1) != ACTIVATION_BY_PAYMENT:
        return
    policies = {detail.premium.policy_id: detail.premium.policy
                for detail in selectors.details_of(payment).select_related("premium__policy")
                if detail.premium is not None}
    for policy_id in sorted(policies):  # one lock order for every payment
        policy = policy_services.locked(policies[policy_id])
        if selectors.matched_total(policy.id) < (policy.value or 0):
            continue  # a partial payment: the policy waits for more
        # only an Idle or Ready policy is activated (`activate_by_payment` leaves any other as it is)
        policy_services.activate_by_payment(actor, policy, max(payment.received_date, policy.start_date))


@transaction.atomic
def create_payment(actor, data: dict) -> Payment:
    """A new payment; with `premium_uuid`, tied to that contribution (see the module docstring)."""
    payment = Payment(audit_user_id=audit_id(actor))
    payment.uuid = inputs.chosen_uuid(Payment, data.get("uuid")) or payment.uuid
    _fill(payment, data)
    sent_status = _status(data.get("status"))
    premium = _premium(actor, data.get("premium_uuid"))
    _set_status(payment, sent_status, premium is not None)
    unique.save(payment)
    if premium is not None:
        _detail_for(actor, payment, premium).save()
    _activate_policies(actor, payment)
    return payment


def _found(actor, uuid) -> Payment:
    payment = selectors.payment_by(actor, uuid=str(uuid)) if uuid else None
    if payment is None:
        raise NotFound(_("Payment not found"), str(uuid))
    return payment


def _current(actor, uuid) -> Payment:
    """The current payment `uuid`, read again under a row lock (concurrent changes wait for this one);
    a deleted payment or a past version is refused."""
    payment = _found(actor, uuid)
    if payment.is_current:
        lock(payment)
    if not payment.is_current:
        raise ValidationFailed(_("A deleted payment or a past version of a payment cannot be changed"),
                               str(uuid))
    return payment


@transaction.atomic
def update_payment(actor, data: dict) -> Payment:
    """Version the payment (its old state becomes a history row), apply the whole form again, keep its
    details in step and match it again (see the module docstring)."""
    payment = _current(actor, data.get("uuid"))
    details = list(selectors.details_of(payment))
    premium = _premium(actor, data.get("premium_uuid"))
    if premium is not None and any(detail.premium_id not in (None, premium.pk) for detail in details):
        raise ValidationFailed(_("A payment cannot move to another contribution"), payment.uuid)
    payment.save_history(audit_id(actor))  # copies the stored (old) state
    _fill(payment, data)
    sent_status = _status(data.get("status"))
    adds_detail = premium is not None and not any(detail.premium_id == premium.pk for detail in details)
    _set_status(payment, sent_status, bool(details) or adds_detail)
    payment.audit_user_id = audit_id(actor)
    payment.save()
    for detail in details:
        if detail.amount != payment.received_amount:
            detail.save_history(audit_id(actor))
            detail.amount = payment.received_amount
            detail.save()
    if adds_detail:
        _detail_for(actor, payment, premium).save()
    _activate_policies(actor, payment)
    return payment


@transaction.atomic
def delete_payment(actor, uuid) -> Payment:
    """Soft delete of the payment and of its details; the policies it activated stay as they are."""
    payment = _found(actor, uuid)
    if payment.is_current:
        lock(payment)
    if not payment.is_current:
        raise ValidationFailed(_("The payment is already deleted"), str(uuid))
    for detail in selectors.details_of(payment):
        detail.delete_history(audit_id(actor))
    payment.delete_history(audit_id(actor))
    return payment
