"""REST exception handlers: a module registers one for its URLs; the default handles the rest."""

from __future__ import annotations

from rest_framework.views import exception_handler as default_handler

_handlers: dict[str, object] = {}


def register(url_prefix: str, handler) -> None:
    _handlers[url_prefix] = handler


def dispatch_exception_handler(exc, context):
    request = context.get("request")
    path = getattr(request, "path", "") or ""
    for prefix in sorted(_handlers, key=len, reverse=True):
        if path.startswith(prefix):
            return _handlers[prefix](exc, context)
    return default_handler(exc, context)
