"""Relay connections as openIMIS serves them: `totalCount`, `edgeCount`, `offset`, `orderBy`,
page size capped at 100, and custom arguments handled by the root resolver."""

from __future__ import annotations

import re

import graphene
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from graphene_django import DjangoConnectionField
from graphene_django.filter import DjangoFilterConnectionField
from graphql import GraphQLError, GraphQLObjectType, GraphQLSchema, default_field_resolver, get_named_type
from graphql_relay import cursor_to_offset

from openimis.graphql.counting import counted_by_version
from openimis.graphql.loading import connection_node_type, connection_nodes, load
from openimis.graphql.text_lengths import check_no_null_items, check_text_lengths

MAX_PAGE_SIZE = 100
# columns a client may not sort by: the order would leak something about their values
SECRET_FIELDS = {"password", "stored_password", "private_key", "password_reset_token", "token_hash"}
GUARDED_ARGUMENTS = "_openimis_arguments_checked"
# Django's message for a value a number column cannot take (IntegerField.get_prep_value): an id that is
# not a number, or a global id whose decoded part is not one
NOT_A_NUMBER = re.compile(r"^Field '(?P<field>[^']*)' expected a number but got (?P<value>.*)\.$", re.DOTALL)


class ExtendedConnection(graphene.relay.Connection):
    class Meta:
        abstract = True

    total_count = graphene.Int()
    edge_count = graphene.Int()

    def resolve_total_count(self, info, **kwargs):
        return self.length

    def resolve_edge_count(self, info, **kwargs):
        return len(self.edges)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def order_field_path(model, name: str) -> str:
    """`-requestDateTime` or `-request_date_time` -> `-request_date_time`, checked against the model."""
    descending = name.startswith("-")
    path = _snake(name.lstrip("-+")).replace(".", "__")
    current = model
    for part in path.split("__"):
        if current is None or part in SECRET_FIELDS:
            raise GraphQLError(_("Cannot order by %(name)s: unknown field") % {"name": name})
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            raise GraphQLError(_("Cannot order by %(name)s: unknown field") % {"name": name}) from None
        current = field.related_model  # None after a plain column: nothing may follow it
    return ("-" if descending else "") + path


def apply_order(queryset, order_by):
    if not order_by:
        return queryset if queryset.ordered else queryset.order_by("-pk")
    if isinstance(order_by, str):
        order_by = [order_by]
    return queryset.order_by(*[order_field_path(queryset.model, name) for name in order_by if name])


def capped_page(args: dict) -> dict:
    """`first`/`last` capped (not refused) at MAX_PAGE_SIZE; a negative one is refused."""
    args = dict(args)
    for key in ("first", "last"):
        if args.get(key) is not None:
            if args[key] < 0:
                raise GraphQLError(_("Argument %(name)s must be a non-negative integer") % {"name": key})
            args[key] = min(args[key], MAX_PAGE_SIZE)
    return args


class OpenIMISConnectionField(DjangoFilterConnectionField):
    """A filter connection whose page size is capped (not refused) at 100 and that honours `orderBy`.

    Extra (non-filter) arguments are declared as keyword arguments and reach the root resolver,
    which returns the base queryset (rights and row security applied by a selector).
    `order_by=False` leaves out the `orderBy` argument (where the openIMIS API has none)."""

    def __init__(self, type_, *args, order_by: bool = True, **kwargs):
        if order_by:
            kwargs.setdefault("orderBy", graphene.List(graphene.String))
        kwargs.setdefault("max_limit", None)
        super().__init__(type_, *args, **kwargs)

    @classmethod
    def connection_resolver(cls, resolver, connection, default_manager, queryset_resolver, max_limit,
                            enforce_first_or_last, root, info, **args):
        args = capped_page(args)
        if args.get("first") is None and args.get("last") is None:
            args["first"] = MAX_PAGE_SIZE
        return super().connection_resolver(resolver, connection, default_manager, queryset_resolver,
                                           max_limit, enforce_first_or_last, root, info, **args)

    @classmethod
    def resolve_queryset(cls, connection, iterable, info, args, filtering_args, filterset_class):
        if isinstance(iterable, list):  # rows prefetched by the parent (see `loading.prefetched`)
            return iterable
        used = frozenset(name for name in filtering_args if args.get(name) is not None)
        if used:
            queryset = super().resolve_queryset(connection, iterable, info, args, filtering_args,
                                                narrowed_filterset(filterset_class, used))
        else:  # no filter asked: no FilterSet to build (its form copies every declared filter)
            queryset = DjangoConnectionField.resolve_queryset(connection, iterable, info, args)
        return load_nodes(apply_order(queryset, args.get("orderBy")), info)


_narrowed: dict[tuple, type] = {}


def narrowed_filterset(filterset_class, names: frozenset) -> type:
    """`filterset_class` with only the filters `names`: a request builds the form fields of the filters
    it uses, not the fifty its type declares. One class per combination, made once."""
    key = (filterset_class, names)
    found = _narrowed.get(key)
    if found is None:
        found = type(filterset_class.__name__, (filterset_class,), {"__module__": filterset_class.__module__})
        found.base_filters = {name: item for name, item in filterset_class.base_filters.items()
                              if name in names}
        if len(_narrowed) > 2000:  # clients inventing combinations cannot grow it without end
            _narrowed.clear()
        _narrowed[key] = found
    return found


