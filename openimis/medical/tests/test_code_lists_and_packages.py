"""Issue 11, part 1: the medical code lists take every value openIMIS 24.10 takes, and a package keeps its
sub-services and sub-items (24.10's tblServiceContainedPackage / tblProductContainedPackage), shown through
the fields the service page reads, versioned with the package.

24.10 stores the item type, the service type, level and category as sent (one-character columns, no
list checked), and offers `packagetype` S (simple), P (package) and F (flat-rate package)."""

from __future__ import annotations

import uuid as uuid_module

import pytest

from openimis.core.models import MutationLog
from openimis.core.tests.helpers import log_of, mutate
from openimis.medical import services
from openimis.medical.models import Item, Service, ServiceItem, ServiceService
from openimis.medical.tests.test_medical import item_input, service_input
from openimis.medical.tests.test_services import item_data, service_data

pytestmark = pytest.mark.django_db

# the service page of fe-medical (fetchMedicalService): by uuid with the history, and the package lines
SERVICE_PAGE = (
    '{{ medicalServices(uuid: "{uuid}", showHistory: true) {{ edges {{ node {{ uuid code name packagetype '
    "manualPrice type price maximumAmount careType uuid frequency patientCategory validityFrom validityTo "
    "level category serviceserviceSet{{id service {{id code name }} qtyProvided, priceAsked, scpDate}} "
    "servicesLinked{{id item {{id code name }} qtyProvided, priceAsked, pcpDate}} }} }} }} }}")


def send(gql, name: str, fields: dict) -> str:
    mutation_id = str(uuid_module.uuid4())
    mutate(gql, name, fields, mutation_id)
    log = log_of(mutation_id)
    assert log.status == MutationLog.SUCCESS, log.error
    return mutation_id


def service_page(gql, uuid: str) -> dict:
    result = gql(SERVICE_PAGE.format(uuid=uuid))
    assert "errors" not in result, result
    return result["data"]["medicalServices"]["edges"][0]["node"]


# --- code lists ----------------------------------------------------------------------------------

@pytest.mark.parametrize("service_type", ["P", "C", "A", "O", "X"])
def test_every_service_type_is_stored_and_read_back(admin_gql, service_type):
    send(admin_gql, "createService", service_input("ST", type=service_type))
    service = Service.objects.current().get(code="ST")
    assert service.type == service_type
    assert service_page(admin_gql, service.uuid)["type"] == service_type


@pytest.mark.parametrize("level", ["S", "V", "D", "H", "C", "B"])
def test_every_service_level_is_stored_and_read_back(admin_gql, level):
    send(admin_gql, "createService", service_input("SL", level=level))
    service = Service.objects.current().get(code="SL")
    assert service.level == level
    assert service_page(admin_gql, service.uuid)["level"] == level


@pytest.mark.parametrize("category", ["S", "D", "A", "H", "C", "O", "V", "E"])
def test_every_service_category_is_stored_and_read_back(admin_gql, category):
    send(admin_gql, "createService", service_input("SC", category=category))
    assert service_page(admin_gql, Service.objects.current().get(code="SC").uuid)["category"] == category


@pytest.mark.parametrize("packagetype", ["S", "P", "F"])
def test_every_package_type_is_stored_and_read_back(admin_gql, packagetype):
    send(admin_gql, "createService", service_input("PT", packagetype=packagetype, manualPrice="1"))
    service = Service.objects.current().get(code="PT")
    assert (service.packagetype, service.manual_price) == (packagetype, True)
    assert service_page(admin_gql, service.uuid)["packagetype"] == packagetype
    listed = admin_gql(f"{{ medicalServices(packagetype: {packagetype}) {{ edges {{ node {{ code }} }} }} }}")
    assert [edge["node"]["code"] for edge in listed["data"]["medicalServices"]["edges"]] == ["PT"]


