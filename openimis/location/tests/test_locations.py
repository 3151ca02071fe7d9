"""The location tree through the API, as fe-location 1.8 uses it: the Locations page (one list per level),
the pickers, code validation, create / update (history) / delete / move, rights and row security."""

from __future__ import annotations

import pytest
from graphql import parse, validate

from openimis.core import services as core_services
from openimis.core.models import MutationLog
from openimis.graphql.schema import schema
from openimis.location import rights
from openimis.location.models import Location, LocationMutation, OfficerVillage, UserDistrict
from openimis.location.tests.helpers import (
    FETCH_ALL_REGIONS,
    HEALTH_FACILITY_PICKER,
    HEALTH_FACILITY_REFER_PICKER,
    USER_DISTRICTS,
    VALIDATE_HEALTH_FACILITY_CODE,
    VALIDATE_LOCATION_CODE,
    assert_success,
    error_of,
    fe_mutation,
    fetch_available_locations,
    fetch_health_facility,
    fetch_health_facility_full_path,
    fetch_health_facility_summaries,
    fetch_locations,
    fetch_locations_by_uuids,
    fetch_locations_str,
    fetch_parent_locations_str,
    health_facility_input,
    location_input,
    location_row_counts,
    make_facility,
    make_tree,
    nodes,
    relay_id,
    restricted_client,
    run_mutation,
)

ALL_LOCATION_RIGHTS = [
    rights.LOCATION_SEARCH,
    rights.LOCATION_ADD,
    rights.LOCATION_EDIT,
    rights.LOCATION_DELETE,
    rights.LOCATION_MOVE,
]


@pytest.fixture
def trees(db):
    return {"north": make_tree("N", "North"), "south": make_tree("S", "South")}


# --- the frontend's operations validate against our schema ------------------------------------

FRONTEND_OPERATIONS = {
    "locations page, regions": fetch_locations("R"),
    "locations page, children": fetch_locations("D", "some-uuid"),
    "all regions": FETCH_ALL_REGIONS,
    "locationsStr (picker)": fetch_locations_str(3, "vil", extra_filter='parent_Parent_Uuid: "x"'),
    "locationsStr (parents)": fetch_parent_locations_str(2, ["a", "b"], "m"),
    "locationsStr (uuids)": fetch_locations_by_uuids(["a", "b"]),
    "locationsAll": fetch_available_locations(3),
    "userDistricts": USER_DISTRICTS,
    "validateLocationCode": VALIDATE_LOCATION_CODE,
    "validateHealthFacilityCode": VALIDATE_HEALTH_FACILITY_CODE,
    "health facility searcher": fetch_health_facility_summaries(
        [
            "first: 10",
            'code_Icontains: "H"',
            'name_Icontains: "x"',
            'phone_Icontains: "1"',
            'fax_Icontains: "1"',
            'email_Icontains: "@"',
            'location_Uuid: "u"',
            'location_Parent_Uuid: "r"',
            'legalForm_Code: "G"',
            'level: "H"',
            'careType: "B"',
            "showHistory: true",
            'orderBy: ["code"]',
        ]
    ),
    "health facility form": fetch_health_facility("some-uuid"),
    "health facility form by code": fetch_health_facility(code="HF1"),
    "health facility full path": fetch_health_facility_full_path(1),
    "health facility picker": HEALTH_FACILITY_PICKER,
    "health facility refer picker": HEALTH_FACILITY_REFER_PICKER,
    "createLocation": fe_mutation("createLocation", location_input("R9", "Region", "R", malePopulation=3))[0],
    "updateLocation": fe_mutation("updateLocation", location_input("R9D", "D", "D", "p", "u", families=2))[0],
    "deleteLocation": fe_mutation("deleteLocation", 'uuid: "u"\n code: "R9"\n newParentUuid: "p"')[0],
    "moveLocation": fe_mutation("moveLocation", 'uuid: "u"\n newParentUuid: "p"')[0],
    "createHealthFacility": fe_mutation(
        "createHealthFacility",
        health_facility_input(
            "HF9",
            "Facility",
            3,
            accCode="A1",
            subLevelId="R",
            address="Main street",
            phone="1",
            fax="2",
            email="a@b.c",
            servicesPricelistId=1,
            itemsPricelistId=2,
            contractStartDate="2024-01-01",
            contractEndDate="2025-01-01",
            status="AC",
            catchments=[(None, 7, 80), (4, 8, 20)],
        ),
    )[0],
    "updateHealthFacility": fe_mutation(
        "updateHealthFacility", health_facility_input("HF9", "Facility", 3, facility_uuid="u")
    )[0],
    "deleteHealthFacility": fe_mutation("deleteHealthFacility", 'uuid: "u"\n code: "HF9"')[0],
}


