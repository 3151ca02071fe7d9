"""What stands in front of Django (a WSGI wrapper; `openimis.wsgi.application` is Django behind it).

- Liveness checks are answered here, without Django: no ALLOWED_HOSTS check (HAProxy's checks carry no
  Host header, or the balancer's address), no middleware, no database.
- Readiness checks are answered here too (no ALLOWED_HOSTS check), with the database and broker checks
  of `openimis.core.health`.
- The client's address is decided here, once (`openimis.core.proxies`): REMOTE_ADDR becomes the real
  client's when a trusted proxy passed the request on; from anyone else the forwarding headers
  (X-Forwarded-For, -Proto, -Host, Forwarded, ...) are dropped before Django can believe them.
"""

from __future__ import annotations

import json

from openimis.core.health import (
    LIVENESS_BODY,
    READINESS_METHODS,
    is_liveness_check,
    liveness_paths,
    readiness,
    readiness_paths,
)
from openimis.core.proxies import resolve_environ

JSON_HEADERS = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
STATUS_LINES = {200: "200 OK", 503: "503 Service Unavailable"}


class Gateway:
    def __init__(self, application, site_root: str, trusted_proxies=()):
        self.application = application
        self.liveness_paths = liveness_paths(site_root)
        self.readiness_paths = readiness_paths(site_root)
        self.trusted_proxies = tuple(trusted_proxies)

    def is_liveness_check(self, method: str, path: str) -> bool:
        return is_liveness_check(method, path, self.liveness_paths)

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        if self.is_liveness_check(method, path):
            return self._answer(start_response, method, 200, LIVENESS_BODY)
        resolve_environ(environ, self.trusted_proxies)
        if path in self.readiness_paths and method in READINESS_METHODS:
            return self._answer(start_response, method, *self._readiness())
        return self.application(environ, start_response)

    @staticmethod
    def _readiness() -> tuple[int, bytes]:
        from django.db import close_old_connections

        close_old_connections()  # as Django does around a request: a broken or expired connection goes
        try:
            status, body = readiness()
        finally:
            close_old_connections()
        return status, json.dumps(body).encode()

    @staticmethod
    def _answer(start_response, method: str, status: int, body: bytes):
        headers = [*JSON_HEADERS, ("Content-Length", str(len(body)))]
        if method == "OPTIONS":
            headers.append(("Allow", "GET, HEAD, OPTIONS"))
        start_response(STATUS_LINES[status], headers)
        return [b""] if method == "HEAD" else [body]


def gateway_for(application):
    """The Django application behind the gateway, configured from the settings."""
    from django.conf import settings

    return Gateway(application, settings.SITE_ROOT, getattr(settings, "TRUSTED_PROXIES", ()))
