"""Medical items, services and diagnoses through the API, as the reference frontend uses them
(fe-graphql-operations.md section 8), with their business rules and error paths."""

from __future__ import annotations

import base64
import uuid as uuid_module

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openimis.core.models import MutationLog
from openimis.core.tests.helpers import error_text, log_of, mutate
from openimis.medical.models import Diagnosis, Item, ItemMutation, Service, ServiceItem, ServiceService

ITEM_LIST = ('medicalItems(first: 10, orderBy: ["code"]) { totalCount pageInfo { hasNextPage hasPreviousPage '
             "startCursor endCursor } edges { node { uuid code name type quantity maximumAmount price "
             "validityFrom validityTo package } } }")
SERVICE_LIST = ('medicalServices(first: 10, orderBy: ["code"]) { totalCount pageInfo { hasNextPage '
                "hasPreviousPage startCursor endCursor } edges { node { uuid code name packagetype type "
                "price maximumAmount validityFrom validityTo level } } }")


def item_input(code="IT1", **overrides) -> dict:
    """An item as fe-medical sends it (amounts as strings, the mask as an int)."""
    return {"code": code, "name": f"Item {code}", "type": "D", "price": "12.50", "quantity": "10",
            "maximumAmount": "3", "careType": "B", "frequency": "7", "patientCategory": 15,
            "package": "box of 10", **overrides}


def service_input(code="SV1", **overrides) -> dict:
    return {"code": code, "name": f"Service {code}", "type": "C", "price": "40", "maximumAmount": "2",
            "careType": "O", "frequency": "30", "patientCategory": 15, "level": "S", "category": "C",
            "packagetype": "S", "manualPrice": "0", **overrides}


def new_id() -> str:
    return str(uuid_module.uuid4())


def create_item(gql, code="IT1", **overrides) -> Item:
    mutation_id = new_id()
    mutate(gql, "createItem", item_input(code, **overrides), mutation_id)
    assert log_of(mutation_id).status == MutationLog.SUCCESS, log_of(mutation_id).error
    return Item.objects.current().get(code=code)


def create_service(gql, code="SV1", **overrides) -> Service:
    mutation_id = new_id()
    mutate(gql, "createService", service_input(code, **overrides), mutation_id)
    assert log_of(mutation_id).status == MutationLog.SUCCESS, log_of(mutation_id).error
    return Service.objects.current().get(code=code)


def counts() -> dict[str, int]:
    models = (Item, Service, ServiceItem, ServiceService, ItemMutation)
    return {model.__name__: model.objects.count() for model in models}


def relay_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def assert_refused(gql, name: str, fields: dict, expected: str) -> None:
    """The mutation fails with a log mentioning `expected`, and nothing is written."""
    before = counts()
    mutation_id = new_id()
    mutate(gql, name, fields, mutation_id)
    assert expected in error_text(mutation_id)
    assert counts() == before


# --- items ---------------------------------------------------------------------------------

def test_create_item_as_the_frontend_does_and_read_it_back(admin_gql):
    mutation_id = new_id()
    payload = mutate(admin_gql, "createItem", item_input(), mutation_id, label="Create item IT1")
    assert payload["internalId"]
    log = log_of(mutation_id)
    assert log.status == MutationLog.SUCCESS, log.error
    item = Item.objects.get(code="IT1")
    assert (item.type, item.care_type, item.frequency, item.patient_category) == ("D", "B", 7, 15)
    assert str(item.price) == "12.50" and str(item.quantity) == "10.00" and item.package == "box of 10"
    # the page reads the new item through its mutation id, then by uuid with its history
    found = admin_gql(f'{{ medicalItems(clientMutationId: "{mutation_id}") '
                      "{ edges { node { uuid } } } }")
    assert found["data"]["medicalItems"]["edges"] == [{"node": {"uuid": item.uuid}}]
    result = admin_gql(
        f'{{ medicalItems(uuid: "{item.uuid}", showHistory: true) {{ pageInfo {{ hasNextPage }} '
        "edges { node { uuid code name type quantity maximumAmount price careType uuid frequency "
        "patientCategory validityFrom validityTo package } } } }")
    node = result["data"]["medicalItems"]["edges"][0]["node"]
    assert node["price"] == "12.50" and node["careType"] == "B" and node["patientCategory"] == 15
    assert node["validityTo"] is None


