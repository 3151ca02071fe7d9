"""The shared GraphQL machinery: connections (totalCount, edgeCount, page cap, offset, orderBy), query
limits, relay ids and `node`, lists, GraphiQL and the profiler."""

from __future__ import annotations

import base64
import json
import pstats

import pytest
from django.test import Client

from openimis.core.models import Role
from openimis.core.tests.helpers import make_role
from openimis.graphql.connection import MAX_PAGE_SIZE
from openimis.testing.client import GraphQLClient


def role_names(result) -> list[str]:
    assert "errors" not in result, result
    return [edge["node"]["name"] for edge in result["data"]["role"]["edges"]]


@pytest.fixture
def many_roles(db):
    Role.objects.bulk_create(Role(name=f"Role {index:03d}") for index in range(105))


def test_page_size_is_capped(admin_gql, many_roles):
    total = Role.objects.current().count()
    result = admin_gql("{ role(first: 500) { totalCount edgeCount pageInfo { hasNextPage } "
                       "edges { node { name } } } }")
    assert "errors" not in result, result
    connection = result["data"]["role"]
    assert connection["totalCount"] == total
    assert connection["edgeCount"] == MAX_PAGE_SIZE == len(connection["edges"])
    assert connection["pageInfo"]["hasNextPage"] is True
    unbounded = admin_gql("{ role { edgeCount } }")["data"]["role"]
    assert unbounded["edgeCount"] == MAX_PAGE_SIZE
    last = admin_gql("{ role(last: 1000) { edgeCount } }")["data"]["role"]
    assert last["edgeCount"] == MAX_PAGE_SIZE
    negative = admin_gql("{ role(first: -1) { edgeCount } }")
    assert "non-negative" in negative["errors"][0]["message"]


def test_offset_and_cursors(admin_gql, many_roles):
    first_page = admin_gql('{ role(first: 10, orderBy: ["name"], str: "Role ") { '
                           'pageInfo { endCursor } edges { node { name } } } }')
    names = role_names(first_page)
    assert names == [f"Role {index:03d}" for index in range(10)]
    offset = role_names(admin_gql('{ role(first: 5, offset: 10, orderBy: ["name"], str: "Role ") '
                                  '{ edges { node { name } } } }'))
    assert offset == [f"Role {index:03d}" for index in range(10, 15)]
    cursor = first_page["data"]["role"]["pageInfo"]["endCursor"]
    after = role_names(admin_gql(f'{{ role(first: 3, after: "{cursor}", orderBy: ["name"], str: "Role ") '
                                 f'{{ edges {{ node {{ name }} }} }} }}'))
    assert after == ["Role 010", "Role 011", "Role 012"]


def test_order_by_forms(admin_gql, db):
    for name in ("Zone Bravo", "Zone Alpha", "Zone Charlie"):
        make_role(name, [])
    ascending = role_names(admin_gql('{ role(orderBy: ["name"], str: "Zone") { edges { node { name } } } }'))
    assert ascending == ["Zone Alpha", "Zone Bravo", "Zone Charlie"]
    descending = role_names(admin_gql('{ role(orderBy: "-name", str: "Zone") { edges { node { name } } } }'))
    assert descending == ["Zone Charlie", "Zone Bravo", "Zone Alpha"]
    newest = role_names(admin_gql('{ role(orderBy: ["-validityFrom", "name"], str: "Zone") '
                                  '{ edges { node { name } } } }'))
    assert newest[0] == "Zone Charlie"
    snake = role_names(admin_gql('{ role(orderBy: ["-validity_from"], str: "Zone") '
                                 '{ edges { node { name } } } }'))
    assert snake == newest


def test_order_by_string_on_mutation_logs(admin_gql):
    for index in range(3):
        result = admin_gql(f'mutation {{ createRole(input: {{clientMutationId: "m{index}", name: "R{index}", '
                           f'isSystem: false, isBlocked: false}}) {{ internalId }} }}')
        assert "errors" not in result, result
    result = admin_gql('{ mutationLogs(orderBy: "-request_date_time") '
                       '{ edges { node { clientMutationId } } } }')
    assert [edge["node"]["clientMutationId"] for edge in result["data"]["mutationLogs"]["edges"]] == \
        ["m2", "m1", "m0"]
    nested = admin_gql('{ mutationLogs(orderBy: ["user__username", "requestDateTime"]) { totalCount } }')
    assert nested["data"]["mutationLogs"]["totalCount"] == 3


