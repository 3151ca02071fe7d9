"""Helpers of the insuree tests: places, families made through the API, and the operations fe-insuree
1.11 sends (fe-graphql-operations.md section 2; the package's actions), with the same inline literals."""

from __future__ import annotations

import base64
import json
import uuid

from openimis.core.models import MutationLog
from openimis.insuree.models import Family, FamilyMutation, Insuree, InsureeMutation, Photo
from openimis.location.tests.helpers import make_facility, make_tree, nest_parents, page_query

FLAT = "{id,uuid,code,name,type," + nest_parents(2) + "}"  # location.Location.FlatProjection (4 levels)
HF_PICKER = (
    "{id, uuid, code, name, level, servicesPricelist{id, uuid}, itemsPricelist{id, uuid}, "
    "contractStartDate, contractEndDate, location{id,uuid,code,name,type, parent{id,uuid,code,name,type}}}"
)
FAMILY_HEAD = [
    "id",
    "uuid",
    "chfId",
    "lastName",
    "otherNames",
    "dob",
    "age",
    "validityFrom",
    "validityTo",
    "photo{id,uuid,date,folder,filename,officerId,photo}",
    "gender{code, gender}",
    "education{id}",
    "profession{id}",
    "marital",
    "cardIssued",
    "currentVillage" + FLAT,
    "currentAddress",
    "typeOfId{code}",
    "passport",
    "relationship{id}",
    "head",
    "status",
    "statusDate",
    "statusReason{code,insureeStatusReason}",
    "email",
    "phone",
    "healthFacility" + HF_PICKER,
]
FAMILY_FULL = [
    "id",
    "uuid",
    "poverty",
    "confirmationNo",
    "confirmationType{code, isConfirmationNumberRequired}",
    "familyType{code}",
    "address",
    "validityFrom",
    "validityTo",
    "headInsuree{" + ",".join(FAMILY_HEAD) + "}",
    "location" + FLAT,
    "clientMutationId",
]
INSUREE_FULL = [
    "id",
    "uuid",
    "chfId",
    "lastName",
    "otherNames",
    "dob",
    "age",
    "validityFrom",
    "validityTo",
    "family{" + ",".join(FAMILY_FULL) + "}",
    "photo{id,uuid,date,folder,filename,officerId,photo}",
    "gender{code, gender}",
    "education{id}",
    "profession{id}",
    "marital",
    "cardIssued",
    "currentVillage" + FLAT,
    "currentAddress",
    "typeOfId{code}",
    "passport",
    "relationship{id}",
    "head",
    "status",
    "jsonExt",
    "statusDate",
    "statusReason{code,insureeStatusReason}",
    "email",
    "phone",
    "healthFacility" + HF_PICKER,
]
FAMILY_SUMMARY = [
    "id",
    "uuid",
    "poverty",
    "confirmationNo",
    "validityFrom",
    "validityTo",
    "headInsuree{id,uuid,chfId,lastName,otherNames,email,phone, dob}",
    "location" + FLAT,
]
MEMBER_FIELDS = [
    "uuid",
    "chfId",
    "otherNames",
    "lastName",
    "head",
    "phone",
    "gender{code}",
    "dob",
    "cardIssued",
]
INSUREE_SUMMARY = [
    "id",
    "uuid",
    "validityFrom",
    "validityTo",
    "chfId",
    "otherNames",
    "lastName",
    "phone",
    "gender{code}",
    "dob",
    "marital",
    "status",
    "family{uuid,location" + FLAT + "}",
    "currentVillage" + FLAT,
]
ENQUIRY_FIELDS = [
    "id",
    "uuid",
    "chfId",
    "lastName",
    "otherNames",
    "dob",
    "age",
    "validityFrom",
    "validityTo",
    "gender{code}",
    "status",
    "family{" + ",".join(FAMILY_FULL) + "}",
    "photo{folder,filename,photo}",
    "gender{code, gender, altLanguage}",
    "healthFacility" + HF_PICKER,
]
NUMBER_VALIDITY = """
    query ($insuranceNumber: String!) {
      insureeNumberValidity(insureeNumber: $insuranceNumber) {
        isValid
        errorCode
        errorMessage
      }
    }
    """
