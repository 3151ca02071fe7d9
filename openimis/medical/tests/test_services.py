"""The rules of medical items and services (spec 4), tested on the services themselves: what is stored,
what is refused and that a refusal writes nothing, history on update, soft delete. The data are the
plain dicts the GraphQL layer passes (snake_case keys, amounts as text, enumerations by name)."""

from __future__ import annotations

import datetime
import uuid as uuid_module
from decimal import Decimal

import pytest

from openimis.core.errors import NotFound, ValidationFailed
from openimis.medical import services
from openimis.medical.models import Item, Service, ServiceItem, ServiceService
from openimis.medical_pricelist.models import (
    ItemsPricelist,
    ItemsPricelistDetail,
    ServicesPricelist,
    ServicesPricelistDetail,
)

pytestmark = pytest.mark.django_db


def item_data(code: str = "IT1", **overrides) -> dict:
    return {"code": code, "name": f"Item {code}", "type": "D", "price": "12.50", "quantity": "10",
            "maximum_amount": "3", "care_type": "B", "frequency": "7", "patient_category": 15,
            "package": "box of 10", **overrides}


def service_data(code: str = "SV1", **overrides) -> dict:
    return {"code": code, "name": f"Service {code}", "type": "C", "price": "40", "maximum_amount": "2",
            "care_type": "O", "frequency": "30", "patient_category": 15, "level": "S", "category": "C",
            "packagetype": "S", "manual_price": "0", **overrides}


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Item, Service, ServiceItem, ServiceService)}


def refused(function, actor, data, expected: str | None = None, error=ValidationFailed):
    """`function` raises `error` (mentioning `expected`) and writes nothing; returns the error."""
    before = counts()
    with pytest.raises(error) as raised:
        function(actor, data)
    if expected is not None:
        assert expected in raised.value.message
    assert counts() == before
    return raised.value


# --- items ---------------------------------------------------------------------------------------

def test_create_item_stores_every_field(admin_user):
    item = services.create_item(admin_user, item_data())
    item.refresh_from_db()
    assert (item.code, item.name, item.type, item.care_type, item.package) == (
        "IT1", "Item IT1", "D", "B", "box of 10")
    assert (item.price, item.quantity, item.maximum_amount) == (Decimal("12.50"), Decimal("10"), Decimal("3"))
    assert (item.frequency, item.patient_category) == (7, 15)
    assert item.is_current and item.legacy_id is None
    assert item.audit_user_id == admin_user.id_for_audit
    assert services.create_item(None, item_data("IT2")).audit_user_id == 0  # the system


def test_optional_fields_may_be_left_out():
    data = item_data()
    for key in ("quantity", "maximum_amount", "frequency", "package"):
        data.pop(key)
    item = services.create_item(None, data)
    item.refresh_from_db()
    assert (item.quantity, item.maximum_amount, item.frequency, item.package) == (None, None, None, None)


def test_patient_categories_by_name_are_combined():
    data = item_data(patient_category=None, patient_categories=["FEMALE", "ADULT", "MINOR"])
    assert services.create_item(None, data).patient_category == 2 | 4 | 8
    refused(services.create_item, None, item_data("IT2", patient_category=None, patient_categories=["OLD"]),
            "Unknown patient category: OLD")


@pytest.mark.parametrize(("changes", "expected"), [
    ({"name": "  "}, "name is mandatory"),
    ({"code": ""}, "code is mandatory"),
    ({"code": "TOOLONG"}, "code is longer than 6 characters"),
    ({"care_type": None}, "careType is mandatory"),
    ({"care_type": "X"}, "careType must be one of I, O, B"),
    ({"type": "DM"}, "type is longer than 1 characters"),
    ({"type": " "}, "type is mandatory"),
    ({"price": None}, "price"),
    ({"price": "-1"}, "price"),
    ({"price": "abc"}, "price"),
    ({"maximum_amount": "-3"}, "maximumAmount"),
    ({"frequency": "1.5"}, "frequency"),
    ({"patient_category": 3}, "at least one gender and one age group"),
    ({"patient_category": 12}, "at least one gender and one age group"),
    ({"patient_category": 16}, "patientCategory must combine"),
    ({"patient_category": None}, "patientCategory or patientCategories is mandatory"),
])
def test_bad_item_input_is_refused_and_writes_nothing(changes, expected):
    refused(services.create_item, None, {**item_data("BAD"), **changes}, expected)


def test_item_code_is_unique_among_current_items_only():
    first = services.create_item(None, item_data("DUP"))
    error = refused(services.create_item, None, item_data("DUP", name="Other"),
                    "Item code DUP already exists")
    assert error.detail == "DUP"
    # a service may use the code of an item
    services.create_service(None, service_data("DUP"))
    # once the item is deleted, its code is free again
    services.delete_item(None, first.uuid)
    again = services.create_item(None, item_data("DUP"))
    assert Item.objects.current().get(code="DUP").pk == again.pk