@pytest.mark.parametrize("order", ['"nosuchfield"', '["-password"]', '["user__nosuch"]', '["name__name"]'])
def test_unknown_order_by_is_a_graphql_error(admin_gql, order):
    response = admin_gql.post(f"{{ role(orderBy: {order}) {{ totalCount }} }}")
    assert response.status_code == 200
    body = response.json()
    assert body["data"]["role"] is None
    assert "Cannot order by" in body["errors"][0]["message"]


def test_order_by_cannot_reach_secret_columns(admin_gql):
    for order in ('["user__password"]', '["-user__password"]'):
        body = admin_gql(f"{{ mutationLogs(orderBy: {order}) {{ totalCount }} }}")
        assert "Cannot order by" in body["errors"][0]["message"], body


def test_schema_validation_still_applies(admin_gql):
    body = admin_gql("{ languages { code noSuchField } }")
    assert "Cannot query field 'noSuchField'" in body["errors"][0]["message"]
    body = admin_gql("{ role(first: \"x\") { totalCount } }")
    assert "errors" in body


def deep_query(levels: int) -> str:
    inner = "name"
    for _ in range(levels):
        inner = f"userRoles {{ role {{ {inner} }} }}"
    return f"{{ user {{ iUser {{ {inner} }} }} }}"


def test_depth_limit(admin_gql, settings):
    limit = settings.GRAPHQL_LIMITS["MAX_DEPTH"]
    body = admin_gql(deep_query(limit))
    assert "depth" in body["errors"][0]["message"] and str(limit) in body["errors"][0]["message"]
    assert "data" not in body or body["data"] is None
    shallow = admin_gql(deep_query(2))
    assert "errors" not in shallow, shallow


def test_depth_limit_sees_through_fragments(admin_gql, settings):
    limit = settings.GRAPHQL_LIMITS["MAX_DEPTH"]
    fragments = ["fragment F0 on RoleGQLType { name }"]
    for index in range(1, limit + 1):
        fragments.append(f"fragment F{index} on RoleGQLType {{ userRoles {{ role {{ ...F{index - 1} }} }} }}")
    query = f"{{ role {{ edges {{ node {{ ...F{limit} }} }} }} }} " + " ".join(fragments)
    body = admin_gql(query)
    assert "depth" in body["errors"][0]["message"]


def test_alias_limit(admin_gql, settings):
    limit = settings.GRAPHQL_LIMITS["MAX_ALIASES"]
    too_many = " ".join(f"a{index}: languages {{ code }}" for index in range(limit + 1))
    body = admin_gql(f"{{ {too_many} }}")
    assert "aliases" in body["errors"][0]["message"]
    enough = " ".join(f"a{index}: languages {{ code }}" for index in range(limit))
    assert "errors" not in admin_gql(f"{{ {enough} }}")


def test_relay_ids_and_node(admin_gql, db, user_factory):
    role = make_role("Viewer", [101001])
    relay_id = base64.b64encode(f"RoleGQLType:{role.pk}".encode()).decode()
    listed = admin_gql('{ role(str: "Viewer") { edges { node { id } } } }')
    assert listed["data"]["role"]["edges"][0]["node"]["id"] == relay_id
    found = admin_gql(f'{{ node(id: "{relay_id}") {{ id ... on RoleGQLType {{ name uuid }} }} }}')
    assert found["data"]["node"] == {"id": relay_id, "name": "Viewer", "uuid": role.uuid}

    user_factory("clerk", [101001])
    clerk = GraphQLClient(Client())
    assert "errors" not in clerk.login("clerk", "Secret123")
    refused = clerk(f'{{ node(id: "{relay_id}") {{ id }} }}')
    assert refused["errors"][0]["message"] == "unauthorized"
    assert refused["data"]["node"] is None
    anonymous = GraphQLClient(Client())(f'{{ node(id: "{relay_id}") {{ id }} }}')
    assert anonymous["errors"][0]["message"] == "unauthorized"


