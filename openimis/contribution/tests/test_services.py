"""The rules of contributions (spec 9.2), tested on the services themselves: what a premium does to its
idle policy (a full payment activates it, a partial one leaves it idle, photo fees do not count, the
ENFORCE and SUSPEND actions), receipts, update and delete, and that a refusal writes nothing. The data
are the plain dicts the GraphQL layer passes (snake_case keys, dates and amounts as text)."""

from __future__ import annotations

import datetime
import uuid as uuid_module
from decimal import Decimal

import pytest

from openimis.contribution import services
from openimis.contribution.models import Premium
from openimis.core.errors import NotFound, ValidationFailed
from openimis.core.models import ModuleConfiguration
from openimis.insuree import family_services
from openimis.insuree import services as insuree_services
from openimis.insuree.tests.helpers import places
from openimis.payer.models import Payer
from openimis.policy import services as policy_services
from openimis.policy.models import ACTIVE, IDLE, READY, SUSPENDED, InsureePolicy, Policy
from openimis.policy.tests.helpers import make_officer, make_product

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def days(number: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=number)


@pytest.fixture
def world(db):
    tree = places("CS")
    village = tree["villages"][0]
    family = family_services.create_family(None, {
        "location_id": village.id, "poverty": False, "head_insuree": {
            "chf_id": "300000001", "last_name": "Otieno", "other_names": "Grace", "gender_id": "F",
            "dob": "1980-02-01", "current_village_id": village.id}})
    child = insuree_services.create_insuree(None, {
        "family_id": family.id, "chf_id": "300000002", "last_name": "Otieno", "other_names": "Ben",
        "gender_id": "M", "dob": "2015-06-01", "relationship_id": 4})
    return {"family": family, "members": [family.head_insuree, child], "product": make_product("CS1"),
            "officer": make_officer("CSE1", tree["district"]), "district": tree["district"]}


def new_policy(world, value: str = "50.00", start: datetime.date | None = None, product=None) -> Policy:
    start = start or TODAY
    return policy_services.create_policy(None, {
        "enroll_date": min(start, TODAY).isoformat(), "start_date": start.isoformat(),
        "expiry_date": (start + datetime.timedelta(days=364)).isoformat(), "value": value,
        "product_id": (product or world["product"]).id, "family_id": world["family"].id,
        "officer_id": world["officer"].id})


def premium_data(policy: Policy, amount: str, receipt: str, pay_date: datetime.date | None = None,
                 **extra) -> dict:
    return {"policy_uuid": policy.uuid, "amount": amount, "receipt": receipt,
            "pay_date": (pay_date or TODAY).isoformat(), "pay_type": "C", "is_photo_fee": False, **extra}


def pay(policy: Policy, amount: str, receipt: str, pay_date=None, actor=None, **extra) -> Premium:
    return services.create_premium(actor, premium_data(policy, amount, receipt, pay_date, **extra))


def reloaded(policy: Policy) -> Policy:
    return Policy.objects.get(pk=policy.pk)


def row_counts() -> tuple[int, int, int]:
    return Premium.objects.count(), Policy.objects.count(), InsureePolicy.objects.count()


# --- the effect on the policy ----------------------------------------------------------------------

def test_a_full_payment_activates_an_idle_policy_and_covers_its_members(world, admin_user):
    policy = new_policy(world, start=days(-10))
    coverage = InsureePolicy.objects.current().filter(policy=policy)
    assert policy.status == IDLE and coverage.count() == 2
    assert {row.effective_date for row in coverage} == {None}
    premium = pay(policy, "50.00", "R001", days(-3), actor=admin_user, pay_type="B")
    premium.refresh_from_db()
    assert (premium.amount, premium.receipt, premium.pay_date, premium.pay_type) == (
        Decimal("50.00"), "R001", days(-3), "B")
    assert premium.policy_id == policy.pk and premium.audit_user_id == admin_user.id_for_audit
    policy = reloaded(policy)
    assert (policy.status, policy.effective_date) == (ACTIVE, days(-3))
    history = Policy.objects.get(legacy_id=policy.pk)
    assert history.status == IDLE and history.effective_date is None and history.validity_to is not None
    coverage = InsureePolicy.objects.current().filter(policy=policy)
    assert {(row.effective_date, row.start_date, row.expiry_date) for row in coverage} == {
        (days(-3), policy.start_date, policy.expiry_date)}
    assert {row.insuree_id for row in coverage} == {member.pk for member in world["members"]}
    assert InsureePolicy.objects.filter(policy=policy, validity_to__isnull=False).count() == 2


