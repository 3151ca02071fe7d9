"""The lean execution context answers exactly as graphql-core's own: same data, same errors and paths."""

from __future__ import annotations

import datetime

import graphene
import pytest
from graphql import ExecutionContext, execute, parse

from openimis.graphql.execution import LeanExecutionContext


class Colour(graphene.Enum):
    RED = 1
    BLUE = 2


class Row:
    def __init__(self, **values):
        self.__dict__.update(values)

    @property
    def broken(self):
        raise ValueError("cannot read this")


class Thing(graphene.ObjectType):
    name = graphene.String()
    code = graphene.String(required=True)
    size = graphene.Int()
    day = graphene.Date()
    colour = graphene.Field(Colour)
    broken = graphene.String()
    shouted = graphene.String()
    echo = graphene.String(text=graphene.String())
    child = graphene.Field(lambda: Thing)

    def resolve_shouted(self, info):
        return self.name.upper()

    def resolve_echo(self, info, text=None):
        return text


class Query(graphene.ObjectType):
    things = graphene.List(Thing)
    plain = graphene.String()

    def resolve_things(self, info):
        return [
            Row(name="one", code="A", size=1, day=datetime.date(2026, 12, 7), colour=Colour.RED,
                child=Row(name="inner", code="B", size="not a number")),
            {"name": "from a dict", "code": "C", "size": 3},
            Row(name="no code", code=None, size=None),
        ]

    def resolve_plain(self, info):
        return "root"


SCHEMA = graphene.Schema(query=Query).graphql_schema
QUERIES = [
    "{ plain things { name code size day colour shouted echo(text: \"hi\") child { name size code } } }",
    "{ things { name broken } }",
    "{ things { alias: name, name, ...F } } fragment F on Thing { size, child { code } }",
    "{ things { code } }",  # a non-null field without a value: the error nulls the item
]


def _answer(query: str, context_class):
    result = execute(SCHEMA, parse(query), execution_context_class=context_class)
    errors = sorted((error.message, tuple(error.path or ())) for error in result.errors or ())
    return result.data, errors


@pytest.mark.parametrize("query", QUERIES)
def test_lean_execution_answers_as_graphql_core(query):
    assert _answer(query, LeanExecutionContext) == _answer(query, ExecutionContext)


def test_errors_keep_their_path():
    data, errors = _answer("{ things { code } }", LeanExecutionContext)
    assert data == {"things": [{"code": "A"}, {"code": "C"}, None]}
    assert errors == [("Cannot return null for non-nullable field Thing.code.", ("things", 2, "code"))]
    _data, errors = _answer("{ things { size child { size } } }", LeanExecutionContext)
    message = "Int cannot represent non-integer value: 'not a number'"
    assert (message, ("things", 0, "child", "size")) in errors


def test_plain_leaves_take_the_short_path_and_the_others_do_not():
    from openimis.graphql.execution import _plain_field

    thing = SCHEMA.get_type("Thing")
    assert _plain_field(thing, "name") is not None and _plain_field(thing, "colour") is not None
    for other in ("shouted", "echo", "child"):  # own resolver, arguments, an object
        assert _plain_field(thing, other) is None


def test_int_values_take_strings_of_digits_as_graphql_core_2_did(admin_gql):
    query = ("query($right: Int, $regions: [Int]) { role(roleRight: $right) { totalCount } "
             "users(first: 1, regionIds: $regions) { totalCount } }")
    answer = admin_gql(query, {"right": "121701", "regions": ["1", "2"]})
    assert "errors" not in answer, answer
    for bad in ("1.5", "99999999999", "x"):
        refused = admin_gql("query($right: Int) { role(roleRight: $right) { totalCount } }", {"right": bad})
        assert "Int cannot represent" in refused["errors"][0]["message"], refused
