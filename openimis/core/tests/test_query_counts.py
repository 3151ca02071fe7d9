"""SQL query budgets of the foundation's list queries.

Each list query selects what the reference frontend reads (fe-graphql-operations.md, sections 1 and
13), is run over 3 rows and over 12 rows, and must cost the same number of SQL queries both times
(no N+1) and stay within its budget. The counts include the fixed cost of the request (the caller's
token, user and rights).
"""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openimis.core import services
from openimis.core.models import FieldControl, Language, ModuleConfiguration, MutationLog, User, UserMutation
from openimis.core.tests.helpers import make_role
from openimis.location.models import HealthFacility, Location

SMALL, LARGE = 3, 12
_sequence = itertools.count(1)


@pytest.fixture
def places(db):
    region = Location.objects.create(code="QR", name="Region", type="R")
    district = Location.objects.create(code="QRD", name="District", type="D", parent=region)
    municipality = Location.objects.create(code="QRDM", name="Municipality", type="W", parent=district)
    village = Location.objects.create(code="QRDMV", name="Village", type="V", parent=municipality)
    facility = HealthFacility.objects.create(code="QHF", name="Facility", legal_form_id="G", level="H",
                                             location=district, care_type="B")
    return {"region": region, "district": district, "village": village, "facility": facility}


def add_users(count: int, places) -> None:
    """Users that are interactive users (two roles, a district), enrolment officers and claim
    administrators."""
    for _ in range(count):
        number = next(_sequence)
        roles = [make_role(f"Role {number}a", [121701]).id, make_role(f"Role {number}b", [122001]).id]
        user = services.create_user(None, {
            "username": f"user{number}", "last_name": f"Last{number}", "other_names": f"Other{number}",
            "email": f"user{number}@example.org", "phone": f"555-{number}", "language": "en",
            "user_types": ["INTERACTIVE", "OFFICER", "CLAIM_ADMIN"], "roles": roles,
            "birth_date": "1980-01-01", "health_facility_id": places["facility"].id,
            "districts": [places["district"].id], "location_id": places["district"].id,
            "village_ids": [places["village"].id]})
        log = MutationLog.objects.create(json_content="{}", client_mutation_id=f"cm-{number}",
                                         client_mutation_label="Create user")
        UserMutation.objects.create(core_user=user, mutation=log)


def add_roles(count: int, places) -> None:
    for _ in range(count):
        number = next(_sequence)
        make_role(f"Role {number}", [121701, 121702, 122001])


def add_mutation_logs(count: int, places) -> None:
    admin = User.objects.get(username="Admin")
    for _ in range(count):
        number = next(_sequence)
        log = MutationLog.objects.create(json_content="{}", user=admin, client_mutation_id=f"log-{number}",
                                         client_mutation_label=f"Log {number}", status=MutationLog.SUCCESS)
        UserMutation.objects.create(core_user=admin, mutation=log)


def add_languages(count: int, places) -> None:
    for _ in range(count):
        number = next(_sequence)
        Language.objects.create(code=f"l{number}", name=f"Language {number}", sort_order=100 + number)


def add_module_configurations(count: int, places) -> None:
    for _ in range(count):
        number = next(_sequence)
        configuration = ModuleConfiguration.objects.create(module=f"fe-module{number}", layer="fe",
                                                           config="{}", is_exposed=True)
        FieldControl.objects.bulk_create(FieldControl(module=configuration, field=f"field{i}", usage=1)
                                         for i in range(2))


def add_districts(count: int, places) -> None:
    for _ in range(count):
        number = next(_sequence)
        region = Location.objects.create(code=f"R{number}", name=f"Region {number}", type="R")
        Location.objects.create(code=f"D{number}", name=f"District {number}", type="D", parent=region)


