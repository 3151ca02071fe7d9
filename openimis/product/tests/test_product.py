"""Products over the API, as the reference frontend (fe-product 1.10) drives them: every operation it
sends validates and answers in the shape it reads; the business rules of spec 6; every error path
leaves the database unchanged."""

from __future__ import annotations

import base64
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openimis.core.models import MutationLog
from openimis.graphql.schema import schema
from openimis.location.models import UserDistrict
from openimis.product.models import (
    Product,
    ProductItem,
    ProductMutation,
    ProductService,
    RelativeDistribution,
)
from openimis.product.tests.helpers import (
    FETCH_PRODUCT,
    LIMIT_DEFAULTS,
    PAGE_DISPLAY_RULES,
    PRODUCT_ITEMS,
    PRODUCT_QUERY,
    PRODUCT_SERVICES,
    PRODUCTS_QUERY,
    VALIDATE_CODE,
    item_line,
    make_item,
    make_service,
    mutation_text,
    places,
    product_input,
    row_counts,
    send,
    service_line,
    status_of,
)
from openimis.testing.client import PASSWORD

# the `item` / `service` of a product line are the medical module's types
needs_medical_types = pytest.mark.skipif("ItemGQLType" not in schema.graphql_schema.type_map,
                                         reason="the medical module's GraphQL types are not there yet")


@pytest.fixture
def where(db):
    return places()


@pytest.fixture
def medical(db):
    return {"items": [make_item(), make_item()], "services": [make_service(), make_service()]}


def error_of(client_mutation_id: str) -> str:
    log = MutationLog.objects.get(client_mutation_id=client_mutation_id)
    assert log.status == MutationLog.ERROR, (log.status, log.error)
    return json.dumps(json.loads(log.error))


def create(gql, **overrides) -> Product:
    client_mutation_id = send(gql, "createProduct", product_input(**overrides))
    assert status_of(client_mutation_id) == MutationLog.SUCCESS, error_of(client_mutation_id)
    return ProductMutation.objects.get(mutation__client_mutation_id=client_mutation_id).product


def form_values(gql, product: Product) -> dict:
    """What the edit page holds after loading the product, as `toInputValues` turns it into input."""
    node = gql(PRODUCT_QUERY, {"uuid": product.uuid})["data"]["product"]
    values = {key: value for key, value in node.items()
              if key not in ("id", "location", "conversionProduct", "validityFrom", "validityTo")}
    values["dateFrom"], values["dateTo"] = node["dateFrom"][:10], node["dateTo"][:10]  # toISODate
    values["locationUuid"] = node["location"]["uuid"] if node["location"] else None
    values["conversionProductUuid"] = None
    return values


# --- queries the frontend sends ---------------------------------------------------------------


def test_create_then_read_every_field_the_product_page_reads(admin_gql, where, medical):
    product = create(admin_gql, locationUuid=where["district"].uuid,
                     items=[item_line(medical["items"][0])], services=[service_line(medical["services"][0])])
    result = admin_gql(PRODUCT_QUERY, {"uuid": product.uuid})
    assert "errors" not in result, result
    node = result["data"]["product"]
    assert base64.b64decode(node["id"]).decode() == f"ProductGQLType:{product.id}"
    assert node["code"] == "PRD1" and node["name"] == "Basic cover"
    assert node["dateFrom"].startswith("2025-01-01") and node["dateTo"].startswith("2030-12-31")
    assert node["location"]["code"] == "PR1D1" and node["location"]["parent"]["code"] == "PR1"
    assert node["ceilingInterpretation"] == "HEALTH_FACILITY_TYPE"
    assert Decimal(node["lumpSum"]) == Decimal("100") and Decimal(node["premiumAdult"]) == Decimal("20")
    assert Decimal(node["deductibleIp"]) == Decimal("10") and Decimal(node["ceilingIp"]) == Decimal("1000")
    assert Decimal(node["ceilingOp"]) == Decimal("300")  # stored where it was given (no IP/OP swap)
    assert node["startCycle1"] == "01-01" and node["startCycle2"] == "01-07" and node["startCycle3"] is None
    assert node["maxNoHospitalization"] == 3 and Decimal(node["maxAmountAntenatal"]) == Decimal("100")
    assert node["ageMinimal"] == 0 and node["ageMaximal"] == 0 and node["threshold"] == 4
    assert node["gracePeriodPayment"] == 2 and node["accCodePremiums"] == "PREM"
    assert node["validityTo"] is None and node["conversionProduct"] is None

    ceiling = admin_gql(FETCH_PRODUCT, {"productId": node["id"]})
    assert ceiling["data"]["product"]["edges"][0]["node"]["ceilingType"] == "POLICY"


