"""The policy module through the API as fe-policy uses it: create, read (every operation of the package,
shape-checked), update (Idle only), suspend, renew, delete; errors leave the database unchanged."""

from __future__ import annotations

import datetime

import pytest

from openimis.insuree.models import InsureeMutation
from openimis.insuree.tests.helpers import add_member, error_of, insuree_input, send, succeeded
from openimis.insuree.tests.helpers import member as member_of
from openimis.policy.models import ACTIVE, IDLE, SUSPENDED, InsureePolicy, Policy, PolicyMutation
from openimis.policy.tests.helpers import (
    BY_FAMILY_OR_INSUREE,
    POLICY_SUMMARY,
    TODAY,
    new_policy,
    nodes,
    page,
    policy_input,
    world,
)

pytestmark = pytest.mark.django_db


def _counts() -> dict:
    return {"policies": Policy.objects.count(), "insuree_policies": InsureePolicy.objects.count()}


def test_create_policy_covers_every_member_and_stays_idle(admin_gql):
    data = world(admin_gql)
    member = add_member(admin_gql, data["family"], "200000002")
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"])
    assert (policy.status, policy.stage, policy.value, policy.effective_date) == (IDLE, "N", 30, None)
    rows = InsureePolicy.objects.filter(policy=policy, validity_to__isnull=True)
    assert {row.insuree_id for row in rows} == {data["family"].head_insuree_id, member.id}
    assert all(row.effective_date is None and row.expiry_date == policy.expiry_date for row in rows)


def test_policies_searcher_and_policy_page_shapes(admin_gql):
    data = world(admin_gql)
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"])
    found = nodes(admin_gql(page("policies", ["first: 10", 'orderBy: ["-enrollDate"]'], POLICY_SUMMARY)),
                  "policies")
    assert len(found) == 1
    row = found[0]
    assert row["uuid"] == policy.uuid and row["status"] == IDLE and row["stage"] == "N"
    assert row["sumPremiums"] == 0 and row["value"] == "20.00"
    assert row["family"]["headInsuree"]["chfId"] == "200000001"
    assert row["product"]["code"] == data["product"].code and row["officer"]["code"] == data["officer"].code
    assert row["family"]["location"]["parent"]["parent"]["code"] == data["district"].code
    page_result = admin_gql(page("policies", [f'uuid: "{policy.uuid}"', "showHistory: true"], POLICY_SUMMARY,
                                 count=False))
    assert nodes(page_result, "policies")[0]["uuid"] == policy.uuid
    for filters in (['status: 1'], ['stage: "N"'], [f'product_Code: "{data["product"].code}"'],
                    ['balanceGte: 10'], ["showInactive: false"], [f"districtId: {data['district'].id}"]):
        assert len(nodes(admin_gql(page("policies", filters, ["uuid"])), "policies")) == 1, filters
    assert nodes(admin_gql(page("policies", ["status: 2"], ["uuid"])), "policies") == []
    assert nodes(admin_gql(page("policies", ["balanceLte: 10"], ["uuid"])), "policies") == []


def test_policies_by_family_and_by_insuree_rows(admin_gql):
    data = world(admin_gql)
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"])
    for filters, root in (([f'familyUuid: "{data["family"].uuid}"', "activeOrLastExpiredOnly: true"],
                           "policiesByFamily"),
                          (['chfId: "200000001"', "activeOrLastExpiredOnly: true"], "policiesByInsuree")):
        result = admin_gql(page(root, filters, BY_FAMILY_OR_INSUREE))
        assert result["data"][root]["totalCount"] == 1
        row = nodes(result, root)[0]
        assert row["policyUuid"] == policy.uuid and row["status"] == IDLE and row["policyValue"] == 20
        assert row["balance"] == 20 and row["ded"] == 0 and row["ceiling"] is None
        assert row["officerCode"] == data["officer"].code and row["productCode"] == data["product"].code
    later = admin_gql(page("policiesByInsuree", ['chfId: "200000001"', f'targetDate: "{TODAY.isoformat()}"'],
                           ["policyUuid"]))
    assert nodes(later, "policiesByInsuree") == []  # an idle policy has no effective date yet
    unknown = admin_gql(page("policiesByInsuree", ['chfId: "999"'], ["policyUuid"]))
    assert nodes(unknown, "policiesByInsuree") == []


def test_policy_officers_and_insuree_policies(admin_gql):
    data = world(admin_gql)
    new_policy(admin_gql, data["product"], data["family"], data["officer"])
    officers = admin_gql("query ($search: String, $first: Int, $district: String) { policyOfficers(search: "
                         "$search, first: $first, district: $district) { edges { node { id uuid code "
                         "lastName otherNames } } } }", {"search": data["officer"].code, "first": 20,
                                                "district": data["district"].uuid})
    assert [node["code"] for node in nodes(officers, "policyOfficers")] == [data["officer"].code]
    query = "query ($district: String) { policyOfficers(district: $district) { edges { node { code } } } }"
    # the policy form sends the id of the family's village, the searcher a district or region id
    for place in (data["villages"][0], data["district"], data["region"]):
        served = nodes(admin_gql(query, {"district": str(place.id)}), "policyOfficers")
        assert [node["code"] for node in served] == [data["officer"].code], place.type
    other = world(admin_gql, "OT", "200000099")
    assert nodes(admin_gql(query, {"district": str(other["district"].id)}), "policyOfficers") == [
        {"code": other["officer"].code}]
    coverage = admin_gql("{ insureePolicy(first: 5) { totalCount edges { node { startDate expiryDate "
                         "effectiveDate insuree { chfId } policy { uuid } } } } }")
    assert coverage["data"]["insureePolicy"]["totalCount"] == 1
    family = admin_gql(f'{{ families(uuid: "{data["family"].uuid}") {{ edges {{ node {{ policies {{ '
                       "totalCount } headInsuree { insureePolicies { totalCount } } } } } }")
    node = nodes(family, "families")[0]
    assert node["policies"]["totalCount"] == 1 and node["headInsuree"]["insureePolicies"]["totalCount"] == 1