USER_LIST = ("users(first: 100) { totalCount edges { node { id username clientMutationId "
             "officer { id dob phone lastName otherNames email } "
             "iUser { id phone lastName otherNames email roles { id name } } "
             "claimAdmin { id phone lastName otherNames emailId dob } healthFacility { id code name } } } }")

# name -> (operation, row factory, budget of SQL queries, path to the rows). The budgets are the counts
# measured when written: 1 query loads the caller, 1 checks the administrator role (rights-checked
# fields), 2 count and fetch a page, then one per prefetched relation.
CASES = {
    "users": (USER_LIST, add_users, 8, ("users", "edges")),
    "usersByRegion": ('users(first: 100, orderBy: ["-username"], regionIds: []) { totalCount edges { node { '
                      "id username officer { id dob phone lastName otherNames email } "
                      "iUser { id phone lastName otherNames email roles { id name } } "
                      "claimAdmin { id phone lastName otherNames emailId dob } clientMutationId } } }",
                      add_users, 8, ("users", "edges")),
    "interactiveUsers": ("interactiveUsers(first: 100) { totalCount edges { node { id uuid loginName "
                         "lastName otherNames phone email languageId language { code name } "
                         "roles { id name isSystem } userdistrictSet { location { id code name } } } } }",
                         add_users, 8, ("interactiveUsers", "edges")),
    # role: the current rights of every listed role come in one prefetch, selected or not
    "role": ('role(first: 100, orderBy: ["name"]) { totalCount edges { node { id uuid name altLanguage '
             "isSystem isBlocked validityFrom validityTo } } }", add_roles, 5, ("role", "edges")),
    "roleRight": ("roleRight(first: 100) { totalCount edges { node { id rightId role { id uuid name } } } }",
                  add_roles, 4, ("roleRight", "edges")),
    "mutationLogs": ('mutationLogs(first: 100, orderBy: "-request_date_time") { totalCount pageInfo { '
                     "hasNextPage endCursor } edges { node { id status error clientMutationId "
                     "clientMutationLabel clientMutationDetails requestDateTime jsonExt autogeneratedCode "
                     "jsonContent users { coreUser { id } } } } }",
                     add_mutation_logs, 6, ("mutationLogs", "edges")),
    "enrolmentOfficers": ("enrolmentOfficers(first: 100) { totalCount edges { node { id uuid code lastName "
                          "otherNames dob phone location { id code name } } } }",
                          add_users, 4, ("enrolmentOfficers", "edges")),
    "languages": ("languages { name code }", add_languages, 2, ("languages",)),
    "moduleConfigurations": ("moduleConfigurations { module config controls { field usage } }",
                             add_module_configurations, 2, ("moduleConfigurations",)),
    "userDistricts": ("userDistricts { id uuid code name parent { id uuid code name } }",
                      add_districts, 3, ("userDistricts",)),
}


def _rows(data, path) -> list:
    for key in path:
        data = data[key]
    return data


def _measure(admin_gql, query: str, path) -> tuple[int, int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        result = admin_gql("{ " + query + " }")
    assert "errors" not in result, result["errors"]
    return len(captured), len(_rows(result["data"], path)), [entry["sql"] for entry in captured]


@pytest.mark.parametrize("name", sorted(CASES))
def test_list_query_count_does_not_grow_with_rows(name, admin_gql, places):
    query, add_rows, budget, path = CASES[name]
    add_rows(SMALL, places)
    small_count, small_rows, small_sql = _measure(admin_gql, query, path)
    add_rows(LARGE - SMALL, places)
    large_count, large_rows, large_sql = _measure(admin_gql, query, path)
    assert large_rows >= small_rows + (LARGE - SMALL), (small_rows, large_rows)
    assert small_count == large_count, (
        f"{name}: {small_count} SQL queries for {small_rows} rows, {large_count} for {large_rows}:\n"
        + "\n".join(large_sql))
    assert large_count <= budget, (f"{name}: {large_count} SQL queries, budget {budget}:\n"
                                   + "\n".join(large_sql))
