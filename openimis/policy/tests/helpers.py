"""Helpers of the policy and contribution tests: products, officers, families, and the operations
fe-policy 1.10 and fe-contribution 1.9 send (their dist code; fe-graphql-operations.md sections 3-4),
with the same inline literals."""

from __future__ import annotations

import datetime
import uuid

from openimis.core.models import Officer
from openimis.insuree.models import Family
from openimis.insuree.tests.helpers import FLAT, create_family, places, send, succeeded  # noqa: F401
from openimis.location.tests.helpers import relay_id
from openimis.policy.models import Policy, PolicyMutation
from openimis.product.models import Product

PRODUCT_PICKER = "{id, code, name, location{id}}"
OFFICER_PICKER = "{id, uuid, code, lastName, otherNames}"
FAMILY_PICKER = "id, uuid, headInsuree{id chfId uuid lastName otherNames}"
POLICY_SUMMARY = [
    "uuid", f"product{PRODUCT_PICKER}", f"officer{OFFICER_PICKER}",
    "family{" + FAMILY_PICKER + ",location" + FLAT + "}", "enrollDate", "effectiveDate", "startDate",
    "expiryDate", "stage", "status", "value", "sumPremiums", "validityFrom", "validityTo",
]
BY_FAMILY_OR_INSUREE = [
    "policyUuid", "productCode", "productName", "officerCode", "officerName", "enrollDate", "effectiveDate",
    "startDate", "expiryDate", "status", "policyValue", "balance", "ded", "dedInPatient", "dedOutPatient",
    "ceiling", "ceilingInPatient", "ceilingOutPatient",
]
PREMIUM_SUMMARY = ["id", "uuid", "payDate", "amount", "payType", "receipt", "isPhotoFee", "clientMutationId",
                   "validityTo", "payer{id, uuid, name}"]
PREMIUM_FULL = [*PREMIUM_SUMMARY, "otherPremiums",
                "policy{id, uuid, startDate, expiryDate, value, sumPremiums, "
                "product{name, code, maxInstallments}, family{" + FAMILY_PICKER + "}}"]
TODAY = datetime.date.today()


def page(entity: str, filters: list[str], fields: list[str], count: bool = True) -> str:
    """fe-core's formatPageQuery(WithCount)."""
    arguments = f"({','.join(filters)})" if filters else ""
    total = "totalCount " if count else ""
    return (f"{{ {entity}{arguments} {{ {total}pageInfo {{ hasNextPage, hasPreviousPage, startCursor, "
            f"endCursor}} edges {{ node {{ {','.join(fields)} }} }} }} }}")


def nodes(result: dict, root: str) -> list[dict]:
    assert "errors" not in result, result
    return [edge["node"] for edge in result["data"][root]["edges"]]


def make_product(code: str = "P1", **fields) -> Product:
    values = {"name": f"Product {code}", "date_from": datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
              "date_to": datetime.datetime(2035, 12, 31, tzinfo=datetime.UTC), "insurance_period": 12,
              "lump_sum": 0, "premium_adult": 20, "premium_child": 10, "max_members": 6}
    values.update(fields)
    return Product.objects.create(code=code, **values)


def make_officer(code: str = "E001", location=None) -> Officer:
    return Officer.objects.create(code=code, last_name="Officer", other_names=code, location=location)


def policy_input(product: Product, family: Family, officer: Officer, enroll: datetime.date,
                 start: datetime.date, expiry: datetime.date, value: str, **extra) -> str:
    """fe-policy's `formatPolicyGQL`."""
    parts = []
    if extra.get("uuid"):
        parts.append(f'uuid: "{extra["uuid"]}"')
    if extra.get("isPaid"):
        parts.append("isPaid: true")
    if extra.get("receipt"):
        parts.append(f'receipt: "{extra["receipt"]}"')
    if extra.get("payerUuid"):
        parts.append(f'payerUuid: "{extra["payerUuid"]}"')
    parts += [f'enrollDate: "{enroll.isoformat()}"', f'startDate: "{start.isoformat()}"',
              f'expiryDate: "{expiry.isoformat()}"', f'value: "{value}"', f"productId: {product.id}",
              f"familyId: {family.id}", f"officerId: {officer.id}"]
    return "\n  ".join(parts)


def policy_values_query(stage: str, enroll: datetime.date, product: Product, family: Family,
                        prev_uuid: str | None = None) -> str:
    """fe-policy's `fetchPolicyValues` (formatQuery)."""
    params = [f'stage: "{stage}"', f'enrollDate: "{enroll.isoformat()}T00:00:00"',
              f"productId: {product.id}", f"familyId: {family.id}"]
    if prev_uuid:
        params.append(f'prevUuid: "{prev_uuid}"')
    return f"{{ policyValues({','.join(params)}) {{ policy{{startDate expiryDate value}},warnings }} }}"


def premium_input(policy_uuid: str, amount: str, receipt: str, pay_date: datetime.date, **extra) -> str:
    """fe-contribution's premium mutation input."""
    parts = [f'uuid: "{extra["uuid"]}"'] if extra.get("uuid") else []
    parts += [f'receipt: "{receipt}"', f'payDate: "{pay_date.isoformat()}"',
              f'payType: "{extra.get("payType", "C")}"',
              f"isPhotoFee: {str(extra.get('isPhotoFee', False)).lower()}",
              f'amount: "{amount}"', f'policyUuid: "{policy_uuid}"']
    if extra.get("action"):
        parts.append(f'action: "{extra["action"]}"')
    if extra.get("payerUuid"):
        parts.append(f'payerUuid: "{extra["payerUuid"]}"')
    return "\n  ".join(parts)


def new_policy(gql, product, family, officer, enroll=None, value=None, **extra) -> Policy:
    """A policy created through policyValues then createPolicy, as the policy page does."""
    enroll = enroll or TODAY
    result = gql(policy_values_query("N", enroll, product, family))
    assert "errors" not in result, result
    computed = result["data"]["policyValues"]["policy"]
    client_mutation_id = send(gql, "createPolicy", policy_input(
        product, family, officer, enroll, datetime.date.fromisoformat(computed["startDate"]),
        datetime.date.fromisoformat(computed["expiryDate"]), value or computed["value"], **extra))
    succeeded(client_mutation_id)
    return PolicyMutation.objects.get(mutation__client_mutation_id=client_mutation_id).policy


def world(gql, prefix: str = "PO", chf_id: str = "200000001", **product_fields) -> dict:
    tree = places(prefix)
    family = create_family(gql, tree["villages"][0], chf_id)
    return {**tree, "family": family, "product": make_product(f"{prefix}1", **product_fields),
            "officer": make_officer(f"{prefix}E1", tree["district"])}


def new_client_mutation_id() -> str:
    return str(uuid.uuid4())


def policy_relay_id(policy: Policy) -> str:
    return relay_id("PolicyGQLType", policy.id)