def test_create_under_the_uuid_given_and_refuse_a_taken_one():
    given = str(uuid_module.uuid4())
    assert services.create_item(None, item_data("U1", uuid=given)).uuid == given
    refused(services.create_item, None, item_data("U2", uuid=given), "An item with this uuid already exists")


def test_update_item_keeps_the_old_state_as_a_history_row(admin_user):
    item = services.create_item(None, item_data("UPD"))
    created_from = Item.objects.get(pk=item.pk).validity_from
    data = item_data("UPD", uuid=item.uuid, name="Renamed", price="20")
    data.pop("package")  # an update is complete: an omitted optional field is cleared
    updated = services.update_item(admin_user, data)
    current = Item.objects.current().get(code="UPD")
    assert current.pk == item.pk == updated.pk and current.uuid == item.uuid
    assert (current.name, current.price, current.package) == ("Renamed", Decimal("20.00"), None)
    assert current.validity_from > created_from and current.audit_user_id == admin_user.id_for_audit
    history = Item.objects.get(legacy_id=item.pk)
    assert (history.name, history.price, history.package) == ("Item UPD", Decimal("12.50"), "box of 10")
    assert history.validity_to is not None and history.uuid != item.uuid
    assert Item.objects.count() == 2


def test_update_item_refusals_change_nothing():
    services.create_item(None, item_data("TAKEN"))
    item = services.create_item(None, item_data("MINE"))
    refused(services.update_item, None, item_data("TAKEN", uuid=item.uuid), "Item code TAKEN already exists")
    refused(services.update_item, None, item_data("MINE", uuid=item.uuid, type="QQ"), "type is longer than")
    refused(services.update_item, None, item_data("MINE"), "uuid is mandatory")
    refused(services.update_item, None, item_data("MINE", uuid=str(uuid_module.uuid4())), "Item not found",
            error=NotFound)
    assert Item.objects.get(pk=item.pk).name == "Item MINE"
    # the item keeps its own code, and may be named by its id
    services.update_item(None, item_data("MINE", id=item.pk, name="By id"))
    assert Item.objects.current().get(code="MINE").name == "By id"


def test_a_history_row_or_a_deleted_item_cannot_be_updated():
    item = services.create_item(None, item_data("HIST"))
    services.update_item(None, item_data("HIST", uuid=item.uuid, name="New"))
    history = Item.objects.get(legacy_id=item.pk)
    refused(services.update_item, None, item_data("HIST", uuid=history.uuid), "cannot update historical data")
    services.delete_item(None, item.uuid)
    refused(services.update_item, None, item_data("HIST", uuid=item.uuid), "cannot update historical data")


def test_delete_item_is_soft():
    item = services.create_item(None, item_data("DEL"))
    services.delete_item(None, item.uuid)
    item.refresh_from_db()
    assert item.validity_to is not None and item.validity_from == item.validity_to
    history = Item.objects.get(legacy_id=item.pk)
    assert history.code == "DEL" and history.validity_to is not None
    assert not Item.objects.current().exists()
    with pytest.raises(NotFound, match="Item not found"):
        services.delete_item(None, item.uuid)


def test_an_item_on_a_price_list_cannot_be_deleted():
    item = services.create_item(None, item_data("LISTED"))
    pricelist = ItemsPricelist.objects.create(name="Items 2024", pricelist_date=datetime.date(2024, 1, 1))
    ItemsPricelistDetail.objects.create(items_pricelist=pricelist, item=item)
    with pytest.raises(ValidationFailed, match="LISTED"):
        services.delete_item(None, item.uuid)
    assert Item.objects.get(pk=item.pk).is_current and Item.objects.count() == 1


# --- services ------------------------------------------------------------------------------------

def test_create_service_stores_every_field_with_its_defaults():
    service = services.create_service(None, service_data())
    service.refresh_from_db()
    assert (service.code, service.type, service.level, service.category, service.care_type) == (
        "SV1", "C", "S", "C", "O")
    assert (service.price, service.maximum_amount, service.frequency) == (Decimal("40.00"), Decimal("2"), 30)
    assert service.packagetype == "S" and service.manual_price is False
    data = service_data("SV2", manual_price="1")
    for key in ("packagetype", "category"):
        data.pop(key)
    other = services.create_service(None, data)
    other.refresh_from_db()
    assert (other.packagetype, other.category, other.manual_price) == ("S", None, True)


