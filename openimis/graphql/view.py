"""The GraphQL endpoint: root field guards (rights, row loading), query limits, rate limit, origin check,
and in DEV GraphiQL and the profiler (`?prof=True`, `&download=True` for a snakeviz file)."""

from __future__ import annotations

import cProfile
import io
import marshal
import pstats
import re

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView, HttpError
from graphql import (
    ExecutionResult,
    GraphQLError,
    NamedTypeNode,
    NonNullTypeNode,
    execute,
    get_operation_ast,
    parse,
)

from openimis.core.security import CSRF_FAILURE, cross_site_cookie_request, rate_limited
from openimis.graphql.execution import LeanExecutionContext
from openimis.graphql.limits import limit_rules
from openimis.graphql.root_fields import guard_root_fields
from openimis.graphql.validation import preparer

TRUE_VALUES = {"true", "1", "yes"}
INTEGER_TEXT = re.compile(r"^-?[0-9]+$")


def _int_variables(query: str) -> set[str]:
    """The names of the variables the operation declares as `Int` or `Int!`."""
    try:
        document = parse(query)
    except GraphQLError:
        return set()  # execution reports the syntax error
    names = set()
    for definition in document.definitions:
        for variable in getattr(definition, "variable_definitions", None) or ():
            type_node = variable.type
            if isinstance(type_node, NonNullTypeNode):
                type_node = type_node.type
            if isinstance(type_node, NamedTypeNode) and type_node.name.value == "Int":
                names.add(variable.variable.name.value)
    return names


def lenient_int_variables(query, variables):
    """An `Int` variable sent as a string of digits becomes that number. The 24.10 backend (graphql-core 2)
    accepted such strings and the pinned frontend relies on it: fe-product's ProductPicker sends
    `$location: Int` as `decodeId(...)`, a string (the Add Funding dialog of fe-payer uses that picker)."""
    if not query or not isinstance(variables, dict):
        return variables
    candidates = {name for name, value in variables.items()
                  if isinstance(value, str) and INTEGER_TEXT.match(value)}
    if not candidates:
        return variables
    return {**variables, **{name: int(variables[name]) for name in candidates & _int_variables(query)}}


def _flag(request, name: str) -> bool:
    return request.GET.get(name, "").lower() in TRUE_VALUES


_preparers: dict = {}


def _never_awaitable(value) -> bool:
    """Every resolver answers synchronously: graphql-core need not inspect each value it resolves."""
    return False


def _preparer_of(schema):
    """The cached parse and validation of `schema` with the specification's rules and our limits."""
    limits = settings.GRAPHQL_LIMITS
    key = (id(schema), limits["MAX_DEPTH"], limits["MAX_ALIASES"])
    found = _preparers.get(key)
    if found is None:
        found = preparer(schema, limit_rules(limits["MAX_DEPTH"], limits["MAX_ALIASES"]))
        _preparers[key] = found
    return found


@method_decorator(csrf_exempt, name="dispatch")
class OpenIMISGraphQLView(GraphQLView):
    def __init__(self, **kwargs):
        from openimis.graphql.schema import root_field_rights, schema

        guard_root_fields(schema.graphql_schema, root_field_rights)
        kwargs.setdefault("schema", schema)
        kwargs.setdefault("graphiql", settings.OPENIMIS_MODE == "DEV")
        super().__init__(**kwargs)

    @staticmethod
    def get_graphql_params(request, data):
        query, variables, operation_name, id = GraphQLView.get_graphql_params(request, data)
        return query, lenient_int_variables(query, variables), operation_name, id

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
