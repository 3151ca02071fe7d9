"""Login, the JWT in its cookie or header for GraphQL and REST alike, refresh, revoke, logout, RS256,
and users imported from openIMIS with their legacy password hash."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time

import jwt
import pytest
from django.conf import settings
from django.test import Client, override_settings

from openimis.core.models import User
from openimis.testing.client import PASSWORD, GraphQLClient

CURRENT_USER = "/api/core/users/current_user/"
LOGIN = ("mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) "
         "{ token refreshExpiresIn payload } }")
REFRESH = "mutation { refreshToken { token refreshExpiresIn payload } }"
LOGOUT = "mutation logout { deleteTokenCookie { deleted } deleteRefreshTokenCookie { deleted } }"
PROTECTED = "{ usernameLength }"


def login(gql: GraphQLClient, username: str, password: str = PASSWORD):
    response = gql.post(LOGIN, {"u": username, "p": password})
    assert response.status_code == 200, response.content
    return response, response.json()


def fresh_gql() -> GraphQLClient:
    return GraphQLClient(Client())


def expired_token(username: str) -> str:
    now = int(time.time())
    return jwt.encode({"username": username, "exp": now - 10, "origIat": now - 100},
                      settings.SECRET_KEY, algorithm="HS256")


@pytest.fixture
def alice(user_factory):
    return user_factory("alice", [121701])


# --- tokenAuth ------------------------------------------------------------------------------

def test_token_auth_returns_token_payload_and_sets_cookies(gql, alice):
    before = int(time.time())
    response, result = login(gql, "alice")
    assert "errors" not in result, result
    data = result["data"]["tokenAuth"]
    assert data["token"]
    payload = data["payload"]
    assert payload["username"] == "alice"
    assert payload["exp"] > before
    assert before - 1 <= payload["origIat"] <= int(time.time()) + 1
    assert data["refreshExpiresIn"] > before + 3600

    access = response.cookies["JWT"]
    assert access.value == data["token"]
    assert access["httponly"] is True
    assert access["samesite"] == "Lax"
    assert access["path"] == "/"
    refresh = response.cookies["JWT-refresh-token"]
    assert refresh.value and refresh.value != data["token"]
    assert refresh["httponly"] is True
    assert refresh["samesite"] == "Lax"
    assert not access["secure"]  # DEV: plain-HTTP cookies


def test_wrong_password_gives_the_openimis_message_and_no_cookie(gql, alice):
    response, result = login(gql, "alice", "wrong-password")
    assert result["errors"][0]["message"] == "Please enter valid credentials"
    assert "JWT" not in response.cookies
    assert "JWT-refresh-token" not in response.cookies


def test_unknown_user_gives_the_same_message(gql, db):
    _, result = login(gql, "nobody", "whatever1")
    assert result["errors"][0]["message"] == "Please enter valid credentials"


# --- the token everywhere -------------------------------------------------------------------

def test_cookie_authenticates_graphql_and_rest(gql, client, alice):
    login(gql, "alice")
    assert gql(PROTECTED)["data"]["usernameLength"] == 50
    response = client.get(CURRENT_USER)
    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_bearer_header_authenticates_graphql_and_rest(gql, alice):
    token = login(gql, "alice")[1]["data"]["tokenAuth"]["token"]
    other = fresh_gql()
    result = other(PROTECTED, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert result["data"]["usernameLength"] == 50
    response = other.client.get(CURRENT_USER, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    # the openIMIS `JWT <token>` scheme too
    assert other.client.get(CURRENT_USER, HTTP_AUTHORIZATION=f"JWT {token}").status_code == 200


def test_jwt_undefined_header_with_a_valid_cookie_is_accepted(gql, client, alice):
    """fe-core sends `Authorization: JWT undefined` right after login."""
    login(gql, "alice")
    result = gql("mutation { getCsrfToken { csrfToken } }", HTTP_AUTHORIZATION="JWT undefined")
    assert result["data"]["getCsrfToken"]["csrfToken"]
    assert gql(PROTECTED, HTTP_AUTHORIZATION="JWT undefined")["data"]["usernameLength"] == 50
    assert client.get(CURRENT_USER, HTTP_AUTHORIZATION="JWT undefined").status_code == 200


def test_anonymous_is_unauthorized(gql, client, db):
    result = gql(PROTECTED)
    assert result["errors"][0]["message"] == "unauthorized"
    assert client.get(CURRENT_USER).status_code == 401


@pytest.mark.parametrize("token", ["garbage", "a.b.c"])
def test_invalid_token_is_unauthorized(gql, client, alice, token):
    assert gql(PROTECTED, HTTP_AUTHORIZATION=f"Bearer {token}")["errors"][0]["message"] == "unauthorized"
    assert client.get(CURRENT_USER, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    client.cookies["JWT"] = token
    assert gql(PROTECTED)["errors"][0]["message"] == "unauthorized"
    assert client.get(CURRENT_USER).status_code == 401


def test_token_signed_with_another_key_is_unauthorized(gql, client, alice):
    now = int(time.time())
    forged = jwt.encode({"username": "alice", "exp": now + 600, "origIat": now},
                        "not-the-signing-key-of-this-site-at-all", algorithm="HS256")
    assert gql(PROTECTED, HTTP_AUTHORIZATION=f"Bearer {forged}")["errors"][0]["message"] == "unauthorized"
    assert client.get(CURRENT_USER, HTTP_AUTHORIZATION=f"Bearer {forged}").status_code == 401


def test_crafted_expired_token_is_unauthorized(gql, client, alice):
    token = expired_token("alice")
    assert gql(PROTECTED, HTTP_AUTHORIZATION=f"Bearer {token}")["errors"][0]["message"] == "unauthorized"
    assert client.get(CURRENT_USER, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    client.cookies["JWT"] = token
    assert gql(PROTECTED)["errors"][0]["message"] == "unauthorized"
    assert client.get(CURRENT_USER).status_code == 401


def test_token_lifetime_is_read_from_settings_at_call_time(gql, client, alice):
    with override_settings(JWT={**settings.JWT, "EXPIRATION_SECONDS": -5}):
        token = login(gql, "alice")[1]["data"]["tokenAuth"]["token"]
    assert jwt.decode(token, options={"verify_signature": False})["exp"] < time.time()
    assert gql(PROTECTED)["errors"][0]["message"] == "unauthorized"
    assert client.get(CURRENT_USER).status_code == 401
    # the refresh cookie still renews the session
    assert "errors" not in gql(REFRESH)
    assert gql(PROTECTED)["data"]["usernameLength"] == 50


def test_secret_key_is_read_at_call_time(gql, alice):
    token = login(gql, "alice")[1]["data"]["tokenAuth"]["token"]
    with override_settings(SECRET_KEY="a-different-secret-key-for-this-test"):
        result = fresh_gql()(PROTECTED, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert result["errors"][0]["message"] == "unauthorized"


def test_token_of_a_deleted_user_is_unauthorized(gql, client, alice):
    login(gql, "alice")
    User.objects.filter(pk=alice.pk).update(validity_to="2020-01-01T00:00:00Z")
    assert gql(PROTECTED)["errors"][0]["message"] == "unauthorized"
    assert client.get(CURRENT_USER).status_code == 401


# --- current_user ---------------------------------------------------------------------------

def test_current_user_shape(gql, client, alice):
    login(gql, "alice")
    body = client.get(CURRENT_USER).json()
    assert set(body) == {"id", "username", "i_user", "t_user"}
    assert body["id"] == str(alice.id)
    assert body["username"] == "alice"
    assert body["t_user"] is None
    i_user = body["i_user"]
    assert set(i_user) == {"id", "language", "last_name", "other_names", "health_facility_id", "rights",
                           "has_password"}
    assert i_user["id"] == alice.i_user_id
    assert i_user["language"] == "en"
    assert i_user["last_name"] == "alice"
    assert i_user["other_names"] == "alice"
    assert i_user["health_facility_id"] is None
    assert i_user["rights"] == [121701]
    assert i_user["has_password"] is True


def test_current_user_of_an_administrator_lists_rights_as_integers(admin_gql, client):
    rights = client.get(CURRENT_USER).json()["i_user"]["rights"]
    assert rights and all(isinstance(code, int) for code in rights)
    assert rights == sorted(rights)


# --- refresh, verify, revoke, logout --------------------------------------------------------

def test_refresh_without_arguments_rotates_the_refresh_cookie(gql, client, alice):
    login(gql, "alice")
    old_refresh = client.cookies["JWT-refresh-token"].value
    old_access = client.cookies["JWT"].value
    time.sleep(1.01)  # a new second: the new access token differs
    response = gql.post(REFRESH)
    result = response.json()
    assert "errors" not in result, result
    data = result["data"]["refreshToken"]
    assert data["payload"]["username"] == "alice"
    assert data["refreshExpiresIn"] > time.time()
    new_refresh = response.cookies["JWT-refresh-token"].value
    assert new_refresh and new_refresh != old_refresh
    assert response.cookies["JWT"].value == data["token"] != old_access
    assert response.cookies["JWT"]["httponly"] is True
    assert gql(PROTECTED)["data"]["usernameLength"] == 50

    # the spent refresh token no longer works
    spent = fresh_gql()
    spent.client.cookies["JWT-refresh-token"] = old_refresh
    assert spent(REFRESH)["errors"][0]["message"] == "Invalid refresh token"
    # the new one does
    assert "errors" not in gql(REFRESH)


def test_refresh_without_a_refresh_cookie_fails(gql, db):
    assert gql(REFRESH)["errors"][0]["message"] == "Invalid refresh token"


def test_refresh_with_a_token_argument(gql, alice):
    token = login(gql, "alice")[1]["data"]["tokenAuth"]["token"]
    orig_iat = jwt.decode(token, options={"verify_signature": False})["origIat"]
    query = "mutation($t: String) { refreshToken(token: $t) { token refreshExpiresIn payload } }"
    result = fresh_gql()(query, {"t": token})
    assert "errors" not in result, result
    data = result["data"]["refreshToken"]
    assert data["payload"]["origIat"] == orig_iat
    assert data["refreshExpiresIn"] == orig_iat + settings.JWT["REFRESH_EXPIRATION_SECONDS"]
    renewed = fresh_gql()(PROTECTED, HTTP_AUTHORIZATION=f"Bearer {data['token']}")
    assert renewed["data"]["usernameLength"] == 50


def test_refresh_with_a_token_outside_the_window_fails(gql, alice):
    token = login(gql, "alice")[1]["data"]["tokenAuth"]["token"]
    with override_settings(JWT={**settings.JWT, "REFRESH_EXPIRATION_SECONDS": -1}):
        result = fresh_gql()("mutation($t: String) { refreshToken(token: $t) { token } }", {"t": token})
    assert result["errors"][0]["message"] == "Refresh has expired"
    result = fresh_gql()("mutation($t: String) { refreshToken(token: $t) { token } }",
                         {"t": expired_token("alice")})
    assert result["errors"][0]["message"] == "Signature has expired"


def test_verify_token(gql, alice):
    token = login(gql, "alice")[1]["data"]["tokenAuth"]["token"]
    query = "mutation($t: String) { verifyToken(token: $t) { payload } }"
    assert fresh_gql()(query, {"t": token})["data"]["verifyToken"]["payload"]["username"] == "alice"
    from_cookie = gql("mutation { verifyToken { payload } }")
    assert from_cookie["data"]["verifyToken"]["payload"]["username"] == "alice"
    assert fresh_gql()(query, {"t": "garbage"})["errors"][0]["message"] == "Error decoding signature"
    expired = fresh_gql()(query, {"t": expired_token("alice")})
    assert expired["errors"][0]["message"] == "Signature has expired"


def test_revoke_token(gql, client, alice):
    login(gql, "alice")
    refresh = client.cookies["JWT-refresh-token"].value
    result = fresh_gql()("mutation($r: String) { revokeToken(refreshToken: $r) { revoked } }", {"r": refresh})
    assert result["data"]["revokeToken"]["revoked"] == 1
    assert gql(REFRESH)["errors"][0]["message"] == "Invalid refresh token"


def test_logout_deletes_both_cookies_and_revokes_the_refresh_token(gql, client, alice):
    login(gql, "alice")
    refresh = client.cookies["JWT-refresh-token"].value
    response = gql.post(LOGOUT)
    result = response.json()
    assert result["data"] == {"deleteTokenCookie": {"deleted": True},
                              "deleteRefreshTokenCookie": {"deleted": True}}
    for name in ("JWT", "JWT-refresh-token"):
        cookie = response.cookies[name]
        assert cookie.value == ""
        assert str(cookie["max-age"]) == "0"
        assert cookie["path"] == "/"
    assert gql(PROTECTED)["errors"][0]["message"] == "unauthorized"
    assert client.get(CURRENT_USER).status_code == 401
    replay = fresh_gql()
    replay.client.cookies["JWT-refresh-token"] = refresh
    assert replay(REFRESH)["errors"][0]["message"] == "Invalid refresh token"


def test_logout_without_cookies(gql, db):
    result = gql(LOGOUT)
    assert result["data"] == {"deleteTokenCookie": {"deleted": False},
                              "deleteRefreshTokenCookie": {"deleted": False}}


def test_get_csrf_token_sets_the_cookie(gql, db):
    response = gql.post("mutation { getCsrfToken { csrfToken } }")
    token = response.json()["data"]["getCsrfToken"]["csrfToken"]
    assert token
    assert response.cookies["csrftoken"].value


# --- RS256 ----------------------------------------------------------------------------------

@pytest.fixture
def rsa_keys(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_file = tmp_path / "jwt_private_key.pem"
    public_file = tmp_path / "jwt_public_key.pem"
    private_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    public_file.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                          serialization.PublicFormat.SubjectPublicKeyInfo))
    with override_settings(JWT={**settings.JWT, "PRIVATE_KEY_FILE": private_file,
                                "PUBLIC_KEY_FILE": public_file}):
        yield public_file.read_text()


def test_rs256_when_key_files_exist(gql, client, alice, rsa_keys):
    token = login(gql, "alice")[1]["data"]["tokenAuth"]["token"]
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert jwt.decode(token, rsa_keys, algorithms=["RS256"])["username"] == "alice"
    assert gql(PROTECTED)["data"]["usernameLength"] == 50
    assert client.get(CURRENT_USER).status_code == 200
    query = "mutation($t: String) { verifyToken(token: $t) { payload } }"
    assert fresh_gql()(query, {"t": token})["data"]["verifyToken"]["payload"]["username"] == "alice"
    # an HS256 token signed with SECRET_KEY is refused while RS256 is in force
    now = int(time.time())
    hs = jwt.encode({"username": "alice", "exp": now + 600, "origIat": now}, settings.SECRET_KEY,
                    algorithm="HS256")
    assert fresh_gql()(PROTECTED, HTTP_AUTHORIZATION=f"Bearer {hs}")["errors"][0]["message"] == "unauthorized"


def test_hs256_without_key_files(gql, alice, tmp_path):
    with override_settings(JWT={**settings.JWT, "PRIVATE_KEY_FILE": tmp_path / "none.pem",
                                "PUBLIC_KEY_FILE": tmp_path / "none.pub"}):
        token = login(gql, "alice")[1]["data"]["tokenAuth"]["token"]
        assert jwt.get_unverified_header(token)["alg"] == "HS256"
        assert jwt.decode(token, settings.SECRET_KEY, algorithms=["HS256"])["username"] == "alice"
        assert gql(PROTECTED)["data"]["usernameLength"] == 50


# --- legacy openIMIS passwords --------------------------------------------------------------

def test_legacy_openimis_password_logs_in_and_is_rehashed(gql, user_factory):
    user = user_factory("legacy")
    private_key = "0f1e2d3c4b5a69788796a5b4c3d2e1f0" * 4
    user.set_unusable_password()
    user.save(update_fields=["password"])
    i_user = user.i_user
    i_user.private_key = private_key
    i_user.stored_password = hashlib.sha256(("OldPass99" + private_key).encode()).hexdigest().upper()
    i_user.save(update_fields=["private_key", "stored_password"])

    _, result = login(gql, "legacy", "wrong")
    assert result["errors"][0]["message"] == "Please enter valid credentials"
    user.refresh_from_db()
    assert not user.has_usable_password()

    _, result = login(gql, "legacy", "OldPass99")
    assert "errors" not in result, result
    user.refresh_from_db()
    assert user.has_usable_password()
    assert user.password.startswith("pbkdf2_sha256$")
    assert user.check_password("OldPass99")

    _, result = login(fresh_gql(), "legacy", "OldPass99")
    assert "errors" not in result, result
    _, result = login(fresh_gql(), "legacy", "wrong")
    assert result["errors"][0]["message"] == "Please enter valid credentials"


def test_json_body_of_login_is_plain(gql, alice):
    """The login body is the plain GraphQL JSON: no session cookie, no CSRF token needed."""
    response = gql.client.post("/api/graphql", data=json.dumps(
        {"query": LOGIN, "variables": {"u": "alice", "p": PASSWORD}}), content_type="application/json")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_login_with_a_stale_cookie_present(gql, client, alice):
    client.cookies["JWT"] = expired_token("alice")
    client.cookies["JWT-refresh-token"] = "spent-or-unknown"
    response, result = login(gql, "alice")
    assert "errors" not in result, result
    assert response.cookies["JWT"].value == result["data"]["tokenAuth"]["token"]
    assert client.get(CURRENT_USER).status_code == 200


@pytest.mark.parametrize("path", ["/api/health", "/health"])
def test_health_needs_no_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}  # liveness; the database is checked by /api/health/ready


def test_remote_user_authentication_only_when_enabled(client, admin_user):
    query = {"query": "{ user { username } }"}
    answer = client.post("/api/graphql", query, content_type="application/json", REMOTE_USER="Admin").json()
    assert answer["errors"][0]["message"] == "unauthorized"
    with override_settings(ENV=dataclasses.replace(settings.ENV, remote_user_authentication=True)):
        answer = client.post("/api/graphql", query, content_type="application/json",
                             REMOTE_USER="Admin").json()
    assert answer["data"]["user"]["username"] == "Admin"


def test_logout_revokes_the_access_token_until_it_would_expire(gql, client, alice):
    """A copy of the access token (a Bearer client, a stolen cookie) stops working at logout."""
    login(gql, "alice")
    access = client.cookies["JWT"].value
    bearer = fresh_gql()
    assert "errors" not in bearer(PROTECTED, HTTP_AUTHORIZATION=f"Bearer {access}")
    assert "errors" not in gql(LOGOUT)
    refused = bearer(PROTECTED, HTTP_AUTHORIZATION=f"Bearer {access}")
    assert refused["errors"][0]["message"] == "unauthorized"
    assert bearer.client.get(CURRENT_USER, HTTP_AUTHORIZATION=f"Bearer {access}").status_code == 401
    refresh = bearer("mutation($t: String) { refreshToken(token: $t) { token } }", {"t": access})
    assert refresh["errors"][0]["message"] == "Token has been revoked"
    other_session = fresh_gql()  # the user's other sessions go on
    login(other_session, "alice")
    assert "errors" not in other_session(PROTECTED)


def test_a_bearer_client_logs_out_with_its_header(gql, alice):
    _, result = login(fresh_gql(), "alice")
    access = result["data"]["tokenAuth"]["token"]
    assert "errors" not in gql(LOGOUT, HTTP_AUTHORIZATION=f"Bearer {access}")
    assert gql(PROTECTED, HTTP_AUTHORIZATION=f"Bearer {access}")["errors"][0]["message"] == "unauthorized"


def test_current_user_lists_only_rights_of_enabled_modules(gql, client, user_factory):
    """A role imported from an openIMIS database may grant report rights (131200) while no report backend
    answers: the frontend must not show menus for them."""
    user_factory("imported", [121701, 131200])
    login(gql, "imported")
    assert client.get(CURRENT_USER).json()["i_user"]["rights"] == [121701]