@pytest.mark.parametrize("item_type", ["D", "M", "A"])
def test_every_item_type_is_stored_and_read_back(admin_gql, item_type):
    send(admin_gql, "createItem", item_input("IT", type=item_type))
    assert Item.objects.current().get(code="IT").type == item_type
    listed = admin_gql(f'{{ medicalItems(type: "{item_type}") {{ edges {{ node {{ code type }} }} }} }}')
    assert listed["data"]["medicalItems"]["edges"] == [{"node": {"code": "IT", "type": item_type}}]


def test_an_update_may_change_the_codes_to_other_values(admin_gql):
    send(admin_gql, "createService", service_input("UPC"))
    service = Service.objects.current().get(code="UPC")
    send(admin_gql, "updateService", service_input("UPC", uuid=service.uuid, type="A", level="C"))
    service.refresh_from_db()
    assert (service.type, service.level) == ("A", "C")
    history = Service.objects.get(legacy_id=service.pk)
    assert (history.type, history.level) == ("C", "S")


def test_the_services_take_the_same_values():
    service = services.create_service(None, service_data("SRV", type="A", level="C", category="Z"))
    assert (service.type, service.level, service.category) == ("A", "C", "Z")
    assert services.create_item(None, item_data("ITM", type="Q")).type == "Q"


# --- packages ------------------------------------------------------------------------------------

def _lines(item: Item, contained: Service, quantity: str, price: str) -> dict:
    """The package lines as the service form sends them (amounts as text, status 1)."""
    return {"items": [{"itemId": item.pk, "qtyProvided": quantity, "priceAsked": price, "status": 1}],
            "services": [{"serviceId": contained.pk, "qtyProvided": quantity, "priceAsked": price,
                          "status": 1}]}


@pytest.mark.parametrize("packagetype", ["P", "F"])
def test_a_package_keeps_its_sub_services_and_sub_items(admin_gql, packagetype):
    item = Item.objects.create(code="SUBI", name="Sub item", type="D", price=3, care_type="B")
    contained = Service.objects.create(code="SUBS", name="Sub service", type="C", price=7, care_type="B",
                                       level="S")
    send(admin_gql, "createService", service_input("PACK", packagetype=packagetype, manualPrice="0",
                                                   **_lines(item, contained, "2.00", "5.50")))
    package = Service.objects.current().get(code="PACK")
    node = service_page(admin_gql, package.uuid)
    assert node["packagetype"] == packagetype
    [sub_service] = node["serviceserviceSet"]
    assert sub_service["service"]["code"] == "SUBS"
    assert (sub_service["qtyProvided"], sub_service["priceAsked"]) == (2, "5.50")
    assert sub_service["scpDate"] and sub_service["id"] == str(ServiceService.objects.get(parent=package).pk)
    [sub_item] = node["servicesLinked"]
    assert sub_item["item"]["code"] == "SUBI"
    assert (sub_item["qtyProvided"], sub_item["priceAsked"], bool(sub_item["pcpDate"])) == (2, "5.50", True)
    # the reverse sides: what contains an item, which packages contain a service
    reverse = admin_gql(
        '{ medicalItems(code: "SUBI") { edges { node { itemsServices { parent { code } } } } } '
        'medicalServices(code: "SUBS") { edges { node { servicesServices { parent { code } } } } } }')["data"]
    containing = [{"parent": {"code": "PACK"}}]
    assert reverse["medicalItems"]["edges"][0]["node"]["itemsServices"] == containing
    assert reverse["medicalServices"]["edges"][0]["node"]["servicesServices"] == containing