@pytest.mark.parametrize("name", sorted(FRONTEND_OPERATIONS))
def test_frontend_operation_validates_against_our_schema(name):
    errors = validate(schema.graphql_schema, parse(FRONTEND_OPERATIONS[name]))
    assert errors == [], [error.message for error in errors]


# --- reading the tree ------------------------------------------------------------------------


def test_locations_page_lists_each_level(admin_gql, trees):
    north = trees["north"]
    regions = nodes(admin_gql(fetch_locations("R")), "locations")
    assert [region["code"] for region in regions] == ["N", "S"]
    assert set(regions[0]) == {
        "id",
        "uuid",
        "type",
        "code",
        "name",
        "malePopulation",
        "femalePopulation",
        "otherPopulation",
        "families",
        "clientMutationId",
    }
    assert regions[0]["id"] == relay_id("LocationGQLType", north["region"].id)
    assert regions[0]["clientMutationId"] is None
    districts = nodes(admin_gql(fetch_locations("D", north["region"].uuid)), "locations")
    assert [(d["code"], d["type"]) for d in districts] == [("ND", "D")]
    municipalities = nodes(admin_gql(fetch_locations("W", north["district"].uuid)), "locations")
    villages = nodes(admin_gql(fetch_locations("V", municipalities[0]["uuid"])), "locations")
    assert [v["code"] for v in villages] == ["NDMV1", "NDMV2"]


def test_pickers_get_the_parents_they_project(admin_gql, trees):
    north = trees["north"]
    villages = nodes(
        admin_gql(fetch_locations_str(3, "village 2", north["municipality"].uuid)), "locationsStr"
    )
    assert [v["code"] for v in villages] == ["NDMV2"]
    path = villages[0]["parent"]
    assert (path["code"], path["parent"]["code"], path["parent"]["parent"]["code"]) == ("NDM", "ND", "N")
    assert path["parent"]["parent"]["parent"] is None

    by_region = nodes(
        admin_gql(
            fetch_locations_str(
                3, "", extra_filter=f'parent_Parent_Parent_Uuid: "{trees["south"]["region"].uuid}"'
            )
        ),
        "locationsStr",
    )
    assert [v["code"] for v in by_region] == ["SDMV1", "SDMV2"]
    by_parents = nodes(
        admin_gql(fetch_parent_locations_str(1, [north["region"].uuid, trees["south"]["region"].uuid], "")),
        "locationsStr",
    )
    assert [d["code"] for d in by_parents] == ["ND", "SD"]
    by_uuids = nodes(
        admin_gql(fetch_locations_by_uuids([north["villages"][0].uuid, north["district"].uuid])),
        "locationsStr",
    )
    assert sorted(node["code"] for node in by_uuids) == ["ND", "NDMV1"]
    all_villages = nodes(admin_gql(fetch_available_locations(3)), "locationsAll")
    assert len(all_villages) == 4 and all_villages[0]["parent"]["parent"]["parent"]["type"] == "R"
    assert [r["code"] for r in nodes(admin_gql(FETCH_ALL_REGIONS), "locations")] == ["N", "S"]


def test_location_lists_leave_out_history_and_deleted_rows(admin_gql, trees):
    north = trees["north"]
    north["region"].save_history()
    north["region"].name = "Renamed"
    north["region"].save()
    trees["south"]["region"].delete_history()
    regions = nodes(admin_gql(fetch_locations("R")), "locations")
    assert [(r["code"], r["name"]) for r in regions] == [("N", "Renamed")]


