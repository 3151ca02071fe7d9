"""Hypothesis strategies for GraphQL requests to one root field, read from our schema: arguments of the
declared types and hostile ones (wrong types, texts at and past the length limit, lone surrogates, deep
lists, numbers past 32 and 64 bits, NaN and Infinity, malformed relay ids, uuids and cursors, unknown
enum values, required arguments left out or null), sent as variables or written inline."""

from __future__ import annotations

import base64
import json
import math
import re
from dataclasses import dataclass

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
)
from hypothesis import strategies as st

NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")
# how deep input objects inside input objects are filled (a filter type may name itself)
MAX_INPUT_DEPTH = 3


class EnumName(str):
    """An enum value: written bare inline, as a string in the variables."""


def encoded(text: str) -> str:
    return base64.b64encode(text.encode("utf-8", "surrogatepass")).decode()


def _texts(limit: int) -> st.SearchStrategy:
    return st.one_of(
        st.text(max_size=30),
        st.sampled_from(["", " ", "%", "_", "%_%", "'", '"', "\\", "\x00", "NULL", "null", "None",
                         "' OR 1=1 --", "\ud800", "a\udfffb", "\U0001f600", "é" * 3, "\u202e", "\n\r\t",
                         "x" * limit, "x" * (limit + 1), "%_" * (limit // 2 + 1), "ü" * (limit + 1),
                         "y" * 20_000]),
    )


def _relay_ids() -> st.SearchStrategy:
    type_names = st.sampled_from(["UserGQLType", "RoleGQLType", "InsureeGQLType", "LocationGQLType",
                                  "ProductGQLType", "NoSuchType", ""])
    keys = st.one_of(st.integers(-2**70, 2**70).map(str),
                     st.sampled_from(["", "abc", "1.5", "-1", "1e9", "00000000-0000-0000-0000-000000000000",
                                      "not-a-uuid", ":", "\ud800"]),
                     st.text(max_size=12))
    return st.one_of(
        st.builds(lambda name, key: encoded(f"{name}:{key}"), type_names, keys),
        st.sampled_from(["", "=", "!!!", "Zm9v", "YXJyYXljb25uZWN0aW9uOi01", "@@@@", "a" * 2000]),
        st.binary(max_size=20).map(lambda data: base64.b64encode(data).decode()),
    )


def _cursors() -> st.SearchStrategy:
    offsets = st.one_of(st.integers(-2**70, 2**70).map(str), st.sampled_from(["", "x", "1.5", "NaN"]))
    return st.one_of(st.builds(lambda offset: encoded(f"arrayconnection:{offset}"), offsets), _relay_ids())


def _uuids() -> st.SearchStrategy:
    return st.one_of(
        st.uuids().map(str),
        st.uuids().map(lambda value: str(value).upper()),
        st.uuids().map(lambda value: "{" + str(value) + "}"),
        st.sampled_from(["", "1234", "00000000-0000-0000-0000-00000000000g", "0" * 33, "-" * 36, "1"]),
    )


def _ints() -> st.SearchStrategy:
    return st.one_of(
        st.integers(-1000, 1000),
        st.sampled_from([0, -1, 2**31 - 1, 2**31, -2**31 - 1, 2**53 + 1, 2**63, -2**63 - 1, 10**30]),
        st.sampled_from(["7", "007", "-3", "1e3", "1.0", " 1", "", "0x10", "9" * 40]),
        st.sampled_from([1.5, -0.0, 1e300, math.inf, math.nan]),
    )


def _decimal_texts() -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(["NaN", "-NaN", "sNaN", "Infinity", "-Infinity", "inf", "1e999999999", "-1E+400",
                         "1e-400", "0", "-0", "12.3456789012345678901234567890", "9" * 60, "1,5", "",
                         " 3 ", "0x1A", "١٢", "1_000"]),
        st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
    )


def _decimals() -> st.SearchStrategy:
    return st.one_of(_decimal_texts(), st.floats(), st.integers(-2**70, 2**70))


def _dates() -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(["2020-02-30", "0000-00-00", "0001-01-01", "9999-12-31", "10000-01-01", "-1-01-01",
                         "2020-1-1", "2020-13-01", "20200101", "today", "", "2020-01-01T25:00:00",
                         "2020-01-01T00:00:00+99:00", "2020-01-01T00:00:00.000000000001Z"]),
        st.dates().map(lambda value: value.isoformat()),
        st.datetimes().map(lambda value: value.isoformat()),
    )


