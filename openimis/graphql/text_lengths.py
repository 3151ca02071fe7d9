"""Checks of the values of field arguments, walked with their GraphQL types. The bound on the texts a
client sends as field arguments (`GRAPHQL_LIMITS["MAX_ARGUMENT_LENGTH"]`):
every text counts, at the top of the arguments or nested in their input objects and lists, in a query's
fields and in a mutation's input alike (a 100,000-character LIKE pattern is too complex for SQLite, and a
mutation would copy the text into its log before its service refused it).

A field meant to carry a large text (a photo's base64 content) is declared once, next to its input type,
with `long_text(InputType, "field")`. The values of JSON scalars are not walked (their depth is bounded
by the view). A mutation's input lists may not hold null (`check_no_null_items`)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from graphql import (
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)

# GraphQL input type name -> the names (GraphQL spelling) of its fields that may hold a long text, as the
# modules declare them next to their types (`long_text`); the insuree photo's base64 content is one
_LONG_TEXTS: dict[str, set[str]] = {}


def long_text(input_type, *field_names: str) -> None:
    """Exempt these fields of a graphene `InputObjectType` from the bound (their services bound them)."""
    from graphene.utils.str_converters import to_camel_case

    meta = getattr(input_type, "_meta", None)
    type_name = getattr(meta, "name", None) or input_type.__name__
    _LONG_TEXTS.setdefault(type_name, set()).update(to_camel_case(name) for name in field_names)


def too_long(name: str, length: int, limit: int) -> GraphQLError:
    return GraphQLError(_("Argument %(name)s is too long: %(length)s characters, at most %(limit)s")
                        % {"name": name, "length": length, "limit": limit})


def _check(value, graphql_type, path: str, limit: int) -> None:
    while isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    if value is None:
        return
    if isinstance(graphql_type, GraphQLList):
        items = value if isinstance(value, (list, tuple)) else (value,)
        for item in items:  # each text of a list (an `_In` filter's ids) counts alone
            _check(item, graphql_type.of_type, path, limit)
    elif isinstance(graphql_type, GraphQLInputObjectType):
        if not isinstance(value, dict):
            return
        exempt = _LONG_TEXTS.get(graphql_type.name, ())
        for name, field in graphql_type.fields.items():
            key = field.out_name or name
            if name not in exempt and key in value:
                _check(value[key], field.type, f"{path}.{name}", limit)
    elif isinstance(graphql_type, GraphQLScalarType) and isinstance(value, str) and len(value) > limit:
        raise too_long(path, len(value), limit)


def _null_item(value, graphql_type, path: str) -> str | None:
    """The path of the first list holding null in `value` (of `graphql_type`), else None."""
    while isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    if value is None:
        return None
    if isinstance(graphql_type, GraphQLList):
        items = value if isinstance(value, (list, tuple)) else (value,)
        if any(item is None for item in items):
            return path
        for item in items:
            found = _null_item(item, graphql_type.of_type, path)
            if found:
                return found
    elif isinstance(graphql_type, GraphQLInputObjectType) and isinstance(value, dict):
        for name, field in graphql_type.fields.items():
            key = field.out_name or name
            found = _null_item(value.get(key), field.type, f"{path}.{name}") if key in value else None
            if found:
                return found
    return None


def check_no_null_items(args: dict, field_arguments: dict) -> None:
    """Refuse a mutation input whose list (of ids, of rights, of details) holds null: GraphQL lets a
    `[Int]` carry `[4, null]`, which no service means to take (they would fail on the null, unexpectedly).
    JSON scalars are not walked: their nulls are data."""
    for name, argument in field_arguments.items():
        key = argument.out_name or name
        found = _null_item(args[key], argument.type, name) if key in args else None
        if found:
            raise GraphQLError(_("Argument %(name)s is a list holding null") % {"name": found})


def check_text_lengths(args: dict, field_arguments: dict, limit: int) -> None:
    """Refuse (a GraphQL error naming the argument, with the path inside it) any text of the resolved
    `args` (keys: the arguments' Python names) longer than `limit` characters. `field_arguments`: the
    field's GraphQL arguments (`GraphQLField.args`)."""
    for name, argument in field_arguments.items():
        key = argument.out_name or name
        if key in args:
            _check(args[key], argument.type, name, limit)