@needs_medical_types
def test_items_and_services_load_as_the_tabs_read_them(admin_gql, where, medical):
    item, service = medical["items"][0], medical["services"][0]
    product = create(admin_gql, items=[item_line(item)], services=[service_line(service)])
    items = admin_gql(PRODUCT_ITEMS, {"uuid": product.uuid})
    assert "errors" not in items, items
    connection_ = items["data"]["product"]["items"]
    assert connection_["pageInfo"]["hasNextPage"] is False
    line = connection_["edges"][0]["node"]
    assert line["item"]["uuid"] == item.uuid and line["item"]["code"] == item.code
    assert line["priceOrigin"] == "PRICELIST" and line["limitationTypeE"] == "FIXED_AMOUNT"
    assert Decimal(line["limitAdult"]) == Decimal("80") and Decimal(line["limitAdultE"]) == Decimal("5")
    assert line["limitNoAdult"] == 3 and line["limitNoChild"] is None and line["waitingPeriodAdult"] == 2
    assert line["ceilingExclusionAdult"] == "HOSPITAL" and line["ceilingExclusionChild"] is None

    services = admin_gql(PRODUCT_SERVICES, {"uuid": product.uuid})
    assert "errors" not in services, services
    line = services["data"]["product"]["services"]["edges"][0]["node"]
    assert line["service"]["uuid"] == service.uuid and line["service"]["level"] == "S"
    assert line["priceOrigin"] == "RELATIVE" and line["limitationType"] == "FIXED_AMOUNT"
    assert line["ceilingExclusionChild"] == "BOTH" and line["waitingPeriodChild"] == 6


def test_products_list_with_the_searchers_filters(admin_gql, where):
    create(admin_gql, code="NAT", name="National")
    create(admin_gql, code="REG", name="Regional", locationUuid=where["region"].uuid)
    create(admin_gql, code="DIS", name="District one", locationUuid=where["district"].uuid)
    create(admin_gql, code="OTH", name="Elsewhere", locationUuid=where["other_district"].uuid)
    create(admin_gql, code="OLD", name="Old one", dateFrom="2010-01-01", dateTo="2011-12-31")

    def codes(**variables):
        result = admin_gql(PRODUCTS_QUERY, {"first": 10, **variables})
        assert "errors" not in result, result
        data = result["data"]["products"]
        assert data["totalCount"] == len(data["edges"])
        return sorted(edge["node"]["code"] for edge in data["edges"])

    assert codes() == ["DIS", "NAT", "OLD", "OTH", "REG"]
    assert codes(code="i") == ["DIS"]
    assert codes(name="one") == ["DIS", "OLD"]
    assert codes(search="reg") == ["REG"]
    assert codes(location=where["region"].id) == ["DIS", "REG"]  # a region: its own and its districts'
    assert codes(location=where["district"].id) == ["DIS", "REG"]  # a district: its own and its region's
    # the picker at an enrolment date: products on sale that day
    assert codes(dateFrom="2026-06-01T00:00:00", dateTo="2026-06-01T00:00:00") == ["DIS", "NAT", "OTH", "REG"]
    page = admin_gql(PRODUCTS_QUERY, {"first": 2})["data"]["products"]
    assert page["pageInfo"]["hasNextPage"] is True and page["totalCount"] == 5
    node = admin_gql(PRODUCTS_QUERY, {"first": 10, "code": "DIS"})["data"]["products"]["edges"][0]["node"]
    assert node["location"]["parent"]["code"] == "PR1" and node["maxMembers"] == 6


