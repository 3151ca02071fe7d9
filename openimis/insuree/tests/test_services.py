"""The rules of families and insurees (spec 7.2-7.5), tested on the services themselves: a family created
with its head, insurance-number checks, members added, changed, removed, moved and deleted, the change
of head, history rows, what is refused and that a refusal leaves nothing half-written. The data are the
plain dicts the GraphQL layer passes (snake_case keys, dates as text)."""

from __future__ import annotations

import datetime
import json
import uuid as uuid_module

import pytest

from openimis.core.errors import NotFound, PermissionDenied, ValidationFailed
from openimis.core.models import ModuleConfiguration
from openimis.insuree import family_services, rights, services
from openimis.insuree.models import ConfirmationType, Family, Insuree, InsureeStatusReason, Photo
from openimis.insuree.tests.helpers import places
from openimis.policy import services as policy_services
from openimis.policy.models import InsureePolicy
from openimis.policy.tests.helpers import make_officer, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def where(db):
    return places("IS")


@pytest.fixture
def family(where):
    return family_services.create_family(None, family_data(where["villages"][0]))


def head_data(chf_id: str = "100000001", **overrides) -> dict:
    return {"chf_id": chf_id, "last_name": "Mwangi", "other_names": "Amina", "gender_id": "F",
            "dob": "1985-04-12", "marital": "M", "phone": "0700111222", "head": True, **overrides}


def member_data(chf_id: str, family: Family | None, **overrides) -> dict:
    return {"chf_id": chf_id, "last_name": "Mwangi", "other_names": "Baraka", "gender_id": "M",
            "dob": "2012-09-30", "family_id": family.id if family else None, "relationship_id": 4,
            **overrides}


def family_data(village, chf_id: str = "100000001", **overrides) -> dict:
    return {"location_id": village.id, "poverty": True, "family_type_id": "H", "address": "Market street 4",
            "confirmation_type_id": "A", "confirmation_no": "C-12",
            "head_insuree": head_data(chf_id, current_village_id=village.id), **overrides}


def configure(**values) -> None:
    ModuleConfiguration.objects.update_or_create(module="insuree", layer="be",
                                                 defaults={"config": json.dumps(values)})


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Family, Insuree, Photo)}


def refused(call, expected: str, error=ValidationFailed):
    """`call()` raises `error` mentioning `expected`, and nothing is written."""
    before = row_counts()
    with pytest.raises(error) as raised:
        call()
    assert expected in raised.value.message, raised.value.message
    assert row_counts() == before


def current(insuree: Insuree) -> Insuree:
    return Insuree.objects.current().get(pk=insuree.pk)


# --- families ------------------------------------------------------------------------------------

def test_create_family_with_its_head(where, admin_user):
    village = where["villages"][0]
    family = family_services.create_family(admin_user, family_data(village))
    family.refresh_from_db()
    head = family.head_insuree
    assert (head.chf_id, head.head, head.family_id, head.gender_id, head.dob) == (
        "100000001", True, family.id, "F", datetime.date(1985, 4, 12))
    assert (head.current_village, head.marital, head.status) == (village, "M", "AC")
    assert (family.location, family.poverty, family.family_type_id, family.address) == (
        village, True, "H", "Market street 4")
    assert (family.confirmation_type_id, family.confirmation_no) == ("A", "C-12")
    assert family.audit_user_id == head.audit_user_id == admin_user.id_for_audit
    assert row_counts() == {"Family": 1, "Insuree": 1, "Photo": 0}


@pytest.mark.parametrize(("changes", "expected"), [
    ({"head_insuree": None}, "A family needs a head insuree"),
    ({"location_id": None}, "The village of the family is mandatory"),
    ({"location_id": "district"}, "is not a current village"),
    ({"family_type_id": "ZZ"}, "Unknown familyType: ZZ"),
    ({"confirmation_type_id": "C", "confirmation_no": None},
     "The confirmation type C needs a confirmation number"),
    ({"ethnicity": "AB"}, "ethnicity is longer than"),
    ({"head_insuree": head_data(gender_id="Z")}, "Unknown gender: Z"),
    ({"head_insuree": head_data(chf_id="")}, "The insurance number is mandatory"),
])
def test_a_bad_family_is_refused_and_nothing_is_written(where, changes, expected):
    ConfirmationType.objects.filter(code="C").update(is_confirmation_number_required=True)
    data = {**family_data(where["villages"][0]), **changes}
    if data["location_id"] == "district":
        data["location_id"] = where["district"].id
    refused(lambda: family_services.create_family(None, data), expected)


def test_a_head_refused_after_it_was_saved_leaves_no_family_behind(where):
    configure(is_insuree_photo_required=True)  # checked once the head insuree is saved
    refused(lambda: family_services.create_family(None, family_data(where["villages"][0])),
            "A photo of the insuree is mandatory")
    assert not Family.objects.exists() and not Insuree.objects.exists()


