"""Every write of the location module: the location tree, health facilities and their catchments, the
districts and health facility of a user, the villages of an officer. One transaction each.

`actor` is the user who asks (None: the system itself, which may do anything). Row security applies to
writes too: a user who is not an administrator can only reach the locations and health facilities that
the selectors let them see.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from openimis.core import inputs, unique
from openimis.core.configuration import module_config
from openimis.core.errors import NotFound, PermissionDenied, ValidationFailed
from openimis.core.services import audit_id
from openimis.location import rights, selectors
from openimis.location.models import (
    CARE_TYPES,
    DISTRICT,
    HEALTH_FACILITY_LEVELS,
    LOCATION_TYPES,
    MUNICIPALITY,
    REGION,
    VILLAGE,
    HealthFacility,
    HealthFacilityCatchment,
    HealthFacilityLegalForm,
    HealthFacilityStatus,
    HealthFacilitySubLevel,
    Location,
    OfficerVillage,
    UserDistrict,
)

MAX_INT = 2147483647

# Messages naming a location type are whole sentences, one per type: in French the type's gender
# changes the articles around it. `gettext_noop` here, `_()` where they are raised.
IS_A = {  # the detail of a refused type: "<code> is a <type>"
    REGION: gettext_noop("%(code)s is a region"),
    DISTRICT: gettext_noop("%(code)s is a district"),
    MUNICIPALITY: gettext_noop("%(code)s is a municipality"),
    VILLAGE: gettext_noop("%(code)s is a village"),
}
NEEDS_PARENT = {
    DISTRICT: gettext_noop("A district needs a parent region (parentUuid)"),
    MUNICIPALITY: gettext_noop("A municipality needs a parent district (parentUuid)"),
    VILLAGE: gettext_noop("A village needs a parent municipality (parentUuid)"),
}
WRONG_PARENT = {
    DISTRICT: gettext_noop("The parent of a district must be a region"),
    MUNICIPALITY: gettext_noop("The parent of a municipality must be a district"),
    VILLAGE: gettext_noop("The parent of a village must be a municipality"),
}
NEEDS_NEW_PARENT = {
    DISTRICT: gettext_noop("A district needs a new parent region (newParentUuid)"),
    MUNICIPALITY: gettext_noop("A municipality needs a new parent district (newParentUuid)"),
    VILLAGE: gettext_noop("A village needs a new parent municipality (newParentUuid)"),
}
WRONG_NEW_PARENT = {
    DISTRICT: gettext_noop("A district can only move under a region"),
    MUNICIPALITY: gettext_noop("A municipality can only move under a district"),
    VILLAGE: gettext_noop("A village can only move under a municipality"),
}
CHILDREN_MOVE_TO = {
    REGION: gettext_noop("The children of a region can only move to another region"),
    DISTRICT: gettext_noop("The children of a district can only move to another district"),
    MUNICIPALITY: gettext_noop("The children of a municipality can only move to another municipality"),
    VILLAGE: gettext_noop("The children of a village can only move to another village"),
}
CHANGE_NEEDS_RIGHT = {  # municipalities and villages; regions and districts need 121906
    MUNICIPALITY: gettext_noop("this change of a municipality needs right %(right)s"),
    VILLAGE: gettext_noop("this change of a village needs right %(right)s"),
}


# --- helpers -------------------------------------------------------------------------------

def _optional_count(data: dict, key: str, label: str) -> int | None:
    """`label`: marked with `gettext_noop` by the caller, translated here."""
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("%(label)s must be a whole number") % {"label": _(label)}) from None
    if value < 0 or value > MAX_INT:
        raise ValidationFailed(_("%(label)s must be between 0 and %(maximum)s")
                               % {"label": _(label), "maximum": MAX_INT})
    return value


def _plural(count: int, model) -> str:
    options = model._meta
    return f"{count} {options.verbose_name if count == 1 else options.verbose_name_plural}"


def current_dependents(model, ids, skip=()) -> list[str]:
    """What still refers to the rows `ids` of `model`: current rows of every table with a foreign key to
    it (whatever module declares the table), as "2 health facilities" phrases. Mutation-log links and the
    models in `skip` do not count."""
    ids = list(ids)
    found = []
    for relation in model._meta.related_objects:
        related = relation.related_model
        if related in skip or related.__name__.endswith("Mutation"):
            continue
        queryset = related._base_manager.filter(**{f"{relation.field.name}__in": ids})
        field_names = {field.name for field in related._meta.get_fields()}
        if "validity_to" in field_names:  # a plain manager: any model with history
            queryset = queryset.filter(validity_to__isnull=True)
        if "is_deleted" in field_names:
            queryset = queryset.filter(is_deleted=False)
        count = queryset.count()
        if count:
            found.append(_plural(count, related))
    return found


# --- locations -----------------------------------------------------------------------------

def _location_type(data: dict) -> str:
    location_type = (data.get("type") or "").strip().upper()
    if not location_type:
        raise ValidationFailed(_("Location type is mandatory"))
    if location_type not in LOCATION_TYPES:
        raise ValidationFailed(_("Unknown location type: %(type)s") % {"type": location_type},
                               _("the types are %(types)s") % {"types": ", ".join(LOCATION_TYPES)})
    return location_type


def _check_tree_right(actor, location_type: str, right: int) -> None:
    """Regions and districts need 121906; municipalities and villages `right` (or 121906)."""
    if actor is None or actor.is_imis_admin:
        return
    if location_type in (REGION, DISTRICT):
        if not actor.has_any_right([rights.REGION_DISTRICT_EDIT]):
            # the message stays openIMIS's "unauthorized" (as core's); the detail says why
            raise PermissionDenied(
                detail=_("creating or changing regions and districts needs right %(right)s")
                % {"right": rights.REGION_DISTRICT_EDIT})
    elif not actor.has_any_right([right, rights.REGION_DISTRICT_EDIT]):
        raise PermissionDenied(detail=_(CHANGE_NEEDS_RIGHT[location_type]) % {"right": right})


def _find_location(actor, uuid: str | None, code: str | None = None,
                   not_found: str = gettext_noop("Location not found")) -> Location:
    queryset = selectors.locations(actor)
    location = None
    if uuid:
        location = queryset.filter(uuid=uuid).first()
    elif code:
        location = queryset.filter(code=code).first()
    if location is None:
        raise NotFound(_(not_found), str(uuid or code or ""))
    return location


def _parent_for(actor, location_type: str, parent_uuid: str | None) -> Location | None:
    level = LOCATION_TYPES.index(location_type)
    if level == 0:
        if parent_uuid:
            raise ValidationFailed(_("A region has no parent location"))
        return None
    expected = LOCATION_TYPES[level - 1]
    if not parent_uuid:
        raise ValidationFailed(_(NEEDS_PARENT[location_type]))
    parent = _find_location(actor, parent_uuid, not_found=gettext_noop("Parent location not found"))
    if parent.type != expected:
        raise ValidationFailed(_(WRONG_PARENT[location_type]), _(IS_A[parent.type]) % {"code": parent.code})
    return parent


@unique.refusal("location_location_unique_current_code")
def _location_code_taken(location: Location) -> ValidationFailed:
    return ValidationFailed(_("Location code %(code)s is already used") % {"code": location.code},
                            "mutation.location_code_duplicated")


def _fill_location(location: Location, data: dict) -> None:
    location.code = inputs.text(data, "code", _("Location code"), 8, required=True)
    if not selectors.location_code_is_free(location.code, except_location_id=location.pk):
        raise _location_code_taken(location)
    location.name = inputs.text(data, "name", _("Location name"), 50, required=True)
    # complete update: an omitted optional value is cleared
    location.male_population = _optional_count(data, "male_population", gettext_noop("Male population"))
    location.female_population = _optional_count(data, "female_population", gettext_noop("Female population"))
    location.other_population = _optional_count(data, "other_population", gettext_noop("Other population"))
    location.families = _optional_count(data, "families", gettext_noop("Families"))


@transaction.atomic
def create_location(actor, data: dict) -> Location:
    location_type = _location_type(data)
    _check_tree_right(actor, location_type, rights.LOCATION_ADD)
    parent = _parent_for(actor, location_type, data.get("parent_uuid"))
    location = Location(type=location_type, parent=parent, audit_user_id=audit_id(actor))
    location.uuid = inputs.chosen_uuid(Location, data.get("uuid")) or location.uuid
    _fill_location(location, data)
    unique.save(location)
    if location_type == DISTRICT and actor is not None and not actor.is_imis_admin and actor.i_user_id:
        # the creator must see the district they made (administrators see every district anyway)
        UserDistrict.objects.create(user_id=actor.i_user_id, location=location, audit_user_id=audit_id(actor))
        selectors.forget_districts(actor)
    return location


@transaction.atomic
def update_location(actor, data: dict) -> Location:
    if not data.get("uuid"):
        raise ValidationFailed(_("uuid is mandatory to update a location"))
    location = _find_location(actor, data["uuid"])
    location_type = _location_type(data)
    if location_type != location.type:
        raise ValidationFailed(_("The type of a location cannot change"),
                               _(IS_A[location.type]) % {"code": location.code})
    _check_tree_right(actor, location.type, rights.LOCATION_EDIT)
    parent_uuid = data.get("parent_uuid")
    current_parent_uuid = location.parent.uuid if location.parent_id else None
    if parent_uuid and parent_uuid != current_parent_uuid:
        raise ValidationFailed(_("An update cannot change the parent of a location: move it (moveLocation)"))
    _fill_location(location, data)
    location.save_history(audit_id(actor))
    unique.save(location)
    return location


def _check_not_used(location: Location, ids: list[int]) -> None:
    used = current_dependents(Location, ids, skip=(Location,))  # the children go with it or move
    if used:
        # `pgettext`: in French the participle agrees with a location (feminine), not a facility
        if len(ids) > 1:
            detail = _("%(code)s and the locations below it are still used by %(dependents)s")
        else:
            detail = pgettext("location", "%(code)s is still used by %(dependents)s")
        raise ValidationFailed(
            _("Location %(code)s cannot be deleted: it is still used") % {"code": location.code},
            detail % {"code": location.code, "dependents": ", ".join(used)})


@transaction.atomic
def delete_location(actor, data: dict) -> Location:
    """Delete a location and the whole tree below it, or, with `new_parent_uuid`, move its children to that
    location (of the same type) first. Refused while anything current still uses the deleted locations."""
    location = _find_location(actor, data.get("uuid"), data.get("code"))
    _check_tree_right(actor, location.type, rights.LOCATION_DELETE)
    now = timezone.now()
    new_parent_uuid = data.get("new_parent_uuid")
    if new_parent_uuid:
        new_parent = _find_location(actor, new_parent_uuid,
                                    not_found=gettext_noop("New parent location not found"))
        if new_parent.pk == location.pk:
            raise ValidationFailed(_("A location cannot take over its own children"))
        if new_parent.type != location.type:
            raise ValidationFailed(_(CHILDREN_MOVE_TO[location.type]),
                                   _(IS_A[new_parent.type]) % {"code": new_parent.code})
        _check_not_used(location, [location.pk])
        for child in selectors.current_locations().filter(parent=location):
            child.save_history(audit_id(actor))
            child.parent = new_parent
            child.save()
        closed = []
    else:
        closed = selectors.descendant_ids(location)
        _check_not_used(location, [location.pk, *closed])
    Location.objects.filter(id__in=closed).update(validity_to=now, audit_user_id=audit_id(actor))
    location.delete_history(audit_id(actor))
    return location


@transaction.atomic
def move_location(actor, data: dict) -> Location:
    """Give a location a new parent of the level just above it (a region has none)."""
    location = _find_location(actor, data.get("uuid"))
    _check_tree_right(actor, location.type, rights.LOCATION_MOVE)
    new_parent_uuid = data.get("new_parent_uuid")
    level = location.level
    if level == 0:
        if new_parent_uuid:
            raise ValidationFailed(_("A region cannot move under another location"))
        return location
    expected = LOCATION_TYPES[level - 1]
    if not new_parent_uuid:
        raise ValidationFailed(_(NEEDS_NEW_PARENT[location.type]))
    new_parent = _find_location(actor, new_parent_uuid,
                                not_found=gettext_noop("New parent location not found"))
    if new_parent.type != expected:
        raise ValidationFailed(_(WRONG_NEW_PARENT[location.type]),
                               _(IS_A[new_parent.type]) % {"code": new_parent.code})
    if new_parent.pk == location.parent_id:
        return location
    location.save_history(audit_id(actor))
    location.parent = new_parent
    location.save()
    return location


# --- health facilities ---------------------------------------------------------------------

def _choice(data: dict, key: str, mandatory: str, unknown: str, choices) -> str:
    """`mandatory` and `unknown` (with `%(value)s`): messages marked with `gettext_noop` by the caller."""
    value = (data.get(key) or "").strip()
    if not value:
        raise ValidationFailed(_(mandatory))
    codes = [code for code, _label in choices]
    if value not in codes:
        raise ValidationFailed(_(unknown) % {"value": value},
                               _("one of %(codes)s") % {"codes": ", ".join(codes)})
    return value


def _price_list_id(data: dict, key: str, field_name: str, unknown: str) -> int | None:
    """`unknown` (with `%(value)s`): a message marked with `gettext_noop` by the caller."""
    value = data.get(key)
    if value in (None, ""):
        return None
    price_list_model = HealthFacility._meta.get_field(field_name).related_model
    if not price_list_model.objects.filter(id=int(value), validity_to__isnull=True).exists():
        raise ValidationFailed(_(unknown) % {"value": value})
    return int(value)


def _contract_dates(data: dict) -> tuple[datetime.date | None, datetime.date | None]:
    start = inputs.as_date(data.get("contract_start_date"))
    end = inputs.as_date(data.get("contract_end_date"))
    if (start is None) != (end is None):
        raise ValidationFailed(_("Give both contract dates or neither"))
    if start is not None and end <= start:
        raise ValidationFailed(_("The contract end date must be after its start date"))
    if start is None and module_config("location").get("health_facility_contract_dates_mandatory"):
        raise ValidationFailed(_("The contract dates are mandatory"))
    return start, end


def _status(data: dict, current: str | None) -> str:
    value = data.get("status")
    if value in (None, ""):
        return current or HealthFacilityStatus.ACTIVE  # the frontend sends it only when it shows the field
    value = str(getattr(value, "value", value)).strip().upper()
    if value not in HealthFacilityStatus.values:
        raise ValidationFailed(_("Unknown health facility status: %(status)s") % {"status": value},
                               _("one of %(codes)s") % {"codes": ", ".join(HealthFacilityStatus.values)})
    return value


@unique.refusal("location_healthfacility_unique_current_code")
def _health_facility_code_taken(facility: HealthFacility) -> ValidationFailed:
    return ValidationFailed(_("Health facility code %(code)s is already used") % {"code": facility.code},
                            "mutation.health_facility_code_duplicated")


def _fill_health_facility(actor, facility: HealthFacility, data: dict) -> None:
    facility.code = inputs.text(data, "code", _("Health facility code"), 8, required=True)
    if not selectors.health_facility_code_is_free(facility.code, except_health_facility_id=facility.pk):
        raise _health_facility_code_taken(facility)
    facility.name = inputs.text(data, "name", _("Health facility name"), 100, required=True)
    legal_form = (data.get("legal_form_id") or "").strip()
    if not legal_form:
        raise ValidationFailed(_("Legal form is mandatory"))
    if not HealthFacilityLegalForm.objects.filter(code=legal_form).exists():
        raise ValidationFailed(_("Unknown legal form: %(value)s") % {"value": legal_form})
    facility.legal_form_id = legal_form
    facility.level = _choice(data, "level", gettext_noop("Level is mandatory"),
                             gettext_noop("Unknown level: %(value)s"), HEALTH_FACILITY_LEVELS)
    sub_level = (data.get("sub_level_id") or "").strip() or None
    if sub_level and not HealthFacilitySubLevel.objects.filter(code=sub_level).exists():
        raise ValidationFailed(_("Unknown sub-level: %(value)s") % {"value": sub_level})
    facility.sub_level_id = sub_level
    facility.care_type = _choice(data, "care_type", gettext_noop("Care type is mandatory"),
                                 gettext_noop("Unknown care type: %(value)s"), CARE_TYPES)
    location_id = data.get("location_id")
    if location_id in (None, ""):
        raise ValidationFailed(_("The district of the health facility is mandatory (locationId)"))
    district = selectors.locations(actor, manages_tree=False).filter(id=int(location_id)).first()
    if district is None:
        raise NotFound(_("District not found"), str(location_id))
    if district.type != DISTRICT:
        raise ValidationFailed(_("A health facility is located in a district"),
                               _(IS_A[district.type]) % {"code": district.code})
    facility.location = district
    facility.acc_code = inputs.text(data, "acc_code", _("Accounting code"), 25)
    facility.address = inputs.text(data, "address", _("Address"), 100)
    facility.phone = inputs.text(data, "phone", _("Phone"), 50)
    facility.fax = inputs.text(data, "fax", _("Fax"), 50)
    facility.email = inputs.text(data, "email", _("E-mail"), 50)
    facility.services_pricelist_id = _price_list_id(data, "services_pricelist_id", "services_pricelist",
                                                    gettext_noop("Unknown services price list: %(value)s"))
    facility.items_pricelist_id = _price_list_id(data, "items_pricelist_id", "items_pricelist",
                                                 gettext_noop("Unknown items price list: %(value)s"))
    facility.offline = bool(data.get("offline"))
    facility.contract_start_date, facility.contract_end_date = _contract_dates(data)
    facility.status = _status(data, facility.status if facility.pk else None)


def _catchment_rows(data: dict) -> dict[int, int | None]:
    """village id -> catchment %, checked: current villages, each once, 0 to 100 %."""
    wanted: dict[int, int | None] = {}
    for row in data.get("catchments") or []:
        if row.get("location_id") in (None, ""):
            raise ValidationFailed(_("A catchment needs a village (locationId)"))
        village_id = int(row["location_id"])
        if village_id in wanted:
            raise ValidationFailed(_("Village %(id)s is listed twice in the catchments") % {"id": village_id})
        catchment = row.get("catchment")
        if catchment is not None and not 0 <= int(catchment) <= 100:
            raise ValidationFailed(_("A catchment is a percentage from 0 to 100"))
        wanted[village_id] = None if catchment is None else int(catchment)
    if wanted:
        villages = set(selectors.current_locations().filter(id__in=wanted, type=VILLAGE)
                       .values_list("id", flat=True))
        unknown = sorted(set(wanted) - villages)
        if unknown:
            raise ValidationFailed(_("Unknown village: %(ids)s")
                                   % {"ids": ", ".join(str(i) for i in unknown)},
                                   _("catchments are villages"))
    return wanted


def _save_catchments(actor, facility: HealthFacility, wanted: dict[int, int | None],
                     history: HealthFacility | None) -> None:
    """Changed and removed catchment rows move to the facility's history copy (ended now); new and changed
    values become current rows; unchanged rows stay as they are."""
    now = timezone.now()
    current = {row.location_id: row for row in HealthFacilityCatchment.objects.current()
               .filter(health_facility=facility)}
    for village_id, row in current.items():
        if village_id in wanted and wanted[village_id] == row.catchment:
            continue
        row.validity_to = now
        if history is not None:
            row.health_facility = history
        row.save(update_fields=["validity_to", "health_facility"])
    HealthFacilityCatchment.objects.bulk_create(
        HealthFacilityCatchment(health_facility=facility, location_id=village_id, catchment=catchment,
                                validity_from=now, audit_user_id=audit_id(actor))
        for village_id, catchment in wanted.items()
        if village_id not in current or current[village_id].catchment != catchment)


@transaction.atomic
def create_health_facility(actor, data: dict) -> HealthFacility:
    facility = HealthFacility(audit_user_id=audit_id(actor))
    facility.uuid = inputs.chosen_uuid(HealthFacility, data.get("uuid")) or facility.uuid
    _fill_health_facility(actor, facility, data)
    wanted = _catchment_rows(data)
    unique.save(facility)
    _save_catchments(actor, facility, wanted, None)
    return facility


def _find_health_facility(actor, uuid: str | None, code: str | None = None) -> HealthFacility:
    queryset = selectors.health_facilities(actor)
    facility = None
    if uuid:
        facility = queryset.filter(uuid=uuid).first()
        if facility is None and HealthFacility.objects.filter(uuid=uuid, validity_to__isnull=False).exists():
            raise ValidationFailed(_("cannot update historical data"), str(uuid))
    elif code:
        facility = queryset.filter(code=code).first()
    if facility is None:
        raise NotFound(_("Health facility not found"), str(uuid or code or ""))
    return facility


@transaction.atomic
def update_health_facility(actor, data: dict) -> HealthFacility:
    if not data.get("uuid"):
        raise ValidationFailed(_("uuid is mandatory to update a health facility"))
    facility = _find_health_facility(actor, data["uuid"])
    _fill_health_facility(actor, facility, data)
    wanted = _catchment_rows(data)
    history = facility.save_history(audit_id(actor))
    unique.save(facility)
    _save_catchments(actor, facility, wanted, history)
    return facility


@transaction.atomic
def delete_health_facility(actor, data: dict) -> HealthFacility:
    facility = _find_health_facility(actor, data.get("uuid"), data.get("code"))
    used = current_dependents(HealthFacility, [facility.pk], skip=(HealthFacilityCatchment,))
    if used:
        raise ValidationFailed(
            _("Health facility %(code)s cannot be deleted: it is still used") % {"code": facility.code},
            pgettext("health facility", "%(code)s is still used by %(dependents)s")
            % {"code": facility.code, "dependents": ", ".join(used)})
    facility.delete_history(audit_id(actor))
    HealthFacilityCatchment.objects.current().filter(health_facility=facility).update(
        validity_to=facility.validity_to)
    return facility


# --- users and officers (core hooks) -------------------------------------------------------

def _replace_links(model, owner_field: str, owner_id: int, location_ids, audit_user_id: int) -> None:
    wanted = {int(location_id) for location_id in location_ids}
    current = model.objects.current().filter(**{owner_field: owner_id})
    current.exclude(location_id__in=wanted).update(validity_to=timezone.now())
    kept = set(current.values_list("location_id", flat=True))
    model.objects.bulk_create(
        model(**{owner_field: owner_id}, location_id=location_id, audit_user_id=audit_user_id)
        for location_id in wanted - kept)


def _check_type(location_ids, location_type: str, unknown: str) -> None:
    """`unknown` (with `%(ids)s`): a message marked with `gettext_noop` by the caller."""
    wanted = {int(location_id) for location_id in location_ids}
    found = set(Location.objects.current().filter(id__in=wanted, type=location_type)
                .values_list("id", flat=True))
    if wanted - found:
        raise ValidationFailed(_(unknown) % {"ids": ", ".join(str(i) for i in sorted(wanted - found))})


def save_user_locations(actor, user, data: dict) -> None:
    """Hook `core.user_saved`: the districts and health facility of an interactive user, the villages of
    an officer."""
    audit_user_id = (actor.id_for_audit if actor else None) or 0
    health_facility_id = data.get("health_facility_id")
    if user.i_user_id and health_facility_id not in (None, "") \
            and not selectors.health_facility_exists(health_facility_id):
        raise ValidationFailed(_("Unknown health facility: %(id)s") % {"id": health_facility_id})
    if user.i_user_id and data.get("districts") is not None:
        _check_type(data["districts"], DISTRICT, gettext_noop("Unknown district: %(ids)s"))
        _replace_links(UserDistrict, "user_id", user.i_user_id, data["districts"], audit_user_id)
        selectors.forget_districts(user)
    if user.officer_id and data.get("location_id") is not None:
        location_id = int(data["location_id"])
        if not Location.objects.current().filter(id=location_id).exists():
            raise ValidationFailed(_("Unknown location: %(id)s") % {"id": location_id})
    if user.officer_id and data.get("village_ids") is not None:
        _check_type(data["village_ids"], VILLAGE, gettext_noop("Unknown village: %(ids)s"))
        _replace_links(OfficerVillage, "officer_id", user.officer_id, data["village_ids"], audit_user_id)


def end_user_locations(actor, user) -> None:
    """Hook `core.user_deleted`."""
    now = timezone.now()
    if user.i_user_id:
        UserDistrict.objects.current().filter(user_id=user.i_user_id).update(validity_to=now)
    if user.officer_id:
        OfficerVillage.objects.current().filter(officer_id=user.officer_id).update(validity_to=now)
