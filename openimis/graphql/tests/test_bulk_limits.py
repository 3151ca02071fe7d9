"""Bulk mutations accept a bounded number of ids (setting MUTATION_MAX_IDS, 100 by default): more is
refused in the mutation log before any work, in the language of the sender."""

from __future__ import annotations

import json
import uuid

import pytest

from openimis.core import services
from openimis.core.models import MutationLog
from openimis.core.tests.helpers import gql_literal
from openimis.graphql import mutations
from openimis.insuree.models import Insuree
from openimis.product.models import Product

BULK_MUTATIONS = ["deleteProduct", "deleteInsurees", "deleteFamilies", "deletePolicies", "suspendPolicies",
                  "deletePremium", "deletePayer", "deleteItem", "deleteService", "deleteUser", "deleteRole",
                  "deleteServicesPricelist", "deleteItemsPricelist", "removeInsurees"]


def send(client, name: str, uuids: list[str], client_mutation_id: str) -> MutationLog:
    fields = {"clientMutationId": client_mutation_id, "uuids": uuids}
    result = client(f"mutation {{ {name}(input: {gql_literal(fields)}) {{ clientMutationId internalId }} }}")
    assert "errors" not in result, result
    return MutationLog.objects.get(client_mutation_id=client_mutation_id)


def many(count: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(count)]


@pytest.mark.parametrize("name", BULK_MUTATIONS)
def test_more_ids_than_the_limit_are_refused(admin_gql, name):
    log = send(admin_gql, name, many(101), f"{name}-101")
    assert log.status == MutationLog.ERROR
    assert json.loads(log.error) == [{"message": "A mutation accepts at most 100 ids at once",
                                      "detail": "101 were sent"}]


def test_a_thousand_uuids_are_refused_before_any_work(admin_gql, django_assert_max_num_queries):
    products, insurees = Product.objects.count(), Insuree.objects.count()
    with django_assert_max_num_queries(6):  # the user, the rights, the log written twice: no lookup
        log = send(admin_gql, "deleteProduct", many(1000), "thousand-products")
    assert "at most 100 ids" in json.loads(log.error)[0]["message"]
    with django_assert_max_num_queries(6):
        log = send(admin_gql, "deleteInsurees", many(1000), "thousand-insurees")
    assert json.loads(log.error)[0]["detail"] == "1000 were sent"
    assert (Product.objects.count(), Insuree.objects.count()) == (products, insurees)


def test_the_limit_itself_is_accepted(admin_gql):
    log = send(admin_gql, "deleteProduct", many(100), "hundred")
    assert log.status == MutationLog.ERROR  # the products are not found, one by one: the work ran
    assert "at most" not in log.error
    assert "100 of 100 failed" in log.error


def test_the_limit_is_a_setting(admin_gql, settings):
    settings.MUTATION_MAX_IDS = 2
    log = send(admin_gql, "deleteInsurees", many(3), "three")
    assert json.loads(log.error)[0]["message"] == "A mutation accepts at most 2 ids at once"
    assert mutations.max_ids() == 2


def test_the_refusal_is_in_the_language_of_the_sender(admin_gql, admin_user):
    services.change_user_language(admin_user, "fr")
    log = send(admin_gql, "deleteProduct", many(101), "french")
    assert json.loads(log.error) == [{"message": "Une mutation accepte au plus 100 identifiants à la fois",
                                      "detail": "101 envoyés"}]


def test_run_for_each_bounds_the_ids_too(settings):
    settings.MUTATION_MAX_IDS = 1
    with pytest.raises(mutations.ValidationFailed):
        mutations.run_for_each(many(2), lambda _uuid: None)