def test_update_family_versions_it_and_the_head_only_when_the_head_changed(where, family):
    head = family.head_insuree
    data = family_data(where["villages"][1], address="New street 1",
                       head_insuree=head_data(uuid=head.uuid, current_village_id=where["villages"][0].id))
    data.pop("confirmation_no")  # an update is complete: what is left out is cleared
    family_services.update_family(None, {**data, "uuid": family.uuid})
    family.refresh_from_db()
    assert (family.location, family.address, family.confirmation_no) == (where["villages"][1], "New street 1",
                                                                          None)
    history = Family.objects.get(legacy_id=family.pk)
    assert (history.location, history.address, history.confirmation_no) == (
        where["villages"][0], "Market street 4", "C-12")
    assert history.uuid != family.uuid and history.validity_to is not None
    assert not Insuree.objects.filter(legacy_id=head.pk).exists()  # the head did not change
    data["head_insuree"] = head_data(uuid=head.uuid, phone="0799")
    family_services.update_family(None, {**data, "uuid": family.uuid})
    assert current(head).phone == "0799" and current(head).current_village is None
    assert Insuree.objects.get(legacy_id=head.pk).phone == "0700111222"
    assert Family.objects.filter(legacy_id=family.pk).count() == 2


def test_a_refused_family_update_writes_nothing(where, family):
    child = services.create_insuree(None, member_data("100000002", family))
    for data, expected in [
        ({"head_insuree": head_data(uuid=child.uuid)}, "The head of a family changes through setFamilyHead"),
        ({"head_insuree": head_data(gender_id="Q")}, "Unknown gender: Q"),
        ({"head_insuree": head_data(chf_id="100000002")}, "already taken"),
        ({"location_id": None}, "The village of the family is mandatory"),
    ]:
        update = {**family_data(where["villages"][0]), **data, "uuid": family.uuid}
        refused(lambda update=update: family_services.update_family(None, update), expected)
    assert Family.objects.get(pk=family.pk).is_current
    assert current(family.head_insuree).gender_id == "F"


# --- insurance numbers ---------------------------------------------------------------------------

def test_an_insurance_number_is_unique_among_current_insurees(family):
    refused(lambda: services.create_insuree(None, member_data("100000001", family)),
            "The insurance number 100000001 is already taken")
    child = services.create_insuree(None, member_data("100000002", family))
    # an insuree keeps its own number on update
    services.update_insuree(None, member_data("100000002", family, uuid=child.uuid, phone="0711"))
    services.delete_insuree(None, child.uuid)
    again = services.create_insuree(None, member_data("100000002", family))
    assert Insuree.objects.current().get(chf_id="100000002").pk == again.pk


def test_configured_length_and_check_digit(family):
    configure(insuree_number_min_length=10, insuree_number_max_length=10, insuree_number_modulo_root=10)
    refused(lambda: services.create_insuree(None, member_data("123456789", family)),
            "must be at least 10 characters long")
    refused(lambda: services.create_insuree(None, member_data("12345678970", family)),
            "must not be longer than 10 characters")
    refused(lambda: services.create_insuree(None, member_data("1234567890", family)),
            "has an invalid check digit")
    refused(lambda: services.create_insuree(None, member_data("123456789X", family)),
            "is not made of digits only")
    assert services.create_insuree(None, member_data("1234567897", family)).chf_id == "1234567897"
    configure(insuree_number_modulo_root=7)
    refused(lambda: services.create_insuree(None, member_data("1234563", family)),
            "has an invalid check digit")
    assert services.create_insuree(None, member_data("1234564", family)).chf_id == "1234564"  # 123456 % 7


# --- members -------------------------------------------------------------------------------------

def test_a_member_is_added_to_the_family(family):
    # an active insuree has no status reason, whatever is sent
    child = services.create_insuree(None, member_data("100000002", family, card_issued=True,
                                                      status_reason="ignored"))
    child.refresh_from_db()
    assert (child.family_id, child.head, child.relationship_id, child.card_issued) == (
        family.id, False, 4, True)
    assert (child.status, child.status_reason, child.status_date) == ("AC", None, None)
    assert set(Insuree.objects.current().filter(family=family).values_list("chf_id", flat=True)) == {
        "100000001", "100000002"}


