"""A malformed id or uuid in any mutation is a validation error (or "not found") in the mutation log,
never "An unexpected error occurred": ids that are not numbers, uuids that are not UUIDs, values that
are not numbers."""

from __future__ import annotations

import json

import pytest

from openimis.core import inputs
from openimis.core.errors import ValidationFailed
from openimis.core.models import MutationLog
from openimis.core.tests.helpers import Enum, gql_literal

GOOD_UUID = "2c5d0d62-8b5d-4d8a-9a39-64cf1c2e7f1a"

# mutation -> input fields, each with a malformed id or uuid (the other fields as the frontend sends them)
MALFORMED = {
    "deleteUser": {"uuids": ["nope"]},
    "deleteRole": {"uuids": ["nope"]},
    "duplicateRole": {"uuid": "nope", "name": "Copy", "isSystem": False, "isBlocked": False},
    "updateRole": {"uuid": "nope", "name": "Role X", "isSystem": False, "isBlocked": False},
    "updateUser": {"uuid": "nope", "userId": "nope", "lastName": "Doe", "otherNames": "Jo",
                   "username": "jdoe1", "userTypes": [Enum("INTERACTIVE")], "roles": [1], "language": "en"},
    "deleteFamilies": {"uuids": ["nope"]},
    "deleteInsurees": {"uuid": "nope", "uuids": ["nope"]},
    "removeInsurees": {"uuid": "nope", "uuids": ["nope"]},
    "setFamilyHead": {"uuid": "nope", "insureeUuid": "nope"},
    "changeInsureeFamily": {"familyUuid": "nope", "insureeUuid": "nope"},
    "updateFamily": {"uuid": "nope", "headInsuree": {"chfId": "1", "lastName": "A", "otherNames": "B",
                                                     "genderId": "M", "dob": "2000-01-01"}},
    "updateInsuree": {"uuid": "nope", "lastName": "A", "otherNames": "B", "genderId": "M",
                      "dob": "2000-01-01"},
    "deletePremium": {"uuids": ["nope"]},
    "updatePremium": {"uuid": "nope", "policyUuid": "nope", "amount": "10", "payDate": "2024-01-01",
                      "payType": "C", "isPhotoFee": False, "receipt": "R1"},
    "createPremium": {"policyUuid": "nope", "payerUuid": "nope", "amount": "10", "payDate": "2024-01-01",
                      "payType": "C", "isPhotoFee": False, "receipt": "R1"},
    "deletePolicies": {"uuids": ["nope"]},
    "suspendPolicies": {"uuids": ["nope"]},
    "updatePolicy": {"uuid": "nope", "enrollDate": "2024-01-01", "startDate": "2024-01-01",
                     "expiryDate": "2024-12-31", "value": "10", "productId": 1, "familyId": 1,
                     "officerId": 1},
    "deletePayer": {"uuids": ["nope"]},
    "deleteProduct": {"uuids": ["nope"]},
    "deleteItem": {"uuids": ["nope"]},
    "deleteService": {"uuids": ["nope"]},
    "updateItem": {"uuid": "nope", "code": "I1", "name": "Item", "type": "D", "price": "1",
                   "careType": "B", "patientCategory": 15},
    "updateService": {"uuid": "nope", "code": "S1", "name": "Service", "type": "P", "level": "S",
                      "price": "1", "careType": "B", "patientCategory": 15, "category": "O"},
    "updateLocation": {"uuid": "nope", "code": "X1", "name": "X", "type": "R"},
    "deleteLocation": {"uuid": "nope"},
    "moveLocation": {"uuid": "nope", "newParentUuid": "nope"},
    "createLocation": {"code": "X1", "name": "X", "type": "D", "parentUuid": "nope"},
    "deleteHealthFacility": {"uuid": "nope"},
    "addFunding": {"payerId": "x", "productId": "y", "payDate": "2024-01-01", "amount": "10",
                   "receipt": "R1"},
}


def run(client, name: str, fields: dict) -> MutationLog:
    fields = {"clientMutationId": f"bad-{name}", **fields}
    result = client(f"mutation {{ {name}(input: {gql_literal(fields)}) {{ clientMutationId internalId }} }}")
    assert "errors" not in result, result
    return MutationLog.objects.get(client_mutation_id=f"bad-{name}")


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_id_is_a_clean_error(admin_gql, name):
    log = run(admin_gql, name, MALFORMED[name])
    assert log.status == MutationLog.ERROR
    errors = json.dumps(json.loads(log.error))
    assert "unexpected" not in errors, errors


@pytest.mark.parametrize("name", ["deleteUser", "deleteInsurees", "deleteProduct", "deletePolicies"])
def test_a_bulk_uuid_that_is_not_a_uuid_is_not_a_valid_id(admin_gql, name):
    log = run(admin_gql, name, {"uuids": ["nope"]})
    assert json.loads(log.error) == [{"message": "nope is not a valid id", "detail": "nope"}]


def test_a_payer_id_that_is_not_a_number_is_not_a_valid_id(admin_gql):
    log = run(admin_gql, "addFunding", MALFORMED["addFunding"])
    assert json.loads(log.error) == [{"message": "payerId is not a valid id", "detail": "x"}]


@pytest.mark.parametrize("value", ["42", 42, " 42 "])
def test_as_id_reads_a_whole_number(value):
    assert inputs.as_id(value) == 42


@pytest.mark.parametrize("value", ["x", "1.5", "-3", "0", "NaN", str(2**70), True])
def test_as_id_refuses_what_is_not_an_id(value):
    with pytest.raises(ValidationFailed) as refused:
        inputs.as_id(value, "payerId")
    assert refused.value.message == "payerId is not a valid id"


def test_as_uuid_reads_a_uuid_in_any_case():
    assert inputs.as_uuid(GOOD_UUID.upper()) == GOOD_UUID
    assert inputs.as_uuid(None) is None and inputs.uuid_or_none("nope") is None
    with pytest.raises(ValidationFailed):
        inputs.as_uuid("nope")
