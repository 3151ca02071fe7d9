"""The GraphQL endpoint: root field guards (rights, row loading), query limits, rate limit, origin check,
and in DEV GraphiQL and the profiler (`?prof=True`, `&download=True` for a snakeviz file)."""

from __future__ import annotations

import cProfile
import io
import json
import marshal
import pstats
import re

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView, HttpError
from graphql import (
    ExecutionResult,
    GraphQLError,
    GraphQLScalarType,
    GraphQLSchema,
    execute,
    get_operation_ast,
    specified_scalar_types,
)

from openimis.core.security import CSRF_FAILURE, cross_site_cookie_request, rate_limited
from openimis.graphql.connection import guard_query_arguments
from openimis.graphql.execution import LeanExecutionContext
from openimis.graphql.limits import limit_rules
from openimis.graphql.root_fields import guard_root_fields
from openimis.graphql.validation import preparer

TRUE_VALUES = {"true", "1", "yes"}
# a UTF-16 surrogate: JSON can write one alone ("\\ud800"), which no UTF-8 text (nor the database) can hold
SURROGATE = re.compile("[\ud800-\udfff]")
GUARDED_SCALAR = "_openimis_scalar_checked"


def bad_request(message: str) -> HttpError:
    """A 400 answer `{"errors": [{"message": message}]}` (the view's `dispatch` writes the body)."""
    return HttpError(HttpResponseBadRequest(message), message)


def _surrogate_error(where: str) -> HttpError:
    return bad_request(_("A text in the %(where)s holds a lone UTF-16 surrogate (such as \\ud800): "
                         "it is not valid Unicode text") % {"where": where})


def json_problem(value, max_depth: int) -> str | None:
    """"depth" when a decoded JSON value is nested deeper than `max_depth`, "surrogate" when one of its
    texts holds a lone surrogate, else None. Walked without recursion: the value may be as deep as the
    JSON decoder allowed."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if SURROGATE.search(item):
                return "surrogate"
            continue
        if not isinstance(item, (dict, list)):
            continue
        if depth > max_depth:
            return "depth"
        if isinstance(item, dict):
            pending.extend((key, depth) for key in item)
            pending.extend((child, depth + 1) for child in item.values())
        else:
            pending.extend((child, depth + 1) for child in item)
    return None


def check_json_value(value, max_depth: int, where: str) -> None:
    """Refuse (400) a JSON value nested deeper than `max_depth` or holding a text with a lone surrogate."""
    problem = json_problem(value, max_depth)
    if problem == "surrogate":
        raise _surrogate_error(where)
    if problem == "depth":
        raise bad_request(_("The %(where)s are nested too deeply (more than %(limit)s levels)")
                          % {"where": where, "limit": max_depth})


def _checked_json_parse(parse):
    def checked_parse(*args, **kwargs):
        try:
            value = parse(*args, **kwargs)
        except RecursionError:
            raise GraphQLError(_("The JSON text is nested too deeply")) from None
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
    surrogate. Set once per schema."""
    for name, named_type in schema.type_map.items():
        if (not isinstance(named_type, GraphQLScalarType) or name in specified_scalar_types
                or getattr(named_type.parse_value, GUARDED_SCALAR, False)):
            continue
        named_type.parse_value = _checked_json_parse(named_type.parse_value)
        named_type.parse_literal = _checked_json_parse(named_type.parse_literal)


def check_graphql_params(query, variables, operation_name):
    """The request's query, variables and operation name as GraphQL needs them, or a 400 answer naming
    what is wrong. A query document larger than `GRAPHQL_LIMITS["MAX_QUERY_BYTES"]` (UTF-8) is refused
    here, before anything parses it. Variables sent as "" mean no variables."""
    limits = settings.GRAPHQL_LIMITS
    if query is not None and not isinstance(query, str):
        raise bad_request(_("The query must be a string"))
    if variables == "":
        variables = None
    if variables is not None and not isinstance(variables, dict):
        raise bad_request(_("The variables must be a JSON object"))
    if operation_name is not None and not isinstance(operation_name, str):
        raise bad_request(_("The operationName must be a string"))
    if query:
        limit = limits["MAX_QUERY_BYTES"]
        if len(query) > limit:  # a character is at least one byte: no need to encode it
            raise bad_request(_("The query is too large: at most %(limit)s bytes") % {"limit": limit})
        if SURROGATE.search(query):
            raise _surrogate_error(_("query"))
        if len(query.encode("utf-8")) > limit:
            raise bad_request(_("The query is too large: at most %(limit)s bytes") % {"limit": limit})
    if operation_name and SURROGATE.search(operation_name):
        raise _surrogate_error(_("operationName"))
    if variables:
        check_json_value(variables, limits["MAX_JSON_DEPTH"], _("variables"))
    return query, variables, operation_name