def test_page_display_rules_limit_defaults_and_code_validation(admin_gql, where):
    rules = admin_gql(PAGE_DISPLAY_RULES)["data"]["pageDisplayRules"]
    assert Decimal(rules["minLimitValue"]) == 0 and Decimal(rules["maxLimitValue"]) == 100
    defaults = admin_gql(LIMIT_DEFAULTS)["data"]["limitDefaults"]
    assert defaults == {"defaultPriceOrigin": "P", "defaultLimit": "C", "defaultLimitCoInsuranceValue": 100,
                        "defaultLimitFixedValue": 0}
    assert admin_gql(VALIDATE_CODE, {"productCode": "PRD1"})["data"]["isValid"] is True
    create(admin_gql)
    assert admin_gql(VALIDATE_CODE, {"productCode": "PRD1"})["data"]["isValid"] is False
    assert admin_gql(VALIDATE_CODE, {"productCode": "PRD2"})["data"]["isValid"] is True


def test_node_query_reaches_a_product(admin_gql, where):
    product = create(admin_gql)
    node_id = base64.b64encode(f"ProductGQLType:{product.id}".encode()).decode()
    result = admin_gql('query ($id: ID!) { node(id: $id) { ... on ProductGQLType { code ceilingType } } }',
                       {"id": node_id})
    assert result["data"]["node"] == {"code": "PRD1", "ceilingType": "POLICY"}
    by_id = admin_gql(PRODUCT_QUERY, {"id": node_id})["data"]["product"]
    assert by_id["uuid"] == product.uuid


def test_location_lists_its_products(admin_gql, where):
    create(admin_gql, locationUuid=where["district"].uuid)
    location_id = base64.b64encode(f"LocationGQLType:{where['district'].id}".encode()).decode()
    result = admin_gql("query ($id: ID!) { node(id: $id) { ... on LocationGQLType { productSet { totalCount "
                       "edges { node { code } } } } } }", {"id": location_id})
    assert result["data"]["node"]["productSet"]["edges"] == [{"node": {"code": "PRD1"}}]


# --- business rules ------------------------------------------------------------------------------


@needs_medical_types
def test_update_keeps_history_and_moves_the_lines_to_the_history_row(admin_gql, where, medical):
    first_item, second_item = medical["items"]
    service = medical["services"][0]
    product = create(admin_gql, items=[item_line(first_item)], services=[service_line(service)],
                     relativePrices=[{"careType": "BOTH", "periods": ["25", "25", "25", "25"]}])
    old_item_line = ProductItem.objects.get(product=product)
    values = form_values(admin_gql, product)
    values.update(name="Better cover", items=[item_line(first_item, limitAdult="70.00"),
                                              item_line(second_item)])
    client_mutation_id = send(admin_gql, "updateProduct", values)
    assert status_of(client_mutation_id) == MutationLog.SUCCESS, error_of(client_mutation_id)

    product.refresh_from_db()
    history = Product.objects.get(legacy_id=product.id)
    assert product.name == "Better cover" and product.validity_to is None
    assert history.name == "Basic cover" and history.validity_to is not None and history.uuid != product.uuid
    # the old lines went with the history row; the current row has the new ones
    old_item_line.refresh_from_db()
    assert old_item_line.product_id == history.id and old_item_line.validity_to is not None
    current_items = ProductItem.objects.filter(product=product, validity_to__isnull=True)
    assert {(line.item_id, line.limit_adult) for line in current_items} == {
        (first_item.id, Decimal("70.00")), (second_item.id, Decimal("80.00"))}
    # services were not sent (the tab was not opened): recreated unchanged on the current row
    assert ProductService.objects.get(product=product).service_id == service.id
    assert ProductService.objects.get(product=history).validity_to is not None
    assert RelativeDistribution.objects.filter(product=product).count() == 4
    assert RelativeDistribution.objects.filter(product=history).count() == 4

    # the history row shows its own lines, the current row its own
    listed = admin_gql(PRODUCTS_QUERY, {"first": 10, "showHistory": True})["data"]["products"]["edges"]
    assert sorted((n["node"]["name"], n["node"]["validityTo"] is None) for n in listed) == [
        ("Basic cover", False), ("Better cover", True)]
    old = admin_gql(PRODUCT_ITEMS, {"uuid": history.uuid})["data"]["product"]["items"]["edges"]
    assert [edge["node"]["item"]["uuid"] for edge in old] == [first_item.uuid]
    new = admin_gql(PRODUCT_ITEMS, {"uuid": product.uuid})["data"]["product"]["items"]["edges"]
    assert len(new) == 2
    assert ProductMutation.objects.filter(mutation__client_mutation_id=client_mutation_id,
                                          product=product).exists()


