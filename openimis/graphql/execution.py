"""How the GraphQL answers are executed: graphql-core's executor with a shorter path for plain leaves.

Most of the fields a list asks for (a page of ten policies with their family, product, officer and four
location levels is about 500 fields) are scalars read from an attribute by graphene's default resolver,
without arguments. graphql-core builds a resolve info, a path and the arguments for each of them before
reading the attribute; here such a field is read and serialised directly. Whatever is not that plain
(a resolver of our own, arguments, an object, a list, a value that fails or is missing where the schema
says non-null) goes through graphql-core's own `execute_field`, so errors are reported exactly as before.
"""

from __future__ import annotations

import logging
from functools import partial

from django.utils.translation import gettext as _
from graphene.types.resolver import attr_resolver, dict_or_attr_resolver, dict_resolver
from graphql import (
    ExecutionContext,
    GraphQLEnumType,
    GraphQLError,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)
from graphql.pyutils import Path, Undefined

from openimis.core.errors import ServiceError

logger = logging.getLogger("openimis.graphql")

_DEFAULT_RESOLVERS = (dict_or_attr_resolver, attr_resolver, dict_resolver)
_NOT_PLAIN = object()
_MISSING = object()


def _plain_leaf(field_def):
    """(attribute name, default value, serialize, non-null) of a field graphene's default resolver reads
    without arguments into a scalar or an enum; None for any other field."""
    if field_def is None or field_def.args:
        return None
    resolve = field_def.resolve
    if not isinstance(resolve, partial) or resolve.func not in _DEFAULT_RESOLVERS or resolve.keywords:
        return None
    if len(resolve.args) != 2:
        return None
    field_type = field_def.type
    non_null = isinstance(field_type, GraphQLNonNull)
    if non_null:
        field_type = field_type.of_type
    if not isinstance(field_type, (GraphQLScalarType, GraphQLEnumType)):
        return None
    attname, default_value = resolve.args
    return attname, default_value, field_type.serialize, non_null, resolve.func is dict_resolver


_plain_fields: dict[tuple[int, str], tuple | None] = {}


def _plain_field(parent_type: GraphQLObjectType, field_name: str):
    key = (id(parent_type), field_name)
    found = _plain_fields.get(key, _MISSING)
    if found is _MISSING:
        found = _plain_leaf(parent_type.fields.get(field_name))
        _plain_fields[key] = found
    return found


def _raised_by_graphql_core(error: Exception) -> bool:
    """graphql-core's own refusals ("Cannot return null for non-nullable field ...") are TypeErrors too,
    and graphene answers a malformed node id with a plain Exception ("Unable to parse global ID ...", as
    24.10 does): their messages are meant for the client, kept as they are."""
    frame = error.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    module = frame.tb_frame.f_globals.get("__name__", "") if frame is not None else ""
    return module.startswith("graphql.") or (module.startswith("graphene.") and type(error) is Exception)


class LeanExecutionContext(ExecutionContext):
    """graphql-core's execution context, reading plain leaves directly (synchronous answers only)."""

    def execute_fields(self, parent_type, source_value, path, fields):
        results = {}
        for response_name, field_nodes in fields.items():
            value = self._plain_value(parent_type, source_value, field_nodes[0].name.value)
            if value is _NOT_PLAIN:
                value = self.execute_field(parent_type, source_value, field_nodes,
                                           Path(path, response_name, parent_type.name))
                if value is Undefined:
                    continue
            results[response_name] = value
        return results

    @staticmethod
    def _plain_value(parent_type, source, field_name):
        plain = _plain_field(parent_type, field_name)
        if plain is None:
            return _NOT_PLAIN
        attname, default_value, serialize, non_null, dict_only = plain
        try:
            if isinstance(source, dict):
                value = source.get(attname, default_value)
            elif dict_only:
                return _NOT_PLAIN
            else:
                value = getattr(source, attname, default_value)
            if value is None or value is Undefined:
                return _NOT_PLAIN if non_null else None
            if isinstance(value, Exception):
                return _NOT_PLAIN
            serialized = serialize(value)
        except Exception:  # noqa: BLE001 - graphql-core's own path runs it again and reports the error
            return _NOT_PLAIN
        if serialized is None or serialized is Undefined:
            return _NOT_PLAIN
        return serialized


class OpenIMISExecutionContext(LeanExecutionContext):
    """The view's: an exception a resolver did not mean to raise (not a GraphQLError, not a service's
    refusal, not graphql-core's own) is logged with its traceback and answered as an internal error
    naming the field; graphql-core would answer its Python message ("'utf-8' codec can't decode byte
    ...", "int() argument must be ...")."""

    def handle_field_error(self, error: GraphQLError, return_type, *path) -> None:
        original = error.original_error
        if (original is not None and not isinstance(original, (GraphQLError, ServiceError))
                and not _raised_by_graphql_core(original)):
            field = ".".join(str(key) for key in error.path or ())
            logger.error("field %s failed", field, exc_info=original)
            error = GraphQLError(_("Internal error: %(field)s could not be answered") % {"field": field},
                                 error.nodes, path=error.path, original_error=original)
        super().handle_field_error(error, return_type, *path)
