"""A GraphQL client for the tests, and users to log in with."""

from __future__ import annotations

import json

from django.contrib.auth.hashers import PBKDF2PasswordHasher

from openimis.core import services
from openimis.core.models import Role, RoleRight
from openimis.testing.sql_rules import StatementsWithinJoinLimit, is_read

PASSWORD = "Secret123"


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with few iterations, put first so the tests' logins cost next to nothing (they log in a
    thousand times). Production puts Argon2id first; openimis/core/tests/test_passwords.py tests it."""

    iterations = 1000


class GraphQLClient:
    def __init__(self, client):
        self.client = client

    def post(self, query: str, variables: dict | None = None, **headers):
        body = {"query": query, **({"variables": variables} if variables else {})}
        if not is_read(query):
            return self._send(body, headers)
        with StatementsWithinJoinLimit():  # every read the tests send checks the join limit
            return self._send(body, headers)

    def _send(self, body: dict, headers: dict):
        return self.client.post("/api/graphql", data=json.dumps(body), content_type="application/json",
                                **headers)

    def __call__(self, query: str, variables: dict | None = None, **headers) -> dict:
        response = self.post(query, variables, **headers)
        assert response.status_code in (200, 400), response.content
        return response.json()

    def login(self, username: str, password: str) -> dict:
        return self("mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) "
                    "{ token refreshExpiresIn payload } }", {"u": username, "p": password})


def make_user(username: str, rights: list[int] | None = None):
    """A user with the password PASSWORD and, when given, a role holding these rights."""
    services.ensure_reference_data()
    user = services.create_plain_user(username, PASSWORD)
    if rights:
        role = Role.objects.create(name=f"role-{username}")
        RoleRight.objects.bulk_create(RoleRight(role=role, right_id=right) for right in rights)
        services.update_user(None, {"uuid": user.id, "username": username, "last_name": username,
                                    "other_names": username, "language": "en", "roles": [role.id],
                                    "user_types": ["INTERACTIVE"]})
    return user
