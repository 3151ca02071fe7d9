"""Payers over the API, as the reference frontend (fe-payer 1.7) drives them: every operation it sends
validates and answers in the shape it reads; the rules of spec 10 (history on update, soft delete,
history rows frozen); rights; row security; every error path leaves the database unchanged."""

from __future__ import annotations

import base64
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openimis.core.models import MutationLog
from openimis.location.tests.helpers import restricted_client
from openimis.payer import rights as payer_rights
from openimis.payer.models import Payer, PayerMutation, PayerType
from openimis.payer.tests.helpers import (
    MUTATIONS,
    PAYER_QUERY,
    PAYERS_QUERY,
    payer_input,
    places,
    row_counts,
    send,
    status_of,
)

UNKNOWN_UUID = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def where(db):
    return places()


def error_of(client_mutation_id: str) -> str:
    log = MutationLog.objects.get(client_mutation_id=client_mutation_id)
    assert log.status == MutationLog.ERROR, (log.status, log.error)
    return json.dumps(json.loads(log.error))


def create(gql, location, **overrides) -> Payer:
    client_mutation_id = send(gql, "createPayer", payer_input(location, **overrides))
    assert status_of(client_mutation_id) == MutationLog.SUCCESS, error_of(client_mutation_id)
    return PayerMutation.objects.get(mutation__client_mutation_id=client_mutation_id).payer


def read(gql, uuid: str) -> dict | None:
    result = gql(PAYER_QUERY, {"uuid": uuid})
    assert "errors" not in result, result
    return result["data"]["payer"]


def form_values(gql, payer: Payer) -> dict:
    """What the payer page holds after loading the payer, as its `toInputValues` turns it into input."""
    node = read(gql, payer.uuid)
    return {"uuid": node["uuid"], "name": node["name"], "locationUuid": node["location"]["uuid"],
            "type": node["type"], "address": node["address"], "fax": node["fax"], "email": node["email"],
            "phone": node["phone"]}


def listed(gql, **variables) -> list[str]:
    result = gql(PAYERS_QUERY, {"first": 10, **variables})
    assert "errors" not in result, result
    data = result["data"]["payers"]
    assert data["totalCount"] == len(data["edges"])
    return sorted(edge["node"]["name"] for edge in data["edges"])


# --- reference data -----------------------------------------------------------------------------------


def test_the_payer_types_are_created_by_the_migration(db):
    assert [(kind.code, kind.payer_type) for kind in PayerType.objects.all()] == [
        ("C", "Co-operative"), ("D", "Donor"), ("G", "Government"), ("L", "Local Authority"),
        ("O", "Other"), ("P", "Private Organization")]


# --- queries the frontend sends -------------------------------------------------------------------------


def test_create_then_read_every_field_the_payer_page_reads(admin_gql, where):
    payer = create(admin_gql, where["district"])
    node = read(admin_gql, payer.uuid)
    assert base64.b64decode(node["id"]).decode() == f"PayerGQLType:{payer.id}"
    assert node == {
        "uuid": payer.uuid, "id": node["id"], "name": "Health Fund", "phone": "555-0100", "fax": "555-0101",
        "email": "fund@example.org", "type": "G", "address": "1 Main Street",
        "location": {"id": node["location"]["id"], "uuid": where["district"].uuid, "name": "Payer District",
                     "code": "PY1D1", "parent": {"id": node["location"]["parent"]["id"],
                                                 "uuid": where["region"].uuid, "name": "Payer Region",
                                                 "code": "PY1"}},
        "validityFrom": node["validityFrom"], "validityTo": None}
    assert node["validityFrom"]
    assert payer.audit_user_id != 0 and payer.legacy_id is None
    assert payer.mutations.get().mutation.client_mutation_label == "createPayer"
    # a payer of a region: the page shows the region, no district
    regional = read(admin_gql, create(admin_gql, where["region"], name="Regional fund").uuid)
    assert regional["location"]["code"] == "PY1" and regional["location"]["parent"] is None
    assert read(admin_gql, UNKNOWN_UUID) is None


