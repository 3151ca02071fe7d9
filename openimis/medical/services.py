"""Every write of the medical module: items and services (diagnoses come with a register import).

Plain Python, one transaction each. Codes are unique among current rows; an update keeps the old state
as a history row; a delete is soft. Another module may refuse the deletion of an item or service it
still uses, through the hooks `ITEM_DELETING` / `SERVICE_DELETING` (raise a ServiceError).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from openimis.core import hook_registry, inputs, unique
from openimis.core.errors import NotFound, ValidationFailed
from openimis.core.services import audit_id
from openimis.medical import selectors
from openimis.medical.hooks import ITEM_DELETING, SERVICE_DELETING
from openimis.medical.models import (
    ADULT,
    CARE_TYPES,
    CODE_MAX_LENGTH,
    FEMALE,
    MALE,
    MINOR,
    Item,
    Service,
    ServiceItem,
    ServicePackageType,
    ServiceService,
)

PATIENT_CATEGORY_BITS = {"MALE": MALE, "FEMALE": FEMALE, "ADULT": ADULT, "MINOR": MINOR}
TRUE_TEXTS = {"1", "true", "t", "yes", "y"}
FALSE_TEXTS = {"0", "false", "f", "no", "n", ""}


# --- parsing -------------------------------------------------------------------------------
# A `label` is the input's field name as the API spells it (careType, qtyProvided): it names the field
# in the messages and stays as it is in every language.

def _choice(data: dict, key: str, label: str, choices, required: bool = True) -> str | None:
    value = inputs.text(data, key, label, 1, required=required)
    if value is not None and value not in choices:
        raise ValidationFailed(_("%(field)s must be one of %(choices)s")
                               % {"field": label, "choices": ", ".join(choices)}, value)
    return value


def _one_character_code(data: dict, key: str, label: str, required: bool = True) -> str | None:
    """A code of a one-character column that 24.10 stores as sent (item and service type, service level
    and category): any single character."""
    return inputs.text(data, key, label, 1, required=required)


def _whole_number(data: dict, key: str, label: str) -> int | None:
    """A count (frequency, qtyProvided): the rule of amounts, and no cents."""
    number = inputs.amount(data.get(key), label, required=False)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValidationFailed(_("%(field)s must be a whole number") % {"field": label}, str(data.get(key)))
    return int(number)


def patient_category(data: dict) -> int:
    """The mask from `patientCategory` (an int) or `patientCategories` (names, OR-ed): one is required.
    A mask must allow at least one gender and one age group."""
    mask = data.get("patient_category")
    names = data.get("patient_categories")
    if mask is None and not names:
        raise ValidationFailed(_("patientCategory or patientCategories is mandatory"))
    if mask is None:
        mask = 0
        for name in names:
            key = str(getattr(name, "name", name)).upper()
            if key not in PATIENT_CATEGORY_BITS:
                raise ValidationFailed(_("Unknown patient category: %(category)s") % {"category": key})
            mask |= PATIENT_CATEGORY_BITS[key]
    try:
        mask = int(mask)
    except (TypeError, ValueError):
        raise ValidationFailed(_("patientCategory must be a number"), str(mask)) from None
    if mask < 0 or mask > (MALE | FEMALE | ADULT | MINOR):
        raise ValidationFailed(_("patientCategory must combine 1 (male), 2 (female), 4 (adult), 8 (minor)"),
                               str(mask))
    if not mask & (MALE | FEMALE) or not mask & (ADULT | MINOR):
        raise ValidationFailed(_("patientCategory must allow at least one gender and one age group"),
                               str(mask))
    return mask


def _boolean(value, label: str) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in TRUE_TEXTS:
        return True
    if text in FALSE_TEXTS:
        return False
    raise ValidationFailed(_("%(field)s must be 0 or 1") % {"field": label}, str(value))


def _common_fields(data: dict) -> dict:
    return {
        "code": inputs.text(data, "code", "code", CODE_MAX_LENGTH, required=True),
        "name": inputs.text(data, "name", "name", 100, required=True),
        "care_type": _choice(data, "care_type", "careType", CARE_TYPES),
        "price": inputs.amount(data.get("price"), "price"),
        "maximum_amount": inputs.amount(data.get("maximum_amount"), "maximumAmount", required=False),
        "frequency": _whole_number(data, "frequency", "frequency"),
        "patient_category": patient_category(data),
    }


def item_fields(data: dict) -> dict:
    return {
        **_common_fields(data),
        "type": _one_character_code(data, "type", "type"),
        "package": inputs.text(data, "package", "package", 255),
        "quantity": inputs.amount(data.get("quantity"), "quantity", required=False),
    }


def service_fields(data: dict) -> dict:
    packagetype = inputs.text(data, "packagetype", "packagetype", 1) or ServicePackageType.SIMPLE
    if packagetype not in ServicePackageType.values:
        raise ValidationFailed(_("%(field)s must be one of %(choices)s")
                               % {"field": "packagetype", "choices": ", ".join(ServicePackageType.values)},
                               packagetype)
    return {
        **_common_fields(data),
        "type": _one_character_code(data, "type", "type"),
        "level": _one_character_code(data, "level", "level"),
        "category": _one_character_code(data, "category", "category", required=False),
        "packagetype": packagetype,
        "manual_price": _boolean(data.get("manual_price"), "manualPrice"),
    }


# --- items ---------------------------------------------------------------------------------

def _item_code_taken(code: str) -> ValidationFailed:
    return ValidationFailed(_("Item code %(code)s already exists") % {"code": code}, code)


unique.refusal("medical_item_unique_current_code")(lambda item: _item_code_taken(item.code))
unique.refusal("medical_item_unique_current_uuid")(
    lambda item: ValidationFailed(_("An item with this uuid already exists"), item.uuid))


def _check_item_code(code: str, exclude_uuid: str | None = None) -> None:
    if not selectors.item_code_is_free(code, exclude_uuid):
        raise _item_code_taken(code)


def _current_record(model, data: dict, not_found: str):
    """The current row named by `uuid` (or `id`) of the input, locked for the update."""
    uuid, record_id = data.get("uuid"), data.get("id")
    if not uuid and not record_id:
        raise ValidationFailed(_("uuid is mandatory"))
    queryset = model.objects.filter(uuid=str(uuid)) if uuid else model.objects.filter(id=record_id)
    record = queryset.select_for_update().order_by("-validity_to").first()
    if record is None:
        raise NotFound(not_found, str(uuid or record_id))
    if not record.is_current:
        raise ValidationFailed(_("cannot update historical data"), str(uuid or record_id))
    return record


def _new_record(model, fields: dict, actor, data: dict, uuid_taken: str):
    """A new row of `fields`, saved under the input's `uuid` when it gives one (refused if taken)."""
    record = model(**fields, audit_user_id=audit_id(actor))
    if data.get("uuid"):
        chosen = inputs.as_uuid(data["uuid"], "uuid")
        if model._base_manager.filter(uuid__iexact=chosen).exists():
            raise ValidationFailed(uuid_taken, chosen)
        record.uuid = chosen
    unique.save(record)
    return record