def _json_texts() -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(["", "{", "null", "[]", "{}", '{"a": NaN}', '{"a": Infinity}', "1e999",
                         '"\\ud800"', "[" * 150 + "]" * 150, '{"a":' * 120 + "1" + "}" * 120]),
        st.recursive(st.none() | st.integers() | st.text(max_size=5), lambda inner:
                     st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
                     max_leaves=6).map(json.dumps),
    )


def _deep_list(depth: int):
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def _anything() -> st.SearchStrategy:
    """A value of any JSON shape: the wrong type for most arguments."""
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(),
                        st.text(max_size=10))
    return st.one_of(
        st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.from_regex(NAME, fullmatch=True).filter(lambda key: len(key) < 12),
                                       inner, max_size=3), max_leaves=8),
        st.sampled_from([20, 99, 100, 101, 150]).map(_deep_list),
    )


@dataclass(frozen=True)
class Inputs:
    """What values are drawn from: the length limit of texts, rows' keys of the database (so that some
    updates and deletes find a row) and whether values of the wrong type are mixed in."""

    limit: int
    known_texts: tuple[str, ...] = ()
    known_ints: tuple[int, ...] = ()
    wrong_types: bool = True

    def known(self, strategy: st.SearchStrategy, values: tuple) -> st.SearchStrategy:
        return st.one_of(strategy, st.sampled_from(values)) if values else strategy


def _scalar(scalar: GraphQLScalarType, inputs: Inputs) -> st.SearchStrategy:
    name = scalar.name
    loose = inputs.wrong_types
    if name in ("Int", "TinyInt"):
        return inputs.known(_ints() if loose else st.integers(-2**31, 2**31 - 1), inputs.known_ints)
    if name == "Float":
        return st.one_of(st.floats(), _ints()) if loose else st.floats(allow_nan=False, allow_infinity=False)
    if name == "Boolean":
        return st.one_of(st.booleans(), st.sampled_from(["true", 0, 1])) if loose else st.booleans()
    if name == "Decimal":
        return _decimals() if loose else _decimal_texts()
    if name in ("Date", "DateTime"):
        return _dates()
    if name == "UUID":
        return inputs.known(_uuids(), inputs.known_texts)
    if name in ("JSONString", "ParsedJSONString", "GenericScalar"):
        return st.one_of(_json_texts(), _anything()) if loose else _json_texts()
    texts = st.one_of(_texts(inputs.limit), _relay_ids(), _uuids(), _cursors(), _ints().map(str))
    return inputs.known(texts, inputs.known_texts)


def value_of(graphql_type, inputs: Inputs, depth: int = 0) -> st.SearchStrategy:
    """A value for an argument or input field of `graphql_type`: of its type, or, with `wrong_types`,
    sometimes not."""
    fitting = _typed(graphql_type, inputs, depth)
    if not inputs.wrong_types:
        return fitting if isinstance(graphql_type, GraphQLNonNull) else st.one_of(fitting, fitting, st.none())
    return st.one_of(fitting, fitting, fitting, _anything(), st.none())


def _typed(graphql_type, inputs: Inputs, depth: int) -> st.SearchStrategy:
    loose = inputs.wrong_types
    if isinstance(graphql_type, GraphQLNonNull):
        return _typed(graphql_type.of_type, inputs, depth)
    if isinstance(graphql_type, GraphQLList):
        item = value_of(graphql_type.of_type, inputs, depth)
        if not loose:
            return st.lists(item, max_size=4)
        return st.one_of(st.lists(item, max_size=4), item, st.lists(st.lists(item, max_size=2), max_size=2),
                         st.just([None] * 3))
    if isinstance(graphql_type, GraphQLEnumType):
        valid = st.sampled_from(sorted(graphql_type.values)).map(EnumName)
        if not loose:
            return valid
        return st.one_of(valid, st.sampled_from(["UNKNOWN_VALUE", "zz", "A_"]).map(EnumName),
                         st.sampled_from(["", "lower case", "\ud800"]))
    if isinstance(graphql_type, GraphQLInputObjectType):
        if depth >= MAX_INPUT_DEPTH:
            return st.none()
        fields = {name: value_of(field.type, inputs, depth + 1)
                  for name, field in graphql_type.fields.items()}
        required = {name: fields[name] for name, field in graphql_type.fields.items()
                    if isinstance(field.type, GraphQLNonNull)}
        optional = {name: strategy for name, strategy in fields.items() if name not in required}
        fitting = st.fixed_dictionaries(required, optional=optional)
        if not loose:
            return fitting
        extra = st.dictionaries(st.sampled_from(["unknownField", "id_", "__typename"]), _anything(),
                                max_size=1)
        return st.one_of(
            fitting,
            fitting,
            st.fixed_dictionaries({}, optional=fields),  # required fields left out
            st.builds(lambda base, more: {**base, **more}, fitting, extra),
        )
    return _scalar(graphql_type, inputs)


