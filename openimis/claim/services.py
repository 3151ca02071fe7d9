"""Writes of the claim module used so far: the claim administrator behind a user of type CLAIM_ADMIN."""

from __future__ import annotations

from django.utils.translation import gettext as _

from openimis.claim.models import ClaimAdmin
from openimis.core import inputs, unique
from openimis.core.errors import ValidationFailed
from openimis.core.services import audit_id, username_taken
from openimis.location import selectors as location_selectors

CLAIM_ADMIN = "CLAIM_ADMIN"

# the code of a claim administrator is its user's username
unique.refusal("claim_claimadmin_unique_current_code")(lambda claim_admin: username_taken(claim_admin.code))


def _health_facility_id(data: dict) -> int:
    value = data.get("health_facility_id")
    if value in (None, ""):
        raise ValidationFailed(_("Health facility is mandatory for a claim administrator"),
                               _("userTypes contains CLAIM_ADMIN but healthFacilityId is missing"))
    if not location_selectors.health_facility_exists(value):
        raise ValidationFailed(_("Unknown health facility: %(id)s") % {"id": value})
    return int(value)


def _fill_claim_admin(claim_admin: ClaimAdmin, user, data: dict, health_facility_id: int) -> None:
    claim_admin.code = user.username
    claim_admin.last_name = inputs.text(data, "last_name", _("Last name"), 100, required=True)
    claim_admin.other_names = inputs.text(data, "other_names", _("Other names"), 100, required=True)
    claim_admin.phone = data.get("phone") or None
    claim_admin.email_id = data.get("email") or None
    claim_admin.dob = inputs.as_date(data.get("birth_date"))
    claim_admin.health_facility_id = health_facility_id
    claim_admin.has_login = True


def save_claim_admin_of_user(actor, user, user_type: str, data: dict) -> ClaimAdmin | None:
    """Hook `core.user_type_saved`: create or update the claim administrator of a CLAIM_ADMIN user and
    link it to the login user (called inside the user's transaction)."""
    if user_type != CLAIM_ADMIN:
        return None
    health_facility_id = _health_facility_id(data)
    claim_admin = None
    if user.claim_admin_id:
        claim_admin = ClaimAdmin.objects.current().filter(pk=user.claim_admin_id).first()
    if claim_admin is None:
        claim_admin = ClaimAdmin(audit_user_id=audit_id(actor))
    else:
        claim_admin.save_history(audit_id(actor))
    _fill_claim_admin(claim_admin, user, data, health_facility_id)
    unique.save(claim_admin)
    if user.claim_admin_id != claim_admin.pk:
        user.claim_admin = claim_admin
        user.save(update_fields=["claim_admin"])
    return claim_admin


def delete_claim_admin_of_user(actor, user) -> None:
    """Hook `core.user_deleted`: soft-delete the user's claim administrator."""
    if not user.claim_admin_id:
        return
    claim_admin = ClaimAdmin.objects.current().filter(pk=user.claim_admin_id).first()
    if claim_admin is not None:
        claim_admin.delete_history(audit_id(actor))
