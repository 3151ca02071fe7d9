"""The rules of the insuree module (spec 7.4, 7.5) as the API reports them: insurance number validity,
photos, status reasons, deletes; every refusal is a failed mutation log and leaves the database unchanged;
rights; row security. The rules themselves are tested on the services (test_services.py)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from django.conf import settings

from openimis.core.models import ModuleConfiguration, MutationLog
from openimis.insuree import rights
from openimis.insuree.models import Insuree, InsureeStatusReason, Photo
from openimis.insuree.tests.helpers import (
    NUMBER_VALIDITY,
    add_member,
    create_family,
    error_of,
    families_query,
    family_members,
    head,
    insuree_input,
    insuree_page,
    insurees_query,
    member,
    photo_base64,
    places,
    row_counts,
    send,
    succeeded,
)
from openimis.location.tests.helpers import restricted_client


@pytest.fixture
def where(db):
    return places()


@pytest.fixture
def family(admin_gql, where):
    return create_family(admin_gql, where["villages"][0])


def configure(**values) -> None:
    ModuleConfiguration.objects.update_or_create(
        module="insuree", layer="be", defaults={"config": json.dumps(values)}
    )


def validity(gql, number: str) -> dict:
    result = gql(NUMBER_VALIDITY, {"insuranceNumber": number})
    assert "errors" not in result, result
    return result["data"]["insureeNumberValidity"]


def refused(gql, name: str, input_text: str, expected: str) -> None:
    """The mutation fails with `expected` in its log and writes nothing."""
    before = row_counts()
    client_mutation_id = send(gql, name, input_text)
    assert expected in error_of(client_mutation_id)
    assert row_counts() == before


# --- insurance numbers ---------------------------------------------------------------------------


def test_number_validity_codes(admin_gql, family):
    assert validity(admin_gql, "123456789") == {"isValid": True, "errorCode": None, "errorMessage": None}
    taken = validity(admin_gql, "100000001")
    assert taken["isValid"] is False and taken["errorCode"] == 1 and "already taken" in taken["errorMessage"]
    configure(insuree_number_min_length=9, insuree_number_max_length=9)
    assert validity(admin_gql, "")["errorCode"] == 2
    assert validity(admin_gql, "1234567890")["errorCode"] == 3
    assert validity(admin_gql, "12345678")["errorCode"] == 3
    configure(insuree_number_modulo_root=10)
    assert validity(admin_gql, "1234567897")["isValid"] is True  # doubled: the digits at even positions
    assert validity(admin_gql, "1234567890")["errorCode"] == 4
    assert validity(admin_gql, "123456789X")["errorCode"] == 5
    configure(insuree_number_modulo_root=7)
    assert validity(admin_gql, "1234564")["isValid"] is True  # 123456 mod 7 = 4
    assert validity(admin_gql, "1234563")["errorCode"] == 4


# --- status reasons --------------------------------------------------------------------------------


def test_an_inactive_or_dead_insuree_needs_a_reason_of_that_status(admin_gql, family):
    InsureeStatusReason.objects.create(code="MOVED", insuree_status_reason="Moved away", status_type="IN")
    refused(
        admin_gql,
        "createInsuree",
        insuree_input(
            member("100000002", family.id, status="DE", statusReason="MOVED", statusDate="2024-01-01")
        ),
        "Status DE needs a reason of that status",
    )
    child = add_member(
        admin_gql, family, "100000002", status="IN", statusReason="MOVED", statusDate="2024-01-01"
    )
    assert (
        child.status == "IN"
        and child.status_reason.code == "MOVED"
        and str(child.status_date) == "2024-01-01"
    )
    reasons = admin_gql(
        '{ insureeStatusReasons(statusType: "IN", first: 20) { edges { node '
        "{ id code insureeStatusReason statusType } } } }"
    )
    assert [edge["node"]["code"] for edge in reasons["data"]["insureeStatusReasons"]["edges"]] == ["MOVED"]
    page = admin_gql(insuree_page(child.uuid))["data"]["insurees"]["edges"][0]["node"]
    assert page["status"] == "IN" and page["statusReason"] == {
        "code": "MOVED",
        "insureeStatusReason": "Moved away",
    }


# --- photos ---------------------------------------------------------------------------------------


def test_a_photo_is_stored_on_disk_and_a_changed_photo_versions_the_row(admin_gql, family):
    child = add_member(
        admin_gql, family, "100000002", photo={"photo": photo_base64(b"first"), "date": "2024-05-01"}
    )
    photo = Photo.objects.get(insuree=child)
    path = Path(settings.PHOTO_ROOT_PATH) / photo.folder / photo.filename
    assert path.read_bytes() == b"first" and photo.filename == path.name
    assert photo.folder.endswith(f"/{child.id}") and len(photo.folder.split("/")) == 4
    node = admin_gql(insuree_page(child.uuid))["data"]["insurees"]["edges"][0]["node"]
    assert base64.b64decode(node["photo"]["photo"]) == b"first" and node["photo"]["date"] == "2024-05-01"

    # the form sends the same photo back with an update: nothing to version
    same = member(
        "100000002", family.id, uuid=child.uuid, photo={"photo": node["photo"]["photo"], "date": "2024-05-01"}
    )
    succeeded(send(admin_gql, "updateInsuree", insuree_input(same)))
    assert Photo.objects.count() == 1

    changed = {**same, "photo": {"photo": photo_base64(b"second"), "date": "2024-06-01"}}
    succeeded(send(admin_gql, "updateInsuree", insuree_input(changed)))
    photo.refresh_from_db()
    assert Photo.objects.count() == 2 and Photo.objects.history_of(photo).get().filename == path.name
    assert (Path(settings.PHOTO_ROOT_PATH) / photo.folder / photo.filename).read_bytes() == b"second"
    child.refresh_from_db()
    assert child.photo_id == photo.id and str(child.photo_date) == "2024-06-01"


# --- what cannot be deleted or removed ---------------------------------------------------------------


def test_delete_a_member(admin_gql, family):
    child = add_member(admin_gql, family, "100000002")
    succeeded(send(admin_gql, "deleteInsurees", f'uuid: "{family.uuid}", uuids: ["{child.uuid}"]'))
    child.refresh_from_db()
    assert not child.is_current and child.validity_from == child.validity_to
    members = admin_gql(family_members(family.uuid))["data"]["familyMembers"]
    assert members["totalCount"] == 1


def test_one_failure_in_a_batch_rolls_back_the_batch(admin_gql, family):
    child = add_member(admin_gql, family, "100000002")
    before = row_counts()
    client_mutation_id = send(
        admin_gql, "deleteInsurees", f'uuids: ["{child.uuid}", "{family.head_insuree.uuid}"]'
    )
    assert "cannot be deleted" in error_of(client_mutation_id)
    assert row_counts() == before and Insuree.objects.get(pk=child.pk).is_current


# --- rights and row security ---------------------------------------------------------------------------


def test_rights_are_required(user_factory, admin_gql, family):
    reader = restricted_client(user_factory, "reader", family.location.parent.parent, [rights.FAMILY_SEARCH])
    assert reader(insurees_query())["errors"][0]["message"] == "unauthorized"
    assert reader(families_query())["data"]["families"]["totalCount"] == 1
    result = reader(
        f"""mutation {{ createInsuree(input: {{clientMutationId: "x", {
            insuree_input(member("100000002", family.id))
        }}}) {{ clientMutationId }} }}"""
    )
    assert result["errors"][0]["message"] == "unauthorized"
    assert not MutationLog.objects.filter(client_mutation_id="x").exists()

    mover = restricted_client(user_factory, "mover", family.location.parent.parent, [rights.FAMILY_EDIT])
    child = add_member(admin_gql, family, "100000002")
    other = create_family(admin_gql, family.location, chf_id="200000001")
    client_mutation_id = send(
        mover,
        "changeInsureeFamily",
        f'familyUuid: "{other.uuid}", insureeUuid: "{child.uuid}", cancelPolicies: false',
    )
    assert "unauthorized" in error_of(client_mutation_id)


def test_row_security_by_district(user_factory, admin_gql, where):
    elsewhere = places("IX")
    mine = create_family(admin_gql, where["villages"][0])
    theirs = create_family(admin_gql, elsewhere["villages"][0], chf_id="300000001")
    # lives in my district, but belongs to the family of the other district
    visitor = add_member(admin_gql, theirs, "300000002", currentVillageId=where["villages"][1].id)
    everything = [rights.FAMILY_SEARCH, rights.INSUREE_SEARCH, rights.FAMILY_EDIT, rights.INSUREE_EDIT]
    local = restricted_client(user_factory, "local", where["district"], everything)
    families = local(families_query())["data"]["families"]
    assert [edge["node"]["uuid"] for edge in families["edges"]] == [mine.uuid]
    chf_ids = sorted(edge["node"]["chfId"] for edge in local(insurees_query())["data"]["insurees"]["edges"])
    assert chf_ids == ["100000001", "300000002"]
    assert local(family_members(theirs.uuid))["data"]["familyMembers"]["totalCount"] == 0
    client_mutation_id = send(
        local,
        "updateInsuree",
        insuree_input(head("300000001", uuid=theirs.head_insuree.uuid, familyId=theirs.id)),
    )
    assert "Insuree not found" in error_of(client_mutation_id)
    assert visitor.is_current
