"""ROW_SECURITY (specification 1.7): on by default, a user who is not an administrator sees the rows of
their districts only; switched off, the same user sees every row their rights let them list. One rule
(`location.selectors.sees_every_location`), asked by every module that filters by district."""

from __future__ import annotations

import pytest

from openimis.location import rights as location_rights
from openimis.location.tests.helpers import (
    USER_DISTRICTS,
    fetch_health_facility_summaries,
    fetch_locations,
    make_facility,
    make_price_lists,
    make_tree,
    nodes,
    restricted_client,
)
from openimis.medical_pricelist import rights as pricelist_rights
from openimis.product import rights as product_rights
from openimis.product.tests.test_product import create as create_product

RIGHTS = [location_rights.LOCATION_SEARCH, location_rights.HEALTH_FACILITY_SEARCH,
          pricelist_rights.SERVICES_PRICELIST_SEARCH, product_rights.PRODUCT_SEARCH]
PRICE_LISTS = "{ servicesPricelists(first: 10) { edges { node { name location { code } } } } }"
PRODUCTS = "{ products(first: 10) { edges { node { code } } } }"


@pytest.fixture
def places(admin_gql):
    north, south = make_tree("N", "North"), make_tree("S", "South")
    make_facility("HFN", north["district"])
    make_facility("HFS", south["district"])
    make_price_lists(north["region"])
    make_price_lists(south["region"], suffix=" South")
    create_product(admin_gql, code="PN", locationUuid=north["district"].uuid)
    create_product(admin_gql, code="PS", locationUuid=south["district"].uuid)
    return {"north": north, "south": south}


def what_a_northern_user_sees(user_factory, places) -> dict[str, list[str]]:
    client = restricted_client(user_factory, "northern", places["north"]["district"], RIGHTS)
    return {
        "regions": [node["code"] for node in nodes(client(fetch_locations("R")), "locations")],
        "districts": [district["code"] for district in client(USER_DISTRICTS)["data"]["userDistricts"]],
        "facilities": [node["code"] for node in
                       nodes(client(fetch_health_facility_summaries(["first: 10"])), "healthFacilities")],
        "price lists": sorted(node["location"]["code"] for node in
                              nodes(client(PRICE_LISTS), "servicesPricelists")),
        "products": sorted(node["code"] for node in nodes(client(PRODUCTS), "products")),
    }


def test_row_security_is_on_by_default(user_factory, places, settings):
    assert settings.ROW_SECURITY is True
    assert what_a_northern_user_sees(user_factory, places) == {
        "regions": ["N"], "districts": ["ND"], "facilities": ["HFN"], "price lists": ["N"],
        "products": ["PN"]}


def test_without_row_security_a_user_sees_every_row_of_their_rights(user_factory, places, settings):
    settings.ROW_SECURITY = False
    assert what_a_northern_user_sees(user_factory, places) == {
        "regions": ["N", "S"], "districts": ["ND", "SD"], "facilities": ["HFN", "HFS"],
        "price lists": ["N", "S"], "products": ["PN", "PS"]}


def test_without_row_security_rights_are_still_checked(user_factory, places, settings):
    settings.ROW_SECURITY = False
    client = restricted_client(user_factory, "norights", places["north"]["district"], [])
    assert client(PRODUCTS)["errors"][0]["message"] == "unauthorized"


def test_the_environment_variable_switches_it(monkeypatch):
    from openimis.environment import load_environment

    monkeypatch.setenv("ROW_SECURITY", "false")
    assert load_environment().row_security is False
    monkeypatch.setenv("ROW_SECURITY", "True")
    assert load_environment().row_security is True
