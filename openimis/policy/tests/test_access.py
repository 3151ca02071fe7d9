"""Rights, row security and SQL query budgets of the policy and contribution lists."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openimis.claim.models import ClaimDedRem
from openimis.contribution import rights as contribution_rights
from openimis.contribution import services as contribution_services
from openimis.insuree import family_services
from openimis.location.tests.helpers import restricted_client
from openimis.policy import rights as policy_rights
from openimis.policy import services as policy_services
from openimis.policy.models import Policy
from openimis.policy.tests.helpers import (
    BY_FAMILY_OR_INSUREE,
    POLICY_SUMMARY,
    PREMIUM_SUMMARY,
    TODAY,
    make_officer,
    make_product,
    new_policy,
    nodes,
    page,
    policy_input,
    premium_input,
    world,
)
from openimis.policy.tests.test_frontend_operations import POLICY_PAGE

pytestmark = pytest.mark.django_db
ROOTS = {"policy page": "policies"}
READ = [policy_rights.POLICY_SEARCH, contribution_rights.PREMIUM_SEARCH, 101001, 101101]


def test_mutations_without_the_right_are_refused(admin_gql, user_factory):
    data = world(admin_gql)
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"])
    reader = restricted_client(user_factory, "reader", data["district"], READ)
    before = Policy.objects.count()
    text = policy_input(data["product"], data["family"], data["officer"], TODAY, TODAY, TODAY, "20.00")
    for name, input_text in (("createPolicy", text), ("renewPolicy", text),
                             ("updatePolicy", text + f'\n uuid: "{policy.uuid}"'),
                             ("suspendPolicies", f'uuids: ["{policy.uuid}"]'),
                             ("deletePolicies", f'uuids: ["{policy.uuid}"]'),
                             ("createPremium", premium_input(policy.uuid, "5", "X", TODAY))):
        result = reader(f"mutation {{ {name}(input: {{ clientMutationId: \"r\" {input_text} }}) "
                        "{ clientMutationId } }")
        assert result["errors"][0]["message"] == "unauthorized", (name, result)
    assert Policy.objects.count() == before
    nobody = restricted_client(user_factory, "nobody", data["district"], [101001])
    refused = nobody(page("policies", ["first: 10"], ["uuid"]))
    assert refused["errors"][0]["message"] == "unauthorized"
    assert nobody(page("premiums", ["first: 10"], ["uuid"]))["errors"][0]["message"] == "unauthorized"


def test_row_security_hides_other_districts(admin_gql, user_factory):
    home, away = world(admin_gql, "HO", "300000001"), world(admin_gql, "AW", "300000002")
    mine = new_policy(admin_gql, home["product"], home["family"], home["officer"], isPaid=True)
    new_policy(admin_gql, away["product"], away["family"], away["officer"], isPaid=True)
    client = restricted_client(user_factory, "local", home["district"], READ)
    assert [row["uuid"] for row in nodes(client(page("policies", [], ["uuid"])), "policies")] == [mine.uuid]
    assert len(nodes(client(page("premiums", [], ["uuid"])), "premiums")) == 1
    by_family = client(page("policiesByFamily", [f'familyUuid: "{away["family"].uuid}"'], ["policyUuid"]))
    assert nodes(by_family, "policiesByFamily") == []
    assert nodes(client(page("policiesByInsuree", ['chfId: "300000002"'], ["policyUuid"])),
                 "policiesByInsuree") == []


def _measure(client, query: str, root: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        rows = nodes(client(query), root)
    return len(captured), len(rows)


def _add_paid_policies(count: int, data: dict) -> None:
    for number in range(count):
        family = family_services.create_family(None, {
            "location_id": data["villages"][0].id, "head_insuree": {
                "chf_id": f"4{data['serial']:04d}{number:04d}", "last_name": "Count", "other_names": "Row",
                "gender_id": "F", "dob": "1990-01-01"}})
        data["serial"] += 1
        data["families"].append(family)
        policy = policy_services.create_policy(None, {
            "enroll_date": TODAY, "start_date": TODAY, "expiry_date": TODAY, "value": "20", "is_paid": False,
            "product_id": data["product"].id, "family_id": family.id, "officer_id": data["officer"].id})
        contribution_services.create_premium(None, {"policy_uuid": policy.uuid, "amount": "20",
                                                    "receipt": f"C{policy.id}", "pay_date": TODAY,
                                                    "pay_type": "C"})


@pytest.mark.parametrize("root", ["policies", "policy page", "premiums", "policiesByFamily"])
def test_list_query_count_does_not_grow_with_rows(root, admin_gql, user_factory):
    data = world(admin_gql, "QC", "400000001")
    data.update(serial=1, families=[])
    data["product"] = make_product("QC2", max_members=0)
    data["officer"] = make_officer("QCE2")
    # "policy page": the policies with the claims' deductibles and remunerations of each (claim module)
    fields = {"policies": POLICY_SUMMARY, "policy page": POLICY_PAGE, "premiums": PREMIUM_SUMMARY,
              "policiesByFamily": BY_FAMILY_OR_INSUREE}
    clients = [admin_gql, restricted_client(user_factory, "counter", data["district"], READ)]
    for client in clients:
        counts = []
        for added in (2, 6):
            _add_paid_policies(added, data)
            if root == "policiesByFamily":  # many policies of one family
                for _ in range(added):
                    policy_services.create_policy(None, {
                        "enroll_date": TODAY, "start_date": TODAY, "expiry_date": TODAY, "value": "20",
                        "product_id": data["product"].id, "family_id": data["families"][0].id,
                        "officer_id": data["officer"].id})
                query = page(root, [f'familyUuid: "{data["families"][0].uuid}"'], fields[root])
            else:
                query = page(ROOTS.get(root, root), ["first: 100"], fields[root])
            if root == "policy page":  # two rows per policy
                for policy in Policy.objects.current().filter(claim_ded_rems__isnull=True):
                    for _ in (1, 2):
                        ClaimDedRem.objects.create(policy=policy, ded_g=1, rem_g=2)
            counts.append(_measure(client, query, ROOTS.get(root, root)))
        (small, small_rows), (large, large_rows) = counts
        assert large_rows > small_rows
        assert small == large, (root, small, large)
        assert large <= 9, (root, large)  # a district user: their rights, then their districts