def test_validate_location_code(admin_gql, trees):
    taken = admin_gql(VALIDATE_LOCATION_CODE, {"locationCode": "ND"})
    free = admin_gql(VALIDATE_LOCATION_CODE, {"locationCode": "NEW1"})
    assert taken == {"data": {"isValid": False}} and free == {"data": {"isValid": True}}
    trees["north"]["district"].delete_history()  # a deleted location frees its code
    assert admin_gql(VALIDATE_LOCATION_CODE, {"locationCode": "ND"}) == {"data": {"isValid": True}}


# --- creating, updating --------------------------------------------------------------------


def test_create_the_four_levels(admin_gql, db):
    core_services.ensure_reference_data()
    log = run_mutation(admin_gql, "createLocation", location_input("R7", "Seven", "R", malePopulation=10))
    assert_success(log)
    region = Location.objects.current().get(code="R7")
    assert (region.name, region.type, region.parent, region.male_population) == ("Seven", "R", None, 10)
    assert LocationMutation.objects.filter(location=region, mutation=log).exists()
    parent = region
    for code, location_type in (("R7D1", "D"), ("R7D1W1", "W"), ("R7D1W1V1", "V")):
        assert_success(
            run_mutation(
                admin_gql,
                "createLocation",
                location_input(
                    code, f"Name {code}", location_type, parent.uuid, families=4, femalePopulation=6
                ),
            )
        )
        created = Location.objects.current().get(code=code)
        assert (created.type, created.parent_id, created.families, created.female_population) == (
            location_type,
            parent.id,
            4,
            6,
        )
        parent = created
    assert not UserDistrict.objects.exists()  # an administrator sees every district without one
    villages = nodes(admin_gql(fetch_locations("V", Location.objects.get(code="R7D1W1").uuid)), "locations")
    assert [(v["code"], v["families"]) for v in villages] == [("R7D1W1V1", 4)]


@pytest.mark.parametrize(
    ("case", "input_text", "expected"),
    [
        ("duplicate code", location_input("N", "Another", "R"), "Location code N is already used"),
        ("empty name", location_input("R8", "", "R"), "Location name is mandatory"),
        ("empty code", location_input("", "Name", "R"), "Location code is mandatory"),
        ("code too long", location_input("R123456789", "Name", "R"), "longer than 8"),
        ("unknown type", location_input("X1", "Name", "X"), "Unknown location type"),
        ("district without parent", location_input("D8", "Name", "D"), "needs a parent region"),
        ("negative population", location_input("R8", "Name", "R", families=-3), "between 0 and"),
    ],
)
def test_create_location_refused(admin_gql, trees, case, input_text, expected):
    before = location_row_counts()
    log = run_mutation(admin_gql, "createLocation", input_text)
    assert expected in error_of(log), case
    assert location_row_counts() == before


def test_create_location_under_the_wrong_level_is_refused(admin_gql, trees):
    before = location_row_counts()
    log = run_mutation(
        admin_gql, "createLocation", location_input("V9", "Village", "V", trees["north"]["district"].uuid)
    )
    assert "The parent of a village must be a municipality" in error_of(log)
    assert location_row_counts() == before


def test_missing_mandatory_argument_is_a_graphql_error(admin_gql, trees):
    text, _ = fe_mutation("createLocation", 'code: "R8"\n type: "R"')
    result = admin_gql(text)
    assert "errors" in result and "name" in result["errors"][0]["message"]
    assert not MutationLog.objects.exists()


def test_update_location_keeps_history(admin_gql, trees):
    district = trees["north"]["district"]
    district.male_population = 100
    district.save()
    log = run_mutation(
        admin_gql,
        "updateLocation",
        location_input(
            "ND2", "North district renamed", "D", trees["north"]["region"].uuid, district.uuid, families=12
        ),
    )
    assert_success(log)
    current = Location.objects.current().get(uuid=district.uuid)
    assert current.id == district.id
    assert (current.code, current.name, current.families) == ("ND2", "North district renamed", 12)
    assert current.male_population is None  # a complete update: what the form left out is cleared
    history = Location.objects.history_of(current).get()
    assert (history.code, history.name, history.male_population, history.legacy_id) == (
        "ND",
        "North district",
        100,
        district.id,
    )
    assert history.validity_to is not None and history.uuid != district.uuid
    assert current.validity_from >= history.validity_to
    # the children keep pointing at the current row
    assert trees["north"]["municipality"].parent_id == current.id
    districts = nodes(admin_gql(fetch_locations("D", trees["north"]["region"].uuid)), "locations")
    assert [(d["code"], d["name"]) for d in districts] == [("ND2", "North district renamed")]


