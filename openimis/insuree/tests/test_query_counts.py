"""SQL statement counts of the insuree module's list queries, with what fe-insuree 1.11 selects.

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
from openimis.testing.query_counts import LARGE, Baselines, check_list

BASELINES = Baselines(Path(__file__).with_name("query_counts.json"))
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


# name -> (query, row factory, path to the rows). What a count consists of: 1 statement loads the caller
# and whether they are an administrator, 1 reads the module configuration (hidden funding insurees), 2
# count and fetch a page with the shallowest relations joined (at most 6 joins a statement); each deeper
# relation beyond that is one more statement for the whole page (the full projections reach 3 levels of
# locations twice).
CASES = {
    "families (searcher)": (families_query(["first: 100"]), add_families, ("families", "edges")),
    "families (full projection)": (
        page_query("families", ["first: 100"], FAMILY_FULL, True),
        add_families,
        ("families", "edges"),
    ),
    "familyMembers": (None, add_members, ("familyMembers", "edges")),
    "insurees (searcher)": (insurees_query(["first: 100"]), add_families, ("insurees", "edges")),
    "insurees (picker, full projection)": (
        page_query("insurees", ["first: 100"], INSUREE_FULL, True),
        add_families,
        ("insurees", "edges"),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_insuree_list_query_count_does_not_grow_with_rows(name, admin_gql, settings, tmp_path):
    settings.PHOTO_ROOT_PATH = str(tmp_path)
    query, add_rows, path = CASES[name]
    home = places("QC")
    if query is None:  # the members of one family
        add_families(1, home)
        query = family_members(Family.objects.current().get().uuid).replace("first: 10", "first: 100")
    # more=1: the rows only have to grow (as before the shared harness)
    check_list(BASELINES, name, admin_gql, query, functools.partial(add_rows, home=home), path, more=1)


# a user who is not an administrator: 1 more statement for their rights, 1 for their districts (read once
# per request, never per row); their families page also prefetches one level of locations more (for the
# whole page). Their baselines are recorded as "restricted: <name>" (the names are also the
# administrator's cases).
RESTRICTED_CASES = {
    "families (searcher)": (families_query(["first: 100"]), ("families", "edges")),
    "insurees (searcher)": (insurees_query(["first: 100"]), ("insurees", "edges")),
}


@pytest.mark.parametrize("name", sorted(RESTRICTED_CASES))
def test_row_security_costs_no_query_per_row(name, user_factory, settings, tmp_path):
    settings.PHOTO_ROOT_PATH = str(tmp_path)
    query, path = RESTRICTED_CASES[name]
    home = places("QH")
    add_families(LARGE, places("QO"))  # what the user must not see
    client = restricted_client(
        user_factory, "restricted", home["district"], [rights.FAMILY_SEARCH, rights.INSUREE_SEARCH]
    )
    check_list(BASELINES, f"restricted: {name}", client, query, functools.partial(add_families, home=home),
               path, more=1)
