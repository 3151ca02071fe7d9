"""A real `openimis serve` process in embedded mode (no Celery), driven over HTTP like a browser would."""

from __future__ import annotations

import os
import uuid

import pytest

from tests.live_server import (
    ADMIN,
    CREATE_USER,
    MUTATION_LOG,
    HTTPClient,
    OpenIMISProcess,
    database_env,
    drop_database,
    free_port,
    process_env,
    user_input,
    wait_until_answers,
)

pytestmark = pytest.mark.slow  # starts processes or installs packages

DATABASE = f"openimis_e2e_test_{os.getpid()}"
USERNAMES = "{ users(first: 100) { totalCount edges { node { username } } } }"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("serve-e2e")
    port = free_port()
    env = process_env(data_dir, database_env(DATABASE))
    server = OpenIMISProcess(["serve", "--port", str(port), "--threads", "4"], data_dir, env, "serve")
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_answers(server, url)
        yield url
    finally:
        server.stop()
        drop_database(DATABASE)


@pytest.fixture
def admin(base_url) -> HTTPClient:
    client = HTTPClient(base_url)
    result = client.login(*ADMIN)
    assert "errors" not in result, result
    assert result["data"]["tokenAuth"]["token"]
    return client


def usernames(client: HTTPClient) -> list[str]:
    result = client.graphql(USERNAMES)
    assert "errors" not in result, result
    return [edge["node"]["username"] for edge in result["data"]["users"]["edges"]]


def test_health_answers(base_url):
    status, body = HTTPClient(base_url).get("/api/health")
    assert status == 200, body


def test_current_user_refuses_an_anonymous_caller(base_url):
    status, _ = HTTPClient(base_url).get("/api/core/users/current_user/")
    assert status == 401


def test_login_sets_the_jwt_cookie_and_current_user_has_rights(admin):
    assert admin.cookie("JWT")
    status, body = admin.get("/api/core/users/current_user/")
    assert status == 200, body
    assert body["username"] == "Admin"
    assert isinstance(body["i_user"]["rights"], list) and body["i_user"]["rights"]


def test_languages_and_module_configurations_answer(admin, base_url):
    languages = admin.graphql("{ languages { code name } }")
    assert "errors" not in languages, languages
    assert "en" in [language["code"] for language in languages["data"]["languages"]]
    for client in (admin, HTTPClient(base_url)):  # the login page asks before anyone is logged in
        configurations = client.graphql("{ moduleConfigurations { module } }")
        assert "errors" not in configurations, configurations
        assert isinstance(configurations["data"]["moduleConfigurations"], list)


def test_create_user_is_done_when_the_mutation_returns(admin, base_url):
    username = f"e2e{uuid.uuid4().hex[:8]}"
    mutation_id = str(uuid.uuid4())
    result = admin.graphql(CREATE_USER, {"input": user_input(mutation_id, username)})
    assert "errors" not in result, result
    assert result["data"]["createUser"]["clientMutationId"] == mutation_id

    # Embedded mode: the work ran before the response, so the log is already final.
    log = admin.graphql(MUTATION_LOG, {"id": mutation_id})
    assert log["data"]["mutationLogs"]["edges"] == [{"node": {"status": 2, "error": None}}], log

    newcomer = HTTPClient(base_url)
    login = newcomer.login(username, "Secret123")
    assert "errors" not in login, login
    assert newcomer.cookie("JWT")
    status, body = newcomer.get("/api/core/users/current_user/")
    assert status == 200 and body["username"] == username, body


def test_duplicate_username_ends_in_error_and_writes_nothing(admin):
    username = f"e2e{uuid.uuid4().hex[:8]}"
    first = admin.graphql(CREATE_USER, {"input": user_input(str(uuid.uuid4()), username)})
    assert "errors" not in first, first
    before = usernames(admin)
    assert before.count(username) == 1

    mutation_id = str(uuid.uuid4())
    result = admin.graphql(CREATE_USER, {"input": user_input(mutation_id, username)})
    assert "errors" not in result, result
    [edge] = admin.graphql(MUTATION_LOG, {"id": mutation_id})["data"]["mutationLogs"]["edges"]
    assert edge["node"]["status"] == 1
    assert username in edge["node"]["error"]
    assert usernames(admin) == before
