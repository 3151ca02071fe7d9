"""Families and insurees over the API, as fe-insuree 1.11 drives them: every operation it sends validates
and answers in the shape it reads; create a family with its head, add and update members (history rows),
set the head, move an insuree to another family."""

from __future__ import annotations

import base64

import pytest
from graphql import parse, validate

from openimis.graphql.schema import schema
from openimis.insuree.models import Family, Insuree
from openimis.insuree.tests.helpers import (
    CODE_LISTS,
    NUMBER_VALIDITY,
    add_member,
    create_family,
    enquiry,
    families_query,
    family_input,
    family_members,
    family_overview,
    head,
    insuree_input,
    insuree_page,
    insurees_query,
    member,
    mutation_log_objects,
    places,
    plain_query,
    send,
    succeeded,
)
from openimis.location.tests.helpers import page_query


@pytest.fixture
def where(db):
    return places()


def ok(result: dict) -> dict:
    assert "errors" not in result, result["errors"]
    return result["data"]


def nodes(connection: dict) -> list[dict]:
    return [edge["node"] for edge in connection["edges"]]


def test_every_operation_of_fe_insuree_validates(where):
    family_uuid = "4b9ad31e-0000-4000-8000-000000000001"
    operations = [
        families_query(),
        family_overview(family_uuid),
        family_members(family_uuid),
        insurees_query(),
        insuree_page(family_uuid),
        enquiry("1"),
        mutation_log_objects("x", "family"),
        mutation_log_objects("x", "insuree"),
        NUMBER_VALIDITY,
        plain_query("canAddInsuree", ["familyId:1"], None),
        page_query("insureeOfficers", ["first: 20"], ["id", "uuid", "code", "lastName", "otherNames"]),
        page_query(
            "insureeStatusReasons",
            ['str: "x"', 'statusType: "IN"', "first: 20"],
            ["id", "code", "insureeStatusReason", "statusType"],
        ),
        families_query(
            [
                'headInsuree_ChfId_Istartswith: "1"',
                'headInsuree_LastName_Icontains: "a"',
                'headInsuree_OtherNames_Icontains: "a"',
                'headInsuree_Gender_Code: "F"',
                'headInsuree_Phone_Icontains: "0"',
                'headInsuree_Email_Icontains: "@"',
                'headInsuree_Dob_Gte: "1900-01-01"',
                'headInsuree_Dob_Lte: "2100-01-01"',
                'members_ChfId_Istartswith: "1"',
                'members_LastName_Icontains: "a"',
                'members_Gender_Code: "M"',
                'members_Dob_Gte: "1900-01-01"',
                'confirmationNo_Istartswith: "C"',
                "nullAsFalsePoverty: false",
                'officer: "x"',
                "showHistory: true",
                'parentLocation: "x"',
                "parentLocationLevel: 0",
                'additionalFilter: "{\\"policy\\": {}}"',
            ]
        ),
        insurees_query(
            [
                'chfId_Istartswith: "1"',
                'lastName_Icontains: "a"',
                'otherNames_Icontains: "a"',
                'gender_Code: "F"',
                'marital: "M"',
                'phone_Icontains: "0"',
                'email_Icontains: "@"',
                'dob_Gte: "1900-01-01"',
                'dob_Lte: "2100-01-01"',
                "photo_Isnull: true",
                "family_Isnull: false",
                "showHistory: false",
                'parentLocation: "x"',
                "parentLocationLevel: 1",
                "ignoreLocation: true",
                "status: AC",
            ]
        ),
    ]
    operations += [plain_query(name, None, fields) for name, fields in CODE_LISTS.items()]
    for operation in operations:
        assert validate(schema.graphql_schema, parse(operation)) == [], operation


def test_code_lists_hold_the_reference_data(admin_gql):
    for name, fields in CODE_LISTS.items():
        rows = ok(admin_gql(plain_query(name, None, fields)))[name]
        assert isinstance(rows, list) and rows, name
    genders = [
        row["code"] for row in ok(admin_gql(plain_query("insureeGenders", None, ["code"])))["insureeGenders"]
    ]
    assert genders == ["M", "F", "O"]
    relations = ok(admin_gql("{ relations { id relation } }"))["relations"]
    assert {"id": 7, "relation": "Others"} in relations and len(relations) == 8
    types = ok(admin_gql("{ confirmationTypes { code confirmationtype isConfirmationNumberRequired } }"))
    assert types["confirmationTypes"][0] == {
        "code": "A",
        "confirmationtype": "Local council",
        "isConfirmationNumberRequired": False,
    }