def test_update_location_refuses_a_code_taken_by_another(admin_gql, trees):
    district = trees["north"]["district"]
    before = location_row_counts()
    log = run_mutation(
        admin_gql,
        "updateLocation",
        location_input("SD", "Name", "D", trees["north"]["region"].uuid, district.uuid),
    )
    assert "Location code SD is already used" in error_of(log)
    assert location_row_counts() == before
    assert Location.objects.get(id=district.id).code == "ND"


def test_update_location_keeps_its_own_code(admin_gql, trees):
    region = trees["north"]["region"]
    assert_success(
        run_mutation(admin_gql, "updateLocation", location_input("N", "North!", "R", None, region.uuid))
    )
    assert Location.objects.current().get(id=region.id).name == "North!"


def test_update_cannot_change_type_or_parent(admin_gql, trees):
    district = trees["north"]["district"]
    before = location_row_counts()
    wrong_type = run_mutation(
        admin_gql,
        "updateLocation",
        location_input("ND", "Name", "W", trees["north"]["region"].uuid, district.uuid),
    )
    assert "type of a location cannot change" in error_of(wrong_type)
    other_parent = run_mutation(
        admin_gql,
        "updateLocation",
        location_input("ND", "Name", "D", trees["south"]["region"].uuid, district.uuid),
    )
    assert "moveLocation" in error_of(other_parent)
    assert location_row_counts() == before


# --- deleting ------------------------------------------------------------------------------


def test_delete_location_and_its_subtree(admin_gql, trees):
    north = trees["north"]
    log = run_mutation(
        admin_gql,
        "deleteLocation",
        f'uuid: "{north["district"].uuid}"\n    code: "{north["district"].code}"\n  ',
    )
    assert_success(log)
    district = Location.objects.get(id=north["district"].id)
    assert district.validity_to is not None and district.validity_from == district.validity_to
    assert Location.objects.history_of(district).count() == 1
    below = Location.objects.filter(id__in=[north["municipality"].id, *[v.id for v in north["villages"]]])
    assert all(location.validity_to is not None for location in below)
    assert Location.objects.current().filter(code__startswith="N").count() == 1  # the region
    assert nodes(admin_gql(fetch_locations("D", north["region"].uuid)), "locations") == []


def test_delete_location_moving_its_children(admin_gql, trees):
    north, south = trees["north"], trees["south"]
    log = run_mutation(
        admin_gql,
        "deleteLocation",
        f'uuid: "{north["district"].uuid}"\ncode: "ND"\nnewParentUuid: "{south["district"].uuid}"',
    )
    assert_success(log)
    assert Location.objects.get(id=north["district"].id).validity_to is not None
    municipality = Location.objects.current().get(id=north["municipality"].id)
    assert municipality.parent_id == south["district"].id
    assert Location.objects.history_of(municipality).get().parent_id == north["district"].id
    assert Location.objects.current().filter(parent=municipality).count() == 2


@pytest.mark.parametrize("dependent", ["health facility", "catchment", "user district", "officer village"])
def test_deleting_a_location_in_use_is_refused(admin_gql, trees, dependent):
    north = trees["north"]
    village = north["villages"][0]
    if dependent == "health facility":
        make_facility("HF1", north["district"])
        expected = "1 health facility"
    elif dependent == "catchment":
        make_facility("HF1", trees["south"]["district"], village)
        expected = "1 health facility catchment"
    elif dependent == "user district":
        user = core_services.create_plain_user("districtuser")
        UserDistrict.objects.create(user_id=user.i_user_id, location=north["district"])
        expected = "1 user district"
    else:
        user = core_services.create_user(
            None,
            {
                "username": "eo1",
                "last_name": "Officer",
                "other_names": "E",
                "language": "en",
                "user_types": ["OFFICER"],
            },
        )
        OfficerVillage.objects.create(officer_id=user.officer_id, location=village)
        expected = "1 officer village"
    before = location_row_counts()
    log = run_mutation(admin_gql, "deleteLocation", f'uuid: "{north["region"].uuid}"\ncode: "N"')
    text = error_of(log)
    assert "Location N cannot be deleted: it is still used" in text and expected in text
    assert location_row_counts() == before
    assert Location.objects.current().filter(code__startswith="N").count() == 5