@pytest.mark.parametrize(("changes", "expected"), [
    ({"last_name": " "}, "Last name is mandatory"),
    ({"other_names": "X" * 101}, "Other names is longer than 100 characters"),
    ({"gender_id": None}, "The gender is mandatory"),
    ({"dob": None}, "The date of birth is mandatory"),
    ({"dob": "2999-01-01"}, "The date of birth cannot be in the future"),
    ({"marital": "Q"}, "Unknown marital status: Q"),
    ({"education_id": 99}, "Unknown education: 99"),
    ({"passport": "P" * 26}, "passport is longer than 25 characters"),
    ({"current_village_id": 999999}, "is not a current village"),
    ({"health_facility_id": 999999}, "Unknown health facility: 999999"),
    ({"status": "XX"}, "Unknown insuree status: XX"),
    ({"status": "IN"}, "Status IN needs a reason of that status"),
    ({"status": "DE", "status_reason": "MOVED"}, "Status DE needs a reason of that status"),
    ({"photo": {"photo": "@@@"}}, "The photo is not valid base64 content"),
])
def test_a_bad_member_is_refused_and_nothing_is_written(family, changes, expected):
    InsureeStatusReason.objects.create(code="MOVED", insuree_status_reason="Moved away", status_type="IN")
    refused(lambda: services.create_insuree(None, {**member_data("100000002", family), **changes}), expected)


def test_a_member_inactive_with_a_reason_of_that_status(family):
    InsureeStatusReason.objects.create(code="MOVED", insuree_status_reason="Moved away", status_type="IN")
    child = services.create_insuree(None, member_data("100000002", family, status="IN", status_reason="MOVED",
                                                      status_date="2024-01-01"))
    child.refresh_from_db()
    assert (child.status, child.status_reason.code, child.status_date) == (
        "IN", "MOVED", datetime.date(2024, 1, 1))
    refused(lambda: services.create_insuree(None, member_data("100000003", family, family_id=999999)),
            "Family not found", error=NotFound)


def test_update_insuree_keeps_a_history_row(family, admin_user):
    child = services.create_insuree(None, member_data("100000002", family, phone="0711", email="b@x.org"))
    services.update_insuree(admin_user, member_data("100000002", family, uuid=child.uuid, other_names="Bob"))
    updated = current(child)
    assert (updated.uuid, updated.other_names, updated.phone, updated.email) == (
        child.uuid, "Bob", None, None)
    assert updated.audit_user_id == admin_user.id_for_audit and updated.family_id == family.id
    history = Insuree.objects.get(legacy_id=child.pk)
    assert (history.other_names, history.phone, history.email) == ("Baraka", "0711", "b@x.org")
    assert history.uuid != child.uuid and history.validity_to is not None and history.family_id == family.id
    refused(lambda: services.update_insuree(None, member_data("100000002", family, uuid=history.uuid)),
            "its history cannot be changed")
    refused(lambda: services.update_insuree(None, member_data("100000002", family)),
            "The insuree uuid is mandatory")
    unknown = member_data("100000002", family, uuid=str(uuid_module.uuid4()))
    refused(lambda: services.update_insuree(None, unknown), "Insuree not found", error=NotFound)


def test_an_update_does_not_move_an_insuree_to_another_family(where, family):
    other = family_services.create_family(None, family_data(where["villages"][1], "200000001"))
    child = services.create_insuree(None, member_data("100000002", family))
    refused(lambda: services.update_insuree(None, member_data("100000002", other, uuid=child.uuid)),
            "An insuree changes family through changeInsureeFamily")
    assert current(child).family_id == family.id


def test_remove_a_member_from_the_family(where, family):
    child = services.create_insuree(None, member_data("100000002", family))
    other = family_services.create_family(None, family_data(where["villages"][1], "200000001"))
    refused(lambda: services.remove_insuree(None, child.uuid, other.uuid), "is not a member of that family")
    refused(lambda: services.remove_insuree(None, family.head_insuree.uuid, family.uuid),
            "is the head of a family and cannot be removed from it")
    services.remove_insuree(None, child.uuid, family.uuid, cancel_policies=True)
    removed = current(child)
    assert removed.family_id is None and removed.head is False and removed.uuid == child.uuid
    assert Insuree.objects.get(legacy_id=child.pk).family_id == family.id
    refused(lambda: services.remove_insuree(None, child.uuid), "belongs to no family")


def test_delete_a_member(family):
    child = services.create_insuree(None, member_data("100000002", family))
    refused(lambda: services.delete_insuree(None, family.head_insuree.uuid, family.uuid),
            "is the head of a family and cannot be deleted")
    services.delete_insuree(None, child.uuid, family.uuid)
    child.refresh_from_db()
    assert child.validity_to is not None and child.validity_from == child.validity_to
    assert Insuree.objects.filter(legacy_id=child.pk).count() == 1
    assert list(Insuree.objects.current().filter(family=family)) == [family.head_insuree]
    refused(lambda: services.delete_insuree(None, child.uuid), "its history cannot be changed")


# --- head, move, delete family -------------------------------------------------------------------