def test_an_update_versions_the_lines_with_the_package(admin_gql):
    item = Item.objects.create(code="SUBI", name="Sub item", type="D", price=3, care_type="B")
    other_item = Item.objects.create(code="SUBJ", name="Other item", type="M", price=4, care_type="B")
    contained = Service.objects.create(code="SUBS", name="Sub service", type="C", price=7, care_type="B",
                                       level="S")
    send(admin_gql, "createService",
         service_input("PACK", packagetype="F", **_lines(item, contained, "1", "2")))
    package = Service.objects.current().get(code="PACK")
    old_line = ServiceItem.objects.get(parent=package)
    # the form sends back the id of a line it shows, and a new line without one
    send(admin_gql, "updateService", service_input(
        "PACK", uuid=package.uuid, packagetype="F", price="60",
        items=[{"id": old_line.pk, "itemId": item.pk, "qtyProvided": "3.00", "priceAsked": "2.00",
                "status": 1},
               {"itemId": other_item.pk, "qtyProvided": "1.00", "status": 1}],
        services=[]))
    history = Service.objects.get(legacy_id=package.pk)
    assert Service.objects.current().get(code="PACK").pk == package.pk
    # the line sent back with its id is changed in place and keeps its id
    assert ServiceItem.objects.get(pk=old_line.pk).parent_id == package.pk
    # the history row keeps the lines the package had; the current row has the new ones
    assert [(line.item.code, line.qty_provided) for line in ServiceItem.objects.filter(parent=history)] == [
        ("SUBI", 1)]
    assert ServiceService.objects.filter(parent=history).count() == 1
    node = service_page(admin_gql, package.uuid)
    assert node["price"] == "60.00" and node["serviceserviceSet"] == []
    assert sorted((line["item"]["code"], line["qtyProvided"]) for line in node["servicesLinked"]) == [
        ("SUBI", 3), ("SUBJ", 1)]
    rows = admin_gql('{ medicalServices(showHistory: true, code: "PACK") { edges { node { price validityTo '
                     "servicesLinked { qtyProvided } serviceserviceSet { service { code } } } } } }")
    assert "errors" not in rows, rows
    [old] = [edge["node"] for edge in rows["data"]["medicalServices"]["edges"] if edge["node"]["validityTo"]]
    assert (old["price"], old["servicesLinked"], old["serviceserviceSet"]) == (
        "40.00", [{"qtyProvided": 1}], [{"service": {"code": "SUBS"}}])


def test_a_simple_service_keeps_no_lines(admin_gql):
    item = Item.objects.create(code="SUBI", name="Sub item", type="D", price=3, care_type="B")
    contained = Service.objects.create(code="SUBS", name="Sub service", type="C", price=7, care_type="B",
                                       level="S")
    send(admin_gql, "createService",
         service_input("PLAIN", packagetype="S", **_lines(item, contained, "1", "2")))
    node = service_page(admin_gql, Service.objects.current().get(code="PLAIN").uuid)
    assert node["servicesLinked"] == [] and node["serviceserviceSet"] == []


def test_lines_not_sent_are_kept_and_a_simple_service_drops_them():
    item = services.create_item(None, item_data("SUBI"))
    contained = services.create_service(None, service_data("SUBS"))
    package = services.create_service(None, service_data(
        "PACK", packagetype="P", items=[{"item_id": item.pk, "qty_provided": "2", "status": 1}],
        services=[{"service_id": contained.pk, "qty_provided": "1", "status": 1}]))
    def lines_of(service):
        return ServiceItem.objects.get(parent=service).pk, ServiceService.objects.get(parent=service).pk

    lines = lines_of(package)
    # an update that sends no lists leaves the lines as they are; the history row gets copies
    services.update_service(None, service_data("PACK", uuid=package.uuid, packagetype="P", price="45"))
    assert lines_of(package) == lines
    first_history = Service.objects.filter(legacy_id=package.pk).get()
    assert ServiceItem.objects.get(parent=first_history).qty_provided == 2
    # a package made simple holds nothing any more; its history keeps what it held
    services.update_service(None, service_data("PACK", uuid=package.uuid, packagetype="S"))
    assert not ServiceItem.objects.filter(parent=package).exists()
    assert not ServiceService.objects.filter(parent=package).exists()
    assert ServiceItem.objects.filter(parent__legacy_id=package.pk).count() == 2
    assert ServiceService.objects.filter(parent__legacy_id=package.pk).count() == 2
