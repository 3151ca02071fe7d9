"""Walk every root Query and Mutation field of the schema and check its declared rights over HTTP.

The walk reads the built schema, so the fields of a new module are covered without touching this file;
only a new *public* field needs a visible change here (`DECLARED_PUBLIC`). For each field a minimal
valid operation is built: required arguments get dummy values of their type, and one leaf is selected.
"""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
    parse,
    validate,
)
from graphql.pyutils import Undefined

from openimis.graphql.rights import AUTHENTICATED, PUBLIC, UNAUTHORIZED
from openimis.graphql.schema import root_field_rights, schema
from openimis.testing.client import PASSWORD, GraphQLClient

# The root fields anyone may call; adding one to the schema must change this list.
DECLARED_PUBLIC = {
    "Query": {"moduleConfigurations", "passwordPolicy", "control", "controlStr"},
    "Mutation": {"tokenAuth", "verifyToken", "refreshToken", "revokeToken", "deleteTokenCookie",
                 "deleteRefreshTokenCookie", "getCsrfToken", "resetPassword", "setPassword"},
}

# Literal dummy values of the scalars; a new scalar fails the walk until it is added here.
SCALAR_LITERALS = {
    "String": '"x"',
    "Int": "1",
    "Float": "1.0",
    "Boolean": "true",
    "ID": '"' + base64.b64encode(b"Dummy:1").decode() + '"',
    "Date": '"2020-01-01"',
    "DateTime": '"2020-01-01T00:00:00"',
    "Time": '"00:00:00"',
    "Decimal": '"1"',
    "UUID": '"00000000-0000-0000-0000-000000000001"',
    "JSONString": '"{}"',
    "ParsedJSONString": '"{}"',
    "GenericScalar": '"x"',
    "ServiceCodeInputType": '"x"',
    "TinyInt": "1",
    "LocationCodeInputType": '"x"',
    "ClaimCodeInputType": '"x"',
    "ClaimGuaranteeIdInputType": '"x"',
    "SmallInt": "1",
    "HealthFacilityCodeInputType": '"x"',
}


def dummy_literal(graphql_type) -> str:
    if isinstance(graphql_type, GraphQLNonNull):
        return dummy_literal(graphql_type.of_type)
    if isinstance(graphql_type, GraphQLList):
        return "[]"
    if isinstance(graphql_type, GraphQLEnumType):
        return next(iter(graphql_type.values))
    if isinstance(graphql_type, GraphQLInputObjectType):
        return "{" + _required_arguments(graphql_type.fields) + "}"
    if isinstance(graphql_type, GraphQLScalarType):
        if graphql_type.name not in SCALAR_LITERALS:
            raise AssertionError(f"no literal for scalar {graphql_type.name}: add one to SCALAR_LITERALS")
        return SCALAR_LITERALS[graphql_type.name]
    raise AssertionError(f"cannot build a dummy value of {graphql_type}")


def _required_arguments(arguments) -> str:
    return " ".join(f"{name}: {dummy_literal(argument.type)}" for name, argument in arguments.items()
                    if isinstance(argument.type, GraphQLNonNull)
                    and argument.default_value is Undefined)


def _leaf_selection(field) -> str:
    named = get_named_type(field.type)
    if not isinstance(named, GraphQLObjectType) and not hasattr(named, "fields"):
        return ""
    return " { totalCount }" if "totalCount" in named.fields else " { __typename }"


def operation(kind: str, name: str) -> str:
    root = schema.graphql_schema.query_type if kind == "Query" else schema.graphql_schema.mutation_type
    field = root.fields[name]
    arguments = _required_arguments(field.args)
    arguments = f"({arguments})" if arguments else ""
    keyword = "query" if kind == "Query" else "mutation"
    return f"{keyword} {{ {name}{arguments}{_leaf_selection(field)} }}"


def root_fields() -> list[tuple[str, str]]:
    graphql_schema = schema.graphql_schema
    fields = [("Query", name) for name in graphql_schema.query_type.fields]
    if graphql_schema.mutation_type is not None:
        fields += [("Mutation", name) for name in graphql_schema.mutation_type.fields]
    return sorted(fields)


def declared(kind: str, name: str):
    return root_field_rights[kind].get(name)


