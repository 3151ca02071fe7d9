"""The GraphQL endpoint: root field guards (rights, row loading), query limits, rate limit, origin check,
and in DEV GraphiQL and the profiler (`?prof=True`, `&download=True` for a snakeviz file)."""

from __future__ import annotations

import cProfile
import io
import json
import marshal
import pstats

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView, HttpError
from graphql import (
    ExecutionResult,
    GraphQLError,
    execute,
    get_operation_ast,
)

from openimis.core.security import CSRF_FAILURE, cross_site_cookie_request, rate_limited
from openimis.graphql.execution import OpenIMISExecutionContext
from openimis.graphql.limits import limit_rules
from openimis.graphql.request_checks import bad_request, check_graphql_params
from openimis.graphql.validation import preparer

TRUE_VALUES = {"true", "1", "yes"}


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
        from openimis.graphql.schema import schema

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
                           execution_context_class=OpenIMISExecutionContext)
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
