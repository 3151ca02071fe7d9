"""The GraphQL endpoint: rights middleware, query limits, rate limit, origin check, and in DEV
GraphiQL and the profiler (`?prof=True`, `&download=True` for a snakeviz file)."""

from __future__ import annotations

import cProfile
import io
import marshal
import pstats

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView

from openimis.core.security import CSRF_FAILURE, cross_site_cookie_request, rate_limited
from openimis.graphql.limits import limit_rules
from openimis.graphql.rights import RootFieldRightsMiddleware

TRUE_VALUES = {"true", "1", "yes"}


def _flag(request, name: str) -> bool:
    return request.GET.get(name, "").lower() in TRUE_VALUES


@method_decorator(csrf_exempt, name="dispatch")
class OpenIMISGraphQLView(GraphQLView):
    def __init__(self, **kwargs):
        from openimis.graphql.schema import root_field_rights, schema

        limits = settings.GRAPHQL_LIMITS
        kwargs.setdefault("schema", schema)
        kwargs.setdefault("middleware", [RootFieldRightsMiddleware(root_field_rights)])
        kwargs.setdefault("validation_rules", limit_rules(limits["MAX_DEPTH"], limits["MAX_ALIASES"]))
        kwargs.setdefault("graphiql", settings.OPENIMIS_MODE == "DEV")
        super().__init__(**kwargs)

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
