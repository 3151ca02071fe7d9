"""`mobileEnrollment` as the mobile enrolment app sends it: a whole family (head, members, policies,
contributions) in one mutation and one transaction. A full enrolment through the API and the rows it
leaves; the rights of 24.10; bad input that is refused in the mutation log and writes nothing."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest

from openimis.contribution import rights as contribution_rights
from openimis.contribution.models import Premium
from openimis.controls.models import MobileEnrollmentMutation
from openimis.controls.rights import MOBILE_ENROLLMENT_RIGHTS
from openimis.core.models import MutationLog
from openimis.insuree import rights as insuree_rights
from openimis.insuree.models import Family, Insuree
from openimis.insuree.tests.helpers import places
from openimis.location.tests.helpers import restricted_client
from openimis.policy.models import ACTIVE, IDLE, InsureePolicy, Policy
from openimis.policy.tests.helpers import make_officer, make_product
from openimis.testing.client import PASSWORD

TODAY = datetime.date.today()
EXPIRY = TODAY.replace(year=TODAY.year + 1) - datetime.timedelta(days=1)

ENROLL = """
mutation Enroll($family: FamilyEnrollmentGQLType!, $insurees: [InsureeEnrollmentGQLType],
                $policies: [PolicyEnrollmentGQLType]!, $premiums: [PremiumEnrollmentGQLType]!,
                $clientMutationId: String) {
  mobileEnrollment(input: {family: $family, insurees: $insurees, policies: $policies,
                           premiums: $premiums, clientMutationId: $clientMutationId,
                           clientMutationLabel: "Mobile enrolment"}) {
    clientMutationId
    internalId
  }
}
"""


@pytest.fixture
def world(db):
    tree = places("ME")
    return {**tree, "village": tree["villages"][0], "product": make_product("ME1"),
            "officer": make_officer("MEE1", tree["district"])}


def enrolment(world, **changes) -> dict:
    """What the app sends for a new family: the head, one more member, a policy it numbered 1 and the
    contribution that pays it (the family and policy ids are the app's own, -1)."""
    village = world["village"]
    head = {"chfId": "300000001", "lastName": "Otieno", "otherNames": "Grace", "genderId": "F",
            "dob": "1986-02-03", "head": True, "marital": "M", "phone": "0711000111",
            "currentVillageId": village.id, "cardIssued": False, "familyId": -1, "uuid": str(uuid.uuid4())}
    variables = {
        "family": {"id": -1, "uuid": str(uuid.uuid4()), "locationId": village.id, "poverty": False,
                   "familyTypeId": "H", "address": "Lake road 7", "isOffline": False, "headInsuree": head},
        "insurees": [{"chfId": "300000002", "lastName": "Otieno", "otherNames": "Brian", "genderId": "M",
                      "dob": "2014-07-21", "head": False, "relationshipId": 4, "familyId": -1,
                      "uuid": str(uuid.uuid4()), "cardIssued": False, "photo": None}],
        "policies": [{"mobileId": 1, "uuid": str(uuid.uuid4()), "enrollDate": TODAY.isoformat(),
                      "startDate": TODAY.isoformat(), "expiryDate": EXPIRY.isoformat(), "value": "30.00",
                      "productId": world["product"].id, "familyId": -1, "officerId": world["officer"].id}],
        "premiums": [{"policyId": 1, "policyUuid": "", "uuid": str(uuid.uuid4()), "amount": "30.00",
                      "receipt": "MOB-0001", "payDate": TODAY.isoformat(), "payType": "C",
                      "isPhotoFee": False, "isOffline": True}],
        "clientMutationId": str(uuid.uuid4()),
    }
    variables.update(changes)
    return variables


def send(client, variables: dict) -> MutationLog:
    result = client(ENROLL, variables)
    assert "errors" not in result, result
    payload = result["data"]["mobileEnrollment"]
    assert payload["clientMutationId"] == variables["clientMutationId"]
    return MutationLog.objects.get(id=payload["internalId"])


def errors_of(log: MutationLog) -> list[dict]:
    assert log.status == MutationLog.ERROR, (log.status, log.error)
    return json.loads(log.error)


def row_counts() -> dict[str, int]:
    return {model.__name__: model._base_manager.count()
            for model in (Family, Insuree, Policy, InsureePolicy, Premium, MobileEnrollmentMutation)}


def test_a_new_family_with_two_members_a_policy_and_its_contribution(admin_gql, world):
    sent = enrolment(world)
    log = send(admin_gql, sent)
    assert log.status == MutationLog.SUCCESS, log.error

    family = Family.objects.current().get(uuid=sent["family"]["uuid"])
    assert (family.location_id, family.address, family.poverty, family.family_type_id) == (
        world["village"].id, "Lake road 7", False, "H")
    head = family.head_insuree
    assert (head.chf_id, head.other_names, head.head, head.family_id, head.uuid) == (
        "300000001", "Grace", True, family.id, sent["family"]["headInsuree"]["uuid"])
    members = Insuree.objects.current().filter(family=family).order_by("chf_id")
    assert [(member.chf_id, member.head, member.relationship_id) for member in members] == [
        ("300000001", True, None), ("300000002", False, 4)]
    assert members[1].uuid == sent["insurees"][0]["uuid"]

    policy = Policy.objects.current().get(family=family)
    assert policy.uuid == sent["policies"][0]["uuid"]
    assert (policy.product_id, policy.officer_id, policy.stage, policy.value) == (
        world["product"].id, world["officer"].id, "N", 30)
    assert (policy.enroll_date, policy.start_date, policy.expiry_date) == (TODAY, TODAY, EXPIRY)
    assert policy.status == ACTIVE  # the contribution pays the whole value
    assert policy.effective_date == TODAY
    covered = InsureePolicy.objects.current().filter(policy=policy).order_by("insuree__chf_id")
    assert [(row.insuree.chf_id, row.effective_date) for row in covered] == [
        ("300000001", TODAY), ("300000002", TODAY)]

    premium = Premium.objects.current().get(policy=policy)
    assert (premium.uuid, premium.receipt, premium.amount, premium.pay_date, premium.pay_type) == (
        sent["premiums"][0]["uuid"], "MOB-0001", 30, TODAY, "C")
    assert premium.is_offline is False  # as 24.10 records a mobile contribution

    links = MobileEnrollmentMutation.objects.filter(mutation=log)
    assert [(link.family_id, link.policy_id) for link in links] == [(family.id, policy.id)]
    assert log.client_mutation_label == "Mobile enrolment"


def test_the_head_sent_again_among_the_insurees_is_not_added_twice(admin_gql, world):
    sent = enrolment(world)
    sent["insurees"].insert(0, dict(sent["family"]["headInsuree"]))
    log = send(admin_gql, sent)
    assert log.status == MutationLog.SUCCESS, log.error
    family = Family.objects.current().get(uuid=sent["family"]["uuid"])
    assert Insuree._base_manager.filter(family=family).count() == 2


def test_an_enrolment_sent_again_updates_the_same_records(admin_gql, world):
    """The app sends the same uuids when it sends a family again (after a change on the phone)."""
    sent = enrolment(world, premiums=[])
    assert send(admin_gql, sent).status == MutationLog.SUCCESS
    sent["family"]["address"] = "Hill road 2"
    sent["insurees"][0]["otherNames"] = "Brian Junior"
    sent["policies"][0]["value"] = "25.00"
    sent["clientMutationId"] = str(uuid.uuid4())
    log = send(admin_gql, sent)
    assert log.status == MutationLog.SUCCESS, log.error
    family = Family.objects.current().get(uuid=sent["family"]["uuid"])
    assert family.address == "Hill road 2"
    assert Insuree.objects.current().get(uuid=sent["insurees"][0]["uuid"]).other_names == "Brian Junior"
    policy = Policy.objects.current().get(uuid=sent["policies"][0]["uuid"])
    assert (policy.value, policy.status) == (25, IDLE)
    assert Family.objects.current().count() == 1 and Policy.objects.current().count() == 1


def test_a_contribution_naming_no_policy_of_the_enrolment_writes_nothing(admin_gql, world):
    before = row_counts()
    sent = enrolment(world)
    sent["premiums"][0]["policyId"] = 7
    errors = errors_of(send(admin_gql, sent))
    assert "names the policy 7" in errors[0]["message"]
    assert row_counts() == before


def test_a_refused_policy_rolls_back_the_family_and_its_members(admin_gql, world):
    """The family and its members are written before the policy is refused: all of it goes."""
    before = row_counts()
    sent = enrolment(world)
    sent["policies"][0]["productId"] = 999999
    errors = errors_of(send(admin_gql, sent))
    assert errors == [{"message": "Product not found", "detail": "policy 1: 999999"}]
    assert row_counts() == before
    assert not Family.objects.filter(uuid=sent["family"]["uuid"]).exists()


def test_a_refused_member_names_the_member(admin_gql, world):
    before = row_counts()
    sent = enrolment(world)
    sent["insurees"][0]["genderId"] = "X"
    errors = errors_of(send(admin_gql, sent))
    assert errors == [{"message": "Unknown gender: X", "detail": "insuree 1 (300000002)"}]
    assert row_counts() == before


def test_rights_of_24_10(gql, user_factory, world):
    """Every right to add and change families, insurees, policies and contributions, as 24.10 asks."""
    user_factory("nobody")
    assert gql.login("nobody", PASSWORD)["data"]["tokenAuth"]["token"]
    result = gql(ENROLL, enrolment(world))
    assert result["errors"][0]["message"] == "unauthorized"

    user_factory("adder", [insuree_rights.FAMILY_ADD, insuree_rights.INSUREE_ADD,
                           contribution_rights.PREMIUM_ADD])
    assert gql.login("adder", PASSWORD)["data"]["tokenAuth"]["token"]
    before = row_counts()
    errors = errors_of(send(gql, enrolment(world)))
    assert errors[0]["message"] == "unauthorized"
    assert "101003" in errors[0]["detail"] and "101102" not in errors[0]["detail"]
    assert row_counts() == before

    officer = restricted_client(user_factory, "officer", world["district"], list(MOBILE_ENROLLMENT_RIGHTS))
    log = send(officer, enrolment(world))
    assert log.status == MutationLog.SUCCESS, log.error


def test_anonymous_callers_are_refused(gql, world):
    result = gql(ENROLL, enrolment(world))
    assert result["errors"][0]["message"] == "unauthorized"
    assert not MutationLog.objects.exists()
