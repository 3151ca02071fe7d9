"""Bad input at the GraphQL layer is answered with a clear 4xx or GraphQL error, never with a Python
exception's text or a 500 page."""

from __future__ import annotations

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
