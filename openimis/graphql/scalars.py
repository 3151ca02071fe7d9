"""Scalars of the openIMIS API that graphene does not ship."""

from __future__ import annotations

import json
import re

import graphene
from graphql import GraphQLInt
from graphql.language import ast

INTEGER_TEXT = re.compile(r"^-?[0-9]{1,10}$")
_strict_int = GraphQLInt.parse_value


def lenient_int(value):
    """graphql-core's coercion of an `Int` value (a variable, or a list or input object inside one), which
    also takes a string of digits, as the 24.10 backend (graphql-core 2) did: the pinned frontend and the
    apps rely on it (fe-product's ProductPicker sends `$location: Int` as a string, user forms send
    `roles: ["4"]`). Anything else, and a number beyond 32 bits, is refused as before."""
    if isinstance(value, str) and INTEGER_TEXT.match(value):
        value = int(value)
    return _strict_int(value)


def accept_digit_strings_as_int() -> None:
    """Make `Int` values lenient for the whole schema (graphene maps its Int to graphql-core's)."""
    GraphQLInt.parse_value = lenient_int


class ParsedJSONString(graphene.Scalar):
    """A JSON value sent as a string (or as a literal object); parsed for the resolver."""

    @staticmethod
    def serialize(value):
        return json.dumps(value)

    @staticmethod
    def parse_value(value):
        return json.loads(value) if isinstance(value, str) else value

    @classmethod
    def parse_literal(cls, node, _variables=None):
        if isinstance(node, ast.StringValueNode):
            return json.loads(node.value)
        return graphene.JSONString.parse_literal(node)


class TinyInt(graphene.Int):
    """A small integer (a status flag of the openIMIS API)."""

    class Meta:
        name = "TinyInt"