def _flag(request, name: str) -> bool:
    return request.GET.get(name, "").lower() in TRUE_VALUES


_preparers: dict = {}


def _never_awaitable(value) -> bool:
    """Every resolver answers synchronously: graphql-core need not inspect each value it resolves."""
    return False


def _preparer_of(schema):
    """The cached parse and validation of `schema` with the specification's rules and our limits."""
    limits = settings.GRAPHQL_LIMITS
    key = (id(schema), limits["MAX_DEPTH"], limits["MAX_ALIASES"], limits["MAX_TOKENS"])
    found = _preparers.get(key)
    if found is None:
        found = preparer(schema, limit_rules(limits["MAX_DEPTH"], limits["MAX_ALIASES"]),
                         limits["MAX_TOKENS"])
        _preparers[key] = found
    return found


@method_decorator(csrf_exempt, name="dispatch")
class OpenIMISGraphQLView(GraphQLView):
    def __init__(self, **kwargs):
        from openimis.graphql.schema import root_field_rights, schema

        guard_custom_scalars(schema.graphql_schema)
        guard_query_arguments(schema.graphql_schema)  # first: the rights are checked before the arguments
        guard_root_fields(schema.graphql_schema, root_field_rights)
        kwargs.setdefault("schema", schema)
        kwargs.setdefault("graphiql", settings.OPENIMIS_MODE == "DEV")
        super().__init__(**kwargs)

    def parse_body(self, request):
        """graphene-django's, answering 400 (not a 500 page) to a body that is not UTF-8 or a JSON body
        nested deeper than the decoder can go (thousands of `[`)."""
        content_type = self.get_content_type(request)
        if content_type not in ("application/json", "application/graphql"):
            return super().parse_body(request)
        try:
            body = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise bad_request(_("The request body is not UTF-8 text")) from None
        if content_type == "application/graphql":
            return {"query": body}
        try:
            data = json.loads(body)
        except RecursionError:
            raise bad_request(_("The JSON body is nested too deeply")) from None
        except ValueError:
            raise bad_request(_("POST body sent invalid JSON.")) from None
        if not isinstance(data, dict):
            raise bad_request(_("The received data is not a valid JSON query."))
        return data

    @staticmethod
    def get_graphql_params(request, data):
        query, variables, operation_name, id = GraphQLView.get_graphql_params(request, data)
        query, variables, operation_name = check_graphql_params(query, variables, operation_name)
        return query, variables, operation_name, id

    def execute_graphql_request(self, request, data, query, variables, operation_name,
                                show_graphiql=False):
        """Parsed and validated once per query text (see `openimis.graphql.validation`), then executed.
        Mutations need no transaction here: each runs its service in its own (the mutation base)."""
        if not query:
            return super().execute_graphql_request(request, data, query, variables, operation_name,
                                                   show_graphiql)
        prepared = _preparer_of(self.schema)(query)
        if prepared.errors:
            return ExecutionResult(data=None, errors=list(prepared.errors))
        operation = get_operation_ast(prepared.document, operation_name)
        if request.method.lower() == "get" and operation is not None and operation.operation.value != "query":
            if show_graphiql:
                return None
            raise HttpError(HttpResponseNotAllowed(["POST"], "Only queries may be sent with GET"))
        try:
            return execute(self.schema.graphql_schema, prepared.document,
                           root_value=self.get_root_value(request), context_value=self.get_context(request),
                           variable_values=variables, operation_name=operation_name,
                           middleware=self.get_middleware(request), is_awaitable=_never_awaitable,
                           execution_context_class=LeanExecutionContext)
        except GraphQLError as error:  # e.g. variables that do not fit: reported in the answer
            return ExecutionResult(errors=[error])

    def dispatch(self, request, *args, **kwargs):
        refused = rate_limited(request)
        if refused is not None:
            return refused
        if cross_site_cookie_request(request):
            return JsonResponse({"errors": [{"message": CSRF_FAILURE}]}, status=403)
        if settings.OPENIMIS_MODE == "DEV" and _flag(request, "prof"):
            return self._profiled(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def _profiled(self, request, *args, **kwargs):
        profiler = cProfile.Profile()
        profiler.enable()
        super().dispatch(request, *args, **kwargs)
        profiler.disable()
        if _flag(request, "download"):
            profiler.create_stats()
            response = HttpResponse(marshal.dumps(profiler.stats), content_type="application/octet-stream")
            response["Content-Disposition"] = 'attachment; filename="graphql.prof"'
            return response
        report = io.StringIO()
        pstats.Stats(profiler, stream=report).sort_stats("cumulative").print_stats(60)
        return HttpResponse(report.getvalue(), content_type="text/plain; charset=utf-8")
