"""MODE=PROD safeguards: login lockout, GraphQL rate limit, security headers, secure cookies, the origin
check of cookie-authenticated writes. And none of them forced in DEV."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from openimis.testing.client import PASSWORD, GraphQLClient

CURRENT_USER = "/api/core/users/current_user/"
PROTECTED = "{ usernameLength }"
CSRF_FAILURE = "CSRF token missing or incorrect."
LOCKED_OUT = "Too many failed login attempts, try again later"
EVIL = "https://evil.example.com"
TRUSTED = "https://trusted.example.org"


def ratelimit(rate: str, enabled: bool = True) -> dict:
    return {"cache": "default", "key": "ip", "rate": rate, "method": ["POST"], "group": "graphql",
            "skip_timeout": False, "enabled": enabled}


def prod_settings(rate: str = "5/m"):
    return override_settings(OPENIMIS_MODE="PROD",
                             LOGIN_LOCKOUT={"ATTEMPTS": 3, "SECONDS": 60, "ENABLED": True},
                             RATELIMIT=ratelimit(rate), CSRF_TRUSTED_ORIGINS=[TRUSTED])


@pytest.fixture
def prod(db):
    cache.clear()
    with prod_settings():
        yield
    cache.clear()


@pytest.fixture
def prod_generous(db):
    """PROD with a rate limit high enough for tests that make many calls."""
    cache.clear()
    with prod_settings("1000/m"):
        yield
    cache.clear()


@pytest.fixture
def dev(db):
    cache.clear()
    with override_settings(OPENIMIS_MODE="DEV",
                           LOGIN_LOCKOUT={"ATTEMPTS": 3, "SECONDS": 60, "ENABLED": False},
                           RATELIMIT=ratelimit("5/m", enabled=False), CSRF_TRUSTED_ORIGINS=[]):
        yield
    cache.clear()


@pytest.fixture
def bob(user_factory):
    return user_factory("bob", [121701])


def login(gql: GraphQLClient, username: str = "bob", password: str = PASSWORD):
    response = gql.post("mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) "
                        "{ token } }", {"u": username, "p": password})
    return response, response.json()


def error_message(result: dict) -> str:
    return result["errors"][0]["message"]


# --- lockout --------------------------------------------------------------------------------

def test_lockout_after_repeated_failures_even_with_the_right_password(gql, bob, user_factory, prod):
    user_factory("carol")
    for _ in range(3):
        assert error_message(login(gql, password="wrong-one")[1]) == "Please enter valid credentials"
    response, result = login(gql)
    assert error_message(result) == LOCKED_OUT
    assert "JWT" not in response.cookies
    # another account is not affected
    assert "errors" not in login(GraphQLClient(Client()), "carol")[1]


def test_lockout_ignores_the_case_of_the_username(gql, bob, prod):
    for name in ("bob", "BOB", "Bob"):
        login(gql, name, "wrong-one")
    assert error_message(login(gql)[1]) == LOCKED_OUT


def test_lockout_ends_when_its_period_is_over(gql, bob, prod):
    for _ in range(3):
        login(gql, password="wrong-one")
    assert error_message(login(gql)[1]) == LOCKED_OUT
    cache.clear()  # what the expiry of LOGIN_LOCKOUT_SECONDS does
    assert "errors" not in login(gql)[1]


def test_a_successful_login_resets_the_failure_count(gql, bob, prod):
    login(gql, password="wrong-one")
    login(gql, password="wrong-one")
    assert "errors" not in login(gql)[1]
    login(gql, password="wrong-one")
    assert "errors" not in login(gql)[1]


# --- rate limit -----------------------------------------------------------------------------

def test_graphql_rate_limit_answers_429_with_a_json_error(gql, db, prod):
    if time.time() % 60 > 57:  # stay inside one rate window
        time.sleep(60 - time.time() % 60 + 0.1)
    for _ in range(5):
        assert gql.post("{ passwordPolicy }").status_code == 200
    response = gql.post("{ passwordPolicy }")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert error_message(response.json())
    # reads by GET are not counted (RATELIMIT_METHOD=POST)
    assert gql.client.get("/api/graphql", {"query": "{ passwordPolicy }"},
                          HTTP_ACCEPT="application/json").status_code == 200


# --- headers and cookies --------------------------------------------------------------------

PROD_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@pytest.mark.parametrize("path", ["/api/health", "/api/graphql"])
def test_security_headers_in_prod(client, prod, path):
    response = client.get(path, HTTP_ACCEPT="application/json") if path == "/api/health" else \
        client.post(path, data='{"query": "{ passwordPolicy }"}', content_type="application/json")
    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]
    for header, value in PROD_HEADERS.items():
        assert response[header] == value, header
    assert response["Permissions-Policy"]
    assert response["Strict-Transport-Security"].startswith("max-age=")


def test_security_headers_on_errors_and_refusals(client, prod):
    response = client.get(CURRENT_USER)
    assert response.status_code == 401
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_auth_cookies_are_secure_in_prod(gql, bob, prod):
    response, result = login(gql)
    assert "errors" not in result, result
    for name in ("JWT", "JWT-refresh-token"):
        cookie = response.cookies[name]
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"


# --- origin check ---------------------------------------------------------------------------

def test_cookie_authenticated_post_from_a_foreign_origin_is_refused(gql, bob, prod_generous):
    login(gql)
    response = gql.post(PROTECTED, HTTP_ORIGIN=EVIL)
    assert response.status_code == 403
    assert CSRF_FAILURE in error_message(response.json())
    response = gql.post(PROTECTED, HTTP_REFERER=f"{EVIL}/page")
    assert response.status_code == 403
    # a foreign origin cannot log out the user either
    response = gql.post("mutation { deleteTokenCookie { deleted } }", HTTP_ORIGIN=EVIL)
    assert response.status_code == 403
    assert "JWT" not in response.cookies


@pytest.mark.parametrize("origin", [TRUSTED, "http://testserver", None])
def test_cookie_authenticated_post_from_this_site_or_a_trusted_origin(gql, bob, prod_generous, origin):
    login(gql)
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    response = gql.post(PROTECTED, **headers)
    assert response.status_code == 200
    assert response.json()["data"]["usernameLength"] == 50


def test_bearer_requests_are_not_subject_to_the_origin_check(gql, bob, prod_generous):
    token = login(gql)[1]["data"]["tokenAuth"]["token"]
    other = GraphQLClient(Client())
    response = other.post(PROTECTED, HTTP_ORIGIN=EVIL, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["data"]["usernameLength"] == 50


def test_anonymous_post_from_a_foreign_origin_reaches_graphql(gql, db, prod_generous):
    response = gql.post("{ passwordPolicy }", HTTP_ORIGIN=EVIL)
    assert response.status_code == 200


def test_rest_writes_with_the_cookie_get_the_origin_check_too(gql, client, bob, prod_generous):
    login(gql)
    assert client.get(CURRENT_USER, HTTP_ORIGIN=EVIL).status_code == 200  # reads are not checked
    response = client.post(CURRENT_USER, HTTP_ORIGIN=EVIL)
    assert response.status_code == 403
    assert CSRF_FAILURE in response.content.decode()
    assert client.post(CURRENT_USER, HTTP_ORIGIN=TRUSTED).status_code == 405


# --- DEV ------------------------------------------------------------------------------------

def test_dev_forces_none_of_the_prod_safeguards(gql, client, bob, dev):
    response = client.get("/api/health")
    for header in ("Content-Security-Policy", "Strict-Transport-Security", "Permissions-Policy",
                   "X-Frame-Options"):
        assert header not in response, header
    assert response.get("Referrer-Policy") != "no-referrer"

    for _ in range(4):
        login(gql, password="wrong-one")
    response, result = login(gql)
    assert "errors" not in result, result  # no lockout
    assert response.cookies["JWT"]["secure"] == ""  # plain-HTTP cookies
    for _ in range(6):
        assert gql.post(PROTECTED, HTTP_ORIGIN=EVIL).status_code == 200  # no rate limit, no origin check


def test_logout_in_prod_deletes_the_secure_cookies(gql, bob, prod_generous):
    login(gql)
    response = gql.post("mutation { deleteTokenCookie { deleted } deleteRefreshTokenCookie { deleted } }")
    assert response.status_code == 200
    for name in ("JWT", "JWT-refresh-token"):
        cookie = response.cookies[name]
        assert cookie.value == ""
        assert str(cookie["max-age"]) == "0"
        assert cookie["secure"] is True


def test_trusted_origins_are_compared_leniently(gql, bob, db):
    cache.clear()
    with prod_settings("1000/m"), override_settings(CSRF_TRUSTED_ORIGINS=["https://Trusted.Example.org/"]):
        login(gql)
        assert gql.post(PROTECTED, HTTP_ORIGIN=TRUSTED).status_code == 200
        assert gql.post(PROTECTED, HTTP_ORIGIN="https://trusted.example.org.evil.com").status_code == 403
        assert gql.post(PROTECTED, HTTP_ORIGIN="null").status_code == 403
    cache.clear()
