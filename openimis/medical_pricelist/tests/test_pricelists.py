"""Item and service price lists through the API, as fe-medical_pricelist uses them
(fe-graphql-operations.md section 9): lines, overriding prices, history, assignment to facilities."""

from __future__ import annotations

import base64
import datetime
import uuid as uuid_module

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openimis.core.models import MutationLog
from openimis.core.tests.helpers import error_text, log_of, mutate
from openimis.location.models import HealthFacility, Location
from openimis.medical.models import Item, Service
from openimis.medical_pricelist.models import (
    ItemsPricelist,
    ItemsPricelistDetail,
    ServicesPricelist,
    ServicesPricelistDetail,
)

KINDS = {
    # kind: (list model, detail model, GraphQL type, mutation suffix, list query, medical query,
    #        medical field)
    "items": (ItemsPricelist, ItemsPricelistDetail, "ItemsPricelistGQLType", "ItemsPricelist",
              "itemsPricelists", "medicalItems", "itemsPricelist"),
    "services": (ServicesPricelist, ServicesPricelistDetail, "ServicesPricelistGQLType",
                 "ServicesPricelist", "servicesPricelists", "medicalServices", "servicesPricelist"),
}
SUMMARY = ("id uuid name validityFrom validityTo pricelistDate "
           "location { id name uuid code type parent { id uuid code name type } }")


def new_id() -> str:
    return str(uuid_module.uuid4())


def relay_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


@pytest.fixture
def places(db):
    region = Location.objects.create(code="PR", name="Price region", type="R")
    district = Location.objects.create(code="PRD", name="Price district", type="D", parent=region)
    village = Location.objects.create(code="PRDV", name="Village", type="V", parent=Location.objects.create(
        code="PRDM", name="Municipality", type="W", parent=district))
    return {"region": region, "district": district, "village": village}


def medical_objects(kind: str, count: int = 2, start: int = 0) -> list:
    objects = []
    for number in range(start, start + count):
        if kind == "items":
            objects.append(Item.objects.create(code=f"I{number}", name=f"Item {number}", type="D", price=10,
                                               care_type="B"))
        else:
            objects.append(Service.objects.create(code=f"S{number}", name=f"Service {number}", type="C",
                                                  price=20, care_type="B", level="S"))
    return objects


def counts() -> dict[str, int]:
    models = (ItemsPricelist, ItemsPricelistDetail, ServicesPricelist, ServicesPricelistDetail)
    return {model.__name__: model.objects.count() for model in models}


def send(gql, kind: str, action: str, data: dict) -> str:
    """A hook-style mutation with variables, as the price-list pages send it; returns the mutation id."""
    suffix = KINDS[kind][3]
    name = f"{action}{suffix}"
    mutation_id = new_id()
    result = gql(f"mutation ($input: {name[0].upper()}{name[1:]}MutationInput!) {{ {name}(input: $input) "
                 "{ internalId clientMutationId } }",
                 {"input": {**data, "clientMutationId": mutation_id, "clientMutationLabel": f"{name} test"}})
    assert "errors" not in result, result
    return mutation_id


def succeeded(mutation_id: str) -> None:
    log = log_of(mutation_id)
    assert log.status == MutationLog.SUCCESS, log.error


