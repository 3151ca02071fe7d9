"""Health facilities through the API, as fe-location 1.8 uses them: the searcher, the form (with history),
the pickers, code validation, create / update (history, catchments) / delete, row security."""

from __future__ import annotations

import pytest

from openimis.core import services as core_services
from openimis.location import rights
from openimis.location.models import HealthFacility, HealthFacilityCatchment, HealthFacilityMutation
from openimis.location.tests.helpers import (
    HEALTH_FACILITY_PICKER,
    HEALTH_FACILITY_REFER_PICKER,
    VALIDATE_HEALTH_FACILITY_CODE,
    assert_success,
    error_of,
    fetch_health_facility,
    fetch_health_facility_full_path,
    fetch_health_facility_summaries,
    health_facility_input,
    location_row_counts,
    make_facility,
    make_price_lists,
    make_tree,
    nodes,
    relay_id,
    restricted_client,
    run_mutation,
)

HF_RIGHTS = [
    rights.HEALTH_FACILITY_SEARCH,
    rights.HEALTH_FACILITY_ADD,
    rights.HEALTH_FACILITY_EDIT,
    rights.HEALTH_FACILITY_DELETE,
    rights.LOCATION_SEARCH,
]


@pytest.fixture
def trees(db):
    return {"north": make_tree("N", "North"), "south": make_tree("S", "South")}


@pytest.fixture
def facilities(trees):
    north, south = trees["north"], trees["south"]
    return {
        "north": make_facility(
            "HFN",
            north["district"],
            north["villages"][0],
            phone="555-1",
            level="C",
            care_type="O",
            email="n@example.org",
        ),
        "south": make_facility(
            "HFS", south["district"], south["villages"][0], legal_form_id="P", fax="555-9"
        ),
    }


def full_input(trees, **overrides) -> str:
    north = trees["north"]
    services_list, items_list = make_price_lists(north["region"])
    values = {
        "accCode": "ACC-1",
        "subLevelId": "R",
        "address": "1 Main street",
        "phone": "555-0100",
        "fax": "555-0101",
        "email": "hf@example.org",
        "servicesPricelistId": services_list.id,
        "itemsPricelistId": items_list.id,
        "contractStartDate": "2024-01-01",
        "contractEndDate": "2026-12-31",
        "status": "AC",
        "catchments": [(None, north["villages"][0].id, 80), (None, north["villages"][1].id, 20)],
    }
    values.update(overrides)
    code = values.pop("code", "HF1")
    name = values.pop("name", "North Hospital")
    location_id = values.pop("location_id", north["district"].id)
    return health_facility_input(code, name, location_id, **values)


# --- create --------------------------------------------------------------------------------


def test_create_health_facility_with_everything_the_form_sends(admin_gql, trees):
    core_services.ensure_reference_data()
    log = run_mutation(admin_gql, "createHealthFacility", full_input(trees))
    assert_success(log)
    facility = HealthFacility.objects.current().get(code="HF1")
    assert (
        facility.name,
        facility.legal_form_id,
        facility.level,
        facility.sub_level_id,
        facility.care_type,
    ) == ("North Hospital", "G", "H", "R", "B")
    assert facility.location_id == trees["north"]["district"].id
    assert (facility.acc_code, facility.address, facility.phone, facility.fax, facility.email) == (
        "ACC-1",
        "1 Main street",
        "555-0100",
        "555-0101",
        "hf@example.org",
    )
    assert (
        facility.services_pricelist.name == "Services 2024" and facility.items_pricelist.name == "Items 2024"
    )
    assert (str(facility.contract_start_date), str(facility.contract_end_date), facility.status) == (
        "2024-01-01",
        "2026-12-31",
        "AC",
    )
    assert sorted(facility.catchments.values_list("location__code", "catchment")) == [
        ("NDMV1", 80),
        ("NDMV2", 20),
    ]
    assert HealthFacilityMutation.objects.filter(health_facility=facility, mutation=log).exists()

    # the form reads it back (after a save it looks the new facility up by code)
    form = nodes(admin_gql(fetch_health_facility(code="HF1")), "healthFacilities")
    assert len(form) == 1
    shown = form[0]
    assert shown["id"] == relay_id("HealthFacilityGQLType", facility.id)
    assert (shown["legalForm"], shown["subLevel"], shown["status"]) == ({"code": "G"}, {"code": "R"}, "AC")
    assert shown["location"]["parent"]["code"] == "N"
    assert shown["servicesPricelist"]["name"] == "Services 2024"
    assert shown["itemsPricelist"]["id"] == relay_id("ItemsPricelistGQLType", facility.items_pricelist_id)
    assert [(c["location"]["code"], c["catchment"]) for c in shown["catchments"]] == [
        ("NDMV1", 80),
        ("NDMV2", 20),
    ]
    assert shown["contractStartDate"] == "2024-01-01" and shown["validityTo"] is None


