"""The health facility and claim administrator of a user: fe-core's `useUserQuery` right after login,
claim administrators created with their user, the health facility as a relay node."""

from __future__ import annotations

import base64
import datetime

import pytest
from django.test import Client

from openimis.claim.models import ClaimAdmin
from openimis.core import services
from openimis.core.models import InteractiveUser, User
from openimis.core.tests.helpers import (
    Enum,
    error_text,
    log_of,
    make_locations,
    make_role,
    mutate,
    row_counts,
)
from openimis.location.models import (
    HealthFacility,
    HealthFacilityCatchment,
    HealthFacilityLegalForm,
    HealthFacilitySubLevel,
    UserDistrict,
)
from openimis.medical_pricelist.models import ItemsPricelist, ServicesPricelist
from openimis.testing.client import PASSWORD, GraphQLClient

INTERACTIVE = Enum("INTERACTIVE")
CLAIM_ADMIN = Enum("CLAIM_ADMIN")

# sent by fe-core 1.11 right after login (fe-graphql-operations.md, section 1, item 10)
USE_USER_QUERY = """query useUserQuery { user {
  healthFacility { id uuid code name level servicesPricelist { id uuid } itemsPricelist { id uuid }
    contractStartDate contractEndDate
    location { id uuid code name type parent { id uuid code name type } } }
  id username rights email lastName otherNames phone
  iUser { id uuid language { code name } }
  claimAdmin { id code uuid }
  officer { id uuid code dob address location { id uuid code name parent { id uuid code name } } } } }"""

USERS_WITH_CLAIM_ADMIN = ('{ users(first: 10, orderBy: ["-username"], regionIds: []) { totalCount '
                          "edges { node { id username "
                          "claimAdmin { id code phone lastName otherNames emailId dob } "
                          "healthFacility { code } } } } }")


def relay_id(type_name: str, pk) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def all_row_counts() -> dict[str, int]:
    return {**row_counts(), "ClaimAdmin": ClaimAdmin.objects.count()}


@pytest.fixture
def places(db):
    return make_locations()


@pytest.fixture
def facility(places):
    services_list = ServicesPricelist.objects.create(name="Services list", location=places["region"],
                                                     pricelist_date=datetime.date(2024, 1, 1))
    items_list = ItemsPricelist.objects.create(name="Items list", location=places["district"],
                                               pricelist_date=datetime.date(2024, 1, 1))
    health_facility = HealthFacility.objects.create(
        code="HF001", name="District Hospital", legal_form_id="G", level="H", sub_level_id="R",
        location=places["district"], care_type="B", services_pricelist=services_list,
        items_pricelist=items_list, contract_start_date=datetime.date(2024, 1, 1),
        contract_end_date=datetime.date(2026, 12, 31))
    HealthFacilityCatchment.objects.create(health_facility=health_facility, location=places["villages"][0],
                                           catchment=80)
    return health_facility


@pytest.fixture
def clerk_role(db):
    return make_role("Clerk role", [101001])


def test_legal_forms_and_sub_levels_are_seeded(db):
    assert sorted(HealthFacilityLegalForm.objects.values_list("code", flat=True)) == ["C", "D", "G", "P"]
    assert sorted(HealthFacilitySubLevel.objects.values_list("code", flat=True)) == ["I", "N", "R"]


def test_use_user_query_for_admin(admin_gql):
    result = admin_gql(USE_USER_QUERY)
    assert "errors" not in result, result
    user = result["data"]["user"]
    assert user["username"] == "Admin"
    assert user["healthFacility"] is None
    assert user["claimAdmin"] is None
    assert user["officer"] is None
    assert user["iUser"]["language"]["code"] == "en"
    assert user["lastName"] == "Admin"