def test_relative_prices_set_the_period_kind(admin_gql, where):
    product = create(admin_gql, relativePrices=[
        {"careType": "IN_PATIENT", "periods": [str(n) for n in range(1, 13)]},
        {"careType": "OUT_PATIENT", "periods": ["100"]}])
    assert (product.period_rel_prices_ip, product.period_rel_prices_op, product.period_rel_prices) == (
        "M", "Y", None)
    result = admin_gql("query ($uuid: String) { product(uuid: $uuid) { relativePrices { careType periods } "
                       "} }", {"uuid": product.uuid})
    prices = {entry["careType"]: [Decimal(value) for value in entry["periods"]]
              for entry in result["data"]["product"]["relativePrices"]}
    assert prices["OUT_PATIENT"] == [Decimal(100)] and len(prices["IN_PATIENT"]) == 12


def test_duplicate_copies_the_lines_not_sent_under_a_new_code(admin_gql, where, medical):
    product = create(admin_gql, items=[item_line(medical["items"][0])],
                     services=[service_line(medical["services"][0])])
    values = form_values(admin_gql, product)
    values.update(code="PRD2", name="Copy", uuid=product.uuid, services=[])
    client_mutation_id = send(admin_gql, "duplicateProduct", values)
    assert status_of(client_mutation_id) == MutationLog.SUCCESS, error_of(client_mutation_id)
    copy = Product.objects.get(code="PRD2")
    assert copy.uuid != product.uuid and copy.name == "Copy" and copy.legacy_id is None
    assert ProductItem.objects.get(product=copy).item_id == medical["items"][0].id
    assert not ProductService.objects.filter(product=copy).exists()  # sent empty: none
    assert ProductItem.objects.filter(product=product, validity_to__isnull=True).count() == 1  # untouched


def test_delete_is_soft_and_frees_the_code(admin_gql, where, medical):
    product = create(admin_gql, items=[item_line(medical["items"][0])])
    client_mutation_id = send(admin_gql, "deleteProduct", {"uuids": [product.uuid]})
    assert status_of(client_mutation_id) == MutationLog.SUCCESS, error_of(client_mutation_id)
    product.refresh_from_db()
    assert product.validity_to is not None and Product.objects.filter(legacy_id=product.id).count() == 1
    assert ProductItem.objects.get(product=product).validity_to is not None
    assert admin_gql(PRODUCTS_QUERY, {"first": 10})["data"]["products"]["totalCount"] == 0
    assert admin_gql(VALIDATE_CODE, {"productCode": "PRD1"})["data"]["isValid"] is True
    create(admin_gql)  # the code is free again


def test_conversion_product(admin_gql, where):
    old = create(admin_gql, code="OLD")
    new = create(admin_gql, code="NEW", conversionProductUuid=old.uuid)
    node = admin_gql(PRODUCT_QUERY, {"uuid": new.uuid})["data"]["product"]
    assert node["conversionProduct"]["code"] == "OLD"


# --- error paths: a failed log, a clear message, nothing written ----------------------------------------


