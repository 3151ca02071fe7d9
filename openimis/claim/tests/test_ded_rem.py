"""The deductibles and remunerations of claims (`ClaimDedRem`, claim module) as the policy module sees
them: the policy page of fe-policy lists them, a policy they point at cannot be deleted, and the enquiry's
ded*/ceiling* count them (spec 7.6, 8.5)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openimis.claim.models import ClaimDedRem
from openimis.insuree.tests.helpers import create_family, error_of, send, succeeded
from openimis.policy.models import Policy
from openimis.policy.tests.helpers import BY_FAMILY_OR_INSUREE, new_policy, nodes, page, world
from openimis.policy.tests.test_frontend_operations import POLICY_PAGE

pytestmark = pytest.mark.django_db
AMOUNTS = ["dedG", "dedIp", "dedOp", "remG", "remIp", "remOp"]


def _row(policy: Policy, number: int, **amounts) -> ClaimDedRem:
    """A row of no claim (the claim does not matter to these reads); `number` only tells rows apart."""
    return ClaimDedRem.objects.create(policy=policy, insuree=policy.family.head_insuree, legacy_id=None,
                                      **amounts)


def _policy_page(gql, policy: Policy) -> dict:
    """fe-policy's fetchPolicyFull, as its dist code builds it."""
    return nodes(gql(page("policies", [f'uuid: "{policy.uuid}"', "showHistory: true"], POLICY_PAGE, False)),
                 "policies")


def test_the_policy_page_answers_without_rows(admin_gql):
    data = world(admin_gql, "DA", "510000001")
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"])
    [found] = _policy_page(admin_gql, policy)
    assert found["uuid"] == policy.uuid
    assert found["product"]["code"] == data["product"].code
    assert found["claimDedRems"] == {"edges": []}


def test_the_policy_page_lists_the_current_rows(admin_gql):
    data = world(admin_gql, "DB", "510000002")
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"])
    _row(policy, 7, ded_g=50, ded_op=50, rem_g=64, rem_op=64)
    _row(policy, 8, ded_g=1, rem_g=1).delete_history(None)  # closed: not listed
    [found] = _policy_page(admin_gql, policy)
    assert [edge["node"] for edge in found["claimDedRems"]["edges"]] == [
        {"dedG": "50.00", "dedIp": None, "dedOp": "50.00", "remG": "64.00", "remIp": None, "remOp": "64.00"}]


def test_the_insuree_lists_their_rows(admin_gql):
    data = world(admin_gql, "DC", "510000003")
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"])
    _row(policy, 3, rem_g=10)
    result = admin_gql('{ insurees(chfId: "510000003") { edges { node { chfId claimDedRems { edges { node '
                       '{ remG policy { uuid } } } } } } } }')
    [insuree] = nodes(result, "insurees")
    assert insuree["claimDedRems"]["edges"] == [{"node": {"remG": "10.00", "policy": {"uuid": policy.uuid}}}]


def test_a_policy_used_by_claims_cannot_be_deleted(admin_gql):
    data = world(admin_gql, "DD", "510000004")
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"])
    _row(policy, 5, ded_g=10)
    message = error_of(send(admin_gql, "deletePolicies", f'uuids: ["{policy.uuid}"]'))
    assert "used by claims" in message
    policy.refresh_from_db()
    assert policy.validity_to is None


def test_a_policy_whose_rows_were_closed_can_be_deleted(admin_gql):
    data = world(admin_gql, "DE", "510000005")
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"])
    _row(policy, 5, ded_g=10).delete_history(None)
    succeeded(send(admin_gql, "deletePolicies", f'uuids: ["{policy.uuid}"]'))
    policy.refresh_from_db()
    assert policy.validity_to is not None


def test_the_enquiry_counts_what_claims_consumed(admin_gql):
    data = world(admin_gql, "DF", "510000006", ceiling=1000, ceiling_ip=600, ceiling_op=400)
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"])
    _row(policy, 1, ded_g=20, ded_op=20, rem_g=100, rem_op=100)
    _row(policy, 2, ded_g=5, ded_ip=5, rem_g=50, rem_ip=50)
    for root, argument in (("policiesByInsuree", 'chfId: "510000006"'),
                           ("policiesByFamily", f'familyUuid: "{data["family"].uuid}"')):
        [row] = nodes(admin_gql(page(root, [argument], BY_FAMILY_OR_INSUREE)), root)
        assert (row["ded"], row["dedInPatient"], row["dedOutPatient"]) == (25, 5, 20), root
        assert (row["ceiling"], row["ceilingInPatient"], row["ceilingOutPatient"]) == (850, 550, 300), root


def test_the_rows_of_a_page_of_insurees_cost_one_query(admin_gql):
    data = world(admin_gql, "DG", "510000007")
    query = '{ insurees { edges { node { chfId claimDedRems { edges { node { remG } } } } } } }'
    counts = []
    for number, family in enumerate([data["family"], create_family(admin_gql, data["villages"][0],
                                                                   "510000008")]):
        policy = new_policy(admin_gql, data["product"], family, data["officer"])
        _row(policy, number, rem_g=number)
        with CaptureQueriesContext(connection) as captured:
            found = nodes(admin_gql(query), "insurees")
        assert sum(len(row["claimDedRems"]["edges"]) for row in found) == number + 1
        counts.append(len(captured))
    assert counts[0] == counts[1]