def test_use_user_query_for_a_user_of_a_health_facility(gql, facility, clerk_role, places):
    services.ensure_reference_data()
    services.create_user(None, {"username": "hfclerk", "last_name": "Clerk", "other_names": "Hf",
                                "language": "en", "password": PASSWORD, "user_types": ["INTERACTIVE"],
                                "roles": [clerk_role.id], "health_facility_id": facility.id})
    assert InteractiveUser.objects.current().get(login_name="hfclerk").health_facility == facility
    assert "errors" not in gql.login("hfclerk", PASSWORD)

    result = gql(USE_USER_QUERY)
    assert "errors" not in result, result
    health_facility = result["data"]["user"]["healthFacility"]
    assert health_facility["id"] == relay_id("HealthFacilityGQLType", facility.id)
    assert health_facility["uuid"] == facility.uuid
    assert (health_facility["code"], health_facility["name"], health_facility["level"]) == \
        ("HF001", "District Hospital", "H")
    assert (health_facility["contractStartDate"], health_facility["contractEndDate"]) == \
        ("2024-01-01", "2026-12-31")
    assert health_facility["servicesPricelist"] == {
        "id": relay_id("ServicesPricelistGQLType", facility.services_pricelist_id),
        "uuid": facility.services_pricelist.uuid}
    assert health_facility["itemsPricelist"]["uuid"] == facility.items_pricelist.uuid
    location = health_facility["location"]
    assert (location["code"], location["type"]) == ("R1D1", "D")
    assert (location["parent"]["code"], location["parent"]["type"]) == ("R1", "R")
    assert result["data"]["user"]["claimAdmin"] is None

    details = gql("{ user { iUser { healthFacilityId healthFacility { code status "
                  "legalForm { code legalForm } subLevel { code healthFacilitySubLevel } "
                  "careType offline auditUserId "
                  "catchments { catchment location { code } } } } } }")
    assert "errors" not in details, details
    i_user = details["data"]["user"]["iUser"]
    assert i_user["healthFacilityId"] == facility.id
    assert i_user["healthFacility"] == {
        "code": "HF001", "status": "AC", "legalForm": {"code": "G", "legalForm": "Government"},
        "subLevel": {"code": "R", "healthFacilitySubLevel": "Reference"}, "careType": "B", "offline": False,
        "auditUserId": 0, "catchments": [{"catchment": 80, "location": {"code": "R1D1M1V1"}}]}


def claim_admin_fields(role, **overrides) -> dict:
    fields = {"username": "cadmin", "lastName": "Admin", "otherNames": "Claim", "language": "en",
              "userTypes": [INTERACTIVE, CLAIM_ADMIN], "password": PASSWORD, "roles": [role.id],
              "phone": "555-0101", "email": "cadmin@example.org", "birthDate": "1980-02-03"}
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


def test_create_claim_admin_user(admin_gql, facility, clerk_role):
    mutate(admin_gql, "createUser", claim_admin_fields(clerk_role, healthFacilityId=facility.id), "ca1")
    assert log_of("ca1").status == 2, log_of("ca1").error

    user = User.objects.get(username="cadmin")
    claim_admin = user.claim_admin
    assert (claim_admin.code, claim_admin.last_name, claim_admin.other_names) == ("cadmin", "Admin", "Claim")
    assert (claim_admin.email_id, claim_admin.phone) == ("cadmin@example.org", "555-0101")
    assert claim_admin.dob == datetime.date(1980, 2, 3)
    assert claim_admin.health_facility == facility and claim_admin.has_login

    result = admin_gql(USERS_WITH_CLAIM_ADMIN)
    assert "errors" not in result, result
    nodes = {edge["node"]["username"]: edge["node"] for edge in result["data"]["users"]["edges"]}
    assert nodes["Admin"]["claimAdmin"] is None
    assert nodes["cadmin"]["claimAdmin"] == {
        "id": relay_id("ClaimAdminGQLType", claim_admin.id), "code": "cadmin", "phone": "555-0101",
        "lastName": "Admin", "otherNames": "Claim", "emailId": "cadmin@example.org", "dob": "1980-02-03"}
    assert nodes["cadmin"]["healthFacility"] == {"code": "HF001"}

    only_claim_admins = admin_gql("{ users(userTypes: [CLAIM_ADMIN]) { edges { node { username } } } }")
    assert [edge["node"]["username"] for edge in only_claim_admins["data"]["users"]["edges"]] == ["cadmin"]

    # the claim admin's login sees its health facility and claim administrator right after login
    own = GraphQLClient(Client())
    assert "errors" not in own.login("cadmin", PASSWORD)
    mine = own(USE_USER_QUERY)
    assert "errors" not in mine, mine
    assert mine["data"]["user"]["claimAdmin"] == {"id": relay_id("ClaimAdminGQLType", claim_admin.id),
                                                  "code": "cadmin", "uuid": claim_admin.uuid}


