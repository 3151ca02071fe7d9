"""SQL statement counts of the foundation's list queries.

Each list query selects what the reference frontend reads (fe-graphql-operations.md, sections 1 and
13), is run over 3 rows and over 12 rows, and must cost the same number of SQL statements both times
(no N+1) and exactly its baseline in query_counts.json (openimis/testing/query_counts.py). The counts
include the fixed cost of the request (the caller's token, user and rights).
"""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

import pytest

from openimis.core import services
from openimis.core.models import FieldControl, Language, ModuleConfiguration, MutationLog, User, UserMutation
from openimis.core.tests.helpers import make_role
from openimis.location.models import HealthFacility, Location
from openimis.testing.query_counts import Baselines, check_list

BASELINES = Baselines(Path(__file__).with_name("query_counts.json"))
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

# name -> (operation, row factory, path to the rows). What a count consists of: 1 statement loads the
# caller with their interactive user and whether they are an administrator (an EXISTS, for the
# rights-checked fields; moduleConfigurations needs no caller), 2 count and fetch a page (1 fetches an
# unpaged list), then one per prefetched relation.
CASES = {
    "users": (USER_LIST, add_users, ("users", "edges")),
    "usersByRegion": ('users(first: 100, orderBy: ["-username"], regionIds: []) { totalCount edges { node { '
                      "id username officer { id dob phone lastName otherNames email } "
                      "iUser { id phone lastName otherNames email roles { id name } } "
                      "claimAdmin { id phone lastName otherNames emailId dob } clientMutationId } } }",
                      add_users, ("users", "edges")),
    "interactiveUsers": ("interactiveUsers(first: 100) { totalCount edges { node { id uuid loginName "
                         "lastName otherNames phone email languageId language { code name } "
                         "roles { id name isSystem } userdistrictSet { location { id code name } } } } }",
                         add_users, ("interactiveUsers", "edges")),
    # role: the current rights of every listed role come in one prefetch, selected or not
    "role": ('role(first: 100, orderBy: ["name"]) { totalCount edges { node { id uuid name altLanguage '
             "isSystem isBlocked validityFrom validityTo } } }", add_roles, ("role", "edges")),
    "roleRight": ("roleRight(first: 100) { totalCount edges { node { id rightId role { id uuid name } } } }",
                  add_roles, ("roleRight", "edges")),
    "mutationLogs": ('mutationLogs(first: 100, orderBy: "-request_date_time") { totalCount pageInfo { '
                     "hasNextPage endCursor } edges { node { id status error clientMutationId "
                     "clientMutationLabel clientMutationDetails requestDateTime jsonExt autogeneratedCode "
                     "jsonContent users { coreUser { id } } } } }",
                     add_mutation_logs, ("mutationLogs", "edges")),
    "enrolmentOfficers": ("enrolmentOfficers(first: 100) { totalCount edges { node { id uuid code lastName "
                          "otherNames dob phone location { id code name } } } }",
                          add_users, ("enrolmentOfficers", "edges")),
    "languages": ("languages { name code }", add_languages, ("languages",)),
    "moduleConfigurations": ("moduleConfigurations { module config controls { field usage } }",
                             add_module_configurations, ("moduleConfigurations",)),
    "userDistricts": ("userDistricts { id uuid code name parent { id uuid code name } }",
                      add_districts, ("userDistricts",)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_list_query_count_does_not_grow_with_rows(name, admin_gql, places):
    query, add_rows, path = CASES[name]
    check_list(BASELINES, name, admin_gql, "{ " + query + " }", functools.partial(add_rows, places=places),
               path)
