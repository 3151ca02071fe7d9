"""Writes of the payer module: create, update (with history) and delete payers, add fundings. Every rule
of spec 10 lives here. `data` uses the snake_case names of the GraphQL input (`location_uuid`, `type`,
`pay_date`, ...)."""

from __future__ import annotations

import datetime
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openimis.core import inputs
from openimis.core.errors import NotFound, ValidationFailed
from openimis.core.services import audit_id
from openimis.payer import selectors
from openimis.payer.models import (
    ADDRESS_MAX_LENGTH,
    CONTACT_MAX_LENGTH,
    NAME_MAX_LENGTH,
    RECEIPT_MAX_LENGTH,
    Funding,
    FundingStatus,
    Payer,
)

# a payer belongs to a region or a district (the payer page offers these two pickers)
PAYER_LOCATION_TYPES = ("R", "D")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+$")


def _type_code(value) -> str:
    code = str(value or "").strip()
    if not code:
        raise ValidationFailed(_("The payer type is mandatory"))
    if not selectors.payer_types().filter(code=code).exists():
        raise ValidationFailed(_("Unknown payer type: %(type)s") % {"type": code},
                               ", ".join(selectors.payer_types().values_list("code", flat=True)))
    return code


def _location(actor, location_uuid):
    if not location_uuid:
        raise ValidationFailed(_("The location of the payer is mandatory"))
    location = selectors.location_for_payer(actor, str(location_uuid))
    if location is None:
        raise NotFound("Unknown location", str(location_uuid))
    if location.type not in PAYER_LOCATION_TYPES:
        raise ValidationFailed(_("A payer belongs to a region or a district"), location.code)
    return location


def _email(data: dict) -> str | None:
    email = inputs.text(data, "email", _("E-mail"), CONTACT_MAX_LENGTH)
    if email and not EMAIL_PATTERN.match(email):
        raise ValidationFailed(_("%(email)s is not an e-mail address") % {"email": email})
    return email


def _fill_payer(actor, payer: Payer, data: dict) -> None:
    """Set every field from `data` (an update is complete: an omitted optional field is cleared)."""
    payer.name = inputs.text(data, "name", _("Payer name"), NAME_MAX_LENGTH, required=True)
    payer.type_id = _type_code(data.get("type"))
    payer.location = _location(actor, data.get("location_uuid"))
    payer.address = inputs.text(data, "address", _("Address"), ADDRESS_MAX_LENGTH)
    payer.phone = inputs.text(data, "phone", _("Phone"), CONTACT_MAX_LENGTH)
    payer.fax = inputs.text(data, "fax", _("Fax"), CONTACT_MAX_LENGTH)
    payer.email = _email(data)


@transaction.atomic
def create_payer(actor, data: dict) -> Payer:
    payer = Payer()
    _fill_payer(actor, payer, data)
    payer.audit_user_id = audit_id(actor)
    payer.save()
    return payer


def _find(actor, uuid) -> Payer:
    payer = selectors.payer_by(actor, uuid=str(uuid)) if uuid else None
    if payer is None:
        raise NotFound("Payer not found", str(uuid))
    return payer


@transaction.atomic
def update_payer(actor, data: dict) -> Payer:
    """Version the payer: the old state becomes a history row, the current row (same id and uuid) gets
    the new values."""
    payer = _find(actor, data.get("uuid"))
    if not payer.is_current:
        raise ValidationFailed("cannot update historical data", str(data.get("uuid")))
    _fill_payer(actor, payer, data)  # every check passes before anything is written
    payer.save_history(audit_id(actor))  # copies the stored (old) state, not the new values
    payer.save()
    return payer


@transaction.atomic
def delete_payer(actor, uuid) -> Payer:
    payer = _find(actor, uuid)
    if not payer.is_current:
        raise ValidationFailed("Payer is already deleted", str(uuid))
    payer.delete_history(audit_id(actor))
    return payer


# --- fundings ---------------------------------------------------------------------------------------

def _pay_date(value) -> datetime.date:
    pay_date = inputs.as_date(value)
    if pay_date is None:
        raise ValidationFailed(_("The pay date is mandatory"))
    if pay_date > timezone.localdate():
        raise ValidationFailed(_("The pay date %(date)s is in the future") % {"date": pay_date.isoformat()})
    return pay_date


def _may_fund(payer: Payer, product) -> bool:
    """The legacy rule of spec 10: a payer funds a national product, a product of its own location, of the
    region of its district or of a district of its region. A payer without a location (imported national
    payers) may fund any product."""
    if product.location_id is None or payer.location_id is None:
        return True
    return (product.location_id == payer.location_id
            or product.location_id == payer.location.parent_id
            or product.location.parent_id == payer.location_id)


@transaction.atomic
def add_funding(actor, data: dict) -> Funding:
    """Record that a payer paid `amount` for a product on `pay_date` (receipt mandatory); the funding
    starts pending (status N). `payer_id` and `product_id` are primary keys of current rows the actor
    may see.

    Only the funding row is written. The legacy application also enrolled a placeholder family (head with
    CHF ID 999999999) in the product's area with an active policy and a premium of pay type F; that
    effect waits for the policy and contribution modules, which will hook in here."""
    payer_id = inputs.as_id(data.get("payer_id"), "payerId")
    product_id = inputs.as_id(data.get("product_id"), "productId")
    payer = selectors.current_payer_for(actor, payer_id) if payer_id else None
    if payer is None:
        raise NotFound("Payer not found", str(data.get("payer_id")))
    product = selectors.current_product_for(actor, product_id) if product_id else None
    if product is None:
        raise NotFound("Product not found", str(data.get("product_id")))
    if not _may_fund(payer, product):
        names = {"payer": payer.name, "product": product.code}
        raise ValidationFailed(_("The payer %(payer)s cannot fund the product %(product)s: the product is "
                                 "sold in another area") % names)
    amount = inputs.amount(data.get("amount"), _("Amount"), above_zero=True)
    pay_date = _pay_date(data.get("pay_date"))
    receipt = inputs.text(data, "receipt", _("Receipt"), RECEIPT_MAX_LENGTH, required=True)
    return Funding.objects.create(payer=payer, product=product, amount=amount, pay_date=pay_date,
                                  receipt=receipt, status=FundingStatus.PENDING, user_created=actor,
                                  user_updated=actor)
