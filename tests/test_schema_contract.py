"""The API contract: our GraphQL schema against the openIMIS 24.10 reference schema.

Rules (each a test): root fields we expose exist in the reference with the same type and exactly the
same arguments; shared types agree field by field (reference fields whose type we do not have yet
belong to modules not built yet); input types and enums match exactly; our own extra types are
listed here with a reason; the printed schema matches the committed snapshot `tests/schema.graphql`
(`UPDATE_SCHEMA_SNAPSHOT=1` rewrites it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    build_schema,
    get_named_type,
    print_schema,
)

from openimis.graphql.schema import schema

REPO_ROOT = Path(__file__).resolve().parents[1]
REFERENCE_PATH = REPO_ROOT.parent / "shared" / "reference" / "openimis-schema.graphql"
SNAPSHOT_PATH = Path(__file__).resolve().parent / "schema.graphql"

# Root fields the reference lacks, added on purpose: name -> reason.
EXTRA_ROOT_FIELDS = {
    "Mutation": {
        "getCsrfToken": "the pinned frontend (fe-core 1.11) calls it at login; the 24.10 dump predates it",
    },
    "Query": {
        "claimHistory": "the pinned frontend (fe-claim 1.10, the claim page's history panel) asks it; the "
                        "24.10 dump predates it",
    },
}

# Fields of reference types (object or input) that the reference lacks, added on purpose:
# type name -> {field name: reason}.
_AGE_LIMITS = "the pinned frontend (fe-product 1.10) reads and sends it; the 24.10 dump predates it"
EXTRA_FIELDS = {
    "ProductGQLType": {"ageMinimal": _AGE_LIMITS, "ageMaximal": _AGE_LIMITS},
    **{f"{operation}ProductMutationInput": {"ageMinimal": _AGE_LIMITS, "ageMaximal": _AGE_LIMITS}
       for operation in ("Create", "Update", "Duplicate")},
}

# Arguments of reference root fields that the reference lacks, added on purpose:
# "Kind.field" -> {argument: reason}.
EXTRA_ARGUMENTS = {
    "Query.locationsStr": {"uuid_In": "the pinned frontend (fe-location 1.8, LocationCascader) sends it; "
                                      "the 24.10 dump predates it"},
    "Query.insureeOfficers": {"locationId": "the pinned frontend (fe-insuree 1.11, photo officer picker) "
                                            "sends it; the 24.10 dump predates it"},
    "Query.policies": {name: "the pinned frontend (fe-policy 1.10, policy searcher) sends it; the 24.10 "
                             "dump lacks it" for name in ("insureePolicies_Insuree_ChfId",
                                                          "insureePolicies_Insuree_LastName_Icontains",
                                                          "insureePolicies_Insuree_OtherNames_Icontains")},
}

# Our types that do not exist in the reference: name -> reason.
EXTRA_TYPES = {
    "CSRFTokenMutation": "return type of getCsrfToken (see EXTRA_ROOT_FIELDS)",
}


@pytest.fixture(scope="module")
def reference():
    if not REFERENCE_PATH.exists():
        pytest.skip(f"reference schema not found at {REFERENCE_PATH} (the shared/ folder beside the clone)")
    return build_schema(REFERENCE_PATH.read_text(encoding="utf-8"), assume_valid_sdl=True)


@pytest.fixture(scope="module")
def ours():
    return schema.graphql_schema


def _report(problems: list[str]) -> str:
    return f"{len(problems)} mismatch(es):\n  " + "\n  ".join(problems)


def _args(field) -> dict[str, str]:
    return {name: str(arg.type) for name, arg in field.args.items()}


def _root_types(ours, reference):
    return [("Query", ours.query_type, reference.query_type),
            ("Mutation", ours.mutation_type, reference.mutation_type)]


def _is_builtin(name: str) -> bool:
    return name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}


def test_root_fields_exist_in_reference_with_same_type(ours, reference):
    problems = []
    for kind, our_root, their_root in _root_types(ours, reference):
        for name, field in our_root.fields.items():
            if name in EXTRA_ROOT_FIELDS[kind]:
                if name in their_root.fields:
                    problems.append(f"{kind}.{name} is allow-listed as extra but exists in the reference")
                continue
            theirs = their_root.fields.get(name)
            if theirs is None:
                problems.append(f"{kind}.{name}: not in the reference")
            elif str(field.type) != str(theirs.type):
                problems.append(f"{kind}.{name}: ours {field.type}, reference {theirs.type}")
    assert not problems, _report(problems)


def test_root_field_arguments_match_reference_exactly(ours, reference):
    problems = []
    for kind, our_root, their_root in _root_types(ours, reference):
        for name, field in our_root.fields.items():
            theirs = their_root.fields.get(name)
            if theirs is None:
                continue
            extra = EXTRA_ARGUMENTS.get(f"{kind}.{name}", {})
            ours_args = {arg: arg_type for arg, arg_type in _args(field).items() if arg not in extra}
            problems.extend(_argument_problems(f"{kind}.{name}", ours_args, _args(theirs)))
    assert not problems, _report(problems)


def _argument_problems(where: str, ours: dict[str, str], theirs: dict[str, str]) -> list[str]:
    problems = []
    for arg in sorted(ours.keys() - theirs.keys()):
        problems.append(f"{where}({arg}: {ours[arg]}): argument not in the reference")
    for arg in sorted(theirs.keys() - ours.keys()):
        problems.append(f"{where}({arg}: {theirs[arg]}): reference argument missing")
    for arg in sorted(ours.keys() & theirs.keys()):
        if ours[arg] != theirs[arg]:
            problems.append(f"{where}({arg}): ours {ours[arg]}, reference {theirs[arg]}")
    return problems


def _shared_types(ours, reference):
    for name, our_type in sorted(ours.type_map.items()):
        if _is_builtin(name) or name in ("Query", "Mutation"):
            continue
        their_type = reference.type_map.get(name)
        if their_type is not None:
            yield name, our_type, their_type


def _kind(graphql_type) -> str:
    for kind in (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType, GraphQLEnumType,
                 GraphQLScalarType, GraphQLUnionType):
        if isinstance(graphql_type, kind):
            return kind.__name__.removeprefix("GraphQL")
    return type(graphql_type).__name__


def test_shared_types_match_reference(ours, reference):
    problems = []
    for name, our_type, their_type in _shared_types(ours, reference):
        if _kind(our_type) != _kind(their_type):
            problems.append(f"{name}: ours is {_kind(our_type)}, reference {_kind(their_type)}")
            continue
        if isinstance(our_type, (GraphQLObjectType, GraphQLInterfaceType)):
            problems.extend(_object_problems(name, our_type, their_type, ours))
        elif isinstance(our_type, GraphQLInputObjectType):
            problems.extend(_input_problems(name, our_type, their_type))
        elif isinstance(our_type, GraphQLEnumType):
            ours_values, theirs_values = set(our_type.values), set(their_type.values)
            if ours_values != theirs_values:
                problems.append(f"enum {name}: extra {sorted(ours_values - theirs_values)}, "
                                f"missing {sorted(theirs_values - ours_values)}")
    assert not problems, _report(problems)


def _object_problems(name, our_type, their_type, ours) -> list[str]:
    problems = []
    for field_name, field in our_type.fields.items():
        theirs = their_type.fields.get(field_name)
        if theirs is None and field_name in EXTRA_FIELDS.get(name, {}):
            continue
        if theirs is None:
            problems.append(f"{name}.{field_name}: {field.type}: not in the reference")
            continue
        if str(field.type) != str(theirs.type):
            problems.append(f"{name}.{field_name}: ours {field.type}, reference {theirs.type}")
        problems.extend(_argument_problems(f"{name}.{field_name}", _args(field), _args(theirs)))
    for field_name, theirs in their_type.fields.items():
        if field_name in our_type.fields:
            continue
        if get_named_type(theirs.type).name in ours.type_map:
            problems.append(f"{name}.{field_name}: {theirs.type}: reference field missing")
    our_interfaces = sorted(i.name for i in getattr(our_type, "interfaces", []))
    their_interfaces = sorted(i.name for i in getattr(their_type, "interfaces", []))
    if our_interfaces != their_interfaces:
        problems.append(f"{name}: implements {our_interfaces}, reference {their_interfaces}")
    return problems


def _input_problems(name, our_type, their_type) -> list[str]:
    ours = {field_name: str(field.type) for field_name, field in our_type.fields.items()}
    theirs = {field_name: str(field.type) for field_name, field in their_type.fields.items()}
    problems = [f"input {name}.{f}: {ours[f]}: not in the reference"
                for f in sorted(ours.keys() - theirs.keys() - EXTRA_FIELDS.get(name, {}).keys())]
    problems += [f"input {name}.{f}: {theirs[f]}: reference field missing"
                 for f in sorted(theirs.keys() - ours.keys())]
    problems += [f"input {name}.{f}: ours {ours[f]}, reference {theirs[f]}"
                 for f in sorted(ours.keys() & theirs.keys()) if ours[f] != theirs[f]]
    return problems


def test_types_absent_from_reference_are_listed(ours, reference):
    ours_only = {name for name in ours.type_map
                 if not _is_builtin(name) and name not in reference.type_map}
    problems = [f"type {name} is not in the reference and not listed in EXTRA_TYPES"
                for name in sorted(ours_only - EXTRA_TYPES.keys())]
    problems += [f"EXTRA_TYPES lists {name}, which is not one of our extra types"
                 for name in sorted(EXTRA_TYPES.keys() - ours_only)]
    assert not problems, _report(problems)


def test_printed_schema_matches_snapshot(ours):
    printed = print_schema(ours) + "\n"
    if os.environ.get("UPDATE_SCHEMA_SNAPSHOT") == "1":
        SNAPSHOT_PATH.write_text(printed, encoding="utf-8")
        return
    assert SNAPSHOT_PATH.exists(), "tests/schema.graphql missing: run with UPDATE_SCHEMA_SNAPSHOT=1"
    committed = SNAPSHOT_PATH.read_text(encoding="utf-8")
    assert printed == committed, (
        "the printed schema differs from tests/schema.graphql; if the change is intended, rerun with "
        "UPDATE_SCHEMA_SNAPSHOT=1 and commit the file")