def fields_declared(predicate) -> list[tuple[str, str]]:
    return [(kind, name) for kind, name in root_fields() if predicate(declared(kind, name))]


def _with_codes(declaration) -> bool:
    return declaration not in (None, PUBLIC, AUTHENTICATED)


def messages(result: dict) -> list[str]:
    return [error.get("message") for error in result.get("errors") or []]


def refused(result: dict) -> bool:
    return UNAUTHORIZED in messages(result)


def caller(username: str | None = None) -> GraphQLClient:
    """A fresh client (its own cookie jar), logged in as `username` when given."""
    client = GraphQLClient(Client())
    if username is not None:
        result = client.login(username, PASSWORD)
        assert "errors" not in result, result
    return client


def _report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n  " + "\n  ".join(problems)


def test_every_root_field_has_a_declaration():
    missing = [f"{kind}.{name}" for kind, name in root_fields() if declared(kind, name) is None]
    assert not missing, _report([f"{field}: no rights declared" for field in missing])


def test_declared_public_fields_are_exactly_the_listed_ones():
    public = {kind: {name for k, name in fields_declared(lambda d: d == PUBLIC) if k == kind}
              for kind in ("Query", "Mutation")}
    assert public == DECLARED_PUBLIC


def test_every_root_field_gets_a_valid_operation():
    problems = []
    for kind, name in root_fields():
        text = operation(kind, name)
        errors = validate(schema.graphql_schema, parse(text))
        problems += [f"{text}: {error.message}" for error in errors]
    assert not problems, _report(problems)


@pytest.mark.django_db
def test_the_endpoint_validates_operations_before_any_rights_check():
    """The view's own rules (query limits) come on top of the specification's rules, not instead."""
    result = caller()("{ validateUsername usernameLength(nope: 1) }")
    assert "data" not in result or result["data"] is None, result
    assert any("argument 'username'" in message for message in messages(result)), result
    assert any("Unknown argument 'nope'" in message for message in messages(result)), result


@pytest.mark.django_db
def test_anonymous_caller_is_refused_everything_not_public():
    anonymous = caller()
    problems = []
    for kind, name in fields_declared(lambda d: d != PUBLIC):
        result = anonymous(operation(kind, name))
        if messages(result) != [UNAUTHORIZED]:
            problems.append(f"{kind}.{name}: expected exactly [{UNAUTHORIZED!r}], got {messages(result)}")
    assert not problems, _report(problems)


@pytest.mark.django_db
def test_anonymous_caller_reaches_public_fields():
    anonymous = caller()
    problems = [f"{kind}.{name}: refused: {messages(result)}"
                for kind, name in fields_declared(lambda d: d == PUBLIC)
                if refused(result := anonymous(operation(kind, name)))]
    assert not problems, _report(problems)


def test_user_without_rights_is_refused_fields_with_right_codes(user_factory):
    user_factory("norights")
    logged_in = caller("norights")
    problems = []
    for kind, name in fields_declared(_with_codes):
        result = logged_in(operation(kind, name))
        if not refused(result):
            problems.append(f"{kind}.{name} {declared(kind, name)}: not refused, got {messages(result)}")
    assert not problems, _report(problems)


def test_user_without_rights_reaches_authenticated_fields(user_factory):
    problems = []
    for index, (kind, name) in enumerate(fields_declared(lambda d: d == AUTHENTICATED)):
        user_factory(f"plain{index}")  # one user per field: some of these change the caller's session
        result = caller(f"plain{index}")(operation(kind, name))
        if refused(result):
            problems.append(f"{kind}.{name}: refused: {messages(result)}")
    assert not problems, _report(problems)


def test_user_holding_one_declared_right_is_not_refused(user_factory):
    holders: dict[int, GraphQLClient] = {}
    problems = []
    for kind, name in fields_declared(_with_codes):
        for code in declared(kind, name):
            if code not in holders:
                user_factory(f"holder{code}", [code])
                holders[code] = caller(f"holder{code}")
            result = holders[code](operation(kind, name))
            if refused(result):
                problems.append(f"{kind}.{name}: refused to a holder of {code}: {messages(result)}")
    assert not problems, _report(problems)