def test_update_errors_write_nothing(admin_gql, where, medical):
    create(admin_gql, code="OTHER")
    product = create(admin_gql, items=[item_line(medical["items"][0])])
    values = form_values(admin_gql, product)
    before = row_counts()
    too_high = [item_line(medical["items"][0], limitChild="101")]
    for change, message in [({"code": "OTHER"}, "already used"),
                            ({"items": too_high}, "cannot exceed 100"),
                            ({"uuid": "00000000-0000-0000-0000-000000000000"}, "Product not found")]:
        client_mutation_id = send(admin_gql, "updateProduct", {**values, **change})
        assert message in error_of(client_mutation_id)
        assert row_counts() == before
    product.refresh_from_db()
    assert product.name == "Basic cover" and product.validity_from is not None


def test_delete_of_several_rolls_back_when_one_fails(admin_gql, where):
    product = create(admin_gql)
    before = row_counts()
    client_mutation_id = send(admin_gql, "deleteProduct",
                              {"uuids": [product.uuid, "00000000-0000-0000-0000-000000000000"]})
    assert "Product not found" in error_of(client_mutation_id)
    assert row_counts() == before
    product.refresh_from_db()
    assert product.validity_to is None


# --- rights and row security ------------------------------------------------------------------------


def test_rights_are_checked(gql, user_factory, where, admin_user):
    user_factory("searcher", [121001])
    assert "errors" not in gql.login("searcher", PASSWORD)
    assert "errors" not in gql(PRODUCTS_QUERY, {"first": 10})
    before = row_counts()
    refused = gql(mutation_text("createProduct"), {"input": {**product_input(), "clientMutationId": "x"}})
    assert refused["errors"][0]["message"] == "unauthorized"
    assert row_counts() == before

    user_factory("nobody")
    assert "errors" not in gql.login("nobody", PASSWORD)
    result = gql(PRODUCTS_QUERY, {"first": 10})
    assert result["errors"][0]["message"] == "unauthorized"


def test_a_district_user_sees_national_products_and_those_of_their_district(admin_gql, gql, user_factory,
                                                                          where):
    for code, location in [("NAT", None), ("REG", "region"), ("DIS", "district"), ("OREG", "other_region"),
                           ("ODIS", "other_district")]:
        create(admin_gql, code=code, locationUuid=where[location].uuid if location else None)
    hidden = Product.objects.get(code="ODIS")
    hidden_values = {**form_values(admin_gql, hidden), "uuid": hidden.uuid}
    user = user_factory("districtuser", [121001, 121003])
    UserDistrict.objects.create(user_id=user.i_user_id, location=where["district"])
    assert "errors" not in gql.login("districtuser", PASSWORD)
    result = gql(PRODUCTS_QUERY, {"first": 10})
    seen = sorted(edge["node"]["code"] for edge in result["data"]["products"]["edges"])
    assert seen == ["DIS", "NAT", "REG"]
    assert gql(PRODUCT_QUERY, {"uuid": hidden.uuid})["data"]["product"] is None
    client_mutation_id = send(gql, "updateProduct", hidden_values)
    assert "Product not found" in error_of(client_mutation_id)


# --- SQL query budget of the list --------------------------------------------------------------------


def _list_cost(admin_gql) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        result = admin_gql(PRODUCTS_QUERY, {"first": 100})
    assert "errors" not in result, result
    return len(captured), len(result["data"]["products"]["edges"])


def test_products_list_query_count_does_not_grow_with_rows(admin_gql, where):
    def add(count, start):
        for number in range(start, start + count):
            create(admin_gql, code=f"Q{number}", locationUuid=where["district"].uuid if number % 2 else None)

    add(3, 0)
    small_count, small_rows = _list_cost(admin_gql)
    add(9, 3)
    large_count, large_rows = _list_cost(admin_gql)
    assert (small_rows, large_rows) == (3, 12)
    assert small_count == large_count
    assert large_count <= 4  # caller, administrator role, count, page (locations joined)
