"""SQL statement counts of the location module's list queries, with what fe-location 1.8 selects.

Each query runs over a few rows and over many: it must cost the same number of SQL statements both times
(no N+1) and exactly its baseline in query_counts.json (openimis/testing/query_counts.py). The counts
include the fixed cost of the request (the caller's token, user and rights), as in
openimis/core/tests/test_query_counts.py.
"""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

import pytest

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
from openimis.testing.query_counts import LARGE, Baselines, check_list

BASELINES = Baselines(Path(__file__).with_name("query_counts.json"))
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


# name -> (operation, row factory, path to the rows, variables). What a count consists of: 1 statement
# loads the caller and whether they are an administrator, 2 count and fetch a page (with the locations,
# price lists and code lists joined), then one per prefetched relation the frontend reads (catchments, the
# pending mutation behind `clientMutationId`).
CASES = {
    "locations (regions)": (fetch_locations("R"), add_trees, ("locations", "edges"), None),
    "locationsAll (villages, 3 parents)": (fetch_available_locations(3), add_trees,
                                           ("locationsAll", "edges"), None),
    "locationsStr (villages, 3 parents)": (fetch_locations_str(3, "village"), add_trees,
                                           ("locationsStr", "edges"), None),
    "healthFacilities (searcher)": (fetch_health_facility_summaries(["first: 100"]), add_trees,
                                    ("healthFacilities", "edges"), None),
    "healthFacilities (form, with history)": (fetch_health_facility(code="dummy").replace(
        'code: "dummy",', ""), add_trees, ("healthFacilities", "edges"), None),
    "healthFacilitiesStr (picker)": (HEALTH_FACILITY_PICKER, add_trees, ("healthFacilities", "edges"),
                                     {"str": "", "district": [None]}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_location_list_query_count_does_not_grow_with_rows(name, admin_gql):
    query, add_rows, path, variables = CASES[name]
    home = make_tree("H", "Home")
    # more=1: the rows only have to grow (as before the shared harness)
    check_list(BASELINES, name, admin_gql, query, functools.partial(add_rows, home=home), path, variables,
               more=1)


# a user who is not an administrator: 1 more statement for their rights, 1 for their districts (read once
# per request; the row security then filters on their ids, with no join). Their baselines are recorded
# as "restricted: <name>" (a name may also be an administrator's case).
RESTRICTED_CASES = {
    "locations (villages of the district)": (lambda home: fetch_locations("V", home["municipality"].uuid),
                                             ("locations", "edges")),
    "healthFacilities (searcher)": (lambda home: fetch_health_facility_summaries(["first: 100"]),
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
    make_query, path = RESTRICTED_CASES[name]
    home = make_tree("H", "Home")
    add_trees(LARGE, home)  # what the user must not see
    client = restricted_client(user_factory, "restricted", home["district"],
                               [rights.LOCATION_SEARCH, rights.HEALTH_FACILITY_SEARCH])
    check_list(BASELINES, f"restricted: {name}", client, make_query(home),
               functools.partial(add_home_villages, home=home), path, more=1)