def create_list(gql, kind: str, name: str = "List A", **data):
    succeeded(send(gql, kind, "create", {"name": name, "pricelistDate": "2024-01-01", **data}))
    return KINDS[kind][0].objects.current().get(name=name)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_create_list_with_lines_and_overriding_price(admin_gql, places, kind):
    model, detail_model, type_name, _, list_query, medical_query, medical_field = KINDS[kind]
    first, second = medical_objects(kind)
    pricelist = create_list(admin_gql, kind, locationId=places["district"].uuid,
                            addedDetails=[first.uuid, second.uuid],
                            priceOverrules=[{"uuid": first.uuid, "price": "7.25"}])
    assert pricelist.location == places["district"] and pricelist.pricelist_date == datetime.date(2024, 1, 1)
    lines = {getattr(d, f"{kind[:-1]}_id"): d.price_overrule for d in detail_model.objects.current()}
    assert {k: (str(v) if v is not None else None) for k, v in lines.items()} == {first.pk: "7.25",
                                                                                  second.pk: None}
    # the searcher
    listed = admin_gql(f'{{ {list_query}(first: 10, name_Icontains: "list", location_Uuid: '
                       f'"{places["district"].uuid}") {{ totalCount pageInfo {{ hasNextPage }} '
                       f"edges {{ node {{ {SUMMARY} }} }} }} }}")
    assert "errors" not in listed, listed
    node = listed["data"][list_query]["edges"][0]["node"]
    assert node["location"]["parent"]["code"] == "PR" and node["pricelistDate"] == "2024-01-01"
    # the details page: the list by node, then every item/service with its line on this list
    list_id = relay_id(type_name, pricelist.pk)
    by_node = admin_gql(f'{{ node(id: "{list_id}") {{ ... on {type_name} {{ id uuid name validityFrom '
                        "validityTo pricelistDate detailsCount: details { totalCount } "
                        "location { id name uuid code type parent { id uuid code name type } } } } }")
    assert by_node["data"]["node"]["detailsCount"] == {"totalCount": 2}
    details = admin_gql(f'{{ {medical_query}(first: 20) {{ totalCount pageInfo {{ hasNextPage endCursor }} '
                        f'edges {{ node {{ id uuid code name type price pricelistDetails({medical_field}: '
                        f'"{list_id}") {{ edges {{ node {{ priceOverrule }} }} }} }} }} }} }}')
    assert "errors" not in details, details
    overrules = {edge["node"]["code"]: [e["node"]["priceOverrule"] for e in edge["node"]["pricelistDetails"]
                                        ["edges"]] for edge in details["data"][medical_query]["edges"]}
    assert overrules == {first.code: ["7.25"], second.code: [None]}
    # the content of a list, for pickers
    content = admin_gql(f'{{ {medical_query}(pricelistUuid: "{pricelist.uuid}") {{ totalCount }} }}')
    assert content["data"][medical_query]["totalCount"] == 2


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_update_keeps_history_removes_and_reprices_lines(admin_gql, places, kind):
    model, detail_model, type_name, *_ = KINDS[kind]
    first, second, third = medical_objects(kind, 3)
    pricelist = create_list(admin_gql, kind, addedDetails=[first.uuid, second.uuid],
                            priceOverrules=[{"uuid": first.uuid, "price": "5"}])
    mutation_id = send(admin_gql, kind, "update", {
        "uuid": pricelist.uuid, "name": "List B", "pricelistDate": "2024-02-01",
        "locationId": places["region"].uuid, "addedDetails": [third.uuid], "removedDetails": [second.uuid],
        "priceOverrules": [{"uuid": first.uuid, "price": "6"}, {"uuid": third.uuid, "price": "1.5"}]})
    succeeded(mutation_id)
    current = model.objects.current().get(uuid=pricelist.uuid)
    assert current.pk == pricelist.pk and current.name == "List B" and current.location == places["region"]
    history = model.objects.get(legacy_id=pricelist.pk)
    assert history.name == "List A" and history.validity_to is not None
    medical = kind[:-1]
    now = {getattr(d, f"{medical}_id"): str(d.price_overrule) for d in detail_model.objects.current()}
    assert now == {first.pk: "6.00", third.pk: "1.50"}
    # the removed line is closed, the repriced one kept its old price as history
    closed = detail_model.objects.filter(**{medical: second}).get()
    assert closed.validity_to is not None
    old_price = detail_model.objects.filter(**{medical: first}, legacy_id__isnull=False).get()
    assert str(old_price.price_overrule) == "5.00"
    compact = admin_gql(f"{{ pricelists({KINDS[kind][6]}Id: {pricelist.pk}) {{ {kind} {{ id p }} }} }}")
    prices = {row["id"]: row["p"] for row in compact["data"]["pricelists"][kind]}
    assert prices == {first.pk: "6.00", third.pk: "1.50"}


def test_pricelists_compact_query_uses_the_own_price_without_overrule(admin_gql):
    item, = medical_objects("items", 1)
    service, = medical_objects("services", 1)
    items = create_list(admin_gql, "items", "Items", addedDetails=[item.uuid])
    services = create_list(admin_gql, "services", "Services", addedDetails=[service.uuid],
                           priceOverrules=[{"uuid": service.uuid, "price": "3"}])
    result = admin_gql(f"{{ pricelists(servicesPricelistId: {services.pk}, itemsPricelistId: {items.pk}) "
                       "{ services { id p } items { id p } } }")
    assert result["data"]["pricelists"] == {"services": [{"id": service.pk, "p": "3.00"}],
                                            "items": [{"id": item.pk, "p": "10.00"}]}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_list_names_are_unique_among_current_lists(admin_gql, kind):
    create_list(admin_gql, kind, "Taken")
    before = counts()
    mutation_id = send(admin_gql, kind, "create", {"name": "Taken", "pricelistDate": "2024-01-01"})
    assert "name Taken already exists" in error_text(mutation_id)
    assert counts() == before
    validate = "validateItemsPricelistName(itemsPricelistName" if kind == "items" else \
        "validateServicesPricelistName(servicesPricelistName"
    assert admin_gql(f'{{ isValid: {validate}: "Taken") }}')["data"]["isValid"] is False
    assert admin_gql(f'{{ isValid: {validate}: "Free") }}')["data"]["isValid"] is True