def test_the_node_query_reaches_a_payer(admin_gql, where):
    payer = create(admin_gql, where["district"])
    node_id = base64.b64encode(f"PayerGQLType:{payer.id}".encode()).decode()
    result = admin_gql("query ($id: ID!) { node(id: $id) { ... on PayerGQLType { name type auditUserId "
                       "legacyId } } }", {"id": node_id})
    assert result["data"]["node"] == {"name": "Health Fund", "type": "G", "auditUserId": payer.audit_user_id,
                                      "legacyId": None}
    by_id = admin_gql("query ($id: ID) { payers(id: $id) { edges { node { uuid } } } }", {"id": node_id})
    assert by_id["data"]["payers"]["edges"] == [{"node": {"uuid": payer.uuid}}]


def test_payers_list_with_the_searchers_filters(admin_gql, where):
    create(admin_gql, where["region"], name="Regional fund", type="D", email="donor@example.org",
           phone="777", address="Hill road")
    create(admin_gql, where["district"], name="District fund", type="G", email="gov@example.org",
           phone="555-0100")
    create(admin_gql, where["other_district"], name="Faraway fund", type="P", email="private@example.com",
           phone="888")

    assert listed(admin_gql) == ["District fund", "Faraway fund", "Regional fund"]
    assert listed(admin_gql, name="district") == ["District fund"]
    assert listed(admin_gql, email=".com") == ["Faraway fund"]
    assert listed(admin_gql, phone="555") == ["District fund"]
    assert listed(admin_gql, type="D") == ["Regional fund"]
    # the region picker: the region's payers and those of its districts; the district picker: its own
    assert listed(admin_gql, location=where["region"].id) == ["District fund", "Regional fund"]
    assert listed(admin_gql, location=where["district"].id) == ["District fund"]
    assert listed(admin_gql, search="hill") == ["Regional fund"]
    assert listed(admin_gql, search="FUND") == ["District fund", "Faraway fund", "Regional fund"]
    assert listed(admin_gql, name="fund", type="P", location=where["other_region"].id) == ["Faraway fund"]

    # pages of the searcher (first/after, then last/before) and the picker (name, first 10)
    first = admin_gql(PAYERS_QUERY, {"first": 2})["data"]["payers"]
    assert first["totalCount"] == 3 and first["pageInfo"]["hasNextPage"] is True
    assert [edge["node"]["name"] for edge in first["edges"]] == ["District fund", "Faraway fund"]
    second = admin_gql(PAYERS_QUERY, {"first": 2, "after": first["pageInfo"]["endCursor"]})["data"]["payers"]
    assert [edge["node"]["name"] for edge in second["edges"]] == ["Regional fund"]
    back = admin_gql(PAYERS_QUERY, {"last": 2, "before": second["pageInfo"]["startCursor"]})["data"]["payers"]
    assert [edge["node"]["name"] for edge in back["edges"]] == ["District fund", "Faraway fund"]
    picker = admin_gql(PAYERS_QUERY, {"name": "reg", "first": 10})["data"]["payers"]["edges"]
    assert [(edge["node"]["name"], edge["node"]["type"], edge["node"]["location"]["code"])
            for edge in picker] == [("Regional fund", "D", "PY1")]
    ordered = admin_gql('{ payers(orderBy: ["-name"]) { edges { node { name } } } }')["data"]["payers"]
    assert [edge["node"]["name"] for edge in ordered["edges"]] == ["Regional fund", "Faraway fund",
                                                                   "District fund"]


# --- business rules ---------------------------------------------------------------------------------------