def _save_fields(record, fields: dict, actor) -> None:
    """Write the new `fields` on the current row (its history row is already saved)."""
    for name, value in fields.items():
        setattr(record, name, value)
    record.audit_user_id = audit_id(actor)
    unique.save(record)


def _delete_current(model, actor, uuid: str, deleting_hook: str, not_found: str):
    """Soft-delete the current row of `uuid`, unless a module refuses it through `deleting_hook`."""
    record = model.objects.current().select_for_update().filter(uuid=str(uuid)).first()
    if record is None:
        raise NotFound(not_found, str(uuid))
    hook_registry.call(deleting_hook, actor, record)
    record.delete_history(audit_user_id=audit_id(actor))
    return record


@transaction.atomic
def create_item(actor, data: dict) -> Item:
    fields = item_fields(data)
    _check_item_code(fields["code"])
    return _new_record(Item, fields, actor, data, _("An item with this uuid already exists"))


@transaction.atomic
def update_item(actor, data: dict) -> Item:
    item = _current_record(Item, data, _("Item not found"))
    fields = item_fields(data)
    _check_item_code(fields["code"], exclude_uuid=item.uuid)
    item.save_history()
    _save_fields(item, fields, actor)
    return item


@transaction.atomic
def delete_item(actor, uuid: str) -> Item:
    return _delete_current(Item, actor, uuid, ITEM_DELETING, _("Item not found"))


