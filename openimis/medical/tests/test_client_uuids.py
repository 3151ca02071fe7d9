"""As in 24.10, createItem / createService given a `uuid` create the record with that uuid; a uuid that
is not a UUID, or one another record holds, is refused."""

from __future__ import annotations

import uuid as uuid_module

import pytest

from openimis.core.tests.helpers import error_text, log_of, mutate
from openimis.medical.models import Item, Service
from openimis.medical.tests.test_medical import item_input, new_id, service_input

CREATES = {"createItem": (Item, item_input), "createService": (Service, service_input)}


@pytest.mark.parametrize("name", sorted(CREATES))
def test_the_record_gets_the_uuid_the_client_chose(admin_gql, name):
    model, make_input = CREATES[name]
    chosen = str(uuid_module.uuid4())
    mutation_id = new_id()
    mutate(admin_gql, name, make_input("CU1", uuid=chosen), mutation_id)
    assert log_of(mutation_id).status == 2, log_of(mutation_id).error
    assert model.objects.current().get(code="CU1").uuid == chosen


@pytest.mark.parametrize("name", sorted(CREATES))
def test_a_taken_or_malformed_uuid_is_refused(admin_gql, name):
    model, make_input = CREATES[name]
    chosen = str(uuid_module.uuid4())
    mutate(admin_gql, name, make_input("CU1", uuid=chosen), new_id())
    taken = new_id()
    mutate(admin_gql, name, make_input("CU2", uuid=chosen.upper()), taken)
    assert "already exists" in error_text(taken)
    malformed = new_id()
    mutate(admin_gql, name, make_input("CU3", uuid="nope"), malformed)
    assert "uuid is not a valid id" in error_text(malformed)
    assert model.objects.filter(code__in=["CU2", "CU3"]).count() == 0
