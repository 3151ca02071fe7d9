"""What a GraphQL request must be before anything parses it: the query a string of bounded size, the
variables a JSON object of bounded depth, no text holding a lone UTF-16 surrogate. Each problem is a 400
answer `{"errors": [{"message": ...}]}` naming it (`bad_request`)."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _
from graphene_django.views import HttpError

# a UTF-16 surrogate: JSON can write one alone ("\\ud800"), which no UTF-8 text (nor the database) can hold
SURROGATE = re.compile("[\ud800-\udfff]")


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
