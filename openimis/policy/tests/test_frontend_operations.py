"""Every query text fe-policy 1.10 and fe-contribution 1.9 build (their dist code), validated against our
schema; the policy page's `claimDedRems` is served by the claim module."""

from __future__ import annotations

from graphql import parse, validate

from openimis.graphql.schema import schema
from openimis.policy.tests.helpers import (
    BY_FAMILY_OR_INSUREE,
    FAMILY_PICKER,
    POLICY_SUMMARY,
    PREMIUM_FULL,
    PREMIUM_SUMMARY,
    page,
)

POLICY_PAGE = [*POLICY_SUMMARY[:-2], "claimDedRems{edges { node {dedG dedIp dedOp remG remIp remOp} } }",
               "validityFrom", "validityTo"]
OPERATIONS = {
    "policy searcher": page("policies", ["first: 10", 'orderBy: ["-enrollDate"]', 'stage: "N"', "status: 2",
                                         'confirmationType: "A"', "regionId: 1", "districtId: 2",
                                         'insureePolicies_Insuree_ChfId: "1"',
                                         'insureePolicies_Insuree_LastName_Icontains: "a"',
                                         'insureePolicies_Insuree_OtherNames_Icontains: "b"',
                                         'enrollDate_Gte: "2024-01-01"', 'expiryDate_Lte: "2025-01-01"',
                                         'product_Id: "UHJvZHVjdEdRTFR5cGU6MQ=="', "balanceLte: 10",
                                         "showInactive: true", "showHistory: true"], POLICY_SUMMARY),
    "policy page": page("policies", ['uuid: "x"', "showHistory: true"], POLICY_PAGE, False),
    "family policies": page("policiesByFamily", ['familyUuid: "x"', "activeOrLastExpiredOnly: true"],
                            BY_FAMILY_OR_INSUREE),
    "insuree policies": page("policiesByInsuree", ['chfId: "x"', "activeOrLastExpiredOnly: false"],
                             BY_FAMILY_OR_INSUREE),
    "policy values": '{ policyValues(stage: "R",enrollDate: "2024-01-01T00:00:00",productId: 1,familyId: 2,'
                     'prevUuid: "x") { policy{startDate expiryDate value},warnings } }',
    "policy officers": "query ($search: String, $first: Int, $district: String, $region: String) { "
                       "policyOfficers(search: $search, first: $first, district: $district, region: $region) "
                       "{ edges { node { id uuid code lastName otherNames } } } }",
    "family for the policy form": page("families", ['headInsuree_ChfId: "x"'], [FAMILY_PICKER], False),
    "premium searcher": page("premiums", ["first: 10", 'orderBy: ["-payDate"]', 'payDate_Gte: "2024-01-01"',
                                          'payDate_Lte: "2025-01-01"', 'payType: "C"', 'payerId: "1"',
                                          'receipt_Icontains: "r"', "isPhotoFee: false", "showHistory: true",
                                          'parentLocation: "x"', "parentLocationLevel: 1"], PREMIUM_SUMMARY),
    "premium page": page("premiums", ['uuid: "x"'], PREMIUM_FULL, False),
    "premiums of a policy": page("premiumsByPolicies", ['policyUuids: "x"'], PREMIUM_SUMMARY),
    "policy of a premium": page("policies", ['uuid: "x"'], ["id", "uuid", "startDate", "expiryDate", "value",
                                                            "product{name, code, maxInstallments}",
                                                            "sumPremiums"], False),
    "receipt check": "query ($code: String!, $policyUuid: String!) { isValid: validatePremiumCode("
                     "code: $code, policyUuid: $policyUuid) }",
    "mutation log objects": '{ mutationLogs(clientMutationId: "x") { edges { node { id status } } } }',
}


def test_every_operation_validates():
    problems = {name: [error.message for error in validate(schema.graphql_schema, parse(text))]
                for name, text in OPERATIONS.items()}
    assert {name: errors for name, errors in problems.items() if errors} == {}

