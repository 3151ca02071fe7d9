"""Helpers shared by the core and machinery tests: locations, mutation log reads, row counts."""

from __future__ import annotations

import json

from openimis.core.models import InteractiveUser, MutationLog, Officer, Role, RoleRight, User, UserRole
from openimis.location.models import Location, OfficerVillage, UserDistrict


def make_locations():
    """A region, a district, a municipality and two villages (ORM rows, current)."""
    region = Location.objects.create(code="R1", name="Region 1", type="R")
    district = Location.objects.create(code="R1D1", name="District 1", type="D", parent=region)
    municipality = Location.objects.create(code="R1D1M1", name="Municipality 1", type="W", parent=district)
    village1 = Location.objects.create(code="R1D1M1V1", name="Village 1", type="V", parent=municipality)
    village2 = Location.objects.create(code="R1D1M1V2", name="Village 2", type="V", parent=municipality)
    return {"region": region, "district": district, "municipality": municipality,
            "villages": [village1, village2]}


def make_role(name: str, rights: list[int], is_system: int = 0, is_blocked: bool = False) -> Role:
    role = Role.objects.create(name=name, is_system=is_system, is_blocked=is_blocked)
    RoleRight.objects.bulk_create(RoleRight(role=role, right_id=right) for right in rights)
    return role


def row_counts() -> dict[str, int]:
    """Every row (current and history) of the tables a user mutation writes."""
    models = (User, InteractiveUser, UserRole, UserDistrict, Officer, OfficerVillage, Role, RoleRight)
    return {model.__name__: model.objects.count() for model in models}


def log_of(client_mutation_id: str) -> MutationLog:
    return MutationLog.objects.get(client_mutation_id=client_mutation_id)


def errors_of(client_mutation_id: str) -> list[dict]:
    log = log_of(client_mutation_id)
    assert log.status == MutationLog.ERROR, (log.status, log.error)
    errors = json.loads(log.error)
    assert isinstance(errors, list) and errors
    return errors


def error_text(client_mutation_id: str) -> str:
    return json.dumps(errors_of(client_mutation_id))


def gql_literal(value) -> str:
    """A Python value as a GraphQL input literal (enums given as `Enum("NAME")`)."""
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(gql_literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {gql_literal(item)}" for key, item in value.items()) + "}"
    raise TypeError(value)


class Enum:
    def __init__(self, name: str):
        self.name = name


def mutate(client, name: str, fields: dict, client_mutation_id: str, label: str | None = None) -> dict:
    """Send a mutation inline, in the frontend style, and return the payload (asserting no GraphQL error)."""
    fields = {"clientMutationId": client_mutation_id,
              "clientMutationLabel": label or f"{name} {client_mutation_id}", **fields}
    result = client(f"mutation {{ {name}(input: {gql_literal(fields)}) {{ clientMutationId internalId }} }}")
    assert "errors" not in result, result
    payload = result["data"][name]
    assert payload["clientMutationId"] == client_mutation_id
    return payload