# --- services ------------------------------------------------------------------------------

def _service_code_taken(code: str) -> ValidationFailed:
    return ValidationFailed(_("Service code %(code)s already exists") % {"code": code}, code)


unique.refusal("medical_service_unique_current_code")(lambda service: _service_code_taken(service.code))
unique.refusal("medical_service_unique_current_uuid")(
    lambda service: ValidationFailed(_("A service with this uuid already exists"), service.uuid))


def _check_service_code(code: str, exclude_uuid: str | None = None) -> None:
    if not selectors.service_code_is_free(code, exclude_uuid):
        raise _service_code_taken(code)


def _contents(data: dict, packagetype: str, service: Service | None) -> tuple[list | None, list | None]:
    """The sub-items and sub-services sent for a package, each as (item or service, line). A list that was
    not sent is None: an update keeps the lines the package has. A simple service holds none."""
    if packagetype == ServicePackageType.SIMPLE:
        return [], []
    items = services = None
    if data.get("items") is not None:
        items = []
        for line in data["items"]:
            item = selectors.current_item(line.get("item_id"))
            if item is None:
                raise ValidationFailed(_("Unknown item in the package"), str(line.get("item_id")))
            items.append((item, line))
    if data.get("services") is not None:
        services = []
        for line in data["services"]:
            contained = selectors.current_service(line.get("service_id"))
            if contained is None:
                raise ValidationFailed(_("Unknown service in the package"), str(line.get("service_id")))
            if service is not None and contained.pk == service.pk:
                raise ValidationFailed(_("A package cannot contain itself"), contained.code)
            services.append((contained, line))
    return items, services


def _line_values(line: dict) -> dict:
    return {"qty_provided": _whole_number(line, "qty_provided", "qtyProvided"),
            "price_asked": inputs.amount(line.get("price_asked"), "priceAsked", required=False),
            "status": _boolean(line.get("status", 1), "status")}


def _store_lines(model, contained_field: str, package: Service, lines: list | None) -> None:
    """Give `package` the lines sent (None: leave its lines alone). A line sent with the id of one of the
    package's lines changes that line, which keeps its id (the service form sends the ids it shows); the
    other lines sent are new; the package's lines not sent go (its history row has copies of them)."""
    if lines is None:
        return
    existing = {line.pk: line for line in model.objects.filter(parent=package)}
    changed, new = [], []
    for contained, line in lines:
        values = {contained_field: contained, **_line_values(line)}
        current = existing.pop(line.get("id"), None)
        if current is None:
            new.append(model(parent=package, **values))
            continue
        for name, value in values.items():
            setattr(current, name, value)
        changed.append(current)
    model.objects.filter(pk__in=list(existing)).delete()
    model.objects.bulk_update(changed, [contained_field, "qty_provided", "price_asked", "status"])
    model.objects.bulk_create(new)


def _copy_lines(package: Service, history: Service) -> None:
    """The history row of a package keeps copies of the lines the package had."""
    for model in (ServiceItem, ServiceService):
        copies = list(model.objects.filter(parent=package))
        for copy in copies:
            copy.pk = None
            copy.parent = history
        model.objects.bulk_create(copies)


@transaction.atomic
def create_service(actor, data: dict) -> Service:
    fields = service_fields(data)
    _check_service_code(fields["code"])
    items, services = _contents(data, fields["packagetype"], None)
    service = _new_record(Service, fields, actor, data, _("A service with this uuid already exists"))
    _store_lines(ServiceItem, "item", service, items or [])
    _store_lines(ServiceService, "service", service, services or [])
    return service


@transaction.atomic
def update_service(actor, data: dict) -> Service:
    service = _current_record(Service, data, _("Service not found"))
    fields = service_fields(data)
    _check_service_code(fields["code"], exclude_uuid=service.uuid)
    items, services = _contents(data, fields["packagetype"], service)
    history = service.save_history()
    _copy_lines(service, history)
    _save_fields(service, fields, actor)
    _store_lines(ServiceItem, "item", service, items)
    _store_lines(ServiceService, "service", service, services)
    return service


@transaction.atomic
def delete_service(actor, uuid: str) -> Service:
    return _delete_current(Service, actor, uuid, SERVICE_DELETING, _("Service not found"))