def test_update_only_while_idle_and_keeps_history(admin_gql):
    data = world(admin_gql)
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"])
    succeeded(send(admin_gql, "updatePolicy", policy_input(
        data["product"], data["family"], data["officer"], TODAY, TODAY, TODAY + datetime.timedelta(days=99),
        "25.00", uuid=policy.uuid)))
    policy.refresh_from_db()
    assert policy.value == 25 and policy.expiry_date == TODAY + datetime.timedelta(days=99)
    assert Policy.objects.filter(legacy_id=policy.id).count() == 1
    assert InsureePolicy.objects.current().get(policy=policy).expiry_date == policy.expiry_date
    succeeded(send(admin_gql, "suspendPolicies", f'uuids: ["{policy.uuid}"]'))
    policy.refresh_from_db()
    assert policy.status == SUSPENDED
    before = _counts()
    failed = send(admin_gql, "updatePolicy", policy_input(
        data["product"], data["family"], data["officer"], TODAY, TODAY, TODAY, "30.00", uuid=policy.uuid))
    assert "Only an idle policy" in error_of(failed)
    assert _counts() == before


def test_bad_input_is_refused_and_nothing_written(admin_gql):
    data = world(admin_gql)
    before = _counts()
    tomorrow = TODAY + datetime.timedelta(days=1)
    cases = [
        (policy_input(data["product"], data["family"], data["officer"], tomorrow, tomorrow, tomorrow,
                      "20.00"), "in the future"),
        (policy_input(data["product"], data["family"], data["officer"], TODAY, TODAY,
                      TODAY - datetime.timedelta(days=3), "20.00"), "before the start date"),
        (policy_input(data["product"], data["family"], data["officer"], TODAY, TODAY, TODAY, "-1"),
         "Policy value cannot be negative"),
        (policy_input(data["product"], data["family"], data["officer"], TODAY, TODAY, TODAY,
                      "20.00").replace(f"productId: {data['product'].id}", "productId: 999999"),
         "Product not found"),
    ]
    for text, message in cases:
        assert message in error_of(send(admin_gql, "createPolicy", text))
    assert _counts() == before


def test_delete_policy_soft_deletes_its_coverage(admin_gql):
    data = world(admin_gql)
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"])
    succeeded(send(admin_gql, "deletePolicies", f'uuids: ["{policy.uuid}"]'))
    policy.refresh_from_db()
    assert policy.validity_to is not None
    assert not InsureePolicy.objects.current().filter(policy=policy).exists()
    assert "Policy not found" in error_of(send(admin_gql, "deletePolicies", f'uuids: ["{policy.uuid}"]'))


def test_renew_policy_is_stage_r(admin_gql):
    data = world(admin_gql)
    first = new_policy(admin_gql, data["product"], data["family"], data["officer"])
    Policy.objects.filter(pk=first.pk).update(status=ACTIVE)
    client_mutation_id = send(admin_gql, "renewPolicy", policy_input(
        data["product"], data["family"], data["officer"], TODAY,
        first.expiry_date + datetime.timedelta(days=1), first.expiry_date + datetime.timedelta(days=365),
        "20.00"))
    succeeded(client_mutation_id)
    renewed = PolicyMutation.objects.get(mutation__client_mutation_id=client_mutation_id).policy
    assert (renewed.stage, renewed.status) == ("R", IDLE)


def test_insuree_hooks_cover_warn_and_end(admin_gql):
    data = world(admin_gql, max_members=2)
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"])
    can_add = f"{{ canAddInsuree(familyId: {data['family'].id}) }}"
    assert admin_gql(can_add)["data"]["canAddInsuree"] == []
    member = add_member(admin_gql, data["family"], "200000002")
    assert not InsureePolicy.objects.current().filter(insuree=member).exists()  # not asked to cover it
    added = send(admin_gql, "createInsuree", insuree_input(member_of("200000003", data["family"].id))
                 + "\n    addOnExistingPolicy: true")
    other = InsureeMutation.objects.get(mutation__client_mutation_id=added).insuree
    assert InsureePolicy.objects.current().filter(insuree=other, policy=policy).exists()
    warnings = admin_gql(can_add)["data"]["canAddInsuree"]
    assert len(warnings) == 1 and data["product"].code in warnings[0]
    succeeded(send(admin_gql, "deleteInsurees", f'uuids: ["{other.uuid}"]'))
    assert not InsureePolicy.objects.current().filter(insuree=other).exists()
