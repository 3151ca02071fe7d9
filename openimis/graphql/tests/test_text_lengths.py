"""Texts nested in input objects and lists are bounded like top-level ones (GRAPHQL_LIMITS
MAX_ARGUMENT_LENGTH), in queries and in mutations, sent inline or as variables, with the same message."""

from __future__ import annotations

import pytest

from openimis.core.models import MutationLog, Role

CREATE_ROLE = """mutation($input: CreateRoleMutationInput!) {
  createRole(input: $input) { clientMutationId internalId }
}"""


def role_input(**fields) -> dict:
    return {"clientMutationId": "len-1", "name": "Cashier", "isSystem": False, "isBlocked": False,
            "rightsId": [101301], **fields}


@pytest.fixture
def small_limit(settings):
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "MAX_ARGUMENT_LENGTH": 10}
    return 10


def test_a_long_text_in_a_mutation_input_is_refused_before_anything_is_written(admin_gql, small_limit):
    roles, logs = Role.objects.count(), MutationLog.objects.count()
    body = admin_gql(CREATE_ROLE, {"input": role_input(name="n" * 11)})
    assert body["errors"][0]["message"] == "Argument input.name is too long: 11 characters, at most 10"
    assert body["data"] == {"createRole": None}
    assert (Role.objects.count(), MutationLog.objects.count()) == (roles, logs)


def test_a_long_text_in_a_list_of_a_mutation_input_is_refused(admin_gql, small_limit):
    body = admin_gql(CREATE_ROLE, {"input": role_input(clientMutationDetails=["short", "d" * 12])})
    assert body["errors"][0]["message"] == \
        "Argument input.clientMutationDetails is too long: 12 characters, at most 10"


def test_an_inline_literal_is_refused_the_same_way(admin_gql, small_limit):
    body = admin_gql('mutation { createRole(input: {name: "abcdefghijk", isSystem: false, isBlocked: false}) '
                     "{ internalId } }")
    assert body["errors"][0]["message"] == "Argument input.name is too long: 11 characters, at most 10"


def test_texts_within_the_limit_pass(admin_gql, small_limit):
    body = admin_gql(CREATE_ROLE, {"input": role_input(name="n" * 10, clientMutationDetails=["d" * 10])})
    assert "errors" not in body, body
    assert MutationLog.objects.get(id=body["data"]["createRole"]["internalId"]).status == MutationLog.SUCCESS


def test_an_unprivileged_user_is_refused_for_rights_first(gql, user_factory, small_limit):
    user_factory("nobody")
    assert "errors" not in gql.login("nobody", "Secret123")
    body = gql(CREATE_ROLE, {"input": role_input(name="n" * 11)})
    assert body["errors"][0]["message"] == "unauthorized"


def test_a_declared_long_text_is_not_bounded(admin_gql, small_limit):
    """An insuree's photo is base64 content: it is declared a long text, its other
    fields are bounded."""
    query = "mutation($input: CreateInsureeMutationInput!) { createInsuree(input: $input) { internalId } }"
    insuree = {"clientMutationId": "len-2", "lastName": "L", "otherNames": "O", "genderId": "M",
               "dob": "1990-01-01"}
    body = admin_gql(query, {"input": {**insuree, "photo": {"photo": "A" * 400}}})
    assert "too long" not in str(body.get("errors")), body
    body = admin_gql(query, {"input": {**insuree, "photo": {"photo": "A" * 400, "filename": "f" * 11}}})
    assert body["errors"][0]["message"] == \
        "Argument input.photo.filename is too long: 11 characters, at most 10"


def test_each_text_of_a_query_list_argument_counts_alone(admin_gql, small_limit):
    query = "query($ids: [String]) { locations(parent_Uuid_In: $ids) { edges { node { id } } } }"
    assert "errors" not in admin_gql(query, {"ids": ["a" * 10] * 5})
    body = admin_gql(query, {"ids": ["a", "b" * 11]})
    assert body["errors"][0]["message"] == "Argument parent_Uuid_In is too long: 11 characters, at most 10"
