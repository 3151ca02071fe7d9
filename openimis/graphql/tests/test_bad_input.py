"""Bad input at the GraphQL layer is answered with a clear 4xx or GraphQL error, never with a Python
exception's text or a 500 page."""

from __future__ import annotations

import base64
import json
import time

import pytest

URL = "/api/graphql"


def post_raw(client, body: str | bytes, content_type: str = "application/json"):
    return client.post(URL, data=body, content_type=content_type)


def raw_body(query: str, raw_variables: str) -> str:
    """A JSON body whose variables are written as given (JSON escapes kept as they are)."""
    return '{"query": ' + json.dumps(query) + ', "variables": ' + raw_variables + "}"


def only_message(response, status: int = 400) -> str:
    assert response.status_code == status, response.content
    body = response.json()
    assert "data" not in body or body["data"] is None, body
    assert len(body["errors"]) == 1, body
    return body["errors"][0]["message"]


# 1. JSON nested deeper than the decoder goes, or deeper than the limit


@pytest.mark.django_db
def test_a_deeply_nested_json_body_is_a_400(client):
    body = '{"query": "{ __typename }", "variables": {"v": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    assert only_message(post_raw(client, body)) == "The JSON body is nested too deeply"
    assert only_message(post_raw(client, "[" * 100_000)) == "The JSON body is nested too deeply"


@pytest.mark.django_db
def test_variables_nested_beyond_the_limit_are_a_400(client, settings):
    limit = settings.GRAPHQL_LIMITS["MAX_JSON_DEPTH"]
    query = "query($v: [String]) { __typename }"
    too_deep = json.loads("[" * limit + "]" * limit)  # the variables object is one more level
    message = only_message(post_raw(client, json.dumps({"query": query, "variables": {"v": too_deep}})))
    assert "nested too deeply" in message and str(limit) in message
    # sent as a JSON text (GET, or a string in the body): the same
    response = client.get(URL, {"query": query, "variables": json.dumps({"v": too_deep})},
                          HTTP_ACCEPT="application/json")
    assert "nested too deeply" in only_message(response)
    response = client.get(URL, {"query": query, "variables": "[" * 100_000}, HTTP_ACCEPT="application/json")
    assert only_message(response) == "Variables are invalid JSON."
    fine = json.loads("[" * (limit - 2) + "]" * (limit - 2))
    response = post_raw(client, json.dumps({"query": "{ __typename }", "variables": {"v": fine}}))
    assert response.status_code == 200 and response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.django_db
def test_a_body_that_is_not_utf8_is_a_400(client):
    assert only_message(post_raw(client, b'{"query": "\xff"}')) == "The request body is not UTF-8 text"
    assert only_message(post_raw(client, b"{ \xff }", "application/graphql")) == \
        "The request body is not UTF-8 text"
    assert only_message(post_raw(client, "{nope")) == "POST body sent invalid JSON."


# 3. lone surrogates


@pytest.mark.django_db
def test_a_lone_surrogate_is_a_400(admin_gql):
    client = admin_gql.client
    query = "query($n: String) { insurees(lastName_Icontains: $n) { totalCount } }"
    body = raw_body(query, '{"n": "a\\ud800"}')
    message = only_message(post_raw(client, body))
    assert message.startswith("A text in the variables holds a lone UTF-16 surrogate")
    body = raw_body(query, '{"\\udc00": "a"}')
    assert "lone UTF-16 surrogate" in only_message(post_raw(client, body))
    body = '{"query": "{ insurees(lastName_Icontains: \\"\\ud800\\") { totalCount } }"}'
    assert only_message(post_raw(client, body)).startswith("A text in the query holds a lone")
    body = '{"query": "{ __typename }", "operationName": "\\ud800"}'
    assert "operationName" in only_message(post_raw(client, body))
    # a surrogate pair is one character (here an emoji): a text like any other
    body = raw_body(query, '{"n": "\\ud83d\\ude00"}')
    response = post_raw(client, body)
    assert response.status_code == 200 and response.json() == {"data": {"insurees": {"totalCount": 0}}}


# 6. query, variables and operationName of the wrong JSON type


@pytest.mark.django_db
@pytest.mark.parametrize("body, message", [
    ({"query": 123}, "The query must be a string"),
    ({"query": ["{ __typename }"]}, "The query must be a string"),
    ({"query": "{ __typename }", "variables": [1]}, "The variables must be a JSON object"),
    ({"query": "{ __typename }", "variables": 5}, "The variables must be a JSON object"),
    ({"query": "{ __typename }", "variables": True}, "The variables must be a JSON object"),
    ({"query": "{ __typename }", "operationName": 5}, "The operationName must be a string"),
    ({"query": "{ __typename }", "operationName": {"a": 1}}, "The operationName must be a string"),
])
def test_params_of_the_wrong_type_are_a_400(client, body, message):
    assert only_message(post_raw(client, json.dumps(body))) == message


