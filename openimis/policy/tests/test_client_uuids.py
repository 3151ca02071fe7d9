"""As in 24.10, createPolicy given a `uuid` create the record with that uuid; a uuid
that is not a UUID, or one another record holds, is refused. A policy value "NaN" is a validation
error."""

from __future__ import annotations

import uuid as uuid_module

import pytest

from openimis.insuree.tests.helpers import error_of, send
from openimis.policy.models import Policy
from openimis.policy.tests.helpers import TODAY, new_policy, policy_input, world

pytestmark = pytest.mark.django_db


def new_uuid() -> str:
    return str(uuid_module.uuid4())


def test_a_policy_gets_the_uuid_the_client_chose(admin_gql):
    data = world(admin_gql, "CP", "320000001")
    chosen = new_uuid()
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"], uuid=chosen)
    assert policy.uuid == chosen
    taken = send(admin_gql, "createPolicy", policy_input(
        data["product"], data["family"], data["officer"], TODAY, TODAY, TODAY, "10", uuid=chosen))
    assert "is already used by another record" in error_of(taken)
    malformed = send(admin_gql, "createPolicy", policy_input(
        data["product"], data["family"], data["officer"], TODAY, TODAY, TODAY, "10", uuid="nope"))
    assert "uuid is not a valid id" in error_of(malformed)
    assert Policy.objects.count() == 1


@pytest.mark.parametrize("name", ["createPolicy", "renewPolicy"])
def test_a_policy_value_that_is_not_a_number_is_refused(admin_gql, name):
    data = world(admin_gql, "CN", "330000001")
    refused = send(admin_gql, name, policy_input(
        data["product"], data["family"], data["officer"], TODAY, TODAY, TODAY, "NaN"))
    assert "Policy value is not a number" in error_of(refused)
    assert not Policy.objects.exists()