def test_set_family_head(where, family):
    old_head = family.head_insuree
    child = services.create_insuree(None, member_data("100000002", family))
    stranger = family_services.create_family(None, family_data(where["villages"][1], "200000001"))
    stranger = stranger.head_insuree
    refused(lambda: family_services.set_family_head(None, family.uuid, stranger.uuid),
            "is not a member of that family")
    refused(lambda: family_services.set_family_head(None, family.uuid, old_head.uuid),
            "is already the head of the family")
    family_services.set_family_head(None, family.uuid, child.uuid)
    assert Family.objects.current().get(pk=family.pk).head_insuree_id == child.pk
    assert (current(child).head, current(old_head).head) == (True, False)
    assert current(old_head).family_id == family.id
    assert Family.objects.get(legacy_id=family.pk).head_insuree_id == old_head.pk
    assert Insuree.objects.get(legacy_id=old_head.pk).head is True
    assert Insuree.objects.get(legacy_id=child.pk).head is False
    # the old head is a plain member now: it may be removed
    services.remove_insuree(None, old_head.uuid, family.uuid)


def test_move_an_insuree_to_another_family(where, family, user_factory):
    other = family_services.create_family(None, family_data(where["villages"][1], "200000001"))
    child = services.create_insuree(None, member_data("100000002", family))
    refused(lambda: family_services.change_insuree_family(None, other.uuid, family.head_insuree.uuid),
            "is the head of a family and cannot leave it")
    refused(lambda: family_services.change_insuree_family(None, family.uuid, child.uuid),
            "is already a member of that family")
    family_editor = user_factory("familyeditor", [rights.FAMILY_EDIT])
    refused(lambda: family_services.change_insuree_family(family_editor, other.uuid, child.uuid),
            "unauthorized", error=PermissionDenied)
    family_services.change_insuree_family(None, other.uuid, child.uuid)
    moved = current(child)
    assert (moved.family_id, moved.head, moved.uuid) == (other.id, False, child.uuid)
    assert Insuree.objects.get(legacy_id=child.pk).family_id == family.id
    # an insuree without family may join one
    services.remove_insuree(None, child.uuid)
    family_services.change_insuree_family(None, family.uuid, child.uuid)
    assert current(child).family_id == family.id


def test_delete_a_family_with_or_without_its_members(where, family):
    child = services.create_insuree(None, member_data("100000002", family))
    family_services.delete_family(None, family.uuid)
    family.refresh_from_db()
    assert family.validity_to is not None and Family.objects.filter(legacy_id=family.pk).count() == 1
    for member in (family.head_insuree, child):  # kept, without family
        assert (current(member).family_id, current(member).head) == (None, False)
        assert Insuree.objects.get(legacy_id=member.pk).family_id == family.id
    refused(lambda: family_services.delete_family(None, family.uuid), "The family is deleted")
    refused(lambda: services.create_insuree(None, member_data("100000003", family)), "The family is deleted")

    other = family_services.create_family(None, family_data(where["villages"][1], "200000001"))
    member = services.create_insuree(None, member_data("200000002", other))
    family_services.delete_family(None, other.uuid, delete_members=True)
    assert not Insuree.objects.current().filter(pk__in=[other.head_insuree_id, member.pk]).exists()
    assert not Family.objects.current().filter(pk=other.pk).exists()
    assert Insuree.objects.filter(legacy_id__in=[other.head_insuree_id, member.pk]).count() == 2


def test_the_coverage_of_the_family_policy_follows_its_members(where, family):
    today = datetime.date.today()
    policy = policy_services.create_policy(None, {
        "enroll_date": today.isoformat(), "start_date": today.isoformat(),
        "expiry_date": (today + datetime.timedelta(days=364)).isoformat(), "value": "20",
        "product_id": make_product("ISP").id, "family_id": family.id,
        "officer_id": make_officer("ISE", where["district"]).id})

    def coverage(insuree):
        return InsureePolicy.objects.current().filter(policy=policy, insuree=insuree)

    assert coverage(family.head_insuree).count() == 1
    left_out = services.create_insuree(None, member_data("100000002", family))
    assert not coverage(left_out).exists()  # not covered until asked for
    added = services.create_insuree(None, member_data("100000003", family, add_on_existing_policy=True))
    assert coverage(added).get().expiry_date == policy.expiry_date
    services.remove_insuree(None, added.uuid, family.uuid, cancel_policies=True)
    assert coverage(added).get().expiry_date == today  # ended today, the old row kept as history
    assert InsureePolicy.objects.filter(policy=policy, insuree=added, validity_to__isnull=False).count() == 1
    other = family_services.create_family(None, family_data(where["villages"][1], "200000001"))
    mover = services.create_insuree(None, member_data("200000002", other))
    family_services.change_insuree_family(None, family.uuid, mover.uuid)
    assert coverage(mover).exists()  # the policy of the new family has room
    services.delete_insuree(None, mover.uuid)
    assert not coverage(mover).exists()
