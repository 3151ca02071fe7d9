"""Password hashing with the production hasher list: new passwords are Argon2id with the parameters of
`openimis.core.hashers`, and PBKDF2 or legacy openIMIS hashes are re-hashed to it at the next successful
login through the real `tokenAuth` mutation (a wrong password changes nothing)."""

from __future__ import annotations

import importlib
import json

import argon2
import pytest
from django.contrib import auth
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
    PBKDF2SHA1PasswordHasher,
)
from django.test import Client

from openimis.core import passwords, services
from openimis.core.hashers import Argon2idPasswordHasher
from openimis.core.models import User

PASSWORD = "Secret123"
LOGIN = ("mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) "
         "{ token payload } }")
# OWASP Password Storage Cheat Sheet, Argon2id minimums (memory KiB, iterations), one lane each
OWASP_ARGON2ID_MINIMUMS = [(47104, 1), (19456, 2), (12288, 3), (9216, 4), (7168, 5)]
PRODUCTION_HASHERS = importlib.import_module("openimis.settings").PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _production_hashers(settings):
    """The hasher list of openimis/settings.py as it ships (openimis/testing/fixtures.py puts a cheap one
    first for the other tests)."""
    settings.PASSWORD_HASHERS = list(PRODUCTION_HASHERS)


def login(username: str, password: str) -> dict:
    body = {"query": LOGIN, "variables": {"u": username, "p": password}}
    response = Client().post("/api/graphql", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def argon2_parameters(encoded: str) -> dict[str, int]:
    """`argon2$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` -> {"m": 19456, "t": 2, "p": 1}."""
    algorithm, variety, version, parameters, _salt, _hash = encoded.split("$")
    assert (algorithm, variety, version) == ("argon2", "argon2id", "v=19"), encoded
    return {name: int(value) for name, value in (pair.split("=") for pair in parameters.split(","))}


def stored_hash(user: User) -> str:
    return User.objects.values_list("password", flat=True).get(pk=user.pk)


def user_with_hash(username: str, encoded: str) -> User:
    user = services.create_plain_user(username)
    User.objects.filter(pk=user.pk).update(password=encoded)
    return user


def legacy_user(username: str, password: str) -> User:
    """A user imported from openIMIS: no Django hash, the SHA-256 of password + private key."""
    user = services.create_plain_user(username)
    assert not user.has_usable_password()
    private_key = passwords.new_private_key()
    user.i_user.private_key = private_key
    user.i_user.stored_password = passwords.legacy_hash(password, private_key)
    user.i_user.save(update_fields=["private_key", "stored_password"])
    return user


# Hashes as the previous settings stored them. The iteration count is lowered to keep the tests fast:
# the upgrade is decided by the algorithm differing from the first hasher, not by the count.
def pbkdf2_sha256(password: str) -> str:
    hasher = PBKDF2PasswordHasher()
    return hasher.encode(password, hasher.salt(), iterations=1000)


def pbkdf2_sha1(password: str) -> str:
    hasher = PBKDF2SHA1PasswordHasher()
    return hasher.encode(password, hasher.salt(), iterations=1000)


def weaker_argon2(password: str) -> str:
    """An Argon2 hash made with other (smaller) parameters than ours."""
    hasher = type("SmallArgon2", (Argon2PasswordHasher,), {"memory_cost": 8192, "time_cost": 1,
                                                          "parallelism": 1})()
    return hasher.encode(password, hasher.salt())


def test_production_list_puts_argon2id_first_and_keeps_pbkdf2():
    assert PRODUCTION_HASHERS[0] == "openimis.core.hashers.Argon2idPasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in PRODUCTION_HASHERS
    assert "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher" in PRODUCTION_HASHERS
    assert Argon2idPasswordHasher.algorithm == "argon2"


def test_chosen_parameters_meet_the_owasp_minimum():
    memory, iterations = Argon2idPasswordHasher.memory_cost, Argon2idPasswordHasher.time_cost
    assert Argon2idPasswordHasher.parallelism >= 1
    assert any(memory >= floor_memory and iterations >= floor_iterations
               for floor_memory, floor_iterations in OWASP_ARGON2ID_MINIMUMS)


def test_new_password_is_stored_as_argon2id_with_the_chosen_parameters(db):
    user = services.create_plain_user("newcomer", PASSWORD)
    encoded = stored_hash(user)
    assert argon2_parameters(encoded) == {"m": Argon2idPasswordHasher.memory_cost,
                                          "t": Argon2idPasswordHasher.time_cost,
                                          "p": Argon2idPasswordHasher.parallelism}
    # a standard Argon2 hash: argon2-cffi verifies it without Django's `argon2` prefix
    assert argon2.PasswordHasher().verify(encoded.removeprefix("argon2"), PASSWORD)
    assert "errors" not in login("newcomer", PASSWORD)
    assert stored_hash(user) == encoded  # a current hash is not rewritten at login


@pytest.mark.parametrize("make_hash", [pbkdf2_sha256, pbkdf2_sha1, weaker_argon2])
def test_older_hash_logs_in_through_token_auth_and_is_stored_as_argon2id(db, make_hash):
    user = user_with_hash("veteran", make_hash(PASSWORD))

    result = login("veteran", PASSWORD)
    assert "errors" not in result, result
    assert result["data"]["tokenAuth"]["payload"]["username"] == "veteran"
    upgraded = stored_hash(user)
    assert argon2_parameters(upgraded) == {"m": Argon2idPasswordHasher.memory_cost,
                                           "t": Argon2idPasswordHasher.time_cost,
                                           "p": Argon2idPasswordHasher.parallelism}

    assert "errors" not in login("veteran", PASSWORD)  # the new hash verifies
    assert stored_hash(user) == upgraded  # and is kept


def test_legacy_openimis_hash_logs_in_through_token_auth_and_is_stored_as_argon2id(db):
    user = legacy_user("imported", "OldPass99")

    result = login("imported", "OldPass99")
    assert "errors" not in result, result
    upgraded = stored_hash(user)
    assert argon2_parameters(upgraded)["m"] == Argon2idPasswordHasher.memory_cost
    assert "errors" not in login("imported", "OldPass99")
    assert stored_hash(user) == upgraded


@pytest.mark.parametrize("make_hash", [pbkdf2_sha256, pbkdf2_sha1, weaker_argon2, None])
def test_wrong_password_is_refused_and_leaves_the_stored_hash_untouched(db, make_hash):
    if make_hash is None:
        user = legacy_user("someone", PASSWORD)
    else:
        user = user_with_hash("someone", make_hash(PASSWORD))
    before = stored_hash(user)

    result = login("someone", "Wrong1234")
    assert result["errors"][0]["message"] == "Please enter valid credentials"
    assert not (result.get("data") or {}).get("tokenAuth")
    assert stored_hash(user) == before


def test_django_authenticate_through_our_backend_upgrades_too(db):
    """The Django side (admin site, `authenticate()`) goes through openimis.core.auth.backends."""
    user = user_with_hash("staff", pbkdf2_sha256(PASSWORD))
    assert auth.authenticate(None, username="staff", password="Wrong1234") is None
    assert stored_hash(user).startswith("pbkdf2_sha256$")

    assert auth.authenticate(None, username="staff", password=PASSWORD) == user
    assert argon2_parameters(stored_hash(user))["t"] == Argon2idPasswordHasher.time_cost


def test_legacy_password_stops_working_once_the_password_is_changed(db):
    user = legacy_user("imported", "OldPass99")
    assert "errors" not in login("imported", "OldPass99")
    services.change_password(User.objects.get(pk=user.pk), None, "OldPass99", "NewPass123")

    assert "errors" in login("imported", "OldPass99")
    assert "errors" not in login("imported", "NewPass123")