def load_nodes(queryset, info):
    """The connection's queryset with what its nodes select loaded (see `openimis.graphql.loading`)."""
    if not isinstance(queryset, QuerySet):
        return queryset
    connection_type = get_named_type(info.return_type)
    node_type = connection_node_type(connection_type)
    if node_type is not None:
        queryset = load(queryset, node_type, connection_nodes(info.field_nodes, connection_type, info), info)
    return counted_by_version(queryset)


class PageOfQueryset(graphene.relay.ConnectionField):
    """A connection field over a queryset (no filters): counts with COUNT(*), fetches only the asked page
    with what its nodes select, page size capped at 100 as everywhere."""

    @classmethod
    def connection_resolver(cls, resolver, connection_type, root, info, **args):
        def loaded(row, info, **kwargs):
            return load_nodes(resolver(row, info, **kwargs), info)

        return super().connection_resolver(loaded, connection_type, root, info, **args)

    @classmethod
    def resolve_connection(cls, connection_type, args, resolved):
        return DjangoConnectionField.resolve_connection(connection_type, capped_page(args), resolved,
                                                        max_limit=MAX_PAGE_SIZE)


def _valid_cursor(cursor) -> bool:
    offset = cursor_to_offset(cursor) if isinstance(cursor, str) else None
    return offset is not None and offset >= 0


def checked_paging(args: dict) -> dict:
    """`offset`, `after` and `before` as graphene-django and graphql-relay page with them, made safe.

    A cursor that does not decode to a position (not base64 of `arrayconnection:<n>`, or a negative n) is
    ignored, with or without `offset`: graphene already ignores such an `after` or `before` alone, and an
    `offset` then counts from the first row as when no cursor is sent (graphene-django failed adding the
    offset to the undecodable cursor, and sliced the queryset from a negative position). A negative
    `offset`, `first` or `last` is refused with a message of ours."""
    for name in ("offset", "first", "last"):  # graphql-relay would refuse a negative first in its words
        value = args.get(name)
        if isinstance(value, int) and value < 0:
            raise GraphQLError(_("Argument %(name)s must be a non-negative integer") % {"name": name})
    bad = [key for key in ("after", "before") if args.get(key) is not None and not _valid_cursor(args[key])]
    if not bad:
        return args
    return {key: value for key, value in args.items() if key not in bad}


def clean_value_error(error: Exception) -> GraphQLError | None:
    """The GraphQL error for Django refusing an argument's value as a column's (an id that is not a
    number, a uuid that is not a UUID); None for any other error."""
    if isinstance(error, ValidationError):
        return GraphQLError(" ".join(error.messages))
    if isinstance(error, (ValueError, TypeError)) and error.__cause__ is not None:
        found = NOT_A_NUMBER.match(str(error))
        if found:
            return GraphQLError(_("Invalid %(field)s: %(value)s is not a number")
                                % {"field": found["field"], "value": found["value"]})
    return None


def _checked(resolve, field_arguments: dict, pages: bool):
    def checked_resolve(root, info, **args):
        if args:
            check_text_lengths(args, field_arguments, settings.GRAPHQL_LIMITS["MAX_ARGUMENT_LENGTH"])
            if pages:
                args = checked_paging(args)
        try:
            return resolve(root, info, **args)
        except (ValidationError, ValueError, TypeError) as error:
            clean = clean_value_error(error)
            if clean is None:
                raise
            raise clean from error

    setattr(checked_resolve, GUARDED_ARGUMENTS, True)
    return checked_resolve


def _input_checked(resolve, field_arguments: dict):
    def checked_resolve(root, info, **args):
        if args:
            check_text_lengths(args, field_arguments, settings.GRAPHQL_LIMITS["MAX_ARGUMENT_LENGTH"])
            check_no_null_items(args, field_arguments)
        return resolve(root, info, **args)

    setattr(checked_resolve, GUARDED_ARGUMENTS, True)
    return checked_resolve


def guard_query_arguments(schema: GraphQLSchema) -> None:
    """Wrap, once per schema, the resolver of every field that takes arguments: the texts are bounded,
    nested ones included (`openimis.graphql.text_lengths`). A mutation's input lists may not hold null;
    the rest of its input is checked by its service. A query field's paging arguments are made safe
    (`checked_paging`) and a value Django cannot take as a column's answers a clear error, not Django's
    message. Fields without arguments (nearly all) are left as they are."""
    if getattr(schema, GUARDED_ARGUMENTS, False):
        return
    for type_name, named_type in schema.type_map.items():
        if type_name.startswith("__") or not isinstance(named_type, GraphQLObjectType):
            continue
        for field in named_type.fields.values():
            if not field.args or getattr(field.resolve, GUARDED_ARGUMENTS, False):
                continue
            resolve = field.resolve or default_field_resolver
            if named_type is schema.mutation_type:
                field.resolve = _input_checked(resolve, field.args)
                continue
            pages = "after" in field.args or "before" in field.args or "offset" in field.args
            field.resolve = _checked(resolve, field.args, pages)
    setattr(schema, GUARDED_ARGUMENTS, True)
