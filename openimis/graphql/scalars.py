"""Scalars of the openIMIS API that graphene does not ship."""

from __future__ import annotations

import json
import re

import graphene
from django.conf import settings
from django.utils.translation import gettext as _
from graphql import GraphQLError, GraphQLInt, GraphQLScalarType, GraphQLSchema, specified_scalar_types
from graphql.language import ast

from openimis.graphql.request_checks import json_problem

GUARDED_SCALAR = "_openimis_scalar_checked"

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


class SmallInt(graphene.Int):
    """A small integer (a reason code of the openIMIS API)."""

    class Meta:
        name = "SmallInt"


def _checked_json_parse(parse, type_name: str):
    def checked_parse(*args, **kwargs):
        try:
            value = parse(*args, **kwargs)
        except RecursionError:
            raise GraphQLError(_("The JSON text is nested too deeply")) from None
        except (ValueError, TypeError, ArithmeticError):  # Python's words ("invalid literal for int()")
            raise GraphQLError(_("Not a valid %(type)s value") % {"type": type_name}) from None
        problem = json_problem(value, settings.GRAPHQL_LIMITS["MAX_JSON_DEPTH"])
        if problem == "depth":
            raise GraphQLError(_("The JSON text is nested too deeply (more than %(limit)s levels)")
                               % {"limit": settings.GRAPHQL_LIMITS["MAX_JSON_DEPTH"]})
        if problem == "surrogate":
            raise GraphQLError(_("A text in the JSON text holds a lone UTF-16 surrogate (such as \\ud800): "
                                 "it is not valid Unicode text"))
        return value

    setattr(checked_parse, GUARDED_SCALAR, True)
    return checked_parse


def guard_custom_scalars(schema: GraphQLSchema) -> None:
    """The input of the schema's own scalars (JSONString, GenericScalar, ... not GraphQL's five) is
    refused with a clear error when it is nested deeper than `GRAPHQL_LIMITS["MAX_JSON_DEPTH"]` (a JSON
    text of 100,000 `[` made the decoder fail with Python's recursion message) or holds a lone
    surrogate; a value the scalar's parser fails on with a Python error (a UUID of a letter beyond f) is
    refused as "Not a valid <type> value", not in Python's words. Set once per schema."""
    for name, named_type in schema.type_map.items():
        if (not isinstance(named_type, GraphQLScalarType) or name in specified_scalar_types
                or getattr(named_type.parse_value, GUARDED_SCALAR, False)):
            continue
        named_type.parse_value = _checked_json_parse(named_type.parse_value, name)
        named_type.parse_literal = _checked_json_parse(named_type.parse_literal, name)
