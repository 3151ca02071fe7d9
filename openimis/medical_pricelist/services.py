"""Every write of the price-list module: item and service price lists and their lines.

One transaction each. Names are unique among the current lists of a kind; an update keeps the old state
of the list as a history row (its lines stay with the current list: a removed line is closed, a changed
overriding price keeps the old line as history); a delete is soft and closes the lines. A list still
assigned to a current health facility cannot be deleted, nor can an item or service that is on a current
list (hooks of the medical module).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from openimis.core import inputs, unique
from openimis.core.errors import NotFound, ValidationFailed
from openimis.core.services import audit_id
from openimis.location import selectors as location_selectors
from openimis.medical import selectors as medical_selectors
from openimis.medical_pricelist import selectors

# Messages that name the kind of list or of medical object: one sentence per kind (marked here,
# translated at use), so that each language can write its own grammar.
MESSAGES = {
    "services": {
        "name_taken": gettext_noop("Services price list name %(name)s already exists"),
        "unknown": gettext_noop("Unknown service: %(uuids)s"),
        "added_and_removed": gettext_noop("A service cannot be added and removed at once"),
        "not_listed": gettext_noop("The service %(code)s is not on the price list"),
        "not_found": gettext_noop("Services price list not found"),
        "in_use": gettext_noop("Services price list %(name)s is used by the health facilities "
                               "%(facilities)s"),
        "listed": gettext_noop("The service %(code)s is on the price lists %(names)s: "
                               "remove it from them first"),
    },
    "items": {
        "name_taken": gettext_noop("Items price list name %(name)s already exists"),
        "unknown": gettext_noop("Unknown item: %(uuids)s"),
        "added_and_removed": gettext_noop("An item cannot be added and removed at once"),
        "not_listed": gettext_noop("The item %(code)s is not on the price list"),
        "not_found": gettext_noop("Items price list not found"),
        "in_use": gettext_noop("Items price list %(name)s is used by the health facilities %(facilities)s"),
        "listed": gettext_noop("The item %(code)s is on the price lists %(names)s: "
                               "remove it from them first"),
    },
}
# label of an overriding price in the messages of core's `inputs.amount`
PRICE_LABEL = gettext_noop("price")
LIST_LOCATION_TYPES = ("R", "D")


def _pricelist_date(value) -> datetime.date:
    day = inputs.as_date(value)
    if day is None:
        raise ValidationFailed(_("%(field)s is mandatory") % {"field": "pricelistDate"})
    return day


def _name_taken(kind: str, name: str) -> ValidationFailed:
    return ValidationFailed(_(MESSAGES[kind]["name_taken"]) % {"name": name}, name)


@unique.refusal("medical_pricelist_services_unique_current_name")
def _services_pricelist_name_taken(pricelist) -> ValidationFailed:
    return _name_taken("services", pricelist.name)


@unique.refusal("medical_pricelist_items_unique_current_name")
def _items_pricelist_name_taken(pricelist) -> ValidationFailed:
    return _name_taken("items", pricelist.name)


def _fields(kind: str, data: dict, exclude_uuid: str | None = None) -> dict:
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationFailed(_("name is mandatory"))
    if len(name) > 100:
        raise ValidationFailed(_("name is longer than %(length)s characters") % {"length": 100}, name)
    if not selectors.pricelist_name_is_free(kind, name, exclude_uuid):
        raise _name_taken(kind, name)
    location = None
    if data.get("location_id"):
        location = location_selectors.current_locations().filter(uuid=str(data["location_id"])).first()
        if location is None:
            raise ValidationFailed(_("Unknown location"), str(data["location_id"]))
        if location.type not in LIST_LOCATION_TYPES:
            raise ValidationFailed(_("A price list belongs to a region or a district"), location.code)
    return {"name": name, "pricelist_date": _pricelist_date(data.get("pricelist_date")), "location": location}


def _medical_objects(kind: str, uuids) -> dict:
    uuids = [str(uuid) for uuid in uuids or []]
    found = (medical_selectors.current_services_by_uuid(uuids) if kind == "services"
             else medical_selectors.current_items_by_uuid(uuids))
    missing = [uuid for uuid in uuids if uuid not in found]
    if missing:
        raise ValidationFailed(_(MESSAGES[kind]["unknown"]) % {"uuids": ", ".join(missing)})
    return found


def _apply_details(kind: str, actor, pricelist, data: dict) -> None:
    medical = selectors.DETAIL_MEDICAL_FIELD[kind]
    list_field = selectors.DETAIL_LIST_FIELD[kind]
    detail_model = selectors.DETAIL_MODELS[kind]
    added = _medical_objects(kind, data.get("added_details"))
    removed = _medical_objects(kind, data.get("removed_details"))
    overrules = data.get("price_overrules") or []
    prices = {}
    for overrule in overrules:
        uuid = str(overrule.get("uuid") or "")
        prices[uuid] = inputs.amount(overrule.get("price"), _(PRICE_LABEL), required=False)
    overruled = _medical_objects(kind, prices.keys())
    both = set(added) & set(removed)
    if both:
        raise ValidationFailed(_(MESSAGES[kind]["added_and_removed"]),
                               ", ".join(sorted(both)))

    details = {getattr(detail, f"{medical}_id"): detail
               for detail in selectors.current_details(kind, pricelist).select_for_update()}
    now = timezone.now()
    for obj in removed.values():
        detail = details.pop(obj.pk, None)
        if detail is not None:
            detail.validity_to = now
            detail.audit_user_id = audit_id(actor)
            detail.save(update_fields=["validity_to", "audit_user_id"])
    for uuid, obj in added.items():
        if obj.pk not in details:
            details[obj.pk] = detail_model.objects.create(**{list_field: pricelist, medical: obj},
                                                          price_overrule=prices.get(uuid),
                                                          audit_user_id=audit_id(actor))
    for uuid, obj in overruled.items():
        detail = details.get(obj.pk)
        if detail is None:
            raise ValidationFailed(_(MESSAGES[kind]["not_listed"]) % {"code": obj.code}, uuid)
        if detail.price_overrule != prices[uuid]:
            detail.save_history()
            detail.price_overrule = prices[uuid]
            detail.audit_user_id = audit_id(actor)
            detail.save()


@transaction.atomic
def create_pricelist(kind: str, actor, data: dict):
    fields = _fields(kind, data)
    pricelist = selectors.PRICELIST_MODELS[kind](**fields, audit_user_id=audit_id(actor))
    unique.save(pricelist)
    _apply_details(kind, actor, pricelist, data)
    return pricelist


def _current_pricelist(kind: str, uuid):
    if not uuid:
        raise ValidationFailed(_("uuid is mandatory"))
    pricelist = (selectors.PRICELIST_MODELS[kind].objects.select_for_update().filter(uuid=str(uuid))
                 .order_by("-validity_to").first())
    if pricelist is None:
        raise NotFound(_(MESSAGES[kind]["not_found"]), str(uuid))
    if not pricelist.is_current:
        raise ValidationFailed(_("cannot update historical data"), str(uuid))
    return pricelist


@transaction.atomic
def update_pricelist(kind: str, actor, data: dict):
    pricelist = _current_pricelist(kind, data.get("uuid"))
    fields = _fields(kind, data, exclude_uuid=pricelist.uuid)
    pricelist.save_history()
    for name, value in fields.items():
        setattr(pricelist, name, value)
    pricelist.audit_user_id = audit_id(actor)
    unique.save(pricelist)
    _apply_details(kind, actor, pricelist, data)
    return pricelist


@transaction.atomic
def delete_pricelist(kind: str, actor, uuid):
    pricelist = _current_pricelist(kind, uuid)
    facility_field = f"{kind}_pricelist"
    facilities = list(location_selectors.current_health_facilities()
                      .filter(**{facility_field: pricelist}).values_list("code", flat=True))
    if facilities:
        raise ValidationFailed(_(MESSAGES[kind]["in_use"])
                               % {"name": pricelist.name, "facilities": ", ".join(sorted(facilities))},
                               str(uuid))
    selectors.current_details(kind, pricelist).update(validity_to=timezone.now())
    pricelist.delete_history(audit_user_id=audit_id(actor))
    return pricelist


# --- reactions to the medical module -------------------------------------------------------

def _refuse_if_listed(kind: str, medical_object) -> None:
    names = selectors.current_pricelists_holding(kind, medical_object)
    if names:
        raise ValidationFailed(_(MESSAGES[kind]["listed"])
                               % {"code": medical_object.code, "names": ", ".join(sorted(names))},
                               medical_object.uuid)


def refuse_deleting_listed_item(actor, item) -> None:
    _refuse_if_listed("items", item)


def refuse_deleting_listed_service(actor, service) -> None:
    _refuse_if_listed("services", service)