def test_update_keeps_history_and_the_uuid(admin_gql, where):
    payer = create(admin_gql, where["district"])
    values = form_values(admin_gql, payer)
    values.update(name="Health Fund II", type="L", locationUuid=where["region"].uuid, fax=None)
    client_mutation_id = send(admin_gql, "updatePayer", values)
    assert status_of(client_mutation_id) == MutationLog.SUCCESS, error_of(client_mutation_id)

    payer.refresh_from_db()
    history = Payer.objects.get(legacy_id=payer.id)
    assert (payer.name, payer.type_id, payer.location_id, payer.fax) == (
        "Health Fund II", "L", where["region"].id, None)  # an update is complete: the fax is cleared
    assert payer.validity_to is None and payer.validity_from == history.validity_to
    assert (history.name, history.type_id, history.location_id, history.fax) == (
        "Health Fund", "G", where["district"].id, "555-0101")
    assert history.uuid != payer.uuid and history.validity_to is not None
    assert PayerMutation.objects.filter(mutation__client_mutation_id=client_mutation_id, payer=payer).exists()

    # the page of the current uuid shows the new values; the history row is listed with showHistory
    assert read(admin_gql, payer.uuid)["name"] == "Health Fund II"
    assert listed(admin_gql) == ["Health Fund II"]
    result = admin_gql(PAYERS_QUERY, {"first": 10, "showHistory": True})["data"]["payers"]
    assert sorted((edge["node"]["name"], edge["node"]["validityTo"] is None) for edge in result["edges"]) == [
        ("Health Fund", False), ("Health Fund II", True)]
    assert read(admin_gql, history.uuid)["validityTo"] is not None  # the page opens it read-only


def test_delete_is_soft(admin_gql, where):
    payer = create(admin_gql, where["district"])
    other = create(admin_gql, where["district"], name="Other fund")
    client_mutation_id = send(admin_gql, "deletePayer", {"uuids": [payer.uuid]}, label="Delete payer")
    assert status_of(client_mutation_id) == MutationLog.SUCCESS, error_of(client_mutation_id)
    payer.refresh_from_db()
    assert payer.validity_to is not None and payer.validity_from == payer.validity_to
    assert Payer.objects.filter(legacy_id=payer.id).count() == 1
    assert listed(admin_gql) == ["Other fund"]
    assert read(admin_gql, payer.uuid)["validityTo"] is not None  # still readable, as history
    assert sorted(listed(admin_gql, showHistory=True)) == ["Health Fund", "Health Fund", "Other fund"]
    other.refresh_from_db()
    assert other.validity_to is None


def test_delete_of_several(admin_gql, where):
    first, second = create(admin_gql, where["district"]), create(admin_gql, where["region"], name="Second")
    client_mutation_id = send(admin_gql, "deletePayer", {"uuids": [first.uuid, second.uuid]})
    assert status_of(client_mutation_id) == MutationLog.SUCCESS, error_of(client_mutation_id)
    assert listed(admin_gql) == []
    assert PayerMutation.objects.filter(mutation__client_mutation_id=client_mutation_id).count() == 2


# --- error paths: a failed log, a clear message, nothing written -------------------------------------------


