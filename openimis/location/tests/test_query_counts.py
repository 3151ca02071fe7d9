"""SQL query budgets of the location module's list queries, with what fe-location 1.8 selects.

Each query runs over a few rows and over many: it must cost the same number of SQL queries both times
(no N+1) and stay within its budget. The counts include the fixed cost of the request (the caller's token,
user and rights), as in tests/test_query_counts.py.
"""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openimis.location import rights
from openimis.location.models import Location
from openimis.location.tests.helpers import (
    HEALTH_FACILITY_PICKER,
    fetch_available_locations,
    fetch_health_facility,
    fetch_health_facility_summaries,
    fetch_locations,
    fetch_locations_str,
    make_facility,
    make_tree,
    restricted_client,
)

SMALL, LARGE = 2, 8
_sequence = itertools.count(1)


def add_trees(count: int, home: dict) -> None:
    """Regions with a district, a municipality, two villages and a facility (with a catchment) each."""
    for _ in range(count):
        number = next(_sequence)
        tree = make_tree(f"Q{number}", f"Tree {number}")
        make_facility(f"QHF{number}", tree["district"], tree["villages"][0])


def add_home_facilities(count: int, home: dict) -> None:
    """Facilities in the restricted user's own district, each with two catchment villages."""
    for _ in range(count):
        number = next(_sequence)
        facility = make_facility(f"HHF{number}", home["district"], home["villages"][0])
        make_facility(f"HHX{number}", home["district"])  # a second one without catchment
        facility.catchments.create(location=home["villages"][1], catchment=10)


# name -> (operation, row factory, budget, path to the rows, variables). The budgets are the counts measured
# when written: 1 query loads the caller, 1 checks the administrator role, 2 count and fetch a page (with
# the locations, price lists and code lists joined), then one per prefetched relation the frontend reads
# (catchments, the pending mutation behind `clientMutationId`).
CASES = {
    "locations (regions)": (fetch_locations("R"), add_trees, 5, ("locations", "edges"), None),
    "locationsAll (villages, 3 parents)": (fetch_available_locations(3), add_trees, 4,
                                           ("locationsAll", "edges"), None),
    "locationsStr (villages, 3 parents)": (fetch_locations_str(3, "village"), add_trees, 4,
                                           ("locationsStr", "edges"), None),
    "healthFacilities (searcher)": (fetch_health_facility_summaries(["first: 100"]), add_trees, 5,
                                    ("healthFacilities", "edges"), None),
    "healthFacilities (form, with history)": (fetch_health_facility(code="dummy").replace(
        'code: "dummy",', ""), add_trees, 5, ("healthFacilities", "edges"), None),
    "healthFacilitiesStr (picker)": (HEALTH_FACILITY_PICKER, add_trees, 4, ("healthFacilities", "edges"),
                                     {"str": "", "district": [None]}),
}


def _rows(data, path) -> list:
    for key in path:
        data = data[key]
    return data


def _measure(client, query: str, path, variables) -> tuple[int, int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        result = client(query, variables)
    assert "errors" not in result, result["errors"]
    return len(captured), len(_rows(result["data"], path)), [entry["sql"] for entry in captured]


def _check(name, client, query, add_rows, budget, path, variables, home):
    add_rows(SMALL, home)
    small_count, small_rows, _ = _measure(client, query, path, variables)
    add_rows(LARGE - SMALL, home)
    large_count, large_rows, large_sql = _measure(client, query, path, variables)
    assert large_rows > small_rows, (small_rows, large_rows)
    assert small_count == large_count, (
        f"{name}: {small_count} SQL queries for {small_rows} rows, {large_count} for {large_rows}:\n"
        + "\n".join(large_sql))
    assert large_count <= budget, (f"{name}: {large_count} SQL queries, budget {budget}:\n"
                                   + "\n".join(large_sql))


@pytest.mark.parametrize("name", sorted(CASES))
def test_location_list_query_count_does_not_grow_with_rows(name, admin_gql):
    query, add_rows, budget, path, variables = CASES[name]
    home = make_tree("H", "Home")
    _check(name, admin_gql, query, add_rows, budget, path, variables, home)


# a user who is not an administrator: 1 more query for their rights, 1 for their districts (read once
# per request; the row security then filters on their ids, with no join)
RESTRICTED_CASES = {
    "locations (villages of the district)": (lambda home: fetch_locations("V", home["municipality"].uuid),
                                             7, ("locations", "edges")),
    "healthFacilities (searcher)": (lambda home: fetch_health_facility_summaries(["first: 100"]), 7,
                                    ("healthFacilities", "edges")),
}


def add_home_villages(count: int, home: dict) -> None:
    for _ in range(count):
        number = next(_sequence)
        Location.objects.create(code=f"HV{number}", name=f"Village {number}", type="V",
                                parent=home["municipality"])
    add_home_facilities(count, home)


@pytest.mark.parametrize("name", sorted(RESTRICTED_CASES))
def test_row_security_costs_no_query_per_row(name, user_factory, db):
    make_query, budget, path = RESTRICTED_CASES[name]
    home = make_tree("H", "Home")
    add_trees(LARGE, home)  # what the user must not see
    client = restricted_client(user_factory, "restricted", home["district"],
                               [rights.LOCATION_SEARCH, rights.HEALTH_FACILITY_SEARCH])
    _check(name, client, make_query(home), add_home_villages, budget, path, None, home)