CODE_LISTS = {
    "insureeGenders": ["code"],
    "confirmationTypes": ["code", "isConfirmationNumberRequired"],
    "familyTypes": ["code"],
    "educations": ["id"],
    "professions": ["id"],
    "identificationTypes": ["code"],
    "relations": ["id"],
}


def plain_query(entity: str, filters: list[str] | None, fields: list[str] | None) -> str:
    """fe-core's `formatQuery`."""
    arguments = f"({','.join(filters)})" if filters else ""
    return f"{{ {entity}{arguments} {{ {','.join(fields)} }} }}" if fields else f"{{ {entity}{arguments} }}"


def families_query(filters: list[str] | None = None) -> str:
    return page_query(
        "families", filters or ["first: 10", 'orderBy: ["-validityFrom"]'], FAMILY_SUMMARY, True
    )


def family_overview(family_uuid: str) -> str:
    return page_query("families", [f'uuid: "{family_uuid}"', "showHistory: true"], FAMILY_FULL)


def family_members(family_uuid: str) -> str:
    return page_query(
        "familyMembers",
        [f'familyUuid: "{family_uuid}"', "first: 10", 'orderBy: ["-head"]'],
        MEMBER_FIELDS,
        True,
    )


def insurees_query(filters: list[str] | None = None) -> str:
    return page_query("insurees", filters or ["first: 10", 'orderBy: ["chfId"]'], INSUREE_SUMMARY, True)


def insuree_page(insuree_uuid: str) -> str:
    return page_query("insurees", [f'uuid:"{insuree_uuid}"'], [*INSUREE_FULL, "clientMutationId"])


def enquiry(chf_id: str) -> str:
    return page_query("insurees", [f'chfId:"{chf_id}", ignoreLocation:true'], ENQUIRY_FIELDS)


def mutation_log_objects(client_mutation_id: str, kind: str) -> str:
    fields = "families{family{uuid}}" if kind == "family" else "insurees{insuree{uuid}}"
    return page_query("mutationLogs", [f'clientMutationId:"{client_mutation_id}"'], ["id", fields])


# --- mutations as fe-insuree writes them ---------------------------------------------------------


def _text(value) -> str:
    return json.dumps(value)


def insuree_input(insuree: dict) -> str:
    """fe-insuree's `formatInsureeGQL` for the fields given (same names as the form's state)."""
    parts = []
    for key in (
        "uuid",
        "chfId",
        "lastName",
        "otherNames",
        "dob",
        "marital",
        "passport",
        "phone",
        "email",
        "currentAddress",
        "status",
        "statusDate",
    ):
        if insuree.get(key):
            parts.append(f"{key}: {_text(insuree[key])}")
    if insuree.get("gender"):
        parts.append(f'genderId: "{insuree["gender"]}"')
    parts.append(f"head: {str(bool(insuree.get('head'))).lower()}")
    parts.append(f"cardIssued:{str(bool(insuree.get('cardIssued'))).lower()}")
    for key, name in (
        ("currentVillageId", "currentVillageId"),
        ("familyId", "familyId"),
        ("professionId", "professionId"),
        ("educationId", "educationId"),
        ("relationshipId", "relationshipId"),
        ("healthFacilityId", "healthFacilityId"),
    ):
        if insuree.get(key):
            parts.append(f"{name}: {insuree[key]}")
    if insuree.get("typeOfId"):
        parts.append(f'typeOfIdId: "{insuree["typeOfId"]}"')
    if insuree.get("statusReason"):
        parts.append(f'statusReason: "{insuree["statusReason"]}"')
    if insuree.get("photo"):
        photo = insuree["photo"]
        fields = [f'photo: "{photo["photo"]}"'] if photo.get("photo") else []
        if photo.get("date"):
            fields.append(f'date: "{photo["date"]}"')
        parts.append("photo:{" + " ".join(fields) + "}")
    if insuree.get("jsonExt"):
        parts.append(f"jsonExt: {_text(json.dumps(insuree['jsonExt']))}")
    return "\n    ".join(parts)