def literal(value) -> str:
    """`value` written as a GraphQL input value (what a client would write inline)."""
    if value is None:
        return "null"
    if isinstance(value, EnumName):
        return value if NAME.match(value) else json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else json.dumps(repr(value))
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, dict):
        written = (f"{key}: {literal(item)}" for key, item in value.items() if NAME.match(key))
        return "{" + ", ".join(written) + "}"
    raise TypeError(f"no literal for {value!r}")


def _leaves(object_type, limit: int) -> list[str]:
    names = []
    for name, field in object_type.fields.items():
        if is_leaf_type(get_named_type(field.type)) and not any(
                isinstance(argument.type, GraphQLNonNull) for argument in field.args.values()):
            names.append(name)
    return names[:limit]


def selection(field: GraphQLField) -> str:
    """What to ask of a root field's answer: a connection's count and its nodes' plain fields, an
    object's plain fields, an interface's id."""
    named = get_named_type(field.type)
    if is_leaf_type(named):
        return ""
    if isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)):
        return "{ __typename ... on Node { id } }" if named.name == "Node" else "{ __typename }"
    assert isinstance(named, GraphQLObjectType)
    if "edges" in named.fields:
        parts = [name for name in ("totalCount", "edgeCount") if name in named.fields]
        node = get_named_type(get_named_type(named.fields["edges"].type).fields["node"].type)
        parts.append("edges { cursor node { " + " ".join(_leaves(node, 8) or ["__typename"]) + " } }")
        parts.append("pageInfo { hasNextPage hasPreviousPage startCursor endCursor }")
        return "{ " + " ".join(parts) + " }"
    return "{ " + " ".join(_leaves(named, 12) or ["__typename"]) + " }"


@dataclass
class Request:
    query: str
    variables: dict | None
    client_mutation_id: str | None

    def body(self) -> dict:
        return {"query": self.query, **({"variables": self.variables} if self.variables is not None else {})}

    def with_client_mutation_id(self, identifier: str) -> Request:
        """The same request under a new `clientMutationId` (Hypothesis sends an example more than once:
        each sending must find its own mutation log)."""
        if self.client_mutation_id is None:
            return self
        variables = self.variables
        if variables is not None:
            variables = {**variables, "input": {**variables["input"], "clientMutationId": identifier}}
        return Request(self.query.replace(json.dumps(self.client_mutation_id), json.dumps(identifier)),
                       variables, identifier)


def requests_to(operation: str, name: str, field: GraphQLField, inputs: Inputs) -> st.SearchStrategy:
    """Requests calling root field `name` of `operation` ("query" or "mutation") once: half of them with
    values of the declared types only (hostile within their type: they reach the resolvers and services),
    half with values of any type, required ones left out."""
    typed = Inputs(inputs.limit, inputs.known_texts, inputs.known_ints, wrong_types=False)
    return st.one_of(_requests_to(operation, name, field, typed),
                     _requests_to(operation, name, field, inputs))


def _requests_to(operation: str, name: str, field: GraphQLField, inputs: Inputs) -> st.SearchStrategy:
    arguments = {argument_name: value_of(argument.type, inputs)
                 for argument_name, argument in field.args.items()}
    required = {argument_name: arguments[argument_name] for argument_name, argument in field.args.items()
                if isinstance(argument.type, GraphQLNonNull)}
    optional = {argument_name: strategy for argument_name, strategy in arguments.items()
                if argument_name not in required}
    chosen = st.fixed_dictionaries(required, optional=optional)
    if inputs.wrong_types:
        chosen = st.one_of(chosen, st.fixed_dictionaries({}, optional=arguments))
    return st.builds(lambda values, inline: _request(operation, name, field, values, inline),
                     chosen, st.booleans())


def _request(operation: str, name: str, field: GraphQLField, values: dict, inline: bool):
    client_mutation_id = None
    if operation == "mutation" and isinstance(values.get("input"), dict):
        client_mutation_id = f"fuzz-{name}"
        values = {**values, "input": {**values["input"], "clientMutationId": client_mutation_id}}
    wanted = selection(field)
    if inline or not values:
        written = ", ".join(f"{key}: {literal(value)}" for key, value in values.items())
        call = f"{name}({written})" if written else name
        return Request(f"{operation} {{ {call} {wanted} }}", None, client_mutation_id)
    declared = ", ".join(f"${key}: {field.args[key].type}" for key in values)
    passed = ", ".join(f"{key}: ${key}" for key in values)
    query = f"{operation}({declared}) {{ {name}({passed}) {wanted} }}"
    return Request(query, dict(values), client_mutation_id)
