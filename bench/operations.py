"""The operations the benchmark times: GraphQL texts as the reference frontend sends them.

The projections are copies of the tests' (openimis/insuree/tests/helpers.py,
openimis/policy/tests/helpers.py, openimis/location/tests/helpers.py), which follow fe-insuree 1.11,
fe-policy 1.10 and fe-location 1.8; the benchmark does not import the tests so that it runs without the
test dependencies.
"""

from __future__ import annotations

import itertools
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from server import BenchError, Client

PAGE_INFO = "pageInfo { hasNextPage, hasPreviousPage, startCursor, endCursor}"
LOCATION_SUMMARY = "id,uuid,code,name,type"


# fe-claim 1.10's claim searcher, with the claim administrator and the main diagnosis
CLAIM_SUMMARY = [
    "uuid", "code", "jsonExt", "dateClaimed", "dateProcessed", "feedbackStatus", "reviewStatus", "claimed",
    "approved", "status", "restoreId", "healthFacility { id uuid name code }",
    "insuree{id, uuid, chfId, lastName, otherNames, dob}", "preAuthorization", "attachmentsCount",
    "admin{id uuid code lastName otherNames}", "icd{id code name}",
]


def nest_parents(level: int) -> str:
    """fe-location's `nestParentsProjections(level)`."""
    return f"parent{{{LOCATION_SUMMARY}{'' if level == 0 else ',' + nest_parents(level - 1)}}}"


FLAT = "{id,uuid,code,name,type," + nest_parents(2) + "}"  # location.Location.FlatProjection (4 levels)
HF_PICKER = (
    "{id, uuid, code, name, level, servicesPricelist{id, uuid}, itemsPricelist{id, uuid}, "
    "contractStartDate, contractEndDate, location{id,uuid,code,name,type, parent{id,uuid,code,name,type}}}"
)
FAMILY_HEAD = [
    "id", "uuid", "chfId", "lastName", "otherNames", "dob", "age", "validityFrom", "validityTo",
    "photo{id,uuid,date,folder,filename,officerId,photo}", "gender{code, gender}", "education{id}",
    "profession{id}", "marital", "cardIssued", "currentVillage" + FLAT, "currentAddress", "typeOfId{code}",
    "passport", "relationship{id}", "head", "status", "statusDate", "statusReason{code,insureeStatusReason}",
    "email", "phone", "healthFacility" + HF_PICKER,
]
FAMILY_FULL = [
    "id", "uuid", "poverty", "confirmationNo", "confirmationType{code, isConfirmationNumberRequired}",
    "familyType{code}", "address", "validityFrom", "validityTo", "headInsuree{" + ",".join(FAMILY_HEAD) + "}",
    "location" + FLAT, "clientMutationId",
]
FAMILY_SUMMARY = [
    "id", "uuid", "poverty", "confirmationNo", "validityFrom", "validityTo",
    "headInsuree{id,uuid,chfId,lastName,otherNames,email,phone, dob}", "location" + FLAT,
]
MEMBER_FIELDS = [
    "uuid", "chfId", "otherNames", "lastName", "head", "phone", "gender{code}", "dob", "cardIssued",
]
INSUREE_SUMMARY = [
    "id", "uuid", "validityFrom", "validityTo", "chfId", "otherNames", "lastName", "phone", "gender{code}",
    "dob", "marital", "status", "family{uuid,location" + FLAT + "}", "currentVillage" + FLAT,
]
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
MODULE_CONFIGURATIONS = "{ moduleConfigurations { module, config, controls { field, usage } } }"
LOGIN = 'mutation { tokenAuth(username: "Admin", password: "admin123") { token } }'
ELIGIBILITY = (
    '{ policyEligibilityByInsuree(chfId:"%s") { prodId, totalAdmissionsLeft, totalVisitsLeft, '
    "totalConsultationsLeft, totalSurgeriesLeft, totalDeliveriesLeft, totalAntenatalLeft, "
    "consultationAmountLeft, surgeryAmountLeft, deliveryAmountLeft, hospitalizationAmountLeft, "
    "antenatalAmountLeft } }"
)
MUTATION_LOG = (
    '{ mutationLogs(clientMutationId: "%s") { edges { node { id, status, error, clientMutationId, '
    "clientMutationLabel, clientMutationDetails, requestDateTime, jsonExt } } } }"
)