def test_create_health_facility_with_the_mandatory_fields_only(admin_gql, trees):
    log = run_mutation(
        admin_gql,
        "createHealthFacility",
        health_facility_input(
            "HF2", "Dispensary", trees["south"]["district"].id, level="D", legal_form="C", care_type="O"
        ),
    )
    assert_success(log)
    facility = HealthFacility.objects.current().get(code="HF2")
    assert (facility.status, facility.offline, facility.sub_level_id, facility.services_pricelist_id) == (
        "AC",
        False,
        None,
        None,
    )
    assert not facility.catchments.exists()


@pytest.mark.parametrize(
    ("case", "overrides", "expected"),
    [
        ("duplicate code", {"code": "HFS"}, "Health facility code HFS is already used"),
        ("empty name", {"name": ""}, "Health facility name is mandatory"),
        ("code too long", {"code": "HF123456789"}, "longer than 8"),
        ("unknown level", {"level": "X"}, "Unknown level: X"),
        ("unknown legal form", {"legal_form": "Z"}, "Unknown legal form: Z"),
        ("unknown care type", {"care_type": "Z"}, "Unknown care type: Z"),
        ("unknown sub-level", {"subLevelId": "Q"}, "Unknown sub-level: Q"),
        (
            "location is not a district",
            {"location_id": "region"},
            "A health facility is located in a district",
        ),
        ("unknown district", {"location_id": 999999}, "District not found"),
        ("one contract date", {"contractEndDate": None}, "Give both contract dates or neither"),
        ("end before start", {"contractEndDate": "2023-12-31"}, "end date must be after its start date"),
        ("unknown status", {"status": "XX"}, "Unknown health facility status: XX"),
        ("unknown price list", {"servicesPricelistId": 999999}, "Unknown services price list: 999999"),
        ("catchment not a village", {"catchments": [(None, "municipality", 10)]}, "Unknown village"),
        ("catchment over 100 %", {"catchments": [(None, "village", 120)]}, "percentage from 0 to 100"),
        (
            "same village twice",
            {"catchments": [(None, "village", 10), (None, "village", 20)]},
            "listed twice",
        ),
    ],
)
def test_create_health_facility_refused(admin_gql, trees, facilities, case, overrides, expected):
    north = trees["north"]
    if overrides.get("location_id") == "region":
        overrides["location_id"] = north["region"].id
    if "catchments" in overrides:
        ids = {"municipality": north["municipality"].id, "village": north["villages"][1].id}
        overrides["catchments"] = [
            (row_id, ids[name], percent) for row_id, name, percent in overrides["catchments"]
        ]
    level = overrides.pop("level", "H")
    legal_form = overrides.pop("legal_form", "G")
    care_type = overrides.pop("care_type", "B")
    text = full_input(trees, **overrides)
    text = text.replace('level: "H"', f'level: "{level}"').replace(
        'legalFormId: "G"', f'legalFormId: "{legal_form}"'
    )
    text = text.replace('careType: "B"', f'careType: "{care_type}"')
    before = location_row_counts()
    log = run_mutation(admin_gql, "createHealthFacility", text)
    assert expected in error_of(log), case
    assert location_row_counts() == before


def test_validate_health_facility_code(admin_gql, facilities):
    assert admin_gql(VALIDATE_HEALTH_FACILITY_CODE, {"healthFacilityCode": "HFN"}) == {
        "data": {"isValid": False}
    }
    assert admin_gql(VALIDATE_HEALTH_FACILITY_CODE, {"healthFacilityCode": "HF7"}) == {
        "data": {"isValid": True}
    }


# --- update (history) ----------------------------------------------------------------------