@pytest.mark.parametrize("data, message", [
    ({"name": " "}, "name is mandatory"),
    ({"locationId": "00000000-0000-0000-0000-000000000009"}, "Unknown location"),
    ({"addedDetails": ["00000000-0000-0000-0000-000000000009"]}, "Unknown item"),
    ({"priceOverrules": [{"uuid": "00000000-0000-0000-0000-000000000009", "price": "1"}]}, "Unknown item"),
])
def test_bad_list_input_fails_and_writes_nothing(admin_gql, data, message):
    before = counts()
    mutation_id = send(admin_gql, "items", "create", {"name": "Bad", "pricelistDate": "2024-01-01", **data})
    assert message in error_text(mutation_id)
    assert counts() == before


def test_list_belongs_to_a_region_or_a_district(admin_gql, places):
    mutation_id = send(admin_gql, "items", "create", {"name": "Village list", "pricelistDate": "2024-01-01",
                                                     "locationId": places["village"].uuid})
    assert "belongs to a region or a district" in error_text(mutation_id)


def test_overriding_price_of_an_item_not_on_the_list_fails(admin_gql):
    first, second = medical_objects("items")
    pricelist = create_list(admin_gql, "items", addedDetails=[first.uuid])
    before = counts()
    mutation_id = send(admin_gql, "items", "update", {
        "uuid": pricelist.uuid, "name": "List A", "pricelistDate": "2024-01-01",
        "priceOverrules": [{"uuid": second.uuid, "price": "1"}]})
    assert "is not on the price list" in error_text(mutation_id)
    assert counts() == before


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_delete_is_soft_and_closes_the_lines(admin_gql, kind):
    model, detail_model, *_ = KINDS[kind]
    objects = medical_objects(kind)
    pricelist = create_list(admin_gql, kind, addedDetails=[o.uuid for o in objects])
    succeeded(send(admin_gql, kind, "delete", {"uuids": [pricelist.uuid]}))
    pricelist.refresh_from_db()
    assert pricelist.validity_to is not None and pricelist.validity_from == pricelist.validity_to
    assert not detail_model.objects.current().exists()
    listed = admin_gql(f"{{ {KINDS[kind][4]} {{ totalCount }} }}")
    assert listed["data"][KINDS[kind][4]]["totalCount"] == 0
    shown = admin_gql(f"{{ {KINDS[kind][4]}(showHistory: true) {{ totalCount }} }}")
    assert shown["data"][KINDS[kind][4]]["totalCount"] == 2  # the ended row and its history copy


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_list_assigned_to_a_facility_cannot_be_deleted(admin_gql, places, kind):
    pricelist = create_list(admin_gql, kind, addedDetails=[o.uuid for o in medical_objects(kind)])
    HealthFacility.objects.create(code="HFPL", name="Facility", legal_form_id="G", level="H",
                                  location=places["district"], care_type="B",
                                  **{f"{kind}_pricelist": pricelist})
    before = counts()
    mutation_id = send(admin_gql, kind, "delete", {"uuids": [pricelist.uuid]})
    assert "is used by the health facilities HFPL" in error_text(mutation_id)
    assert counts() == before


def test_items_and_services_on_a_current_list_cannot_be_deleted(admin_gql):
    item, = medical_objects("items", 1)
    service, = medical_objects("services", 1)
    create_list(admin_gql, "items", "Items", addedDetails=[item.uuid])
    create_list(admin_gql, "services", "Services", addedDetails=[service.uuid])
    for name, obj in (("deleteItem", item), ("deleteService", service)):
        mutation_id = new_id()
        mutate(admin_gql, name, {"uuids": [obj.uuid]}, mutation_id)
        assert "is on the price lists" in error_text(mutation_id)
        obj.refresh_from_db()
        assert obj.validity_to is None
    assert Item.objects.count() == 1 and Service.objects.count() == 1