@pytest.mark.django_db
def test_empty_variables_are_no_variables(client):
    for variables in ("", None, {}):
        response = post_raw(client, json.dumps({"query": "{ __typename }", "variables": variables}))
        assert response.json() == {"data": {"__typename": "Query"}}, variables


# 7. oversized documents are refused before they are parsed


@pytest.mark.django_db
def test_an_oversized_query_is_refused_before_parsing(client, settings):
    limit = settings.GRAPHQL_LIMITS["MAX_QUERY_BYTES"]
    query = "{ " + "__typename " * 100_000 + "}"  # about 1 MB
    started = time.perf_counter()
    message = only_message(post_raw(client, json.dumps({"query": query})))
    assert time.perf_counter() - started < 1.0
    assert message == f"The query is too large: at most {limit} bytes"
    # bytes, not characters: a text of 2-byte characters within the limit in characters is refused
    query = '{ __typename } # ' + "é" * (limit // 2)
    assert len(query) < limit < len(query.encode("utf-8"))
    assert "too large" in only_message(post_raw(client, json.dumps({"query": query})))
    response = client.get(URL, {"query": "{ " + "__typename " * 20_000 + "}"}, HTTP_ACCEPT="application/json")
    assert "too large" in only_message(response)


@pytest.mark.django_db
def test_a_query_of_too_many_tokens_is_refused(client, settings):
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "MAX_TOKENS": 50}
    query = "{ " + "__typename " * 60 + "}"
    message = only_message(post_raw(client, json.dumps({"query": query})))
    assert "more than 50 tokens" in message
    fine = "{ " + "__typename " * 40 + "}"
    assert post_raw(client, json.dumps({"query": fine})).json() == {"data": {"__typename": "Query"}}


def test_the_token_limit_without_parse_max_tokens(monkeypatch):
    from graphql import GraphQLError

    from openimis.graphql import validation

    monkeypatch.setattr(validation, "PARSE_TAKES_MAX_TOKENS", False)
    assert validation.parse_within("{ a # a comment is no token\n b }", 4).definitions
    with pytest.raises(GraphQLError, match="more than 4 tokens"):
        validation.parse_within("{ a b c d }", 4)


@pytest.mark.django_db
def test_the_default_limits_are_well_above_a_large_frontend_query(admin_gql, settings):
    limits = settings.GRAPHQL_LIMITS
    assert limits["MAX_QUERY_BYTES"] >= 100_000 and limits["MAX_TOKENS"] >= 20_000
    fields = " ".join(["id uuid chfId lastName otherNames dob email phone"] * 50)
    body = admin_gql(f"{{ insurees(first: 5) {{ totalCount edges {{ node {{ {fields} }} }} }} }}")
    assert body == {"data": {"insurees": {"totalCount": 0, "edges": []}}}


# 2. paging arguments: a cursor that does not decode is ignored, with or without `offset`


def cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def role_names(gql, arguments: str) -> list[str] | str:
    body = gql(f"{{ role({arguments}, orderBy: [\"name\"]) {{ edges {{ node {{ name }} }} }} }}")
    if "errors" in body:
        return body["errors"][0]["message"]
    return [edge["node"]["name"] for edge in body["data"]["role"]["edges"]]


@pytest.fixture
def four_roles(admin_gql):
    from openimis.core.models import Role

    for name in ("r1", "r2", "r3"):
        Role.objects.create(name=name)
    assert role_names(admin_gql, "first: 10") == ["IMIS Administrator", "r1", "r2", "r3"]
    return admin_gql


@pytest.mark.parametrize("bad", ["zzz", "", cursor("arrayconnection:x"), cursor("arrayconnection:-5")])
def test_an_undecodable_cursor_is_ignored_with_or_without_offset(four_roles, bad):
    assert role_names(four_roles, f'after: "{bad}"') == ["IMIS Administrator", "r1", "r2", "r3"]
    assert role_names(four_roles, f'before: "{bad}"') == ["IMIS Administrator", "r1", "r2", "r3"]
    # the offset counts from the first row, as when no cursor is sent
    assert role_names(four_roles, f'offset: 2, after: "{bad}"') == role_names(four_roles, "offset: 2")
    assert role_names(four_roles, "offset: 2") == ["r2", "r3"]


def test_a_good_cursor_still_pages(four_roles):
    assert role_names(four_roles, f'after: "{cursor("arrayconnection:1")}"') == ["r2", "r3"]
    # the offset skips rows after the cursor's
    assert role_names(four_roles, f'offset: 1, after: "{cursor("arrayconnection:1")}"') == ["r3"]


def test_a_negative_offset_is_refused(four_roles):
    assert role_names(four_roles, "offset: -1") == "Argument offset must be a non-negative integer"


def test_cursors_of_a_connection_nested_in_a_node(four_roles):
    body = four_roles('{ role(first: 1, orderBy: ["name"]) { edges { node { name '
                      'rights(offset: 1, after: "zzz") { totalCount } } } } }')
    assert "errors" not in body, body


# 4. text arguments are bounded before they reach the database