def test_update_health_facility_keeps_history_and_versions_catchments(admin_gql, trees, facilities):
    north = trees["north"]
    facility = facilities["north"]
    kept_catchment = facility.catchments.get()
    log = run_mutation(
        admin_gql,
        "updateHealthFacility",
        health_facility_input(
            "HFN",
            "North Health Centre",
            north["district"].id,
            facility_uuid=facility.uuid,
            level="C",
            care_type="I",
            phone="555-2",
            catchments=[
                (kept_catchment.id, north["villages"][0].id, 60),
                (None, north["villages"][1].id, 40),
            ],
        ),
    )
    assert_success(log)
    current = HealthFacility.objects.current().get(uuid=facility.uuid)
    assert current.id == facility.id
    assert (current.name, current.care_type, current.phone, current.email) == (
        "North Health Centre",
        "I",
        "555-2",
        None,
    )  # a complete update: the e-mail left out is cleared
    history = HealthFacility.objects.history_of(current).get()
    assert (history.name, history.care_type, history.phone, history.legacy_id) == (
        "Facility HFN",
        "O",
        "555-1",
        facility.id,
    )
    # the changed catchment moved to the history copy; the current facility has the new values
    assert list(
        HealthFacilityCatchment.objects.filter(health_facility=history).values_list(
            "location__code", "catchment"
        )
    ) == [("NDMV1", 50)]
    assert sorted(
        HealthFacilityCatchment.objects.current()
        .filter(health_facility=current)
        .values_list("location__code", "catchment")
    ) == [("NDMV1", 60), ("NDMV2", 40)]

    # the form with history shows the current row first; the searcher lists both with showHistory
    form = nodes(admin_gql(fetch_health_facility(code="HFN")), "healthFacilities")
    assert [(row["name"], row["validityTo"] is None) for row in form] == [
        ("North Health Centre", True),
        ("Facility HFN", False),
    ]
    by_uuid = nodes(admin_gql(fetch_health_facility(facility.uuid)), "healthFacilities")
    assert [row["name"] for row in by_uuid] == ["North Health Centre"]
    searched = admin_gql(
        fetch_health_facility_summaries(["first: 10", 'code_Icontains: "HFN"', "showHistory: true"])
    )
    assert searched["data"]["healthFacilities"]["totalCount"] == 2
    current_only = admin_gql(fetch_health_facility_summaries(["first: 10", 'code_Icontains: "HFN"']))
    assert current_only["data"]["healthFacilities"]["totalCount"] == 1


def test_unchanged_catchments_stay_and_removed_ones_end(admin_gql, trees, facilities):
    north = trees["north"]
    facility = facilities["north"]
    catchment = facility.catchments.get()
    assert_success(
        run_mutation(
            admin_gql,
            "updateHealthFacility",
            health_facility_input(
                "HFN",
                "Same",
                north["district"].id,
                facility_uuid=facility.uuid,
                catchments=[(catchment.id, north["villages"][0].id, 50)],
            ),
        )
    )
    assert HealthFacilityCatchment.objects.current().get(health_facility=facility).id == catchment.id
    assert_success(
        run_mutation(
            admin_gql,
            "updateHealthFacility",
            health_facility_input("HFN", "Same", north["district"].id, facility_uuid=facility.uuid),
        )
    )
    assert not HealthFacilityCatchment.objects.current().filter(health_facility=facility).exists()
    assert HealthFacilityCatchment.objects.get(id=catchment.id).validity_to is not None


def test_update_keeps_the_status_when_the_form_does_not_send_it(admin_gql, trees, facilities):
    facility = facilities["north"]
    facility.status = "IN"
    facility.save()
    assert_success(
        run_mutation(
            admin_gql,
            "updateHealthFacility",
            health_facility_input("HFN", "Name", trees["north"]["district"].id, facility_uuid=facility.uuid),
        )
    )
    assert HealthFacility.objects.current().get(id=facility.id).status == "IN"
    assert_success(
        run_mutation(
            admin_gql,
            "updateHealthFacility",
            health_facility_input(
                "HFN", "Name", trees["north"]["district"].id, facility_uuid=facility.uuid, status="DE"
            ),
        )
    )
    assert HealthFacility.objects.current().get(id=facility.id).status == "DE"