def test_item_list_shape_and_filters(admin_gql):
    create_item(admin_gql, "AMOX", name="Amoxicillin", package="blister")
    create_item(admin_gql, "GAUZE", name="Gauze", type="M")
    data = admin_gql("{ " + ITEM_LIST + " }")["data"]["medicalItems"]
    assert data["totalCount"] == 2
    assert [edge["node"]["code"] for edge in data["edges"]] == ["AMOX", "GAUZE"]
    filtered = admin_gql('{ medicalItems(first: 10, code_Icontains: "amo", name_Icontains: "xic", '
                         'package_Icontains: "blis", type: "D") { totalCount edges { node { code } } } }')
    assert filtered["data"]["medicalItems"]["totalCount"] == 1


def test_item_code_must_be_unique_among_current_items(admin_gql):
    create_item(admin_gql, "DUP")
    assert_refused(admin_gql, "createItem", item_input("DUP"), "Item code DUP already exists")
    assert admin_gql('{ isValid: validateItemCode(itemCode: "DUP") }')["data"]["isValid"] is False
    assert admin_gql('{ isValid: validateItemCode(itemCode: "FREE") }')["data"]["isValid"] is True


def test_code_of_a_deleted_item_can_be_used_again(admin_gql):
    item = create_item(admin_gql, "AGAIN")
    mutate(admin_gql, "deleteItem", {"uuids": [item.uuid]}, new_id())
    assert admin_gql('{ isValid: validateItemCode(itemCode: "AGAIN") }')["data"]["isValid"] is True
    create_item(admin_gql, "AGAIN")


@pytest.mark.parametrize("overrides, message", [
    ({"name": ""}, "name is mandatory"),
    ({"code": ""}, "code is mandatory"),
    ({"code": "TOOLONG"}, "code is longer than 6 characters"),
    ({"careType": "X"}, "careType must be one of I, O, B"),
    ({"type": "DD"}, "type is longer than 1 characters"),
    ({"price": "-1"}, "price cannot be negative"),
    ({"frequency": "1.5"}, "frequency must be a whole number"),
    ({"patientCategory": 3}, "at least one gender and one age group"),
    ({"patientCategory": 16}, "patientCategory must combine"),
    ({"patientCategory": None}, "patientCategory or patientCategories is mandatory"),
])
def test_bad_item_input_fails_and_writes_nothing(admin_gql, overrides, message):
    assert_refused(admin_gql, "createItem", {**item_input("BAD"), **overrides}, message)


def test_missing_mandatory_argument_is_refused_by_the_schema(admin_gql):
    before = counts()
    logs = MutationLog.objects.count()
    result = admin_gql('mutation { createItem(input: {code: "X", type: "D", careType: "B", price: "1"}) '
                       "{ internalId } }")
    assert "errors" in result and "name" in result["errors"][0]["message"]
    assert counts() == before and MutationLog.objects.count() == logs


def test_patient_categories_by_name(admin_gql):
    fields = item_input("CAT")
    fields.pop("patientCategory")
    from openimis.core.tests.helpers import Enum

    fields["patientCategories"] = [Enum("FEMALE"), Enum("ADULT")]
    mutate(admin_gql, "createItem", fields, new_id())
    assert Item.objects.current().get(code="CAT").patient_category == 2 | 4


def test_update_item_keeps_history(admin_gql):
    item = create_item(admin_gql, "UPD")
    mutation_id = new_id()
    mutate(admin_gql, "updateItem", item_input("UPD", uuid=item.uuid, name="Renamed", price="20"),
           mutation_id)
    assert log_of(mutation_id).status == MutationLog.SUCCESS, log_of(mutation_id).error
    current = Item.objects.current().get(uuid=item.uuid)
    assert current.pk == item.pk and current.name == "Renamed" and str(current.price) == "20.00"
    history = Item.objects.get(legacy_id=item.pk)
    assert history.name == "Item UPD" and history.validity_to is not None and history.uuid != item.uuid
    shown = admin_gql('{ medicalItems(showHistory: true, code: "UPD") { totalCount } }')
    assert shown["data"]["medicalItems"]["totalCount"] == 2
    current_only = admin_gql('{ medicalItems(code: "UPD") { totalCount } }')
    assert current_only["data"]["medicalItems"]["totalCount"] == 1