def test_create_a_family_with_its_head_then_read_it_as_the_pages_do(admin_gql, where):
    village = where["villages"][0]
    family = create_family(admin_gql, village)
    head_insuree = family.head_insuree
    assert head_insuree.head and head_insuree.family_id == family.id and family.location_id == village.id

    overview = nodes(ok(admin_gql(family_overview(family.uuid)))["families"])
    assert len(overview) == 1
    node = overview[0]
    assert base64.b64decode(node["id"]).decode() == f"FamilyGQLType:{family.id}"
    assert (
        node["poverty"] is True and node["familyType"] == {"code": "H"} and node["confirmationNo"] == "C-12"
    )
    assert node["confirmationType"] == {"code": "A", "isConfirmationNumberRequired": False}
    assert node["location"]["code"] == village.code
    assert node["location"]["parent"]["parent"]["type"] == "D"
    assert node["location"]["parent"]["parent"]["parent"]["type"] == "R"
    head_node = node["headInsuree"]
    assert head_node["chfId"] == "100000001" and head_node["head"] is True and head_node["status"] == "AC"
    assert head_node["gender"] == {"code": "F", "gender": "Female"} and head_node["marital"] == "M"
    assert head_node["currentVillage"]["uuid"] == village.uuid and head_node["age"] >= 39
    assert node["clientMutationId"] is None

    searcher = ok(admin_gql(families_query()))["families"]
    assert searcher["totalCount"] == 1
    assert nodes(searcher)[0]["headInsuree"]["lastName"] == "Mwangi"


def test_the_mutation_log_names_the_created_family_and_insuree(admin_gql, where):
    client_mutation_id = send(
        admin_gql,
        "createFamily",
        family_input({"headInsuree": head(), "locationId": where["villages"][0].id}),
    )
    succeeded(client_mutation_id)
    log = nodes(ok(admin_gql(mutation_log_objects(client_mutation_id, "family")))["mutationLogs"])[0]
    family = Family.objects.get()
    assert log["families"] == [{"family": {"uuid": family.uuid}}]
    insurees = nodes(ok(admin_gql(mutation_log_objects(client_mutation_id, "insuree")))["mutationLogs"])[0]
    assert insurees["insurees"] == [{"insuree": {"uuid": family.head_insuree.uuid}}]
    by_mutation = ok(admin_gql(families_query([f'clientMutationId: "{client_mutation_id}"'])))["families"]
    assert [node["uuid"] for node in nodes(by_mutation)] == [family.uuid]


def test_add_a_member_and_list_the_members(admin_gql, where):
    family = create_family(admin_gql, where["villages"][0])
    can_add = ok(admin_gql(plain_query("canAddInsuree", [f"familyId:{family.id}"], None)))
    assert can_add["canAddInsuree"] == []  # no policy module: no policy can be full
    child = add_member(admin_gql, family, "100000002", photo={"photo": "aGVsbG8="})
    assert child.family_id == family.id and not child.head and child.relationship_id == 4
    members = ok(admin_gql(family_members(family.uuid)))["familyMembers"]
    assert members["totalCount"] == 2
    assert [(node["chfId"], node["head"]) for node in nodes(members)] == [
        ("100000001", True),
        ("100000002", False),
    ]
    assert nodes(members)[1]["gender"] == {"code": "M"} and nodes(members)[1]["cardIssued"] is False


def test_the_insuree_page_and_the_enquiry_read_every_field(admin_gql, where):
    family = create_family(admin_gql, where["villages"][0])
    child = add_member(
        admin_gql,
        family,
        "100000002",
        healthFacilityId=where["facility"].id,
        typeOfId="N",
        passport="ID-77",
        educationId=2,
        professionId=4,
    )
    node = nodes(ok(admin_gql(insuree_page(child.uuid)))["insurees"])[0]
    assert node["family"]["uuid"] == family.uuid and node["family"]["headInsuree"]["chfId"] == "100000001"
    assert node["typeOfId"] == {"code": "N"} and node["passport"] == "ID-77"
    assert (
        node["education"] == {"id": 2}
        and node["profession"] == {"id": 4}
        and node["relationship"] == {"id": 4}
    )
    assert node["healthFacility"]["code"] == where["facility"].code
    assert node["healthFacility"]["location"]["uuid"] == where["district"].uuid
    assert node["photo"] is None and node["statusReason"] is None and node["clientMutationId"] is None
    found = nodes(ok(admin_gql(enquiry("100000002")))["insurees"])
    assert [row["uuid"] for row in found] == [child.uuid]
    assert found[0]["gender"] == {"code": "M", "gender": "Male", "altLanguage": None}