def test_update_refused(admin_gql, trees, facilities):
    facility = facilities["north"]
    before = location_row_counts()
    taken = run_mutation(
        admin_gql,
        "updateHealthFacility",
        health_facility_input("HFS", "Name", trees["north"]["district"].id, facility_uuid=facility.uuid),
    )
    assert "Health facility code HFS is already used" in error_of(taken)
    assert location_row_counts() == before
    history = facility.save_history()
    facility.save()
    before = location_row_counts()
    historical = run_mutation(
        admin_gql,
        "updateHealthFacility",
        health_facility_input("HFN", "Name", trees["north"]["district"].id, facility_uuid=history.uuid),
    )
    assert "cannot update historical data" in error_of(historical)
    assert location_row_counts() == before


# --- delete --------------------------------------------------------------------------------


def test_delete_health_facility_is_soft(admin_gql, facilities):
    facility = facilities["north"]
    assert_success(run_mutation(admin_gql, "deleteHealthFacility", f'uuid: "{facility.uuid}"\ncode: "HFN"'))
    deleted = HealthFacility.objects.get(id=facility.id)
    assert deleted.validity_to is not None and deleted.validity_from == deleted.validity_to
    assert HealthFacility.objects.history_of(deleted).count() == 1
    assert not HealthFacilityCatchment.objects.current().filter(health_facility=facility).exists()
    listed = admin_gql(fetch_health_facility_summaries(["first: 10"]))
    assert [n["code"] for n in nodes(listed, "healthFacilities")] == ["HFS"]
    assert admin_gql(VALIDATE_HEALTH_FACILITY_CODE, {"healthFacilityCode": "HFN"}) == {
        "data": {"isValid": True}
    }


def test_deleting_a_health_facility_in_use_is_refused(admin_gql, facilities):
    facility = facilities["north"]
    core_services.ensure_reference_data()
    core_services.create_user(
        None,
        {
            "username": "hfuser",
            "last_name": "User",
            "other_names": "Hf",
            "language": "en",
            "user_types": ["INTERACTIVE"],
            "health_facility_id": facility.id,
        },
    )
    before = location_row_counts()
    log = run_mutation(admin_gql, "deleteHealthFacility", f'uuid: "{facility.uuid}"\ncode: "HFN"')
    text = error_of(log)
    assert "Health facility HFN cannot be deleted: it is still used" in text and "1 interactive user" in text
    assert location_row_counts() == before


# --- searcher, pickers ---------------------------------------------------------------------


def test_searcher_filters_and_shape(admin_gql, trees, facilities):
    result = admin_gql(fetch_health_facility_summaries(["first: 10"]))
    connection = result["data"]["healthFacilities"]
    assert connection["totalCount"] == 2 and connection["pageInfo"]["hasNextPage"] is False
    first = connection["edges"][0]["node"]
    assert set(first) == {
        "id",
        "uuid",
        "code",
        "accCode",
        "name",
        "careType",
        "phone",
        "fax",
        "email",
        "level",
        "legalForm",
        "location",
        "validityFrom",
        "validityTo",
        "clientMutationId",
    }
    assert first["location"] == {
        "code": "ND",
        "name": "North district",
        "parent": {"code": "N", "name": "North region"},
    }
    assert (first["legalForm"], first["clientMutationId"]) == ({"code": "G"}, None)

    def codes(*filters):
        return [
            n["code"]
            for n in nodes(
                admin_gql(fetch_health_facility_summaries(["first: 10", *filters])), "healthFacilities"
            )
        ]

    south = trees["south"]
    assert codes(f'location_Uuid: "{south["district"].uuid}"') == ["HFS"]
    assert codes(f'location_Parent_Uuid: "{trees["north"]["region"].uuid}"') == ["HFN"]
    assert codes('legalForm_Code: "P"') == ["HFS"]
    assert codes('level: "C"') == ["HFN"]
    assert codes('careType: "O"') == ["HFN"]
    assert codes('name_Icontains: "hfs"') == ["HFS"]
    assert codes('phone_Icontains: "555-1"') == ["HFN"]
    assert codes('fax_Icontains: "555-9"') == ["HFS"]
    assert codes('email_Icontains: "n@"') == ["HFN"]
    assert codes("status: AC") == ["HFN", "HFS"]
    assert codes('orderBy: ["-code"]') == ["HFS", "HFN"]
    assert codes('orderBy: ["legalForm"]') == ["HFN", "HFS"]


