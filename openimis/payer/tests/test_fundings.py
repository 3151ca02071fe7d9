"""Fundings of a payer over the API, as the fundings panel of fe-payer 1.7 drives them: the panel's query
(`payer(uuid) { fundings }`) and its Add Funding dialog (`addFunding`, ids sent as `decodeId(node.id)`);
the rules (current and visible payer and product, amount > 0, pay date not in the future, receipt
mandatory, the legacy area rule); rights; every error path leaves the database unchanged; the SQL cost of
the panel does not grow with its rows."""

from __future__ import annotations

import base64
import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from openimis.core.errors import ValidationFailed
from openimis.core.models import MutationLog, User
from openimis.location.tests.helpers import restricted_client
from openimis.payer import services
from openimis.payer.models import Funding, Payer
from openimis.payer.tests.helpers import (
    MUTATIONS,
    PAYER_FUNDINGS_QUERY,
    places,
    row_counts,
    send,
    status_of,
)
from openimis.product.models import Product
from openimis.product.tests.helpers import PRODUCTS_QUERY

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOO_PRECISE = "Amount must have at most 16 digits before the decimal point and 2 after it"


@pytest.fixture
def where(db):
    return places()


def make_payer(location, name="Health Fund") -> Payer:
    return Payer.objects.create(name=name, type_id="G", location=location)


def make_product(code="FP1", location=None) -> Product:
    start = timezone.now() - datetime.timedelta(days=30)
    return Product.objects.create(code=code, name=f"Product {code}", location=location, date_from=start,
                                  date_to=start + datetime.timedelta(days=365))


def relay_id(type_name: str, pk) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def funding_input(payer: Payer, product: Product, **overrides) -> dict:
    """What the Add Funding dialog sends: `decodeId` of the payer's and the product's relay ids."""
    values = {"amount": "1500.50", "productId": str(product.id), "payDate": YESTERDAY.isoformat(),
              "payerId": str(payer.id), "receipt": "RC-001"}
    values.update(overrides)
    return values


def error_of(client_mutation_id: str) -> str:
    log = MutationLog.objects.get(client_mutation_id=client_mutation_id)
    assert log.status == MutationLog.ERROR, (log.status, log.error)
    return json.dumps(json.loads(log.error), ensure_ascii=False)


def add(gql, payer, product, **overrides) -> Funding:
    client_mutation_id = send(gql, "addFunding", funding_input(payer, product, **overrides))
    assert status_of(client_mutation_id) == MutationLog.SUCCESS, error_of(client_mutation_id)
    return Funding.objects.order_by("date_created").last()


def panel(gql, payer: Payer, **variables) -> dict:
    result = gql(PAYER_FUNDINGS_QUERY, {"payerId": payer.uuid, "first": 10, **variables})
    assert "errors" not in result, result
    return result["data"]["payer"]["fundings"]


# --- the panel and the dialog ------------------------------------------------------------------------------


