"""Scalars of the openIMIS API that graphene does not ship."""

from __future__ import annotations

import json

import graphene
from graphql.language import ast


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