def test_health_facility_pickers(admin_gql, trees, facilities):
    south = trees["south"]
    picked = admin_gql(HEALTH_FACILITY_PICKER, {"str": "hf", "region": None, "district": [None]})
    assert [n["code"] for n in nodes(picked, "healthFacilities")] == ["HFN", "HFS"]
    assert set(nodes(picked, "healthFacilities")[0]["location"]["parent"]) == {
        "id",
        "uuid",
        "code",
        "name",
        "type",
    }
    by_region = admin_gql(
        HEALTH_FACILITY_PICKER, {"str": "", "region": south["region"].uuid, "district": [None]}
    )
    assert [n["code"] for n in nodes(by_region, "healthFacilities")] == ["HFS"]
    by_district = admin_gql(
        HEALTH_FACILITY_PICKER, {"str": "", "district": [trees["north"]["district"].uuid]}
    )
    assert [n["code"] for n in nodes(by_district, "healthFacilities")] == ["HFN"]
    by_name = admin_gql(HEALTH_FACILITY_REFER_PICKER, {"str": "Facility HFS", "level": "H"})
    assert [n["code"] for n in nodes(by_name, "healthFacilities")] == ["HFS"]

    full_path = nodes(admin_gql(fetch_health_facility_full_path(facilities["north"].id)), "healthFacilities")
    assert [(n["code"], n["location"]["code"], n["location"]["parent"]["type"]) for n in full_path] == [
        ("HFN", "ND", "R")
    ]


# --- row security --------------------------------------------------------------------------


def test_a_user_sees_only_the_facilities_of_their_districts(user_factory, trees, facilities):
    client = restricted_client(user_factory, "northern", trees["north"]["district"], HF_RIGHTS)
    listed = client(fetch_health_facility_summaries(["first: 10", "showHistory: true"]))
    assert listed["data"]["healthFacilities"]["totalCount"] == 1
    assert [n["code"] for n in nodes(listed, "healthFacilities")] == ["HFN"]
    assert nodes(client(fetch_health_facility(facilities["south"].uuid)), "healthFacilities") == []
    assert nodes(client(fetch_health_facility_full_path(facilities["south"].id)), "healthFacilities") == []
    picked = client(HEALTH_FACILITY_PICKER, {"str": "", "district": [None]})
    assert [n["code"] for n in nodes(picked, "healthFacilities")] == ["HFN"]
    refer = client(
        HEALTH_FACILITY_PICKER.replace("districtsUuids", "ignoreLocation: true, districtsUuids"), {"str": ""}
    )
    assert [n["code"] for n in nodes(refer, "healthFacilities")] == ["HFN"]
    node = client(
        f'{{ node(id: "{relay_id("HealthFacilityGQLType", facilities["south"].id)}") '
        "{ ... on HealthFacilityGQLType { code } } }"
    )
    assert node["data"]["node"] is None


def test_a_user_sees_their_own_health_facility(user_factory, trees, facilities):
    client = restricted_client(
        user_factory, "hfstaff", trees["north"]["district"], [rights.HEALTH_FACILITY_SEARCH]
    )
    from openimis.core.models import InteractiveUser

    InteractiveUser.objects.filter(login_name="hfstaff").update(health_facility=facilities["south"])
    listed = client(fetch_health_facility_summaries(["first: 10"]))
    assert [n["code"] for n in nodes(listed, "healthFacilities")] == ["HFN", "HFS"]


def test_a_user_cannot_change_facilities_outside_their_districts(user_factory, trees, facilities):
    south = trees["south"]
    client = restricted_client(user_factory, "northern", trees["north"]["district"], HF_RIGHTS)
    before = location_row_counts()
    update = run_mutation(
        client,
        "updateHealthFacility",
        health_facility_input(
            "HFS", "Taken over", south["district"].id, facility_uuid=facilities["south"].uuid
        ),
    )
    assert "Health facility not found" in error_of(update)
    delete = run_mutation(client, "deleteHealthFacility", f'uuid: "{facilities["south"].uuid}"')
    assert "Health facility not found" in error_of(delete)
    create = run_mutation(
        client, "createHealthFacility", health_facility_input("HF9", "New", south["district"].id)
    )
    assert "District not found" in error_of(create)
    assert location_row_counts() == before
    assert_success(
        run_mutation(
            client, "createHealthFacility", health_facility_input("HF9", "New", trees["north"]["district"].id)
        )
    )
