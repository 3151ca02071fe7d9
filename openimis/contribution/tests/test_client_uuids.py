"""As in 24.10, createPremium given a `uuid` creates the premium with that uuid; a uuid that is not a
UUID, or one another record holds, is refused."""

from __future__ import annotations

import uuid as uuid_module

import pytest

from openimis.contribution.models import Premium
from openimis.insuree.tests.helpers import error_of, send, succeeded
from openimis.policy.tests.helpers import TODAY, new_policy, premium_input, world

pytestmark = pytest.mark.django_db


def new_uuid() -> str:
    return str(uuid_module.uuid4())


def test_a_premium_gets_the_uuid_the_client_chose(admin_gql):
    data = world(admin_gql, "CQ", "340000001")
    policy = new_policy(admin_gql, data["product"], data["family"], data["officer"])
    chosen = new_uuid()
    succeeded(send(admin_gql, "createPremium", premium_input(policy.uuid, "1", "CQ-1", TODAY, uuid=chosen)))
    assert Premium.objects.get(receipt="CQ-1").uuid == chosen
    taken = send(admin_gql, "createPremium", premium_input(policy.uuid, "1", "CQ-2", TODAY, uuid=chosen))
    assert "is already used by another record" in error_of(taken)
    malformed = send(admin_gql, "createPremium", premium_input(policy.uuid, "1", "CQ-3", TODAY, uuid="nope"))
    assert "uuid is not a valid id" in error_of(malformed)
    assert Premium.objects.count() == 1