def test_add_funding_as_the_dialog_sends_it_then_the_panel_shows_it(admin_gql, where):
    payer, product = make_payer(where["district"]), make_product()
    assert panel(admin_gql, payer) == {"edges": [], "totalCount": 0, "pageInfo": {
        "hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None}}

    client_mutation_id = send(admin_gql, "addFunding", funding_input(payer, product), label="Add funding")
    assert status_of(client_mutation_id) == MutationLog.SUCCESS, error_of(client_mutation_id)
    funding = Funding.objects.get()
    admin = User.objects.get(username="Admin")
    assert (funding.payer_id, funding.product_id, funding.amount, funding.pay_date, funding.receipt,
            funding.status, funding.is_deleted, funding.version) == (
        payer.id, product.id, Decimal("1500.50"), YESTERDAY, "RC-001", "N", False, 1)
    assert funding.user_created == admin and funding.user_updated == admin

    data = panel(admin_gql, payer)
    assert data["totalCount"] == 1
    assert data["edges"] == [{"node": {"uuid": str(funding.id), "amount": "1500.50",
                                       "payDate": YESTERDAY.isoformat(), "product": {"name": "Product FP1"},
                                       "receipt": "RC-001"}}]


def test_the_funding_node_has_the_fields_of_24_10(admin_gql, where):
    payer, product = make_payer(where["district"]), make_product()
    funding = add(admin_gql, payer, product, payerId=relay_id("PayerGQLType", payer.id),
                  productId=relay_id("ProductGQLType", product.id))  # a relay id is accepted too
    result = admin_gql("""query ($id: ID!) { node(id: $id) { ... on FundingGQLType {
        id uuid isDeleted jsonExt dateCreated dateUpdated version status amount payDate receipt
        userCreated { username } userUpdated { username } payer { uuid name } product { code } } } }""",
                       {"id": relay_id("FundingGQLType", funding.id)})
    assert "errors" not in result, result
    node = result["data"]["node"]
    assert node["dateCreated"] and node["dateUpdated"]
    assert node | {"dateCreated": None, "dateUpdated": None} == {
        "id": relay_id("FundingGQLType", funding.id), "uuid": str(funding.id), "isDeleted": False,
        "jsonExt": None, "dateCreated": None, "dateUpdated": None, "version": 1, "status": "N",
        "amount": "1500.50", "payDate": YESTERDAY.isoformat(), "receipt": "RC-001",
        "userCreated": {"username": "Admin"}, "userUpdated": {"username": "Admin"},
        "payer": {"uuid": payer.uuid, "name": "Health Fund"}, "product": {"code": "FP1"}}


def test_the_panel_lists_the_payers_own_fundings_newest_first_in_pages(admin_gql, where):
    payer, other = make_payer(where["district"]), make_payer(where["district"], "Other fund")
    product = make_product()
    for days, receipt in [(10, "R-old"), (1, "R-new"), (5, "R-mid"), (3, "R-deleted")]:
        add(admin_gql, payer, product, receipt=receipt,
            payDate=(TODAY - datetime.timedelta(days=days)).isoformat())
    add(admin_gql, payer, product, receipt="R-today", payDate=TODAY.isoformat())  # today is not the future
    add(admin_gql, other, product, receipt="R-other")
    Funding.objects.filter(receipt="R-deleted").update(is_deleted=True)

    data = panel(admin_gql, payer)
    assert data["totalCount"] == 4
    assert [edge["node"]["receipt"] for edge in data["edges"]] == ["R-today", "R-new", "R-mid", "R-old"]
    first = panel(admin_gql, payer, first=2)
    assert [edge["node"]["receipt"] for edge in first["edges"]] == ["R-today", "R-new"]
    assert first["totalCount"] == 4 and first["pageInfo"]["hasNextPage"] is True
    second = panel(admin_gql, payer, first=2, after=first["pageInfo"]["endCursor"])
    assert [edge["node"]["receipt"] for edge in second["edges"]] == ["R-mid", "R-old"]
    back = panel(admin_gql, payer, first=None, last=2, before=second["pageInfo"]["startCursor"])
    assert [edge["node"]["receipt"] for edge in back["edges"]] == ["R-today", "R-new"]
    assert [edge["node"]["receipt"] for edge in panel(admin_gql, other)["edges"]] == ["R-other"]


def test_the_dialogs_product_picker_sends_the_location_as_a_string(admin_gql, where):
    """fe-product's ProductPicker sends `$location: Int` as `decodeId(payer.location.id)`, a string, as the
    24.10 backend (graphql-core 2) accepted: an `Int` variable holding digits is read as a number."""
    regional, far = make_product("FPR", where["region"]), make_product("FPF", where["other_region"])
    assert regional and far
    today = timezone.now().strftime("%Y-%m-%d")
    variables = {"first": 20, "search": "FP", "location": str(where["district"].id), "dateFrom": today,
                 "dateTo": today}
    result = admin_gql(PRODUCTS_QUERY, variables)
    assert "errors" not in result, result
    assert [edge["node"]["code"] for edge in result["data"]["products"]["edges"]] == ["FPR"]
    refused = admin_gql(PRODUCTS_QUERY, {**variables, "location": "two"})
    assert "Int cannot represent" in refused["errors"][0]["message"]


# --- rules: a failed log, a clear message, nothing written ------------------------------------------------


def _error_cases(where) -> dict:
    far_product = make_product("FPF", where["other_district"])
    old_product = make_product("FPO")
    old_product.delete_history(0)
    ended_payer = make_payer(where["district"], "Ended fund")
    ended_payer.delete_history(0)
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    return {
        "unknown payer": ({"payerId": "999999"}, "Payer not found"),
        "deleted payer": ({"payerId": str(ended_payer.id)}, "Payer not found"),
        "unknown product": ({"productId": "999999"}, "Product not found"),
        "historical product": ({"productId": str(old_product.id)}, "Product not found"),
        "product of another area": ({"productId": str(far_product.id)},
                                    "The payer Health Fund cannot fund the product FPF"),
        "zero amount": ({"amount": "0"}, "Amount must be more than zero"),
        "negative amount": ({"amount": "-5"}, "Amount must be more than zero"),
        "three decimals": ({"amount": "10.005"}, TOO_PRECISE),
        "huge amount": ({"amount": "1" + "0" * 16}, TOO_PRECISE),
        "future pay date": ({"payDate": tomorrow}, f"The pay date {tomorrow} is in the future"),
        "blank receipt": ({"receipt": "  "}, "Receipt is mandatory"),
        "receipt too long": ({"receipt": "R" * 51}, "Receipt is longer than 50 characters"),
    }


CASES = ["unknown payer", "deleted payer", "unknown product", "historical product",
         "product of another area", "zero amount", "negative amount", "three decimals", "huge amount",
         "future pay date", "blank receipt", "receipt too long"]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_fails_the_log_and_writes_nothing(admin_gql, where, case):
    payer, product = make_payer(where["district"]), make_product()
    overrides, message = _error_cases(where)[case]
    before = row_counts()
    client_mutation_id = send(admin_gql, "addFunding", funding_input(payer, product, **overrides))
    assert message in error_of(client_mutation_id)
    assert row_counts() == before and not Funding.objects.exists()


def test_the_area_rule_of_spec_10(admin_gql, where):
    """National products, products of the payer's own location, of the region of its district, of the
    districts of its region."""
    district_payer, region_payer = make_payer(where["district"]), make_payer(where["region"], "Regional")
    national, regional = make_product("FPN"), make_product("FPR", where["region"])
    local = make_product("FPD", where["district"])
    for payer in (district_payer, region_payer):
        for product in (national, regional, local):
            add(admin_gql, payer, product, receipt=f"{payer.id}-{product.code}")
    assert Funding.objects.count() == 6
    far = make_product("FPF", where["other_region"])
    assert "cannot fund" in error_of(send(admin_gql, "addFunding", funding_input(region_payer, far)))


def test_a_missing_mandatory_input_is_refused_by_the_schema(admin_gql, where):
    values = funding_input(make_payer(where["district"]), make_product())
    del values["receipt"]
    before, logs = row_counts(), MutationLog.objects.count()
    result = admin_gql(MUTATIONS["addFunding"], {"input": {**values, "clientMutationId": "x"}})
    assert "receipt" in result["errors"][0]["message"]
    assert row_counts() == before and MutationLog.objects.count() == logs


def test_messages_are_translated(admin_gql, where):
    payer, product = make_payer(where["district"]), make_product()
    data = {"payer_id": payer.id, "product_id": product.id, "amount": "0", "pay_date": YESTERDAY,
            "receipt": "R"}
    with translation.override("fr"), pytest.raises(ValidationFailed) as raised:
        services.add_funding(User.objects.get(username="Admin"), data)
    assert raised.value.message == "Montant : la valeur doit être supérieure à zéro"
    assert raised.value.detail == "0"


# --- rights and row security ---------------------------------------------------------------------------


def test_adding_a_funding_takes_the_payer_update_right(admin_gql, user_factory, where):
    payer, product = make_payer(where["district"]), make_product()
    before = row_counts()
    for username, rights in [("searcher", [121801]), ("adder", [121801, 121802]),
                             ("quirk", [121801, 122103])]:
        client = restricted_client(user_factory, username, where["district"], rights)
        refused = client(MUTATIONS["addFunding"],
                         {"input": {**funding_input(payer, product), "clientMutationId": "x"}})
        assert refused["errors"][0]["message"] == "unauthorized", username
        assert panel(client, payer)["totalCount"] == 0  # the panel itself needs only the search right
    assert row_counts() == before
    editor = restricted_client(user_factory, "editor", where["district"], [121801, 121803])
    add(editor, payer, product)
    assert panel(editor, payer)["totalCount"] == 1
    nobody = restricted_client(user_factory, "nobody", where["district"], [])
    result = nobody(PAYER_FUNDINGS_QUERY, {"payerId": payer.uuid, "first": 10})
    assert result["errors"][0]["message"] == "unauthorized"
    node = nobody("query ($id: ID!) { node(id: $id) { ... on FundingGQLType { receipt } } }",
                  {"id": relay_id("FundingGQLType", Funding.objects.get().id)})
    assert node["errors"][0]["message"] == "unauthorized"


def test_row_security_hides_payers_and_products_of_other_districts(admin_gql, user_factory, where):
    payer, far_payer = make_payer(where["district"]), make_payer(where["other_district"], "Far fund")
    product = make_product("FPD", where["district"])
    far_product = make_product("FPF", where["other_district"])
    add(admin_gql, far_payer, far_product, receipt="far")
    user = restricted_client(user_factory, "districtuser", where["district"], [121801, 121803])
    before = row_counts()
    assert "Payer not found" in error_of(send(user, "addFunding", funding_input(far_payer, product)))
    assert "Product not found" in error_of(send(user, "addFunding", funding_input(payer, far_product)))
    assert row_counts() == before
    hidden = user("query ($id: ID!) { node(id: $id) { ... on FundingGQLType { receipt } } }",
                  {"id": relay_id("FundingGQLType", Funding.objects.get().id)})
    assert hidden["data"]["node"] is None
    add(user, payer, product)
    assert panel(user, payer)["totalCount"] == 1


# --- SQL query budget of the panel ---------------------------------------------------------------------


def _panel_cost(gql, payer) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        data = panel(gql, payer, first=100)
    return len(captured), len(data["edges"])


def test_the_fundings_panel_query_count_does_not_grow_with_rows(admin_gql, where):
    payer = make_payer(where["district"])
    user = User.objects.get(username="Admin")

    def fund(count, start):
        for number in range(start, start + count):
            Funding.objects.create(payer=payer, product=make_product(f"FQ{number:02d}"), amount=10,
                                   pay_date=YESTERDAY, receipt=f"R{number}", user_created=user,
                                   user_updated=user)

    fund(2, 0)
    small_count, small_rows = _panel_cost(admin_gql, payer)
    fund(10, 2)
    large_count, large_rows = _panel_cost(admin_gql, payer)
    assert (small_rows, large_rows) == (2, 12)
    assert small_count == large_count
    # caller, administrator role, the payer, the count, the page (products joined)
    assert large_count <= 5