def test_history_of_a_dependent_does_not_block(admin_gql, trees):
    facility = make_facility("HF1", trees["north"]["district"])
    facility.delete_history()
    assert_success(run_mutation(admin_gql, "deleteLocation", f'uuid: "{trees["north"]["district"].uuid}"'))


def test_delete_moving_children_to_a_location_of_another_level_is_refused(admin_gql, trees):
    north = trees["north"]
    before = location_row_counts()
    log = run_mutation(
        admin_gql,
        "deleteLocation",
        f'uuid: "{north["district"].uuid}"\nnewParentUuid: "{trees["south"]["region"].uuid}"',
    )
    assert "can only move to another district" in error_of(log)
    assert location_row_counts() == before


def test_delete_unknown_location(admin_gql, trees):
    log = run_mutation(admin_gql, "deleteLocation", 'uuid: "no-such-uuid"')
    assert "Location not found" in error_of(log)


# --- moving --------------------------------------------------------------------------------


def test_move_location(admin_gql, trees):
    village = trees["north"]["villages"][0]
    target = trees["south"]["municipality"]
    assert_success(
        run_mutation(admin_gql, "moveLocation", f'uuid: "{village.uuid}"\nnewParentUuid: "{target.uuid}"')
    )
    moved = Location.objects.current().get(id=village.id)
    assert moved.parent_id == target.id
    assert Location.objects.history_of(moved).get().parent_id == trees["north"]["municipality"].id
    codes = [v["code"] for v in nodes(admin_gql(fetch_locations("V", target.uuid)), "locations")]
    assert codes == ["NDMV1", "SDMV1", "SDMV2"]


@pytest.mark.parametrize(
    ("moved", "new_parent", "expected"),
    [
        ("village", "district", "A village can only move under a municipality"),
        ("district", None, "needs a new parent region"),
        ("region", "region", "A region cannot move under another location"),
    ],
)
def test_move_location_refused(admin_gql, trees, moved, new_parent, expected):
    location = trees["north"]["villages"][0] if moved == "village" else trees["north"][moved]
    parent_text = f'\nnewParentUuid: "{trees["south"][new_parent].uuid}"' if new_parent else ""
    before = location_row_counts()
    log = run_mutation(admin_gql, "moveLocation", f'uuid: "{location.uuid}"{parent_text}')
    assert expected in error_of(log)
    assert location_row_counts() == before


# --- rights and row security ---------------------------------------------------------------


def test_rights_by_level(user_factory, trees):
    """121902 creates municipalities and villages; regions and districts need 121906."""
    client = restricted_client(user_factory, "clerk", trees["north"]["district"], ALL_LOCATION_RIGHTS)
    region = run_mutation(client, "createLocation", location_input("R5", "Five", "R"))
    assert "unauthorized" in error_of(region)
    municipality = run_mutation(
        client,
        "createLocation",
        location_input("NDM5", "New municipality", "W", trees["north"]["district"].uuid),
    )
    assert_success(municipality)

    manager = restricted_client(
        user_factory,
        "manager",
        trees["north"]["district"],
        [rights.LOCATION_SEARCH, rights.LOCATION_ADD, rights.REGION_DISTRICT_EDIT],
    )
    assert_success(run_mutation(manager, "createLocation", location_input("R5", "Five", "R")))
    assert_success(
        run_mutation(
            manager,
            "createLocation",
            location_input("R5D1", "District", "D", Location.objects.current().get(code="R5").uuid),
        )
    )
    # the district's creator is given it, so that they see what they made
    created = Location.objects.current().get(code="R5D1")
    assert UserDistrict.objects.current().filter(location=created, user__login_name="manager").exists()


def test_mutation_without_the_declared_right_is_refused(user_factory, trees):
    client = restricted_client(user_factory, "reader", trees["north"]["district"], [rights.LOCATION_SEARCH])
    text, _ = fe_mutation("createLocation", location_input("NDM6", "M", "W", trees["north"]["district"].uuid))
    result = client(text)
    assert result["errors"][0]["message"] == "unauthorized"