def test_cover_starts_on_the_start_date_when_paid_before_it(world):
    policy = new_policy(world, start=days(20))
    pay(policy, "50", "EARLY")
    policy = reloaded(policy)
    assert (policy.status, policy.effective_date) == (ACTIVE, days(20))


def test_partial_payments_leave_the_policy_idle_until_the_value_is_paid(world):
    policy = new_policy(world, start=days(-10))
    pay(policy, "20", "P1", days(-5))
    pay(policy, "10", "P2", days(-4), action="WAIT")
    assert reloaded(policy).status == IDLE
    assert not Policy.objects.filter(legacy_id=policy.pk).exists()  # not even versioned
    assert {row.effective_date for row in InsureePolicy.objects.filter(policy=policy)} == {None}
    pay(policy, "20", "P3", days(-2))
    policy = reloaded(policy)
    assert (policy.status, policy.effective_date) == (ACTIVE, days(-2))


def test_an_overpayment_activates_the_policy(world):
    policy = new_policy(world, start=days(-10))
    pay(policy, "30", "O1", days(-6))
    pay(policy, "45", "O2", days(-1))
    policy = reloaded(policy)
    assert (policy.status, policy.effective_date) == (ACTIVE, days(-1))


def test_photo_fees_do_not_count_towards_the_value(world):
    policy = new_policy(world)
    pay(policy, "50", "PHOTO1", is_photo_fee=True)
    pay(policy, "50", "PHOTO2", is_photo_fee=True, action="SUSPEND")
    assert reloaded(policy).status == IDLE and not Policy.objects.filter(legacy_id=policy.pk).exists()
    pay(policy, "30", "C1")  # 30 of 50: the photo fees paid nothing of it
    assert reloaded(policy).status == IDLE
    pay(policy, "20", "C2")
    assert reloaded(policy).status == ACTIVE


def test_enforce_activates_on_a_partial_payment_from_the_payment_date(world):
    policy = new_policy(world, start=days(5))
    pay(policy, "10", "E1", TODAY, action="ENFORCE")
    policy = reloaded(policy)
    assert (policy.status, policy.effective_date) == (ACTIVE, TODAY)
    assert {row.effective_date for row in InsureePolicy.objects.current().filter(policy=policy)} == {TODAY}


def test_the_suspend_action_suspends_the_policy(world):
    policy = new_policy(world)
    premium = pay(policy, "10", "S1", action="SUSPEND")
    assert Premium.objects.current().get(pk=premium.pk).amount == Decimal("10.00")
    assert reloaded(policy).status == SUSPENDED
    assert Policy.objects.get(legacy_id=policy.pk).status == IDLE
    pay(policy, "40", "S2")  # a suspended policy waits for nothing
    assert reloaded(policy).status == SUSPENDED


def test_a_payment_on_an_active_policy_changes_nothing(world):
    policy = new_policy(world, start=days(-10))
    pay(policy, "50", "A1", days(-8))
    versions = Policy.objects.count()
    pay(policy, "50", "A2", days(-1))
    policy = reloaded(policy)
    assert (policy.status, policy.effective_date) == (ACTIVE, days(-8))
    assert Policy.objects.count() == versions


def test_with_another_activation_option_a_paid_policy_becomes_ready(world):
    ModuleConfiguration.objects.create(module="policy", layer="be", config='{"activation_option": 2}')
    policy = new_policy(world)
    pay(policy, "50", "RD1")
    assert reloaded(policy).status == READY


# --- receipts and refusals -----------------------------------------------------------------------

def test_a_receipt_is_unique_among_the_current_premiums_of_one_product(world):
    policy = new_policy(world)
    other = new_policy(world)
    elsewhere = new_policy(world, product=make_product("CS2"))
    premium = pay(policy, "10", "DUP")
    with pytest.raises(ValidationFailed) as raised:
        pay(other, "10", "DUP")
    assert "DUP" in raised.value.message and raised.value.detail == "mutation.code_already_taken"
    pay(elsewhere, "10", "DUP")  # another product
    services.delete_premium(None, premium.uuid)
    pay(other, "10", "DUP")  # the deleted premium no longer holds it
    assert Premium.objects.current().filter(receipt="DUP").count() == 2