def test_delete_item_is_soft(admin_gql):
    item = create_item(admin_gql, "DEL")
    mutation_id = new_id()
    mutate(admin_gql, "deleteItem", {"uuids": [item.uuid]}, mutation_id, label="Delete item")
    assert log_of(mutation_id).status == MutationLog.SUCCESS
    item.refresh_from_db()
    assert item.validity_to is not None and item.validity_from == item.validity_to
    assert Item.objects.filter(legacy_id=item.pk).count() == 1
    listed = admin_gql('{ medicalItems(code: "DEL") { totalCount } }')
    assert listed["data"]["medicalItems"]["totalCount"] == 0
    assert_refused(admin_gql, "deleteItem", {"uuids": [item.uuid]}, "Item not found")


def test_delete_of_several_items_is_all_or_nothing(admin_gql):
    item = create_item(admin_gql, "KEEP")
    assert_refused(admin_gql, "deleteItem", {"uuids": [item.uuid, new_id()]}, "Item not found")
    assert Item.objects.current().filter(code="KEEP").exists()


# --- services ------------------------------------------------------------------------------

def test_create_service_and_read_it_as_the_service_page(admin_gql):
    mutation_id = new_id()
    mutate(admin_gql, "createService", service_input(), mutation_id)
    assert log_of(mutation_id).status == MutationLog.SUCCESS, log_of(mutation_id).error
    service = Service.objects.get(code="SV1")
    assert (service.level, service.category, service.packagetype) == ("S", "C", "S")
    assert service.manual_price is False
    result = admin_gql(
        f'{{ medicalServices(uuid: "{service.uuid}", showHistory: true) {{ edges {{ node {{ uuid code name '
        "packagetype manualPrice type price maximumAmount careType frequency patientCategory validityFrom "
        "validityTo level category serviceserviceSet { id service { id code name } qtyProvided priceAsked "
        "scpDate } servicesLinked { id item { id code name } qtyProvided priceAsked pcpDate } } } } }")
    assert "errors" not in result, result
    node = result["data"]["medicalServices"]["edges"][0]["node"]
    assert node["packagetype"] == "S" and node["manualPrice"] is False and node["category"] == "C"
    assert node["serviceserviceSet"] == [] and node["servicesLinked"] == []
    data = admin_gql("{ " + SERVICE_LIST + " }")["data"]["medicalServices"]
    assert data["totalCount"] == 1 and data["edges"][0]["node"]["level"] == "S"
    found = admin_gql(f'{{ medicalServices(clientMutationId: "{mutation_id}") {{ edges {{ node {{ uuid '
                      "clientMutationId } } } }")
    assert found["data"]["medicalServices"]["edges"][0]["node"] == {"uuid": service.uuid,
                                                                    "clientMutationId": mutation_id}


def test_service_filters(admin_gql):
    create_service(admin_gql, "CONS", careType="O", category="C")
    create_service(admin_gql, "SURG", careType="I", category="S", type="P")
    result = admin_gql('{ medicalServices(careType: "I", category: "S", type: "P", packagetype: S, '
                       'code_Icontains: "sur", name_Icontains: "serv") { totalCount } }')
    assert result["data"]["medicalServices"]["totalCount"] == 1


def test_service_code_must_be_unique(admin_gql):
    create_service(admin_gql, "SDUP")
    assert_refused(admin_gql, "createService", service_input("SDUP"), "Service code SDUP already exists")
    assert admin_gql('{ isValid: validateServiceCode(serviceCode: "SDUP") }')["data"]["isValid"] is False


def test_package_service_with_sub_items_and_sub_services(admin_gql):
    item = create_item(admin_gql, "PKI")
    simple = create_service(admin_gql, "PKS")
    fields = service_input("PACK", packagetype="P", manualPrice="1", items=[
        {"itemId": item.pk, "qtyProvided": "2.00", "priceAsked": "5.00", "status": 1}],
        services=[{"serviceId": simple.pk, "qtyProvided": "1.00", "priceAsked": "30.00", "status": 1}])
    package = create_service(admin_gql, "PACK", **{k: v for k, v in fields.items() if k != "code"})
    assert package.manual_price is True
    result = admin_gql('query { medicalServicesStr(str: "PACK", first: 20) { edges { node { id name code '
                       "price packagetype maximumAmount manualPrice serviceserviceSet { service { id code "
                       "name } priceAsked qtyProvided scpDate } servicesLinked { item { id code name } "
                       "priceAsked qtyProvided pcpDate } } } } }")
    node = result["data"]["medicalServicesStr"]["edges"][0]["node"]
    assert node["packagetype"] == "P"
    assert node["servicesLinked"][0]["item"]["code"] == "PKI"
    assert node["servicesLinked"][0]["qtyProvided"] == 2
    assert node["serviceserviceSet"][0]["service"]["code"] == "PKS"
    assert node["serviceserviceSet"][0]["priceAsked"] == "30.00"
    # an update replaces the composition; the history row keeps the old one
    changed = {**fields, "uuid": package.uuid, "services": []}
    mutate(admin_gql, "updateService", changed, new_id())
    history = Service.objects.get(legacy_id=package.pk)
    assert ServiceService.objects.filter(parent=history).count() == 1
    assert ServiceService.objects.filter(parent=package).count() == 0
    assert ServiceItem.objects.filter(parent=package).count() == 1