def test_a_user_sees_only_the_locations_of_their_districts(user_factory, trees):
    north, south = trees["north"], trees["south"]
    client = restricted_client(user_factory, "northern", north["district"], [rights.LOCATION_SEARCH])
    assert [r["code"] for r in nodes(client(fetch_locations("R")), "locations")] == ["N"]
    assert nodes(client(fetch_locations("D", south["region"].uuid)), "locations") == []
    assert [v["code"] for v in nodes(client(fetch_available_locations(3)), "locationsAll")] == [
        "NDMV1",
        "NDMV2",
    ]
    assert [v["code"] for v in nodes(client(fetch_locations_str(3, "village")), "locationsStr")] == [
        "NDMV1",
        "NDMV2",
    ]
    assert [d["code"] for d in client(USER_DISTRICTS)["data"]["userDistricts"]] == ["ND"]
    node = client(
        f'{{ node(id: "{relay_id("LocationGQLType", south["district"].id)}") '
        "{ ... on LocationGQLType { code } } }"
    )
    assert node["data"]["node"] is None
    own = client(
        f'{{ node(id: "{relay_id("LocationGQLType", north["district"].id)}") '
        "{ ... on LocationGQLType { code } } }"
    )
    assert own["data"]["node"] == {"code": "ND"}


def test_a_user_cannot_change_locations_outside_their_districts(user_factory, trees):
    south = trees["south"]
    client = restricted_client(user_factory, "northern", trees["north"]["district"], ALL_LOCATION_RIGHTS)
    before = location_row_counts()
    update = run_mutation(
        client,
        "updateLocation",
        location_input("SDM", "Taken over", "W", south["district"].uuid, south["municipality"].uuid),
    )
    assert "not found" in error_of(update)
    delete = run_mutation(client, "deleteLocation", f'uuid: "{south["villages"][0].uuid}"')
    assert "Location not found" in error_of(delete)
    create = run_mutation(
        client, "createLocation", location_input("SDMV9", "V", "V", south["municipality"].uuid)
    )
    assert "Parent location not found" in error_of(create)
    assert location_row_counts() == before


def test_without_a_facility_right_a_user_sees_their_own_facility_only(user_factory, trees):
    """The claim form reads the claim administrator's facility through `healthFacilities(id:)`."""
    from openimis.core.models import InteractiveUser
    from openimis.location.models import HealthFacility

    client = restricted_client(user_factory, "nohf", trees["north"]["district"], [rights.LOCATION_SEARCH])
    result = client(fetch_health_facility_summaries(["first: 10"]))
    assert result["data"]["healthFacilities"]["edges"] == []
    own = HealthFacility.objects.current().filter(location=trees["north"]["district"]).first()
    if own is None:
        own = HealthFacility.objects.create(code="OWNHF", name="Own", legal_form_id="D", level="D",
                                            location=trees["north"]["district"], care_type="B")
    InteractiveUser.objects.filter(login_name="nohf").update(health_facility=own)
    edges = client(fetch_health_facility_summaries(["first: 10"]))["data"]["healthFacilities"]["edges"]
    assert [edge["node"]["code"] for edge in edges] == [own.code]


def test_under_location_filter_for_other_modules(trees):
    """`parentLocation` + `parentLocationLevel`, as the insuree, policy and claim searchers send them."""
    from openimis.location.models import HealthFacility
    from openimis.location.selectors import under_location

    north, south = trees["north"], trees["south"]
    make_facility("HFN", north["district"])
    make_facility("HFS", south["district"])
    by_region = HealthFacility.objects.filter(under_location("location", north["region"].uuid, 0, 1))
    assert [facility.code for facility in by_region] == ["HFN"]
    by_district = HealthFacility.objects.filter(under_location("location", south["district"].uuid, 1, 1))
    assert [facility.code for facility in by_district] == ["HFS"]
    villages = Location.objects.filter(under_location("parent", south["region"].uuid, 0, 2))
    assert sorted(village.code for village in villages) == ["SDMV1", "SDMV2"]
    below_a_village = under_location("location", north["villages"][0].uuid, 3, 1)
    assert not HealthFacility.objects.filter(below_a_village).exists()
