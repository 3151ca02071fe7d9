"""Writes of the insuree module for insurees and their photos; the rules of spec 7.3-7.5. Families are in
`family_services`. Every operation is one transaction; plain Python, no GraphQL.

`data` uses the snake_case names of the GraphQL input (`chf_id`, `gender_id`, `current_village_id`,
`type_of_id_id`, `photo`...).

Insuree-policies belong to the policy module, which does not exist yet. Where a rule touches them, this
module calls a named core hook (below) that the policy module will answer by registering a handler;
while nobody is registered, there is nothing to do (no policy, no coverage to extend or cancel).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import uuid as uuid_module
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openimis.core import hook_registry, inputs, unique
from openimis.core.configuration import module_config
from openimis.core.errors import NotFound, PermissionDenied, ValidationFailed
from openimis.core.history import HistoricalRecordError
from openimis.core.services import audit_id
from openimis.insuree import numbers, photos, selectors
from openimis.insuree.hooks import (
    CAN_ADD_INSUREE,
    INSUREE_ADDED,
    INSUREE_DELETED,
    INSUREE_LEFT_FAMILY,
    INSUREE_STATUS_ENDED,
)
from openimis.insuree.models import (
    ACTIVE,
    ADDRESS_MAX_LENGTH,
    INSUREE_STATUSES,
    MARITAL_STATUSES,
    NAME_MAX_LENGTH,
    PASSPORT_MAX_LENGTH,
    Education,
    Family,
    Gender,
    IdentificationType,
    Insuree,
    InsureeStatusReason,
    Photo,
    Profession,
    Relation,
)
from openimis.location import selectors as location_selectors

# the fields an update compares to tell whether the head insuree of an updated family changed
COMPARED_FIELDS = [
    field
    for field in (
        "chf_id",
        "last_name",
        "other_names",
        "gender_id",
        "dob",
        "marital",
        "passport",
        "phone",
        "email",
        "current_address",
        "geolocation",
        "current_village_id",
        "card_issued",
        "relationship_id",
        "profession_id",
        "education_id",
        "type_of_id_id",
        "health_facility_id",
        "offline",
        "status",
        "status_date",
        "status_reason_id",
        "json_ext",
    )
]


def config() -> dict:
    return module_config("insuree")


def _code_list_row(model, key, label: str):
    if key in (None, ""):
        return None
    row = model.objects.filter(pk=key).first()
    if row is None:
        raise ValidationFailed(_("Unknown %(field)s: %(value)s") % {"field": label, "value": key})
    return row


def _village(location_id):
    if location_id in (None, ""):
        return None
    village = location_selectors.current_locations().filter(id=int(location_id)).first()
    if village is None or village.type != "V":
        raise ValidationFailed(_("The location %(id)s is not a current village") % {"id": location_id})
    return village


def _health_facility(health_facility_id):
    if health_facility_id in (None, ""):
        if config().get("insuree_fsp_mandatory"):
            raise ValidationFailed(_("The first point of service (health facility) is mandatory"))
        return None
    facility = location_selectors.current_health_facilities().filter(id=int(health_facility_id)).first()
    if facility is None:
        raise ValidationFailed(_("Unknown health facility: %(id)s") % {"id": health_facility_id})
    return facility


def _status(insuree: Insuree, data: dict) -> None:
    status = data.get("status") or ACTIVE
    status = getattr(status, "name", status)
    if status not in INSUREE_STATUSES:
        raise ValidationFailed(_("Unknown insuree status: %(status)s") % {"status": status})
    insuree.status = status
    if status == ACTIVE:
        insuree.status_date, insuree.status_reason = None, None
        return
    code = data.get("status_reason")
    reason = (
        InsureeStatusReason.objects.current().filter(code=code, status_type=status).first() if code else None
    )
    if reason is None:
        raise ValidationFailed(
            _("Status %(status)s needs a reason of that status") % {"status": status}, str(code or "")
        )
    insuree.status_reason = reason
    insuree.status_date = inputs.as_date(data.get("status_date")) or datetime.date.today()


@unique.refusal("insuree_insuree_unique_current_chf_id")
def _chf_id_taken(insuree: Insuree) -> ValidationFailed:
    """What the number check says of a taken number, when a concurrent request took it after the check."""
    return ValidationFailed(numbers.taken_error(insuree.chf_id).message, insuree.chf_id)


def _fill_insuree(insuree: Insuree, data: dict) -> None:
    """Set every field from `data` (an update is complete: an omitted optional field is cleared)."""
    insuree.last_name = inputs.text(data, "last_name", _("Last name"), NAME_MAX_LENGTH, required=True)
    insuree.other_names = inputs.text(data, "other_names", _("Other names"), NAME_MAX_LENGTH, required=True)
    insuree.chf_id = (data.get("chf_id") or "").strip() or None
    if not insuree.chf_id:
        raise ValidationFailed(_("The insurance number is mandatory"))
    error = numbers.number_error(insuree.chf_id, except_uuid=insuree.uuid if insuree.pk else None)
    if error is not None:
        raise ValidationFailed(error.message, insuree.chf_id)
    insuree.gender = _code_list_row(Gender, data.get("gender_id"), "gender")
    if insuree.gender is None:
        raise ValidationFailed(_("The gender is mandatory"))
    insuree.dob = inputs.as_date(data.get("dob"))
    if insuree.dob is None:
        raise ValidationFailed(_("The date of birth is mandatory"))
    if insuree.dob > datetime.date.today():
        raise ValidationFailed(_("The date of birth cannot be in the future"), str(insuree.dob))
    marital = data.get("marital") or None
    if marital is not None and marital not in MARITAL_STATUSES:
        raise ValidationFailed(_("Unknown marital status: %(value)s") % {"value": marital})
    insuree.marital = marital
    insuree.passport = inputs.text(data, "passport", "passport", PASSPORT_MAX_LENGTH)
    insuree.phone = inputs.text(data, "phone", "phone", 50)
    insuree.email = inputs.text(data, "email", "email", 100)
    insuree.current_address = inputs.text(data, "current_address", "currentAddress", ADDRESS_MAX_LENGTH)
    insuree.geolocation = inputs.text(data, "geolocation", "geolocation", 250)
    insuree.current_village = _village(data.get("current_village_id"))
    insuree.card_issued = bool(data.get("card_issued"))
    insuree.offline = bool(data.get("offline"))
    insuree.relationship = _code_list_row(Relation, data.get("relationship_id"), "relationship")
    insuree.profession = _code_list_row(Profession, data.get("profession_id"), "profession")
    insuree.education = _code_list_row(Education, data.get("education_id"), "education")
    insuree.type_of_id = _code_list_row(IdentificationType, data.get("type_of_id_id"), "typeOfId")
    insuree.health_facility = _health_facility(data.get("health_facility_id"))
    insuree.json_ext = data.get("json_ext") or None
    _status(insuree, data)


# --- photos -------------------------------------------------------------------------------------


def _photo_content(photo_data: dict) -> bytes | None:
    content = photo_data.get("photo")
    if not content:
        return None
    text = str(content)
    if text.startswith("data:") and "," in text:
        text = text.split(",", 1)[1]  # a data URL: keep the base64 part
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(_("The photo is not valid base64 content")) from None


def stored_photo_bytes(photo: Photo) -> bytes | None:
    """The content of a photo file (None when the photo has no file or the file is gone)."""
    path = photos.photo_file_path(photo.folder, photo.filename) if photo.folder else None
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def _write_photo(insuree: Insuree, content: bytes) -> tuple[str, str]:
    today = timezone.now().date()
    folder = f"{today.year}/{today.month}/{today.day}/{insuree.id}"
    filename = str(uuid_module.uuid4())
    directory = Path(settings.PHOTO_ROOT_PATH) / folder
    directory.mkdir(parents=True, exist_ok=True)
    (directory / filename).write_bytes(content)
    return folder, filename


def _save_photo(actor, insuree: Insuree, photo_data: dict | None) -> None:
    """Store the photo sent with an insuree. New content is written to disk; a photo that changed
    versions the current photo row; the same photo sent back by the form changes nothing."""
    if not photo_data:
        if config().get("is_insuree_photo_required") and insuree.photo_id is None:
            raise ValidationFailed(_("A photo of the insuree is mandatory"))
        return
    content = _photo_content(photo_data)
    current = insuree.photo if insuree.photo_id else None
    date = inputs.as_date(photo_data.get("date")) or datetime.date.today()
    officer_id = photo_data.get("officer_id")
    if current is not None:
        same_content = (
            content is None
            or content == stored_photo_bytes(current)
            or (not current.folder and photo_data.get("photo") == current.photo)
        )
        if same_content and current.date == date and (officer_id in (None, current.officer_id)):
            return
        current.save_history(audit_id(actor))
        photo = current
    else:
        photo = Photo(insuree=insuree)
        photo.uuid = inputs.chosen_uuid(Photo, photo_data.get("uuid")) or photo.uuid
    photo.chf_id, photo.date, photo.audit_user_id = insuree.chf_id, date, audit_id(actor)
    photo.officer_id = officer_id if officer_id is not None else photo.officer_id
    if content is not None:
        photo.folder, photo.filename = _write_photo(insuree, content)
        photo.photo = None
    elif photo.pk is None:
        photo.folder, photo.filename = photo_data.get("folder"), photo_data.get("filename")
    unique.save(photo)
    insuree.photo, insuree.photo_date = photo, date
    insuree.save(update_fields=["photo", "photo_date"])


# --- insurees -----------------------------------------------------------------------------------


def current_insuree(actor, uuid, purpose: str | None = None) -> Insuree:
    """The current insuree `uuid` the actor may see, else a NotFound / ValidationFailed."""
    if not uuid:
        raise ValidationFailed(_("The insuree uuid is mandatory"))
    insuree = selectors.insuree_by(actor, uuid=str(uuid))
    if insuree is None:
        raise NotFound(_("Insuree not found"), str(uuid))
    if not insuree.is_current:
        raise ValidationFailed(
            _("The insuree %(chf_id)s is deleted: its history cannot be changed")
            % {"chf_id": insuree.chf_id},
            str(uuid),
        )
    return insuree


def current_family(actor, uuid=None, pk=None) -> Family:
    family = selectors.family_by(actor, uuid=str(uuid) if uuid else None, pk=pk)
    if family is None:
        raise NotFound(_("Family not found"), str(uuid or pk))
    if not family.is_current:
        raise ValidationFailed(_("The family is deleted: its history cannot be changed"), str(uuid or pk))
    return family


def new_insuree(actor, data: dict, family: Family | None, head: bool) -> Insuree:
    """Create an insuree (no transaction of its own: the caller's). Used by createInsuree and
    createFamily (the head, created before its family)."""
    insuree = Insuree(family=family, head=head, audit_user_id=audit_id(actor))
    insuree.uuid = inputs.chosen_uuid(Insuree, data.get("uuid")) or insuree.uuid
    _fill_insuree(insuree, data)
    unique.save(insuree)
    _save_photo(actor, insuree, data.get("photo"))
    return insuree


def _snapshot(insuree: Insuree) -> list:
    return [getattr(insuree, field) for field in COMPARED_FIELDS]


def change_insuree(actor, insuree: Insuree, data: dict, only_if_changed: bool = False) -> Insuree:
    """Version the insuree and apply `data` (no transaction of its own). Its family and head flag are
    kept: they change through setFamilyHead, removeInsurees and changeInsureeFamily."""
    before = _snapshot(insuree)
    was_active = insuree.status == ACTIVE
    _fill_insuree(insuree, data)
    if _snapshot(insuree) != before or not only_if_changed:
        try:
            insuree.save_history(audit_id(actor))
        except HistoricalRecordError:
            raise ValidationFailed(_("The history of an insuree cannot be changed")) from None
        insuree.audit_user_id = audit_id(actor)
        unique.save(insuree)
    _save_photo(actor, insuree, data.get("photo"))
    if was_active and insuree.status != ACTIVE:
        hook_registry.call(INSUREE_STATUS_ENDED, actor, insuree, insuree.status_date)
    return insuree


@transaction.atomic
def create_insuree(actor, data: dict) -> Insuree:
    family = current_family(actor, pk=int(data["family_id"])) if data.get("family_id") else None
    insuree = new_insuree(actor, data, family, head=False)
    if insuree.status != ACTIVE:
        hook_registry.call(INSUREE_STATUS_ENDED, actor, insuree, insuree.status_date)
    if family is not None:
        hook_registry.call(INSUREE_ADDED, actor, insuree, bool(data.get("add_on_existing_policy")))
    return insuree


@transaction.atomic
def update_insuree(actor, data: dict) -> Insuree:
    insuree = current_insuree(actor, data.get("uuid"))
    family_id = data.get("family_id")
    if family_id and int(family_id) != insuree.family_id:
        raise ValidationFailed(_("An insuree changes family through changeInsureeFamily"), str(family_id))
    return change_insuree(actor, insuree, data)


def _check_not_head(insuree: Insuree, message: str) -> None:
    if insuree.head and insuree.family_id is not None:
        raise ValidationFailed(message % {"chf_id": insuree.chf_id}, insuree.uuid)


def _check_member_of(insuree: Insuree, family_uuid) -> None:
    if family_uuid and (insuree.family is None or insuree.family.uuid != str(family_uuid)):
        raise ValidationFailed(
            _("The insuree %(chf_id)s is not a member of that family") % {"chf_id": insuree.chf_id},
            str(family_uuid),
        )


def soft_delete_insuree(actor, insuree: Insuree) -> None:
    hook_registry.call(INSUREE_DELETED, actor, insuree)
    insuree.delete_history(audit_id(actor))


@transaction.atomic
def delete_insuree(actor, uuid, family_uuid=None) -> Insuree:
    insuree = current_insuree(actor, uuid)
    _check_member_of(insuree, family_uuid)
    _check_not_head(insuree, _("The insuree %(chf_id)s is the head of a family and cannot be deleted"))
    soft_delete_insuree(actor, insuree)
    return insuree


def detach_insuree(actor, insuree: Insuree, family: Family | None = None) -> None:
    """Version the insuree and move it to `family` (None: out of any family), as a plain member."""
    insuree.save_history(audit_id(actor))
    insuree.family, insuree.head = family, False
    insuree.save()


@transaction.atomic
def remove_insuree(actor, uuid, family_uuid=None, cancel_policies: bool = False) -> Insuree:
    insuree = current_insuree(actor, uuid)
    _check_member_of(insuree, family_uuid)
    _check_not_head(
        insuree, _("The insuree %(chf_id)s is the head of a family and cannot be removed from it")
    )
    if insuree.family_id is None:
        raise ValidationFailed(_("The insuree %(chf_id)s belongs to no family") % {"chf_id": insuree.chf_id})
    hook_registry.call(INSUREE_LEFT_FAMILY, actor, insuree, bool(cancel_policies))
    detach_insuree(actor, insuree)
    return insuree


def can_add_insuree(actor, family_id) -> list[str]:
    """The warnings to show before a member is added to the family: one per current family policy whose
    product has reached its maximum number of members. Policies belong to the policy module, which answers
    the CAN_ADD_INSUREE hook; without it no family has a policy, so no policy can be full and the answer
    is an empty list."""
    family = selectors.family_by(actor, pk=int(family_id))
    if family is None:
        raise NotFound(_("Family not found"), str(family_id))
    answers = hook_registry.call(CAN_ADD_INSUREE, family)
    return [str(warning) for answer in answers for warning in (answer or [])]


def check_may_edit_insurees(actor, right: int) -> None:
    if actor is not None and not actor.has_any_right([right]):
        raise PermissionDenied()


# --- families, for other modules (the writes live in `family_services`, which imports this module) --


def create_family(actor, data: dict) -> Family:
    """`family_services.create_family`: the family with its head insuree (one transaction)."""
    from openimis.insuree import family_services

    return family_services.create_family(actor, data)


def update_family(actor, data: dict) -> Family:
    """`family_services.update_family`: the family and, when it changed, its head insuree."""
    from openimis.insuree import family_services

    return family_services.update_family(actor, data)