def test_update_claim_admin_user_keeps_history_and_delete_is_soft(admin_gql, facility, clerk_role):
    mutate(admin_gql, "createUser", claim_admin_fields(clerk_role, healthFacilityId=facility.id), "ca1")
    user = User.objects.get(username="cadmin")
    claim_admin_id = user.claim_admin_id

    mutate(admin_gql, "updateUser", claim_admin_fields(clerk_role, uuid=str(user.id), phone="555-0202",
                                                       healthFacilityId=facility.id), "ca2")
    assert log_of("ca2").status == 2, log_of("ca2").error
    current = ClaimAdmin.objects.current().get()
    assert current.id == claim_admin_id and current.phone == "555-0202"
    history = ClaimAdmin.objects.history_of(current).get()
    assert history.phone == "555-0101"

    mutate(admin_gql, "deleteUser", {"uuids": [str(user.id)]}, "ca3")
    assert log_of("ca3").status == 2, log_of("ca3").error
    assert not ClaimAdmin.objects.current().exists()
    assert ClaimAdmin.objects.get(id=claim_admin_id).validity_to is not None


@pytest.mark.parametrize(("case", "overrides", "expected"), [
    ("no-hf", {}, "Health facility is mandatory for a claim administrator"),
    ("unknown-hf", {"healthFacilityId": 999999}, "Unknown health facility: 999999"),
])
def test_claim_admin_without_health_facility_is_refused(admin_gql, facility, clerk_role, case, overrides,
                                                        expected):
    before = all_row_counts()
    mutate(admin_gql, "createUser", claim_admin_fields(clerk_role, **overrides), case)
    assert log_of(case).status == 1
    assert expected in error_text(case)
    assert all_row_counts() == before


def test_interactive_user_with_unknown_health_facility_is_refused(admin_gql, clerk_role):
    before = all_row_counts()
    mutate(admin_gql, "createUser", claim_admin_fields(clerk_role, userTypes=[INTERACTIVE],
                                                       healthFacilityId=424242), "bad-hf")
    assert "Unknown health facility: 424242" in error_text("bad-hf")
    assert all_row_counts() == before


def test_health_facility_node(admin_gql, user_factory, facility, places):
    query = ('query($id: ID!) { node(id: $id) { ... on HealthFacilityGQLType { code name '
             'location { code } legalForm { code } catchments { catchment } } } }')
    variables = {"id": relay_id("HealthFacilityGQLType", facility.id)}
    result = admin_gql(query, variables)
    assert "errors" not in result, result
    assert result["data"]["node"] == {"code": "HF001", "name": "District Hospital",
                                      "location": {"code": "R1D1"}, "legalForm": {"code": "G"},
                                      "catchments": [{"catchment": 80}]}

    user_factory("usersonly", [121701])
    other = GraphQLClient(Client())
    assert "errors" not in other.login("usersonly", PASSWORD)
    refused = other(query, variables)
    assert [error["message"] for error in refused["errors"]] == ["unauthorized"]
    assert refused["data"]["node"] is None

    reader_user = user_factory("hfreader", [121101])
    UserDistrict.objects.create(user_id=reader_user.i_user_id, location=places["district"])  # row security
    reader = GraphQLClient(Client())
    assert "errors" not in reader.login("hfreader", PASSWORD)
    assert reader(query, variables)["data"]["node"]["code"] == "HF001"


def test_health_facility_filters_through_relations(admin_gql, facility, places):
    """The nested connections take the openIMIS filters, `_Ne` and enum ones included."""
    query = ('query($id: ID!, $region: String) { node(id: $id) { ... on LocationGQLType { '
             'all: healthfacilitySet { totalCount edges { node { code } } } '
             'active: healthfacilitySet(status: AC, level: "H") { totalCount } '
             'inactive: healthfacilitySet(status: IN) { totalCount } '
             'notHere: healthfacilitySet(location_Code_Ne: "R1D1") { totalCount } '
             'byRegion: healthfacilitySet(location_Parent_Uuid_In: [$region]) { totalCount } '
             'servicespricelistSet { totalCount } } } }')
    result = admin_gql(query, {"id": relay_id("LocationGQLType", places["district"].id),
                               "region": places["region"].uuid})
    assert "errors" not in result, result
    node = result["data"]["node"]
    assert node["all"]["edges"] == [{"node": {"code": "HF001"}}]
    assert (node["active"]["totalCount"], node["inactive"]["totalCount"]) == (1, 0)
    assert (node["notHere"]["totalCount"], node["byRegion"]["totalCount"]) == (0, 1)
    assert node["servicespricelistSet"]["totalCount"] == 0  # the services list belongs to the region