def test_location_pickers_and_row_security(gql, admin_gql, places, user_factory):
    create_list(admin_gql, "items", "National")
    create_list(admin_gql, "items", "Regional", locationId=places["region"].uuid)
    create_list(admin_gql, "items", "Local", locationId=places["district"].uuid)
    other_region = Location.objects.create(code="OR", name="Other", type="R")
    create_list(admin_gql, "items", "Elsewhere", locationId=other_region.uuid)
    picked = admin_gql(f'{{ itemsPricelists(locationUuid: "{places["district"].uuid}") '
                       "{ edges { node { id uuid name } } } }")
    names = {edge["node"]["name"] for edge in picked["data"]["itemsPricelists"]["edges"]}
    assert names == {"National", "Regional", "Local"}
    # a user of the district sees the national, regional and district lists only
    from openimis.location.models import UserDistrict

    user = user_factory("pluser", [121301])
    UserDistrict.objects.create(user_id=user.i_user_id, location=places["district"])
    from django.test import Client

    from openimis.testing.client import GraphQLClient

    other = GraphQLClient(Client())
    assert "errors" not in other.login("pluser", "Secret123")
    seen = other("{ itemsPricelists { edges { node { name } } } }")
    assert {edge["node"]["name"] for edge in seen["data"]["itemsPricelists"]["edges"]} == {
        "National", "Regional", "Local"}
    assert other("{ servicesPricelists { totalCount } }")["errors"][0]["message"] == "unauthorized"


# --- query counts --------------------------------------------------------------------------

def _add_lists(kind: str, count: int, start: int, places) -> None:
    model, detail_model = KINDS[kind][:2]
    objects = medical_objects(kind, 2, start * 10)
    for number in range(start, start + count):
        pricelist = model.objects.create(name=f"Q{kind}{number}", pricelist_date=datetime.date(2024, 1, 1),
                                         location=places["district"])
        for obj in objects:
            detail_model.objects.create(**{KINDS[kind][6].replace("P", "_p"): pricelist, kind[:-1]: obj},
                                        price_overrule=1)


def _measure(gql, query: str, root: str):
    with CaptureQueriesContext(connection) as captured:
        result = gql("{ " + query + " }")
    assert "errors" not in result, result["errors"]
    return len(captured), len(result["data"][root]["edges"]), [entry["sql"] for entry in captured]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_list_query_counts(admin_gql, places, kind):
    list_query = KINDS[kind][4]
    query = (f"{list_query}(first: 100) {{ totalCount pageInfo {{ hasNextPage }} "
             f"edges {{ node {{ {SUMMARY} }} }} }}")
    _add_lists(kind, 3, 1, places)
    small, small_rows, _ = _measure(admin_gql, query, list_query)
    _add_lists(kind, 9, 10, places)
    large, large_rows, sql = _measure(admin_gql, query, list_query)
    assert large_rows == small_rows + 9
    assert small == large, "\n".join(sql)
    assert large <= 4, "\n".join(sql)  # caller, administrator role, count, page (location joined)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_details_page_query_count(admin_gql, places, kind):
    """The details page lists every item/service with its line on one list: one query for all lines."""
    medical_query, medical_field = KINDS[kind][5], KINDS[kind][6]
    _add_lists(kind, 1, 1, places)
    pricelist = KINDS[kind][0].objects.get()
    list_id = relay_id(KINDS[kind][2], pricelist.pk)
    query = (f'{medical_query}(first: 20) {{ totalCount edges {{ node {{ id uuid code name type price '
             f'pricelistDetails({medical_field}: "{list_id}") {{ edges {{ node {{ priceOverrule }} }} }} '
             "} } }")
    small, small_rows, _ = _measure(admin_gql, query, medical_query)
    medical_objects(kind, 9, 500)
    large, large_rows, sql = _measure(admin_gql, query, medical_query)
    assert large_rows == small_rows + 9
    assert small == large, "\n".join(sql)
    assert large <= 5, "\n".join(sql)


def test_pricelist_rights_are_declared_for_the_menus(admin_gql):
    result = admin_gql("{ modulesPermissions { modulePermsList { moduleName permissions { permsName "
                       "permsValue } } } }")
    modules = {module["moduleName"]: {p["permsName"]: p["permsValue"] for p in module["permissions"]}
               for module in result["data"]["modulesPermissions"]["modulePermsList"]}
    assert set(modules["medical_pricelist"].values()) == {*range(121201, 121206), *range(121301, 121306)}
