"""SQL query budgets of the insuree module's list queries, with what fe-insuree 1.11 selects.

Each query runs over a few rows and over many: it must cost the same number of SQL queries both times
(no N+1) and stay within its budget. The counts include the fixed cost of the request (the caller's token,
user and rights), as in tests/test_query_counts.py.
"""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openimis.insuree import family_services, rights, services
from openimis.insuree.models import Family
from openimis.insuree.tests.helpers import (
    FAMILY_FULL,
    INSUREE_FULL,
    families_query,
    family_members,
    insurees_query,
    places,
)
from openimis.location.tests.helpers import page_query, restricted_client

SMALL, LARGE = 2, 8
_sequence = itertools.count(1)


def _person(**overrides) -> dict:
    number = next(_sequence)
    return {
        "chf_id": f"9{number:08d}",
        "last_name": f"Last{number}",
        "other_names": "Other",
        "gender_id": "F",
        "dob": "1990-01-01",
        **overrides,
    }


def add_families(count: int, home: dict) -> None:
    """Families in the home district, each with a head (photo, health facility) and one more member."""
    village = home["villages"][0]
    for _ in range(count):
        family = family_services.create_family(
            None,
            {
                "location_id": village.id,
                "family_type_id": "H",
                "confirmation_type_id": "A",
                "head_insuree": _person(
                    current_village_id=village.id,
                    health_facility_id=home["facility"].id,
                    photo={"photo": "aGVsbG8=", "date": "2024-01-01"},
                ),
            },
        )
        services.create_insuree(None, {**_person(gender_id="M", education_id=1), "family_id": family.id})


def add_members(count: int, home: dict) -> None:
    family = home.setdefault("family", None) or Family.objects.current().order_by("id").first()
    home["family"] = family
    for _ in range(count):
        services.create_insuree(None, {**_person(), "family_id": family.id})


def _rows(data, path) -> list:
    for key in path:
        data = data[key]
    return data


def _measure(client, query: str, path) -> tuple[int, int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        result = client(query)
    assert "errors" not in result, result["errors"]
    return len(captured), len(_rows(result["data"], path)), [entry["sql"] for entry in captured]


def _check(name, client, query, add_rows, budget, path, home):
    add_rows(SMALL, home)
    small_count, small_rows, _ = _measure(client, query, path)
    add_rows(LARGE - SMALL, home)
    large_count, large_rows, large_sql = _measure(client, query, path)
    assert large_rows > small_rows, (small_rows, large_rows)
    assert small_count == large_count, (
        f"{name}: {small_count} SQL queries for {small_rows} rows, {large_count} for {large_rows}:\n"
        + "\n".join(large_sql)
    )
    assert large_count <= budget, f"{name}: {large_count} SQL queries, budget {budget}:\n" + "\n".join(
        large_sql
    )


# name -> (query, row factory, budget, path to the rows). 1 query loads the caller, 1 checks the
# administrator role, 1 reads the module configuration (hidden funding insurees), 2 count and fetch a page
# with the shallowest relations joined (at most 6 joins a statement); each deeper relation beyond that is
# one more query for the whole page (the full projections reach 3 levels of locations twice).
CASES = {
    "families (searcher)": (families_query(["first: 100"]), add_families, 6, ("families", "edges")),
    "families (full projection)": (
        page_query("families", ["first: 100"], FAMILY_FULL, True),
        add_families,
        10,
        ("families", "edges"),
    ),
    "familyMembers": (None, add_members, 7, ("familyMembers", "edges")),
    "insurees (searcher)": (insurees_query(["first: 100"]), add_families, 7, ("insurees", "edges")),
    "insurees (picker, full projection)": (
        page_query("insurees", ["first: 100"], INSUREE_FULL, True),
        add_families,
        14,
        ("insurees", "edges"),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_insuree_list_query_count_does_not_grow_with_rows(name, admin_gql, settings, tmp_path):
    settings.PHOTO_ROOT_PATH = str(tmp_path)
    query, add_rows, budget, path = CASES[name]
    home = places("QC")
    if query is None:  # the members of one family
        add_families(1, home)
        query = family_members(Family.objects.current().get().uuid).replace("first: 10", "first: 100")
    _check(name, admin_gql, query, add_rows, budget, path, home)


RESTRICTED_CASES = {
    "families (searcher)": (families_query(["first: 100"]), 8, ("families", "edges")),
    "insurees (searcher)": (insurees_query(["first: 100"]), 9, ("insurees", "edges")),
}


@pytest.mark.parametrize("name", sorted(RESTRICTED_CASES))
def test_row_security_costs_no_query_per_row(name, user_factory, settings, tmp_path):
    settings.PHOTO_ROOT_PATH = str(tmp_path)
    query, budget, path = RESTRICTED_CASES[name]
    home = places("QH")
    add_families(LARGE, places("QO"))  # what the user must not see
    client = restricted_client(
        user_factory, "restricted", home["district"], [rights.FAMILY_SEARCH, rights.INSUREE_SEARCH]
    )
    _check(name, client, query, add_families, budget, path, home)