def test_update_a_member_keeps_a_history_row(admin_gql, where):
    family = create_family(admin_gql, where["villages"][0])
    child = add_member(admin_gql, family, "100000002")
    client_mutation_id = send(
        admin_gql,
        "updateInsuree",
        insuree_input(
            member("100000002", family.id, uuid=child.uuid, otherNames="Baraka Junior", phone="0711")
        ),
    )
    succeeded(client_mutation_id)
    child.refresh_from_db()
    assert child.other_names == "Baraka Junior" and child.phone == "0711" and child.is_current
    history = Insuree.objects.history_of(child)
    assert history.count() == 1
    old = history.get()
    assert old.other_names == "Baraka" and old.validity_to is not None and old.uuid != child.uuid
    shown = ok(admin_gql(insurees_query(['chfId_Istartswith: "100000002"', "showHistory: true"])))["insurees"]
    assert shown["totalCount"] == 2


def test_update_family_versions_the_family_and_only_a_changed_head(admin_gql, where):
    village, other_village = where["villages"]
    family = create_family(admin_gql, village)
    head_insuree = family.head_insuree
    same_head = head("100000001", uuid=head_insuree.uuid, currentVillageId=village.id)
    succeeded(
        send(
            admin_gql,
            "updateFamily",
            family_input(
                {
                    "uuid": family.uuid,
                    "headInsuree": same_head,
                    "locationId": other_village.id,
                    "address": "New road",
                }
            ),
        )
    )
    family.refresh_from_db()
    assert family.location_id == other_village.id and family.address == "New road"
    assert family.poverty is False and family.family_type is None  # a complete update clears what is omitted
    assert Family.objects.history_of(family).count() == 1
    assert Insuree.objects.history_of(head_insuree).count() == 0  # the head did not change

    succeeded(
        send(
            admin_gql,
            "updateFamily",
            family_input(
                {
                    "uuid": family.uuid,
                    "headInsuree": {**same_head, "phone": "0799"},
                    "locationId": other_village.id,
                }
            ),
        )
    )
    head_insuree.refresh_from_db()
    assert head_insuree.phone == "0799" and Insuree.objects.history_of(head_insuree).count() == 1
    assert Family.objects.history_of(family).count() == 2
    history = nodes(ok(admin_gql(family_overview(family.uuid)))["families"])
    assert len(history) == 1  # `showHistory` with a uuid: the history rows have their own uuid


def test_set_family_head(admin_gql, where):
    family = create_family(admin_gql, where["villages"][0])
    old_head = family.head_insuree
    child = add_member(admin_gql, family, "100000002")
    succeeded(send(admin_gql, "setFamilyHead", f'uuid: "{family.uuid}", insureeUuid: "{child.uuid}"'))
    family.refresh_from_db()
    old_head.refresh_from_db()
    child.refresh_from_db()
    assert family.head_insuree_id == child.id and child.head and not old_head.head
    assert old_head.family_id == family.id
    assert Family.objects.history_of(family).get().head_insuree_id == old_head.id
    assert Insuree.objects.history_of(child).get().head is False


def test_change_insuree_family(admin_gql, where):
    first = create_family(admin_gql, where["villages"][0])
    second = create_family(admin_gql, where["villages"][1], chf_id="200000001")
    child = add_member(admin_gql, first, "100000002")
    succeeded(
        send(
            admin_gql,
            "changeInsureeFamily",
            f'familyUuid: "{second.uuid}", insureeUuid: "{child.uuid}", cancelPolicies: false',
        )
    )
    child.refresh_from_db()
    assert child.family_id == second.id and not child.head
    assert Insuree.objects.history_of(child).get().family_id == first.id
    members = ok(admin_gql(family_members(second.uuid)))["familyMembers"]
    assert sorted(node["chfId"] for node in nodes(members)) == ["100000002", "200000001"]