def test_lists_are_empty_not_null(admin_gql, db, user_factory):
    role = make_role("Empty", [])
    user_factory("loner")
    result = admin_gql('{ role(str: "Empty") { edges { node { '
                       'rights { totalCount edges { node { rightId } } } userRoles { id } } } } '
                       'officerLocations(officerCode: "nobody") { code } '
                       'mutationLogs(clientMutationId: "none") { edges { node { id } } } '
                       'users(username: "loner") { edges { node { iUser { roles { name } userRoles { id } '
                       'userdistrictSet { id } } } } } }')
    assert "errors" not in result, result
    data = result["data"]
    assert data["role"]["edges"][0]["node"] == {"rights": {"totalCount": 0, "edges": []}, "userRoles": []}
    assert data["officerLocations"] == []
    assert data["mutationLogs"]["edges"] == []
    assert data["users"]["edges"][0]["node"]["iUser"] == {"roles": [], "userRoles": [], "userdistrictSet": []}
    assert role.pk


def test_root_fields_refuse_anonymous(gql, db):
    body = gql("{ users { totalCount } }")
    assert body["errors"][0]["message"] == "unauthorized"
    assert gql("{ __typename }")["data"] == {"__typename": "Query"}
    assert "errors" not in gql("{ moduleConfigurations { module } passwordPolicy }")


# --- GraphiQL and the profiler ---------------------------------------------------------------------

def test_graphiql_in_dev(client, db, settings):
    settings.OPENIMIS_MODE = "DEV"
    response = client.get("/api/graphql", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"graphiql" in response.content.lower()


def test_no_graphiql_in_prod(client, db, settings):
    settings.OPENIMIS_MODE = "PROD"
    response = client.get("/api/graphql", HTTP_ACCEPT="text/html")
    assert not response["Content-Type"].startswith("text/html")


def test_profiler_report(admin_gql, settings):
    settings.OPENIMIS_MODE = "DEV"
    response = admin_gql.client.post("/api/graphql?prof=True",
                                     data=json.dumps({"query": "{ languages { code } }"}),
                                     content_type="application/json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"function calls" in response.content


def test_profiler_download(admin_gql, settings, tmp_path):
    settings.OPENIMIS_MODE = "DEV"
    response = admin_gql.client.post("/api/graphql?prof=True&download=True",
                                     data=json.dumps({"query": "{ languages { code } }"}),
                                     content_type="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert "attachment" in response["Content-Disposition"]
    path = tmp_path / "graphql.prof"
    path.write_bytes(response.content)
    stats = pstats.Stats(str(path))
    assert stats.total_calls > 0


def test_profiler_is_ignored_in_prod(admin_gql, settings):
    token = admin_gql.login("Admin", "admin123")["data"]["tokenAuth"]["token"]
    settings.OPENIMIS_MODE = "PROD"
    response = Client().post("/api/graphql?prof=True&download=True",
                             data=json.dumps({"query": "{ languages { code } }"}),
                             content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert {"code": "en"} in response.json()["data"]["languages"]


# --- query counts of the core lists ---------------------------------------------------------------

def query_count(client, query: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = client(query)
    assert "errors" not in result, result
    return len(captured.captured_queries)


LIST_QUERIES = {
    "mutationLogs": "{ mutationLogs { edges { node { status user { username } } } } }",
    "interactiveUsers": "{ interactiveUsers { edges { node { loginName language { code } } } } }",
    "enrolmentOfficers": "{ enrolmentOfficers { edges { node { code lastName } } } }",
    "usersFlat": "{ users { edges { node { username lastName iUser { language { code } } } } } }",
    "usersWithRoles": "{ users { edges { node { username iUser { roles { name } } } } } }",
    "roleWithRights": "{ role { edges { node { name rights { edges { node { rightId } } } } } } }",
}
@pytest.mark.parametrize("name", list(LIST_QUERIES))
def test_list_query_count_does_not_grow_with_rows(admin_gql, db, user_factory, name):
    for index in range(3):
        user_factory(f"few{index}", [101001, 101002])
    few = query_count(admin_gql, LIST_QUERIES[name])
    for index in range(12):
        user_factory(f"many{index}", [101001, 101002])
    many = query_count(admin_gql, LIST_QUERIES[name])
    assert many == few, (name, few, many)
    assert many <= 10
