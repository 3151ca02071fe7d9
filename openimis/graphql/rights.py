"""Rights of the root fields, declared next to each field and checked here, in one place.

A module's `Query` class declares `field_rights = {"users": (121701,), "languages": AUTHENTICATED}`;
a mutation class declares `rights = (121702,)` or `rights = PUBLIC`. The schema refuses to build when a
root field has no declaration. The check: PUBLIC passes; otherwise an anonymous caller gets
`unauthorized`; a caller without any of the listed rights (IMIS administrators have all) too.
"""

from __future__ import annotations

from graphql import GraphQLError

PUBLIC = "public"
AUTHENTICATED = "authenticated"
UNAUTHORIZED = "unauthorized"


class UndeclaredRights(Exception):
    pass


def normalise(declaration):
    if declaration in (PUBLIC, AUTHENTICATED):
        return declaration
    if isinstance(declaration, int):
        return (declaration,)
    return tuple(declaration)


def is_allowed(user, declaration) -> bool:
    if declaration == PUBLIC:
        return True
    if user is None or not user.is_authenticated:
        return False
    if declaration == AUTHENTICATED:
        return True
    return user.has_any_right(declaration)


def check(user, declaration) -> None:
    if not is_allowed(user, declaration):
        raise GraphQLError(UNAUTHORIZED)