def test_remove_then_find_the_insuree_without_family(admin_gql, where):
    family = create_family(admin_gql, where["villages"][0])
    child = add_member(admin_gql, family, "100000002")
    succeeded(
        send(
            admin_gql,
            "removeInsurees",
            f'uuid: "{family.uuid}", uuids: ["{child.uuid}"], cancelPolicies: false',
        )
    )
    child.refresh_from_db()
    assert child.family_id is None and child.is_current
    alone = ok(admin_gql(insurees_query(["family_Isnull: true"])))["insurees"]
    assert [node["chfId"] for node in nodes(alone)] == ["100000002"]


def test_delete_families_with_or_without_members(admin_gql, where):
    kept = create_family(admin_gql, where["villages"][0])
    kept_child = add_member(admin_gql, kept, "100000002")
    gone = create_family(admin_gql, where["villages"][1], chf_id="200000001")
    gone_child = add_member(admin_gql, gone, "200000002")
    succeeded(send(admin_gql, "deleteFamilies", f'uuids: ["{kept.uuid}"], deleteMembers: false'))
    succeeded(send(admin_gql, "deleteFamilies", f'uuids: ["{gone.uuid}"], deleteMembers: true'))
    for row in (kept, kept_child, gone, gone_child):
        row.refresh_from_db()
    assert not kept.is_current and kept_child.is_current and kept_child.family_id is None
    assert not gone.is_current and not gone_child.is_current
    assert Insuree.objects.current().filter(chf_id="100000001", family__isnull=True).exists()
    assert ok(admin_gql(families_query()))["families"]["totalCount"] == 0


def test_searchers_filter_as_the_filter_panels_ask(admin_gql, where):
    first = create_family(admin_gql, where["villages"][0], poverty=False)
    add_member(admin_gql, first, "100000002", otherNames="Zawadi")
    second = create_family(admin_gql, where["villages"][1], chf_id="200000001", poverty=True)

    def family_uuids(*filters):
        return {node["uuid"] for node in nodes(ok(admin_gql(families_query(list(filters))))["families"])}

    assert family_uuids('members_OtherNames_Icontains: "zawa"') == {first.uuid}
    assert family_uuids('headInsuree_ChfId_Istartswith: "2"') == {second.uuid}
    assert family_uuids("nullAsFalsePoverty: false") == {first.uuid}
    assert family_uuids("nullAsFalsePoverty: true") == {second.uuid}
    district = where["district"].uuid
    assert family_uuids(f'parentLocation: "{district}"', "parentLocationLevel: 1") == {
        first.uuid,
        second.uuid,
    }
    village = where["villages"][1].uuid
    assert family_uuids(f'parentLocation: "{village}"', "parentLocationLevel: 3") == {second.uuid}

    def chf_ids(*filters):
        return [node["chfId"] for node in nodes(ok(admin_gql(insurees_query(list(filters))))["insurees"])]

    assert chf_ids('otherNames_Icontains: "zawa"') == ["100000002"]
    assert chf_ids('gender_Code: "F"') == ["100000001", "200000001"]
    assert chf_ids(f'parentLocation: "{village}"', "parentLocationLevel: 3") == ["200000001"]
    assert chf_ids("status: AC", "photo_Isnull: true") == ["100000001", "100000002", "200000001"]


def test_insuree_officers_lists_the_enrolment_officers(admin_gql, where):
    from openimis.core.models import Officer

    Officer.objects.create(code="EO1", last_name="Officer", other_names="One", location=where["district"])
    Officer.objects.create(code="EO2", last_name="Officer", other_names="Two")
    fields = ["id", "uuid", "code", "lastName", "otherNames"]
    result = ok(admin_gql(page_query("insureeOfficers", ["first: 20"], fields)))
    assert [node["code"] for node in nodes(result["insureeOfficers"])] == ["EO1", "EO2"]
    # the photo officer picker asks for the officers serving the family's village
    village = where["villages"][0].id
    result = ok(admin_gql(page_query("insureeOfficers", [f'locationId: "{village}"'], fields)))
    assert [node["code"] for node in nodes(result["insureeOfficers"])] == ["EO1"]