@pytest.mark.parametrize("changes", [
    {"amount": "0"},
    {"amount": "-5"},
    {"amount": "abc"},
    {"amount": None},
    {"pay_type": "X"},
    {"pay_type": None},
    {"pay_date": None},
    {"pay_date": "yesterday"},
    {"receipt": " "},
    {"receipt": "R" * 51},
    {"action": "LATER"},  # refused after the premium was saved: it is rolled back
])
def test_bad_premiums_are_refused_and_write_nothing(world, changes):
    policy = new_policy(world)
    before = row_counts()
    with pytest.raises(ValidationFailed):
        services.create_premium(None, {**premium_data(policy, "50", "BAD"), **changes})
    assert row_counts() == before and reloaded(policy).status == IDLE


def test_the_policy_and_the_payer_must_exist(world, admin_user):
    policy = new_policy(world)
    before = row_counts()
    with pytest.raises(NotFound, match="Policy not found"):
        services.create_premium(None, premium_data(policy, "50", "N1", policy_uuid=str(uuid_module.uuid4())))
    with pytest.raises(NotFound, match="Payer not found"):
        pay(policy, "50", "N2", actor=admin_user, payer_uuid=str(uuid_module.uuid4()))
    assert row_counts() == before
    deleted = new_policy(world)
    policy_services.delete_policy(None, deleted.uuid)
    before = row_counts()
    with pytest.raises(NotFound, match="Policy not found"):
        pay(deleted, "50", "N3")
    assert row_counts() == before
    payer = Payer.objects.create(type_id="G", name="Ministry", location=world["district"])
    premium = pay(policy, "50", "N4", actor=admin_user, payer_uuid=payer.uuid, pay_type="F")
    assert Premium.objects.get(pk=premium.pk).payer_id == payer.pk


def test_the_system_may_record_a_premium_with_a_payer(world):
    payer = Payer.objects.create(type_id="G", name="Ministry", location=world["district"])
    premium = pay(new_policy(world), "50", "SYS1", payer_uuid=payer.uuid)
    assert premium.payer_id == payer.pk


# --- update and delete ---------------------------------------------------------------------------

def test_update_versions_the_premium_and_may_complete_the_payment(world, admin_user):
    policy = new_policy(world, start=days(-10))
    premium = pay(policy, "20", "U1", days(-5))
    services.update_premium(admin_user, premium_data(policy, "50", "U1", days(-4), uuid=premium.uuid))
    current = Premium.objects.current().get(policy=policy)
    assert current.pk == premium.pk and current.uuid == premium.uuid
    assert (current.amount, current.pay_date) == (Decimal("50.00"), days(-4))
    history = Premium.objects.get(legacy_id=premium.pk)
    assert (history.amount, history.receipt, history.uuid != premium.uuid) == (Decimal("20.00"), "U1", True)
    policy = reloaded(policy)  # its own earlier amount is not counted twice
    assert (policy.status, policy.effective_date) == (ACTIVE, days(-4))


def test_update_refusals_change_nothing(world):
    policy = new_policy(world)
    other = new_policy(world)
    pay(policy, "10", "TAKEN")
    premium = pay(policy, "10", "MINE")
    before = row_counts()
    with pytest.raises(ValidationFailed, match="TAKEN"):
        services.update_premium(None, premium_data(policy, "10", "TAKEN", uuid=premium.uuid))
    with pytest.raises(ValidationFailed, match="cannot move to another policy"):
        services.update_premium(None, premium_data(other, "10", "MINE", uuid=premium.uuid))
    with pytest.raises(ValidationFailed):
        services.update_premium(None, premium_data(policy, "0", "MINE", uuid=premium.uuid))
    with pytest.raises(NotFound, match="Contribution not found"):
        services.update_premium(None, premium_data(policy, "10", "MINE", uuid=str(uuid_module.uuid4())))
    assert row_counts() == before
    assert Premium.objects.get(pk=premium.pk).receipt == "MINE"
    services.update_premium(None, premium_data(policy, "15", "MINE", uuid=premium.uuid))
    history = Premium.objects.get(legacy_id=premium.pk)
    with pytest.raises(NotFound, match="Contribution not found"):
        services.update_premium(None, premium_data(policy, "10", "MINE", uuid=history.uuid))


def test_delete_is_soft_and_leaves_the_policy_as_it_is(world):
    policy = new_policy(world)
    premium = pay(policy, "50", "D1")
    services.delete_premium(None, premium.uuid)
    premium.refresh_from_db()
    assert premium.validity_to is not None and premium.validity_from == premium.validity_to
    assert Premium.objects.filter(legacy_id=premium.pk).count() == 1
    assert reloaded(policy).status == ACTIVE  # not recomputed
    with pytest.raises(NotFound, match="Contribution not found"):
        services.delete_premium(None, premium.uuid)
