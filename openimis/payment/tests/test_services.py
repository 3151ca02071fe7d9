"""The rules of payments, tested on the services: the status and the matching to a contribution, the
snapshot of the detail, the activation of the paid policy with activation option 2 (and none with
option 1), partial payments, updates with history, deletes, and refusals that write nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openimis.core.errors import NotFound, ValidationFailed
from openimis.location.models import UserDistrict
from openimis.location.tests.helpers import make_tree
from openimis.payment import selectors, services
from openimis.payment.models import (
    CREATED,
    FAILED_TO_RECEIVE_PAYMENT,
    MATCHED,
    RECEIVED,
    Payment,
    PaymentDetail,
)
from openimis.payment.tests.helpers import (
    TODAY,
    activation_option,
    contribution,
    days,
    make_world,
    new_policy,
    reloaded,
    row_counts,
)
from openimis.policy import services as policy_services
from openimis.policy.models import ACTIVE, IDLE, READY, InsureePolicy, Policy
from openimis.testing.client import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_world()


def pay(premium, amount: str, received=None, actor=None, **extra) -> Payment:
    data = {"received_amount": amount, "received_date": (received or days(-2)).isoformat(),
            "premium_uuid": premium.uuid if premium is not None else None, "type_of_payment": "M", **extra}
    return services.create_payment(actor, data)


def refusal(call, *args) -> ValidationFailed | NotFound:
    with pytest.raises((ValidationFailed, NotFound)) as caught:
        call(*args)
    return caught.value


# --- matching and the detail -----------------------------------------------------------------------

def test_a_received_payment_of_a_contribution_is_matched_with_a_snapshot_of_the_policy(world, admin_user):
    activation_option(1)
    policy = new_policy(world, value="50.00")
    premium = contribution(policy, "30", "R1")
    payment = pay(premium, "30.00", actor=admin_user, receipt_no="MP-1", phone_number="0700000001")
    payment = reloaded(payment)
    assert (payment.status, payment.matched_date) == (MATCHED, TODAY)
    assert payment.received_amount == Decimal("30.00")
    assert payment.audit_user_id == admin_user.id_for_audit
    detail = PaymentDetail.objects.get(payment=payment)
    assert (detail.premium_id, detail.product_code, detail.insurance_number, detail.policy_stage,
            detail.enrollment_date, detail.expected_amount, detail.amount) == (
        premium.pk, "PM1", "400000001", "N", policy.enroll_date, Decimal("30.00"), Decimal("30.00"))


def test_the_status_follows_the_payment_unless_a_failure_is_sent(world):
    premium = contribution(new_policy(world), "10", "R1")
    assert services.create_payment(None, {"expected_amount": "10"}).status == CREATED
    assert services.create_payment(None, {"received_amount": "10",
                                          "received_date": TODAY.isoformat()}).status == RECEIVED
    failed = pay(premium, "10", status=FAILED_TO_RECEIVE_PAYMENT)
    assert (failed.status, failed.matched_date) == (FAILED_TO_RECEIVE_PAYMENT, None)
    not_received = services.create_payment(None, {"premium_uuid": premium.uuid, "expected_amount": "10"})
    assert not_received.status == CREATED and PaymentDetail.objects.filter(payment=not_received).exists()
    given = pay(premium, "10", matched_date=days(-1).isoformat())
    assert (given.status, given.matched_date) == (MATCHED, days(-1))


# --- activation ---------------------------------------------------------------------------------

def test_with_option_2_a_matched_payment_activates_a_ready_policy_and_covers_its_members(world):
    activation_option(2)
    policy = new_policy(world, value="50.00", start=days(-10))
    premium = contribution(policy, "50", "R1", days(-6))
    assert reloaded(policy).status == READY
    pay(premium, "50", received=days(-3))
    policy = reloaded(policy)
    assert (policy.status, policy.effective_date) == (ACTIVE, days(-3))
    assert Policy.objects.filter(legacy_id=policy.pk, status=READY).exists()  # the history row
    coverage = InsureePolicy.objects.current().filter(policy=policy)
    assert {row.insuree_id for row in coverage} == {member.pk for member in world["members"]}
    assert {row.effective_date for row in coverage} == {days(-3)}


def test_cover_starts_on_the_start_date_when_paid_before_it(world):
    activation_option(2)
    policy = new_policy(world, value="50.00", start=days(20))
    premium = contribution(policy, "50", "R1", TODAY)
    pay(premium, "50", received=days(-1))
    policy = reloaded(policy)
    assert (policy.status, policy.effective_date) == (ACTIVE, days(20))


def test_partial_payments_activate_the_idle_policy_once_they_cover_its_value(world):
    activation_option(2)
    policy = new_policy(world, value="50.00")
    first = contribution(policy, "20", "R1")
    second = contribution(policy, "30", "R2")
    pay(first, "20")
    assert reloaded(policy).status == READY  # the contributions cover it; the payments do not yet
    unmatched = services.create_payment(None, {"premium_uuid": second.uuid, "expected_amount": "30"})
    assert reloaded(policy).status == READY  # not received: counts for nothing
    services.update_payment(None, {"uuid": unmatched.uuid, "expected_amount": "30", "received_amount": "30",
                                   "received_date": days(-1).isoformat()})
    policy = reloaded(policy)
    assert (policy.status, policy.effective_date) == (ACTIVE, days(-1))


def test_an_idle_policy_is_activated_by_payments_covering_its_value(world):
    activation_option(2)
    policy = new_policy(world, value="50.00")
    premium = contribution(policy, "20", "R1")
    assert reloaded(policy).status == IDLE
    pay(premium, "20")
    assert reloaded(policy).status == IDLE
    pay(premium, "30")
    assert reloaded(policy).status == ACTIVE


def test_with_option_1_a_payment_changes_no_policy(world):
    activation_option(1)
    policy = new_policy(world, value="50.00")
    premium = contribution(policy, "20", "R1")
    versions = Policy.objects.count()
    pay(premium, "50")
    assert reloaded(policy).status == IDLE and Policy.objects.count() == versions


def test_a_payment_does_not_touch_an_active_policy(world):
    activation_option(2)
    policy = new_policy(world, value="50.00")
    premium = contribution(policy, "50", "R1")
    pay(premium, "50")
    versions = Policy.objects.count()
    pay(premium, "50")
    assert reloaded(policy).status == ACTIVE and Policy.objects.count() == versions


def test_activate_by_payment_leaves_a_policy_that_is_not_idle_or_ready(world):
    policy = new_policy(world)
    policy_services.suspend(None, policy)
    assert policy_services.activate_by_payment(None, policy, TODAY) is False
    assert reloaded(policy).status != ACTIVE


# --- update and delete ------------------------------------------------------------------------------

def test_an_update_keeps_the_old_state_as_history_and_the_detail_in_step(world, admin_user):
    activation_option(1)
    premium = contribution(new_policy(world), "50", "R1")
    payment = services.create_payment(admin_user, {"premium_uuid": premium.uuid, "expected_amount": "50",
                                                   "receipt_no": "OLD"})
    assert payment.status == CREATED
    services.update_payment(admin_user, {"uuid": payment.uuid, "expected_amount": "50", "receipt_no": "NEW",
                                         "received_amount": "45", "received_date": days(-1).isoformat()})
    payment = reloaded(payment)
    assert (payment.receipt_no, payment.status, payment.received_amount) == ("NEW", MATCHED, Decimal("45.00"))
    history = Payment.objects.get(legacy_id=payment.pk)
    assert (history.receipt_no, history.status, history.validity_to is not None) == ("OLD", CREATED, True)
    assert history.uuid != payment.uuid
    detail = selectors.details_of(payment).get()
    assert detail.amount == Decimal("45.00")
    assert PaymentDetail.objects.filter(legacy_id=detail.pk, amount__isnull=True).exists()


def test_an_update_may_add_the_contribution_but_not_move_to_another(world):
    policy = new_policy(world)
    premium, other = contribution(policy, "20", "R1"), contribution(policy, "30", "R2")
    payment = services.create_payment(None, {"received_amount": "20", "received_date": TODAY.isoformat()})
    assert payment.status == RECEIVED
    services.update_payment(None, {"uuid": payment.uuid, "received_amount": "20",
                                   "received_date": TODAY.isoformat(), "premium_uuid": premium.uuid})
    assert reloaded(payment).status == MATCHED
    before = row_counts()
    error = refusal(services.update_payment, None, {"uuid": payment.uuid, "premium_uuid": other.uuid})
    assert error.message == "A payment cannot move to another contribution"
    assert row_counts() == before


def test_delete_ends_the_payment_and_its_details_and_refuses_a_second_time(world):
    premium = contribution(new_policy(world), "20", "R1")
    payment = pay(premium, "20")
    services.delete_payment(None, payment.uuid)
    assert not selectors.current_payments().filter(pk=payment.pk).exists()
    assert not selectors.current_details().filter(payment=payment).exists()
    assert refusal(services.delete_payment, None, payment.uuid).message == "The payment is already deleted"
    error = refusal(services.update_payment, None, {"uuid": payment.uuid, "received_amount": "1"})
    assert error.message == "A deleted payment or a past version of a payment cannot be changed"


# --- refusals -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "message"), [
    ({"received_amount": "-1"}, "Received amount cannot be negative"),
    ({"expected_amount": "abc"}, "Expected amount is not a number"),
    ({"transfer_fee": "1.234"}, "Transfer fee must have at most 16 digits before the decimal point and 2 "
                                "after it"),
    ({"status": 9}, "Unknown payment status: 9"),
    ({"received_date": "2020-13-01"}, "Invalid date: 2020-13-01"),
    ({"received_date": days(3).isoformat()}, f"Received date {days(3).isoformat()} is in the future"),
    ({"request_date": TODAY.isoformat(), "received_date": days(-1).isoformat()},
     "The received date is before the request date"),
    ({"receipt_no": "R" * 101}, "Receipt number is longer than 100 characters"),
    ({"phone_number": "5" * 51}, "Phone number is longer than 50 characters"),
    ({"premium_uuid": "00000000-0000-4000-8000-000000000000"}, "Contribution not found"),
    ({"status": MATCHED, "received_amount": "5"}, "Only a received payment that pays a contribution can be "
                                                   "matched"),
])
def test_a_refused_payment_writes_nothing(world, data, message):
    contribution(new_policy(world), "20", "R1")
    before = row_counts()
    assert refusal(services.create_payment, None, data).message == message
    assert row_counts() == before


def test_a_refused_update_writes_nothing(world):
    payment = pay(contribution(new_policy(world), "20", "R1"), "20")
    before = row_counts()
    assert refusal(services.update_payment, None, {"uuid": payment.uuid, "received_amount": "x"})
    assert refusal(services.update_payment, None, {"uuid": "00000000-0000-4000-8000-000000000000"})
    assert row_counts() == before and reloaded(payment).received_amount == Decimal("20.00")


def test_a_user_cannot_pay_a_contribution_of_another_district(world):
    premium = contribution(new_policy(world), "20", "R1")
    elsewhere = make_tree("EL", "Elsewhere")["district"]
    user = make_user("clerk", [101402])
    UserDistrict.objects.create(user_id=user.i_user_id, location=elsewhere)
    before = row_counts()
    assert refusal(services.create_payment, user, {"premium_uuid": premium.uuid}).message == (
        "Contribution not found")
    assert row_counts() == before
