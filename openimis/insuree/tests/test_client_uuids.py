"""As in 24.10, createFamily (and its head insuree), createInsuree and the photo sent with an insuree
take the `uuid` the client chose; a uuid that is not a UUID, or one another record holds, is refused."""

from __future__ import annotations

import uuid as uuid_module

import pytest

from openimis.insuree.models import Family, FamilyMutation, Insuree, InsureeMutation
from openimis.insuree.tests.helpers import (
    create_family,
    error_of,
    family_input,
    head,
    insuree_input,
    member,
    photo_base64,
    places,
    send,
    succeeded,
)

pytestmark = pytest.mark.django_db


def new_uuid() -> str:
    return str(uuid_module.uuid4())


def test_a_family_and_its_head_get_the_uuids_the_client_chose(admin_gql):
    village = places("CU")["villages"][0]
    family_uuid, head_uuid = new_uuid(), new_uuid()
    family = create_family(admin_gql, village, "300000001", uuid=family_uuid,
                           headInsuree=head("300000001", uuid=head_uuid, currentVillageId=village.id))
    assert family.uuid == family_uuid and family.head_insuree.uuid == head_uuid
    again = send(admin_gql, "createFamily", family_input(
        {"uuid": family_uuid, "headInsuree": head("300000002"), "locationId": village.id}))
    assert f"The uuid {family_uuid} is already used by another record" in error_of(again)
    malformed = send(admin_gql, "createFamily", family_input(
        {"uuid": "nope", "headInsuree": head("300000003"), "locationId": village.id}))
    assert "uuid is not a valid id" in error_of(malformed)
    assert Family.objects.count() == 1 and Insuree.objects.count() == 1


def test_an_insuree_and_its_photo_get_the_uuids_the_client_chose(admin_gql):
    village = places("CV")["villages"][0]
    family = create_family(admin_gql, village, "310000001")
    insuree_uuid, photo_uuid = new_uuid(), new_uuid()
    photo = f'photo: {{ uuid: "{photo_uuid}" photo: "{photo_base64()}" date: "2024-05-01" }}'
    client_mutation_id = send(admin_gql, "createInsuree", insuree_input(
        member("310000002", family.id, uuid=insuree_uuid)) + "\n" + photo)
    succeeded(client_mutation_id)
    insuree = InsureeMutation.objects.get(mutation__client_mutation_id=client_mutation_id).insuree
    assert insuree.uuid == insuree_uuid and insuree.photo.uuid == photo_uuid
    taken = send(admin_gql, "createInsuree", insuree_input(member("310000003", family.id,
                                                                  uuid=family.head_insuree.uuid)))
    assert "is already used by another record" in error_of(taken)
    malformed = send(admin_gql, "createInsuree", insuree_input(member("310000004", family.id, uuid="nope")))
    assert "uuid is not a valid id" in error_of(malformed)
    assert not Insuree.objects.filter(chf_id__in=["310000003", "310000004"]).exists()
    assert FamilyMutation.objects.count() == 1
