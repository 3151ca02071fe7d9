"""What every root field does around its resolver, set once on the schema: the rights check (declared
next to each field, see `openimis.graphql.rights`) before it, and, for a field answering rows of a
Django type (a list, one object), the loading of what its selection reaches after it. Wrapping the
root resolvers, instead of a middleware, costs nothing for the thousands of nested fields of a page."""

from __future__ import annotations

from graphql import GraphQLError, GraphQLSchema, default_field_resolver

from openimis.graphql.loading import load_root_rows
from openimis.graphql.rights import UNAUTHORIZED, check

GUARDED = "_openimis_guarded"


def _guarded(resolve, declared, loads_rows: bool):
    def guarded_resolve(root, info, **kwargs):
        if declared is None:
            raise GraphQLError(UNAUTHORIZED)
        check(getattr(info.context, "user", None), declared)
        result = resolve(root, info, **kwargs)
        return load_root_rows(result, info) if loads_rows else result

    setattr(guarded_resolve, GUARDED, True)
    return guarded_resolve


def guard_root_fields(schema: GraphQLSchema, declarations: dict[str, dict[str, object]]) -> None:
    """Wrap the resolvers of the root Query and Mutation fields (once per schema)."""
    if getattr(schema, GUARDED, False):
        return
    for operation_type, loads_rows in ((schema.query_type, True), (schema.mutation_type, False)):
        if operation_type is None:
            continue
        declared = declarations.get(operation_type.name, {})
        for name, field in operation_type.fields.items():
            if not getattr(field.resolve, GUARDED, False):
                field.resolve = _guarded(field.resolve or default_field_resolver, declared.get(name),
                                         loads_rows)
    setattr(schema, GUARDED, True)