def test_update_and_delete_service(admin_gql):
    service = create_service(admin_gql, "SUD")
    mutate(admin_gql, "updateService", service_input("SUD", uuid=service.uuid, price="55"), new_id())
    assert str(Service.objects.current().get(uuid=service.uuid).price) == "55.00"
    assert Service.objects.filter(legacy_id=service.pk).count() == 1
    mutation_id = new_id()
    mutate(admin_gql, "deleteService", {"uuids": [service.uuid]}, mutation_id)
    assert log_of(mutation_id).status == MutationLog.SUCCESS
    assert not Service.objects.current().filter(uuid=service.uuid).exists()


def test_service_pickers_by_date(admin_gql):
    service = create_service(admin_gql, "PICK")
    result = admin_gql('query { medicalServicesStr(str: "pic", first: 20, date: "2000-01-01") '
                       "{ edges { node { code } } } }")
    assert result["data"]["medicalServicesStr"]["edges"] == []  # it did not exist then
    today = service.validity_from.date().isoformat()
    result = admin_gql(f'query {{ medicalServicesStr(str: "pic", first: 20, date: "{today}") '
                       "{ edges { node { code } } } }")
    assert result["data"]["medicalServicesStr"]["edges"] == [{"node": {"code": "PICK"}}]
    items = admin_gql('query { medicalItemsStr(str: "x", first: 20) { edges { node { id name code price '
                      "quantity maximumAmount } } } }")
    assert items["data"]["medicalItemsStr"]["edges"] == []


# --- diagnoses -----------------------------------------------------------------------------

def test_diagnoses_pickers(admin_gql):
    Diagnosis.objects.create(code="A00", name="Cholera")
    Diagnosis.objects.create(code="B50", name="Malaria")
    result = admin_gql("query DiagnosisPicker($search: String) { diagnosesStr(str: $search, first: 20) "
                       "{ edges { node { id code name } } } }", {"search": "mala"})
    assert [edge["node"]["code"] for edge in result["data"]["diagnosesStr"]["edges"]] == ["B50"]
    listed = admin_gql('{ diagnoses(code_Istartswith: "A") { totalCount edges { node { code name } } } }')
    assert listed["data"]["diagnoses"]["totalCount"] == 1


def test_diagnoses_need_only_a_login(gql, user_factory):
    user_factory("nobody")
    assert "errors" not in gql.login("nobody", "Secret123")
    result = gql("{ diagnosesStr(str: \"x\") { edges { node { id } } } }")
    assert "errors" not in result


def test_any_user_lists_items_and_services_but_only_searchers_see_history(gql, user_factory):
    """24.10 (OMT-281): medicalItems and medicalServices need a login, not the search right; their
    showHistory is honoured for the holders of the search right only."""
    item = Item.objects.create(code="H1", name="Old name", type="D", price=1, care_type="B")
    item.save_history()
    service = Service.objects.create(code="H1", name="Old name", type="C", price=1, care_type="B", level="S")
    service.save_history()
    assert gql("{ medicalItems { totalCount } }")["errors"][0]["message"] == "unauthorized"
    user_factory("nobody")
    assert "errors" not in gql.login("nobody", "Secret123")
    for root in ("medicalItems", "medicalServices"):
        result = gql(f"{{ {root}(showHistory: true) {{ totalCount edges {{ node {{ code }} }} }} }}")
        assert "errors" not in result, result
        assert result["data"][root]["totalCount"] == 1
    user_factory("searcher", [122101, 121401])
    assert "errors" not in gql.login("searcher", "Secret123")
    for root in ("medicalItems", "medicalServices"):
        assert gql(f"{{ {root}(showHistory: true) {{ totalCount }} }}")["data"][root]["totalCount"] == 2