def family_input(family: dict) -> str:
    """fe-insuree's `formatFamilyGQL`."""
    parts = []
    if family.get("uuid"):
        parts.append(f'uuid: "{family["uuid"]}"')
    parts.append("headInsuree: {" + insuree_input({**family["headInsuree"], "head": True}) + "}")
    if family.get("locationId"):
        parts.append(f"locationId: {family['locationId']}")
    parts.append(f"poverty: {str(bool(family.get('poverty'))).lower()}")
    for key, name in (
        ("familyType", "familyTypeId"),
        ("address", "address"),
        ("confirmationType", "confirmationTypeId"),
        ("confirmationNo", "confirmationNo"),
    ):
        if family.get(key):
            parts.append(f"{name}: {_text(family[key])}")
    return "\n    ".join(parts)


def send(gql, name: str, input_text: str, label: str = "insuree test") -> str:
    """fe-core's `formatMutation`; returns the clientMutationId."""
    client_mutation_id = str(uuid.uuid4())
    result = gql(f"""
    mutation {{
      {name}(
        input: {{
          clientMutationId: "{client_mutation_id}"
          clientMutationLabel: "{label}"
          {input_text}
        }}
      ) {{
        clientMutationId
        internalId
      }}
    }}""")
    assert "errors" not in result, result
    assert result["data"][name]["clientMutationId"] == client_mutation_id
    return client_mutation_id


def log_of(client_mutation_id: str) -> MutationLog:
    return MutationLog.objects.get(client_mutation_id=client_mutation_id)


def succeeded(client_mutation_id: str) -> MutationLog:
    log = log_of(client_mutation_id)
    assert log.status == MutationLog.SUCCESS, log.error
    return log


def error_of(client_mutation_id: str) -> str:
    log = log_of(client_mutation_id)
    assert log.status == MutationLog.ERROR, (log.status, log.error)
    return " ".join(
        entry.get("message", "") + " " + str(entry.get("detail", ""))
        for entry in _flatten(json.loads(log.error))
    )


def _flatten(errors: list) -> list:
    flat = []
    for entry in errors:
        flat.extend(entry["list"] if "list" in entry else [entry])
    return flat


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Family, Insuree, Photo, FamilyMutation, InsureeMutation)
    }


# --- data -----------------------------------------------------------------------------------------


def places(prefix: str = "IR") -> dict:
    tree = make_tree(prefix, f"Insuree {prefix}")
    tree["facility"] = make_facility(f"{prefix}HF", tree["district"], tree["villages"][0])
    return tree


def head(chf_id: str = "100000001", **overrides) -> dict:
    return {
        "chfId": chf_id,
        "lastName": "Mwangi",
        "otherNames": "Amina",
        "gender": "F",
        "dob": "1985-04-12",
        "marital": "M",
        "phone": "0700111222",
        **overrides,
    }


def member(chf_id: str, family_id: int, **overrides) -> dict:
    return {
        "chfId": chf_id,
        "lastName": "Mwangi",
        "otherNames": "Baraka",
        "gender": "M",
        "dob": "2012-09-30",
        "familyId": family_id,
        "relationshipId": 4,
        **overrides,
    }


def create_family(gql, village, chf_id: str = "100000001", **overrides) -> Family:
    data = {
        "headInsuree": head(chf_id, currentVillageId=village.id),
        "locationId": village.id,
        "poverty": True,
        "familyType": "H",
        "address": "Market street 4",
        "confirmationType": "A",
        "confirmationNo": "C-12",
        **overrides,
    }
    client_mutation_id = send(gql, "createFamily", family_input(data))
    succeeded(client_mutation_id)
    return FamilyMutation.objects.get(mutation__client_mutation_id=client_mutation_id).family


def add_member(gql, family: Family, chf_id: str, **overrides) -> Insuree:
    client_mutation_id = send(gql, "createInsuree", insuree_input(member(chf_id, family.id, **overrides)))
    succeeded(client_mutation_id)
    return InsureeMutation.objects.get(mutation__client_mutation_id=client_mutation_id).insuree


def photo_base64(content: bytes = b"\x89PNG fake image bytes") -> str:
    return base64.b64encode(content).decode()
