"""The contribution module through the API as fe-contribution uses it, and its effect on policies
(spec 9.2); Appendix B steps 1-3 as an end-to-end scenario."""

from __future__ import annotations

import datetime

import pytest

from openimis.contribution.models import Premium, PremiumMutation
from openimis.insuree.tests.helpers import error_of, send, succeeded
from openimis.policy.models import ACTIVE, IDLE, InsureePolicy, Policy
from openimis.policy.tests.helpers import (
    PREMIUM_FULL,
    PREMIUM_SUMMARY,
    TODAY,
    new_policy,
    nodes,
    page,
    policy_input,
    policy_values_query,
    premium_input,
    world,
)

pytestmark = pytest.mark.django_db


def _pay(gql, policy, amount: str, receipt: str, pay_date=None, **extra) -> str:
    return send(gql, "createPremium", premium_input(policy.uuid, amount, receipt, pay_date or TODAY, **extra))


def test_appendix_b_enrolment_and_payment(admin_gql):
    data = world(admin_gql, "AB", "070707070", max_members=6)
    family, product, officer = data["family"], data["product"], data["officer"]
    assert family.head_insuree.chf_id == "070707070"
    values = admin_gql(policy_values_query("N", datetime.date(2024, 3, 10), product, family))
    computed = values["data"]["policyValues"]["policy"]
    assert computed == {"startDate": "2024-03-10", "expiryDate": "2025-03-09", "value": "20.00"}
    created = send(admin_gql, "createPolicy", policy_input(
        product, family, officer, datetime.date(2024, 3, 10), datetime.date(2024, 3, 10),
        datetime.date(2025, 3, 9), "20.00"))
    succeeded(created)
    policy = Policy.objects.get(mutations__mutation__client_mutation_id=created)
    coverage = InsureePolicy.objects.current().get(policy=policy)
    assert policy.status == IDLE and coverage.effective_date is None
    succeeded(_pay(admin_gql, policy, "20", "R001", datetime.date(2024, 3, 12)))
    policy.refresh_from_db()
    coverage.refresh_from_db()
    assert (policy.status, policy.effective_date) == (ACTIVE, datetime.date(2024, 3, 12))
    assert coverage.effective_date == datetime.date(2024, 3, 12)
    assert Policy.objects.filter(legacy_id=policy.id).exists()  # the idle state kept as history
    rows = nodes(admin_gql(page("policiesByInsuree", ['chfId: "070707070"', "activeOrLastExpiredOnly: true"],
                                ["policyUuid", "status", "effectiveDate", "balance", "ded"])),
                 "policiesByInsuree")
    assert rows == [{"policyUuid": policy.uuid, "status": ACTIVE, "effectiveDate": "2024-03-12",
                     "balance": 0.0, "ded": 0.0}]


def test_partial_payments_then_cover_and_sum_premiums(admin_gql):
    data = world(admin_gql)
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"], value="50.00")
    succeeded(_pay(admin_gql, policy, "20", "A1"))
    succeeded(_pay(admin_gql, policy, "5", "PHOTO", isPhotoFee=True))
    policy.refresh_from_db()
    assert policy.status == IDLE
    summary = nodes(admin_gql(page("policies", [f'uuid: "{policy.uuid}"'], ["sumPremiums", "status"])),
                    "policies")
    assert summary == [{"sumPremiums": 20.0, "status": IDLE}]
    succeeded(_pay(admin_gql, policy, "30", "A2", TODAY - datetime.timedelta(days=3)))
    policy.refresh_from_db()
    assert policy.status == ACTIVE and policy.effective_date == max(TODAY - datetime.timedelta(days=3),
                                                                    policy.start_date)


def test_is_paid_policy_is_active_at_once_with_generated_receipt(admin_gql):
    data = world(admin_gql)
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"], isPaid=True)
    assert policy.status == ACTIVE
    premium = Premium.objects.get(policy=policy)
    assert premium.receipt == f"RE-{data['product'].code}-{policy.enroll_date.isoformat()}-00001"
    assert premium.amount == policy.value and premium.pay_type == "C"