@pytest.mark.parametrize(("changes", "expected"), [
    ({"level": None}, "level is mandatory"),
    ({"level": "SV"}, "level is longer than 1 characters"),
    ({"category": "SD"}, "category is longer than 1 characters"),
    ({"type": None}, "type is mandatory"),
    ({"type": "PC"}, "type is longer than 1 characters"),
    ({"packagetype": "X"}, "packagetype must be one of"),
    ({"packagetype": "s"}, "packagetype must be one of"),
    ({"manual_price": "maybe"}, "manualPrice must be 0 or 1"),
    ({"patient_category": 8}, "at least one gender and one age group"),
    ({"code": "SV1"}, "Service code SV1 already exists"),
])
def test_bad_service_input_is_refused_and_writes_nothing(changes, expected):
    services.create_service(None, service_data("SV1"))
    refused(services.create_service, None, {**service_data("SV9"), **changes}, expected)


def test_a_package_keeps_its_items_and_services_and_a_simple_service_ignores_them():
    item = services.create_item(None, item_data("PKI"))
    simple = services.create_service(None, service_data("PKS"))
    lines = {"items": [{"item_id": item.pk, "qty_provided": "2", "price_asked": "5.00", "status": 1}],
             "services": [{"service_id": simple.pk, "qty_provided": "1", "price_asked": "30", "status": 0}]}
    package = services.create_service(None, service_data("PACK", packagetype="P", **lines))
    contained_item = ServiceItem.objects.get(parent=package)
    assert (contained_item.item_id, contained_item.qty_provided, contained_item.price_asked) == (
        item.pk, 2, Decimal("5.00"))
    assert contained_item.status is True
    contained_service = ServiceService.objects.get(parent=package)
    assert (contained_service.service_id, contained_service.status) == (simple.pk, False)
    plain = services.create_service(None, service_data("PLAIN", packagetype="S", **lines))
    assert not ServiceItem.objects.filter(parent=plain).exists()
    assert not ServiceService.objects.filter(parent=plain).exists()


def test_update_of_a_package_leaves_the_old_composition_on_the_history_row():
    item = services.create_item(None, item_data("PKI"))
    simple = services.create_service(None, service_data("PKS"))
    package = services.create_service(None, service_data(
        "PACK", packagetype="F", items=[{"item_id": item.pk, "qty_provided": "1", "status": 1}],
        services=[{"service_id": simple.pk, "qty_provided": "1", "status": 1}]))
    services.update_service(None, service_data(
        "PACK", uuid=package.uuid, packagetype="F", price="55",
        items=[{"item_id": item.pk, "qty_provided": "4", "status": 1}], services=[]))
    history = Service.objects.get(legacy_id=package.pk)
    assert history.price == Decimal("40.00") and Service.objects.get(pk=package.pk).price == Decimal("55.00")
    assert ServiceService.objects.filter(parent=history).count() == 1
    assert ServiceItem.objects.get(parent=history).qty_provided == 1
    assert not ServiceService.objects.filter(parent=package).exists()
    assert ServiceItem.objects.get(parent=package).qty_provided == 4


def test_package_refusals():
    package = services.create_service(None, service_data("PACK", packagetype="P"))
    deleted = services.create_item(None, item_data("GONE"))
    services.delete_item(None, deleted.uuid)
    refused(services.create_service, None,
            service_data("P2", packagetype="P", items=[{"item_id": 999999, "status": 1}]),
            "Unknown item in the package")
    refused(services.create_service, None,
            service_data("P3", packagetype="P", items=[{"item_id": deleted.pk, "status": 1}]),
            "Unknown item in the package")
    refused(services.create_service, None,
            service_data("P4", packagetype="P", services=[{"service_id": 999999, "status": 1}]),
            "Unknown service in the package")
    refused(services.update_service, None,
            service_data("PACK", uuid=package.uuid, packagetype="P",
                         services=[{"service_id": package.pk, "status": 1}]),
            "A package cannot contain itself")
    assert not Service.objects.filter(legacy_id=package.pk).exists()


def test_delete_service_is_soft_unless_a_price_list_holds_it():
    service = services.create_service(None, service_data("SDEL"))
    listed = services.create_service(None, service_data("SLIST"))
    pricelist = ServicesPricelist.objects.create(name="Services 2024",
                                                 pricelist_date=datetime.date(2024, 1, 1))
    ServicesPricelistDetail.objects.create(services_pricelist=pricelist, service=listed)
    services.delete_service(None, service.uuid)
    service.refresh_from_db()
    assert service.validity_to is not None and service.validity_from == service.validity_to
    assert Service.objects.filter(legacy_id=service.pk).count() == 1
    with pytest.raises(NotFound, match="Service not found"):
        services.delete_service(None, service.uuid)
    with pytest.raises(ValidationFailed, match="SLIST"):
        services.delete_service(None, listed.uuid)
    assert Service.objects.get(pk=listed.pk).is_current
    assert not Service.objects.filter(legacy_id=listed.pk).exists()
