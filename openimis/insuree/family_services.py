"""Writes of the insuree module for families (spec 7.2, 7.4): create with the head insuree, update,
delete with or without the members, set the head, move an insuree to another family. One transaction
per operation; the insuree rules are those of `services`."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from openimis.core import hook_registry, inputs, unique
from openimis.core.errors import ValidationFailed
from openimis.core.history import lock
from openimis.core.services import audit_id
from openimis.insuree import hooks as insuree_hooks
from openimis.insuree import rights, services
from openimis.insuree.models import (
    ADDRESS_MAX_LENGTH,
    CONFIRMATION_NO_MAX_LENGTH,
    ConfirmationType,
    Family,
    FamilyType,
    Insuree,
)
from openimis.insuree.services import _code_list_row, _village


def _fill_family(family: Family, data: dict) -> None:
    """Set every field from `data` (an update is complete: an omitted optional field is cleared)."""
    family.location = _village(data.get("location_id"))
    if family.location is None:
        raise ValidationFailed(_("The village of the family is mandatory"))
    family.poverty = data.get("poverty")
    family.family_type = _code_list_row(FamilyType, data.get("family_type_id"), "familyType")
    family.address = inputs.text(data, "address", "address", ADDRESS_MAX_LENGTH)
    family.ethnicity = inputs.text(data, "ethnicity", "ethnicity", 1)
    family.confirmation_type = _code_list_row(
        ConfirmationType, data.get("confirmation_type_id"), "confirmationType"
    )
    family.confirmation_no = inputs.text(
        data, "confirmation_no", "confirmationNo", CONFIRMATION_NO_MAX_LENGTH
    )
    if (
        family.confirmation_type is not None
        and family.confirmation_type.is_confirmation_number_required
        and not family.confirmation_no
    ):
        raise ValidationFailed(
            _("The confirmation type %(code)s needs a confirmation number")
            % {"code": family.confirmation_type.code}
        )
    family.is_offline = bool(data.get("is_offline"))
    family.json_ext = data.get("json_ext") or None
    # `contribution` (the first contribution paid with the family) belongs to the contribution module


def _lock_first(family: Family) -> None:
    """Lock the family before its members: an update of the family versions the family, then its head, so
    an operation that versions members too takes the locks in that order (no deadlock between the two),
    and sees the family and its head as committed last."""
    lock(family)
    if not family.is_current:
        raise ValidationFailed(_("The family is deleted: its history cannot be changed"), family.uuid)


@transaction.atomic
def create_family(actor, data: dict) -> Family:
    """The head insuree first (head = true), then the family pointing to it, then the head's family."""
    head_data = data.get("head_insuree")
    if not head_data:
        raise ValidationFailed(_("A family needs a head insuree"))
    family = Family(audit_user_id=audit_id(actor))
    family.uuid = inputs.chosen_uuid(Family, data.get("uuid")) or family.uuid
    _fill_family(family, data)
    head = services.new_insuree(actor, head_data, family=None, head=True)
    family.head_insuree = head
    unique.save(family)
    head.family = family
    head.save(update_fields=["family"])
    return family


@transaction.atomic
def update_family(actor, data: dict) -> Family:
    """Version the family and apply `data`; the head insuree sent with it is updated (versioned) when
    something of it changed."""
    family = services.current_family(
        actor, uuid=data.get("uuid") or None, pk=None if data.get("uuid") else data.get("id")
    )
    _lock_first(family)  # its head is the one committed last (setFamilyHead may have changed it)
    head_data = data.get("head_insuree")
    family.save_history(audit_id(actor))
    _fill_family(family, data)
    family.audit_user_id = audit_id(actor)
    family.save()
    if head_data:
        head = family.head_insuree
        if head_data.get("uuid") and str(head_data["uuid"]) != head.uuid:
            raise ValidationFailed(
                _("The head of a family changes through setFamilyHead"), str(head_data["uuid"])
            )
        services.change_insuree(actor, head, head_data, only_if_changed=True)
    return family


@transaction.atomic
def delete_family(actor, uuid, delete_members: bool = False) -> Family:
    """Soft-delete the family. Its members are deleted too with `delete_members`, else they stay as
    insurees without a family."""
    family = services.current_family(actor, uuid=uuid)
    _lock_first(family)
    for member in services.selectors.family_members(family):
        if delete_members:
            services.soft_delete_insuree(actor, member)
        else:
            services.detach_insuree(actor, member)
    family.delete_history(audit_id(actor))
    return family


@transaction.atomic
def set_family_head(actor, family_uuid, insuree_uuid) -> Family:
    family = services.current_family(actor, uuid=family_uuid)
    _lock_first(family)
    insuree = services.current_insuree(actor, insuree_uuid)
    if insuree.family_id != family.id:
        raise ValidationFailed(
            _("The insuree %(chf_id)s is not a member of that family") % {"chf_id": insuree.chf_id},
            str(family_uuid),
        )
    if family.head_insuree_id == insuree.id:
        raise ValidationFailed(
            _("The insuree %(chf_id)s is already the head of the family") % {"chf_id": insuree.chf_id}
        )
    audit_user = audit_id(actor)
    old_head = Insuree.objects.get(pk=family.head_insuree_id)
    if old_head.is_current and old_head.family_id == family.id:
        old_head.save_history(audit_user)
        old_head.head = False
        old_head.save()
    insuree.save_history(audit_user)
    insuree.head = True
    insuree.save()
    family.save_history(audit_user)
    family.head_insuree = insuree
    family.save()
    return family


@transaction.atomic
def change_insuree_family(actor, family_uuid, insuree_uuid, cancel_policies: bool = False) -> Insuree:
    """Move an insuree to another family (needs the family-edit and the insuree-edit rights). The head of
    a family cannot leave it: another member must become head first."""
    services.check_may_edit_insurees(actor, rights.INSUREE_EDIT)
    family = services.current_family(actor, uuid=family_uuid)
    insuree = services.current_insuree(actor, insuree_uuid)
    if insuree.family_id == family.id:
        raise ValidationFailed(
            _("The insuree %(chf_id)s is already a member of that family") % {"chf_id": insuree.chf_id}
        )
    if insuree.head and insuree.family_id is not None:
        raise ValidationFailed(
            _("The insuree %(chf_id)s is the head of a family and cannot leave it")
            % {"chf_id": insuree.chf_id},
            insuree.uuid,
        )
    if insuree.family_id is not None:
        hook_registry.call(insuree_hooks.INSUREE_LEFT_FAMILY, actor, insuree, bool(cancel_policies))
    services.detach_insuree(actor, insuree, family)
    hook_registry.call(insuree_hooks.INSUREE_JOINED_FAMILY, actor, insuree, family)
    return insuree