ERROR_CASES = {
    "blank name": ({"name": "  "}, "Payer name is mandatory"),
    "name too long": ({"name": "N" * 101}, "Payer name is longer than 100 characters"),
    "unknown type": ({"type": "X"}, "Unknown payer type: X"),
    "blank type": ({"type": ""}, "The payer type is mandatory"),
    "unknown location": ({"locationUuid": UNKNOWN_UUID}, "Unknown location"),
    "a village": ({"location": "village"}, "A payer belongs to a region or a district"),
    "bad e-mail": ({"email": "not an address"}, "not an address is not an e-mail address"),
    "phone too long": ({"phone": "5" * 51}, "Phone is longer than 50 characters"),
    "address too long": ({"address": "A" * 101}, "Address is longer than 100 characters"),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_create_errors_write_nothing(admin_gql, where, case):
    overrides, message = ERROR_CASES[case]
    overrides = dict(overrides)
    location = where[overrides.pop("location", "district")]
    before = row_counts()
    client_mutation_id = send(admin_gql, "createPayer", payer_input(location, **overrides))
    assert message in error_of(client_mutation_id)
    assert row_counts() == before


def test_a_missing_mandatory_input_is_refused_by_the_schema(admin_gql, where):
    values = payer_input(where["district"])
    del values["locationUuid"]
    before, logs = row_counts(), MutationLog.objects.count()
    result = admin_gql(MUTATIONS["createPayer"], {"input": {**values, "clientMutationId": "x"}})
    assert "locationUuid" in result["errors"][0]["message"]
    assert row_counts() == before and MutationLog.objects.count() == logs


def test_update_errors_write_nothing(admin_gql, where):
    payer = create(admin_gql, where["district"])
    values = form_values(admin_gql, payer)
    before = row_counts()
    for change, message in [({"name": ""}, "Payer name is mandatory"),
                            ({"type": "Z"}, "Unknown payer type: Z"),
                            ({"locationUuid": where["village"].uuid}, "region or a district"),
                            ({"uuid": UNKNOWN_UUID}, "Payer not found")]:
        client_mutation_id = send(admin_gql, "updatePayer", {**values, **change})
        assert message in error_of(client_mutation_id)
        assert row_counts() == before
    payer.refresh_from_db()
    assert payer.name == "Health Fund" and payer.validity_to is None


def test_history_rows_cannot_be_updated_or_deleted(admin_gql, where):
    payer = create(admin_gql, where["district"])
    values = form_values(admin_gql, payer)
    send(admin_gql, "updatePayer", {**values, "name": "Second"})
    history = Payer.objects.get(legacy_id=payer.id)
    before = row_counts()
    client_mutation_id = send(admin_gql, "updatePayer", {**values, "uuid": history.uuid, "name": "Third"})
    assert "cannot update historical data" in error_of(client_mutation_id)
    client_mutation_id = send(admin_gql, "deletePayer", {"uuids": [history.uuid]})
    assert "Payer is already deleted" in error_of(client_mutation_id)
    assert row_counts() == before
    history.refresh_from_db()
    assert history.name == "Health Fund"


def test_delete_of_several_rolls_back_when_one_fails(admin_gql, where):
    payer = create(admin_gql, where["district"])
    before = row_counts()
    client_mutation_id = send(admin_gql, "deletePayer", {"uuids": [payer.uuid, UNKNOWN_UUID]})
    assert "Payer not found" in error_of(client_mutation_id)
    assert row_counts() == before
    payer.refresh_from_db()
    assert payer.validity_to is None


# --- rights and row security ---------------------------------------------------------------------------


def test_the_module_declares_its_rights(admin_gql):
    result = admin_gql("{ modulesPermissions { modulePermsList { moduleName permissions { permsName "
                       "permsValue } } } }")
    modules = {module["moduleName"]: {p["permsName"]: p["permsValue"] for p in module["permissions"]}
               for module in result["data"]["modulesPermissions"]["modulePermsList"]}
    assert modules["payer"] == {"gql_query_payers_perms": 121801, "gql_mutation_payer_add_perms": 121802,
                                "gql_mutation_payer_update_perms": 121803,
                                "gql_mutation_payer_delete_perms": 121804}


def test_rights_are_checked(admin_gql, user_factory, where):
    payer = create(admin_gql, where["district"])
    values = form_values(admin_gql, payer)
    searcher = restricted_client(user_factory, "searcher", where["district"], [payer_rights.PAYER_SEARCH])
    assert listed(searcher) == ["Health Fund"]
    before = row_counts()
    for name, payload in [("createPayer", payer_input(where["district"])), ("updatePayer", values),
                          ("deletePayer", {"uuids": [payer.uuid]})]:
        refused = searcher(MUTATIONS[name], {"input": {**payload, "clientMutationId": "x"}})
        assert refused["errors"][0]["message"] == "unauthorized", name
    assert row_counts() == before

    nobody = restricted_client(user_factory, "nobody", where["district"], [])
    assert nobody(PAYERS_QUERY, {"first": 10})["errors"][0]["message"] == "unauthorized"
    assert nobody(PAYER_QUERY, {"uuid": payer.uuid})["errors"][0]["message"] == "unauthorized"


def test_edit_is_right_121803_as_the_frontend_checks_not_the_24_10_config_code(admin_gql, user_factory,
                                                                                 where):
    payer = create(admin_gql, where["district"])
    values = form_values(admin_gql, payer)
    quirk = restricted_client(user_factory, "quirk", where["district"], [121801, 122103])
    refused = quirk(MUTATIONS["updatePayer"], {"input": {**values, "clientMutationId": "x"}})
    assert refused["errors"][0]["message"] == "unauthorized"
    editor = restricted_client(user_factory, "editor", where["district"], [121801, 121803])
    client_mutation_id = send(editor, "updatePayer", {**values, "name": "Edited"})
    assert status_of(client_mutation_id) == MutationLog.SUCCESS, error_of(client_mutation_id)
    deleter = restricted_client(user_factory, "deleter", where["district"], [121801, 121804])
    client_mutation_id = send(deleter, "deletePayer", {"uuids": [payer.uuid]})
    assert status_of(client_mutation_id) == MutationLog.SUCCESS, error_of(client_mutation_id)
    adder = restricted_client(user_factory, "adder", where["district"], [121801, 121802])
    client_mutation_id = send(adder, "createPayer", payer_input(where["district"], name="Added"))
    assert status_of(client_mutation_id) == MutationLog.SUCCESS, error_of(client_mutation_id)


def _payers_everywhere(admin_gql, where) -> dict[str, Payer]:
    made = {name: create(admin_gql, where[name], name=name) for name in
            ("region", "district", "other_region", "other_district")}
    made["national"] = Payer.objects.create(name="national", type_id="O")  # no location (imported data)
    return made


def test_a_district_user_sees_the_payers_of_their_district_and_region(admin_gql, user_factory, where):
    made = _payers_everywhere(admin_gql, where)
    user = restricted_client(user_factory, "districtuser", where["district"],
                             [121801, 121802, 121803, 121804])
    assert listed(user) == ["district", "national", "region"]
    assert listed(user, showHistory=True) == ["district", "national", "region"]
    assert read(user, made["other_district"].uuid) is None
    assert read(user, made["region"].uuid)["name"] == "region"

    hidden = made["other_district"]
    before = row_counts()
    for name, payload in [("updatePayer", {**form_values(admin_gql, hidden), "name": "Taken over"}),
                          ("deletePayer", {"uuids": [hidden.uuid]})]:
        assert "Payer not found" in error_of(send(user, name, payload))
    # nor can they place a payer where they cannot see it
    client_mutation_id = send(user, "createPayer", payer_input(where["other_district"]))
    assert "Unknown location" in error_of(client_mutation_id)
    assert row_counts() == before
    client_mutation_id = send(user, "createPayer", payer_input(where["region"], name="mine"))
    assert status_of(client_mutation_id) == MutationLog.SUCCESS, error_of(client_mutation_id)


def test_without_row_security_a_user_sees_every_payer(admin_gql, user_factory, where, settings):
    _payers_everywhere(admin_gql, where)
    settings.ROW_SECURITY = False
    user = restricted_client(user_factory, "anywhere", where["district"], [121801, 121802])
    assert listed(user) == ["district", "national", "other_district", "other_region", "region"]
    client_mutation_id = send(user, "createPayer", payer_input(where["other_district"], name="far"))
    assert status_of(client_mutation_id) == MutationLog.SUCCESS, error_of(client_mutation_id)


# --- SQL query budget of the list --------------------------------------------------------------------


def _list_cost(gql) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        result = gql(PAYERS_QUERY, {"first": 100})
    assert "errors" not in result, result
    return len(captured), len(result["data"]["payers"]["edges"])


@pytest.mark.parametrize("restricted", [False, True], ids=["administrator", "district user"])
def test_payers_list_query_count_does_not_grow_with_rows(admin_gql, user_factory, where, restricted):
    client = (restricted_client(user_factory, "counted", where["district"], [121801]) if restricted
              else admin_gql)

    def add(count, start):
        for number in range(start, start + count):
            Payer.objects.create(name=f"Payer {number:02d}", type_id="G",
                                 location=where["district"] if number % 2 else where["region"])

    add(3, 0)
    small_count, small_rows = _list_cost(client)
    add(9, 3)
    large_count, large_rows = _list_cost(client)
    assert (small_rows, large_rows) == (3, 12)
    assert small_count == large_count
    # caller, administrator role, count, page (locations joined); a district user: their rights and their
    # districts too (read once per request)
    assert large_count <= (6 if restricted else 4)