def test_a_too_long_filter_is_refused(admin_gql, settings):
    limit = settings.GRAPHQL_LIMITS["MAX_ARGUMENT_LENGTH"]
    assert limit == 1000
    query = "query($n: String) { insurees(lastName_Icontains: $n) { totalCount } }"
    body = admin_gql(query, {"n": "%_" * 50_000})
    assert body["errors"][0]["message"] == \
        f"Argument lastName_Icontains is too long: 100000 characters, at most {limit}"
    assert body["data"] == {"insurees": None}
    assert admin_gql(query, {"n": "x" * limit}) == {"data": {"insurees": {"totalCount": 0}}}
    long_literal = "y" * (limit + 1)
    body = admin_gql(f'{{ products(search: "{long_literal}") {{ totalCount }} }}')
    assert body["errors"][0]["message"].startswith("Argument search is too long")
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "MAX_ARGUMENT_LENGTH": 5}
    body = admin_gql(query, {"n": "abcdef"})
    assert body["errors"][0]["message"] == "Argument lastName_Icontains is too long: 6 characters, at most 5"


def test_each_id_of_an_in_filter_counts_alone(admin_gql, settings):
    settings.GRAPHQL_LIMITS = {**settings.GRAPHQL_LIMITS, "MAX_ARGUMENT_LENGTH": 40}
    query = "query($ids: [String]) { locations(parent_Uuid_In: $ids) { edges { node { id } } } }"
    assert admin_gql(query, {"ids": [GOOD_UUID] * 10}) == {"data": {"locations": {"edges": []}}}
    body = admin_gql(query, {"ids": [GOOD_UUID, "z" * 41]})
    assert body["errors"][0]["message"] == "Argument parent_Uuid_In is too long: 41 characters, at most 40"


# 5. ids that cannot be a row's


GOOD_UUID = "2c5d0d62-8b5d-4d8a-9a39-64cf1c2e7f1a"


@pytest.mark.parametrize("type_name", ["RoleGQLType", "UserGQLType", "ProductGQLType"])
@pytest.mark.parametrize("key", ["abc", "", "1.5"])
def test_a_node_whose_key_cannot_be_a_row_is_not_found(admin_gql, type_name, key):
    body = admin_gql(f'{{ node(id: "{cursor(f"{type_name}:{key}")}") {{ id }} }}')
    assert body == {"data": {"node": None}}


def test_a_filter_by_an_id_that_is_not_one(admin_gql):
    body = admin_gql('{ products(id: "5") { totalCount } }')
    assert body["errors"][0]["message"] == "Invalid filter id: Invalid ID specified."
    body = admin_gql(f'{{ products(id: "{cursor("ProductGQLType:abc")}") {{ totalCount }} }}')
    assert body["errors"][0]["message"] == "Invalid id: 'abc' is not a number"
    body = admin_gql(f'{{ products(id: "{cursor("ProductGQLType:7")}") {{ totalCount }} }}')
    assert body == {"data": {"products": {"totalCount": 0}}}


def test_django_refusing_a_value_answers_a_clear_error():
    from django.core.exceptions import ValidationError

    from openimis.core.models import Role
    from openimis.graphql.connection import clean_value_error

    try:
        Role.objects.filter(pk="abc")
    except ValueError as error:
        assert clean_value_error(error).message == "Invalid id: 'abc' is not a number"
    error = ValidationError("“%(value)s” is not a valid UUID.", code="invalid", params={"value": "nope"})
    assert clean_value_error(error).message == "“nope” is not a valid UUID."
    assert clean_value_error(ValueError("something else")) is None


# 1 and 3 inside a JSON text (a JSONString argument)


def test_a_json_string_argument_too_deep_or_with_a_lone_surrogate(admin_gql, settings):
    query = "query($f: JSONString) { insurees(additionalFilters: $f) { totalCount } }"
    body = admin_gql(query, {"f": "[" * 100_000 + "]" * 100_000})
    message = body["errors"][0]["message"]
    assert message.endswith("The JSON text is nested too deeply") and "recursion" not in message
    limit = settings.GRAPHQL_LIMITS["MAX_JSON_DEPTH"]
    body = admin_gql(query, {"f": "[" * (limit + 1) + "]" * (limit + 1)})
    assert body["errors"][0]["message"].endswith(f"nested too deeply (more than {limit} levels)")
    body = admin_gql(query, {"f": '{"a": "\\ud800"}'})
    assert "lone UTF-16 surrogate" in body["errors"][0]["message"]
    literal = json.dumps("[" * (limit + 1) + "]" * (limit + 1))
    body = admin_gql(f"{{ insurees(additionalFilters: {literal}) {{ totalCount }} }}")
    assert "errors" in body and "recursion" not in json.dumps(body)
    assert admin_gql(query, {"f": "{}"}) == {"data": {"insurees": {"totalCount": 0}}}


def test_a_root_lookup_by_an_id_that_is_not_a_number(admin_gql):
    body = admin_gql('{ product(id: "abc") { code } }')
    assert "expected a number" not in json.dumps(body)
    assert body.get("data", {}).get("product") is None