def page_query(entity: str, filters: list[str], projections: list[str], with_count: bool = False) -> str:
    """fe-core's `formatPageQuery` / `formatPageQueryWithCount`."""
    arguments = f"({','.join(filters)})" if filters else ""
    count = "totalCount\n" if with_count else ""
    nodes = ",".join(projections)
    return f"{{ {entity}{arguments} {{ {count}{PAGE_INFO} edges {{ node {{ {nodes} }} }} }} }}"


def insurees_query(filters: list[str]) -> str:
    return page_query("insurees", ["first: 10", 'orderBy: ["chfId"]', *filters], INSUREE_SUMMARY, True)


def prefix_search(prefix: str) -> str:
    return insurees_query([f'chfId_Istartswith: "{prefix}"'])


# --- the inputs, read from the database through the API ---------------------------------------------


@dataclass
class Inputs:
    """Values the operations vary per round, picked at random (fixed seed) among the first pages."""

    prefixes: list[str]  # 4-digit prefixes of existing insurance numbers (members and heads of families)
    families: list[str]  # uuids of families
    policy_holders: list[str]  # insurance numbers of heads of families that hold a policy


def _pages(client: Client, root: str, filters: list[str], fields: str, pages: int) -> list[dict]:
    found, after = [], None
    for _ in range(pages):
        arguments = ", ".join(["first: 100", *filters, *([f'after: "{after}"'] if after else [])])
        data = client.data(f"{{ {root}({arguments}) {{ pageInfo {{ hasNextPage endCursor }} "
                           f"edges {{ node {{ {fields} }} }} }} }}")[root]
        found += [edge["node"] for edge in data["edges"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    return found


def pick_inputs(client: Client, seed: int, count: int = 20, pages: int = 3) -> Inputs:
    chance = random.Random(seed)
    insurees = _pages(client, "insurees", ['orderBy: ["chfId"]'], "chfId", pages)
    families = _pages(client, "families", ['orderBy: ["-validityFrom"]'], "uuid headInsuree { chfId }", pages)
    policies = _pages(client, "policies", ['orderBy: ["-enrollDate"]'], "family { headInsuree { chfId } }",
                      pages)
    if not insurees or not families or not policies:
        raise BenchError("the database needs insurees, families and policies (start with DEMO_DATASET=true)")
    numbers = [row["chfId"] for row in insurees]
    numbers += [row["headInsuree"]["chfId"] for row in families if row.get("headInsuree")]
    prefixes = sorted({number[:4] for number in numbers if number and len(number) >= 4})
    holders = sorted({row["family"]["headInsuree"]["chfId"] for row in policies
                      if row.get("family") and row["family"].get("headInsuree")})

    def sample(values: list[str]) -> list[str]:
        return chance.sample(values, min(count, len(values)))

    return Inputs(sample(prefixes), sample([row["uuid"] for row in families]), sample(holders))


# --- the operations ---------------------------------------------------------------------------------


@dataclass
class Operation:
    name: str
    anonymous: bool  # sent without the Bearer token
    perform: Callable[[Client, int], None]  # one round: the requests of the operation, checked


def _read(query: str) -> Callable[[Client, int], None]:
    return lambda client, _: _nodes_or_value(client.data(query))


def _nodes_or_value(data: dict) -> None:
    if not data or any(value is None for value in data.values()):
        raise BenchError(f"empty answer: {str(data)[:200]}")


def operations(inputs: Inputs, run_tag: str) -> list[Operation]:
    """The operations, in the order they are timed. `run_tag` keeps created codes unique across runs."""
    created = itertools.count()

    def login(client: Client, _: int) -> None:
        if not client.data(LOGIN)["tokenAuth"]["token"]:
            raise BenchError("tokenAuth gave no token")

    def prefix(client: Client, round_: int) -> None:
        _nodes_or_value(client.data(prefix_search(inputs.prefixes[round_ % len(inputs.prefixes)])))

    def family_with_members(client: Client, round_: int) -> None:
        family_uuid = inputs.families[round_ % len(inputs.families)]
        page = client.data(page_query("families", [f'uuid: "{family_uuid}"', "showHistory: true"],
                                      FAMILY_FULL))
        if not page["families"]["edges"]:
            raise BenchError(f"family {family_uuid} not found")
        _nodes_or_value(client.data(page_query(
            "familyMembers", [f'familyUuid: "{family_uuid}"', "first: 50", 'orderBy: ["-head"]'],
            MEMBER_FIELDS, True)))

    def policies_of_insuree(client: Client, round_: int) -> None:
        chf_id = inputs.policy_holders[round_ % len(inputs.policy_holders)]
        data = client.data(page_query("policiesByInsuree", [f'chfId: "{chf_id}"', "first: 10",
                                                            "activeOrLastExpiredOnly: false"],
                                      BY_FAMILY_OR_INSUREE, True))
        if not data["policiesByInsuree"]["edges"]:
            raise BenchError(f"no policy for the insuree {chf_id}")

    def eligibility(client: Client, round_: int) -> None:
        chf_id = inputs.policy_holders[round_ % len(inputs.policy_holders)]
        _nodes_or_value(client.data(ELIGIBILITY % chf_id))

    def create_location(client: Client, _: int) -> None:
        client_mutation_id = str(uuid.uuid4())
        number = next(created)
        code = f"B{run_tag}{number:04d}"  # 8 characters (the longest code) with a 3-character tag
        client.data(f'mutation {{ createLocation(input: {{ clientMutationId: "{client_mutation_id}" '
                    f'clientMutationLabel: "Create location {code}" code: "{code}"\n    '
                    f'name: "Bench {run_tag} {number}"\n    type: "R" }}) '
                    "{ clientMutationId internalId } }")
        deadline = time.perf_counter() + 30
        while time.perf_counter() < deadline:
            edges = client.data(MUTATION_LOG % client_mutation_id)["mutationLogs"]["edges"]
            status = edges[0]["node"]["status"] if edges else 0
            if status == 2:
                return
            if status == 1:
                raise BenchError(f"createLocation failed: {edges[0]['node']['error']}")
            time.sleep(0.02)
        raise BenchError("createLocation still pending after 30 s")

    return [
        Operation("moduleConfigurations (anonymous)", True, _read(MODULE_CONFIGURATIONS)),
        Operation("login (tokenAuth)", True, login),
        Operation("insurees, first page by chfId", False, _read(insurees_query([]))),
        Operation("insurees, chfId prefix search", False, prefix),
        Operation('insurees, lastName contains "son"', False,
                  _read(insurees_query(['lastName_Icontains: "son"']))),
        Operation("families, newest first", False, _read(page_query(
            "families", ["first: 10", 'orderBy: ["-validityFrom"]'], FAMILY_SUMMARY, True))),
        Operation("family page + members (2 requests)", False, family_with_members),
        Operation("policiesByInsuree", False, policies_of_insuree),
        Operation("policyEligibilityByInsuree", False, eligibility),
        Operation("policies, newest first", False, _read(page_query(
            "policies", ["first: 10", 'orderBy: ["-enrollDate"]'], POLICY_SUMMARY, True))),
        Operation("claims, newest first", False, _read(page_query(
            "claims", ["first: 10", 'orderBy: ["-dateClaimed"]'], CLAIM_SUMMARY, True))),
        Operation("createLocation + mutationLogs poll", False, create_location),
    ]