def test_rights_of_the_item_searcher(gql, user_factory):
    user_factory("itemsearch", [122101])
    assert "errors" not in gql.login("itemsearch", "Secret123")
    assert "errors" not in gql("{ medicalItems { totalCount } }")
    assert gql('{ validateServiceCode(serviceCode: "X") }')["errors"][0]["message"] == "unauthorized"
    result = gql('mutation { createItem(input: {code: "X", name: "X", type: "D", careType: "B", price: "1", '
                 "patientCategory: 15}) { internalId } }")
    assert result["errors"][0]["message"] == "unauthorized"
    assert not Item.objects.exists()


# --- query counts --------------------------------------------------------------------------

def _add_items(count: int, start: int) -> None:
    for number in range(start, start + count):
        Item.objects.create(code=f"Q{number}", name=f"Item {number}", type="D", price=1, care_type="B")


def _add_services(count: int, start: int) -> None:
    item = Item.objects.create(code=f"QI{start}", name="Contained", type="D", price=1, care_type="B")
    for number in range(start, start + count):
        service = Service.objects.create(code=f"Q{number}", name=f"Service {number}", type="C", price=1,
                                         care_type="B", level="S", packagetype="P")
        ServiceItem.objects.create(parent=service, item=item, qty_provided=1)
        ServiceService.objects.create(parent=service, service=service, qty_provided=1)


def _add_diagnoses(count: int, start: int) -> None:
    for number in range(start, start + count):
        Diagnosis.objects.create(code=f"Q{number}", name=f"Diagnosis {number}")


SERVICE_STR = ('medicalServicesStr(str: "Q", first: 20) { edges { node { id name code price packagetype '
               "maximumAmount manualPrice serviceserviceSet { service { id code name } priceAsked "
               "qtyProvided scpDate } servicesLinked { item { id code name } priceAsked qtyProvided "
               "pcpDate } } } }")
COUNT_CASES = {
    # 1 caller, 1 administrator role, 2 count and page, then the prefetches (price-list lines, package)
    "medicalItems": (ITEM_LIST.replace("first: 10", "first: 100"), _add_items, 5, "medicalItems"),
    "medicalItemsStr": ('medicalItemsStr(str: "Q", first: 20) { edges { node { id name code price quantity '
                        "maximumAmount } } }", _add_items, 4, "medicalItemsStr"),
    "medicalServices": (SERVICE_LIST.replace("first: 10", "first: 100"), _add_services, 7, "medicalServices"),
    "medicalServicesStr": (SERVICE_STR, _add_services, 7, "medicalServicesStr"),
    "diagnosesStr": ('diagnosesStr(str: "Q", first: 20) { edges { node { id code name } } }',
                     _add_diagnoses, 4, "diagnosesStr"),
    "diagnoses": ("diagnoses(first: 20) { totalCount edges { node { id code name } } }", _add_diagnoses, 4,
                  "diagnoses"),
}


def _measure(admin_gql, query: str, root: str) -> tuple[int, int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        result = admin_gql("{ " + query + " }")
    assert "errors" not in result, result["errors"]
    return len(captured), len(result["data"][root]["edges"]), [entry["sql"] for entry in captured]


@pytest.mark.parametrize("name", sorted(COUNT_CASES))
def test_list_query_count_does_not_grow_with_rows(name, admin_gql):
    query, add_rows, budget, root = COUNT_CASES[name]
    add_rows(3, 100)
    small_count, small_rows, _ = _measure(admin_gql, query, root)
    add_rows(9, 200)
    large_count, large_rows, large_sql = _measure(admin_gql, query, root)
    assert large_rows >= small_rows + 9
    assert small_count == large_count, "\n".join(large_sql)
    assert large_count <= budget, f"{large_count} > {budget}:\n" + "\n".join(large_sql)


def test_medical_rights_are_declared_for_the_menus(admin_gql):
    result = admin_gql("{ modulesPermissions { modulePermsList { moduleName permissions { permsName "
                       "permsValue } } } }")
    modules = {module["moduleName"]: {p["permsName"]: p["permsValue"] for p in module["permissions"]}
               for module in result["data"]["modulesPermissions"]["modulePermsList"]}
    assert set(modules["medical"].values()) == {121401, 121402, 121403, 121404,
                                                122101, 122102, 122103, 122104}