def test_premium_queries_shapes(admin_gql):
    data = world(admin_gql)
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"], value="50.00")
    created = _pay(admin_gql, policy, "20", "Q1")
    succeeded(_pay(admin_gql, policy, "10", "Q2"))
    listed = nodes(admin_gql(page("premiums", ["first: 10", 'orderBy: ["-payDate"]'], PREMIUM_SUMMARY)),
                   "premiums")
    assert {row["receipt"] for row in listed} == {"Q1", "Q2"}
    full = nodes(admin_gql(page("premiums", [f'clientMutationId: "{created}"'], PREMIUM_FULL, count=False)),
                 "premiums")
    assert full[0]["receipt"] == "Q1" and full[0]["otherPremiums"] == 10.0
    assert full[0]["policy"]["sumPremiums"] == 30.0 and full[0]["policy"]["product"]["code"] == "PO1"
    by_policy = admin_gql(page("premiumsByPolicies", [f'policyUuids: "{policy.uuid}"'],
                               ["id", "uuid", "payDate", "payer{id, uuid, name}", "amount", "payType",
                                "receipt", "isPhotoFee"]))
    assert by_policy["data"]["premiumsByPolicies"]["totalCount"] == 2
    check = ("query ($code: String!, $uuid: String!) { isValid: validatePremiumCode(code: $code, "
             "policyUuid: $uuid) }")
    assert admin_gql(check, {"code": "Q1", "uuid": policy.uuid})["data"]["isValid"] is False
    assert admin_gql(check, {"code": "Q9", "uuid": policy.uuid})["data"]["isValid"] is True
    for filters in (['payType: "C"'], ['receipt_Icontains: "q"'], ["isPhotoFee: false"],
                    [f'payDate_Gte: "{TODAY.isoformat()}"']):
        assert len(nodes(admin_gql(page("premiums", filters, ["uuid"])), "premiums")) == 2, filters


def test_update_and_delete_premium(admin_gql):
    data = world(admin_gql)
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"], value="50.00")
    created = _pay(admin_gql, policy, "20", "U1")
    premium = PremiumMutation.objects.get(mutation__client_mutation_id=created).premium
    succeeded(send(admin_gql, "updatePremium",
                   premium_input(policy.uuid, "50", "U1", TODAY, uuid=premium.uuid)))
    policy.refresh_from_db()
    premium.refresh_from_db()
    assert premium.amount == 50 and policy.status == ACTIVE
    assert Premium.objects.filter(legacy_id=premium.id).count() == 1
    succeeded(send(admin_gql, "deletePremium", f'uuids: ["{premium.uuid}"]'))
    policy.refresh_from_db()
    assert Premium.objects.current().filter(policy=policy).count() == 0 and policy.status == ACTIVE


def test_bad_premiums_are_refused_and_nothing_written(admin_gql):
    data = world(admin_gql)
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"], value="50.00")
    succeeded(_pay(admin_gql, policy, "10", "DUP"))
    other = new_policy(admin_gql, data["product"], data["family"], data["officer"], value="50.00")
    before = (Premium.objects.count(), Policy.objects.count())
    assert "already used" in error_of(_pay(admin_gql, other, "10", "DUP"))
    assert "more than zero" in error_of(_pay(admin_gql, policy, "0", "Z1"))
    assert "Unknown payment type" in error_of(_pay(admin_gql, policy, "5", "Z2", payType="X"))
    assert "Policy not found" in error_of(send(admin_gql, "createPremium", premium_input(
        "00000000-0000-0000-0000-000000000000", "5", "Z3", TODAY)))
    assert (Premium.objects.count(), Policy.objects.count()) == before


def test_coverage_of_a_person_follows_payment_and_expiry(admin_gql):
    from openimis.policy import selectors

    data = world(admin_gql)
    head = data["family"].head_insuree
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"])
    assert not selectors.covering(head, TODAY).exists()  # idle: not covered
    succeeded(_pay(admin_gql, policy, "20", "CV1"))
    assert selectors.covering(head, TODAY).get().policy_id == policy.id
    Policy.objects.filter(pk=policy.pk).update(status=8)  # expired policies still cover their period
    assert selectors.covering(head, TODAY).exists()
    assert not selectors.covering(head, policy.expiry_date + datetime.timedelta(days=1)).exists()
