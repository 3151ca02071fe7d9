"""Production safeguards: security headers, the GraphQL rate limit, the origin check for cookie auth."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import caches
from django.http import JsonResponse

from openimis.core.proxies import client_address
from openimis.environment import parse_rate

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                "img-src 'self' data: blob:; font-src 'self' data:; frame-ancestors 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=(), payment=(), usb=()",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Cross-Origin-Opener-Policy": "same-origin",
}

VIEW_DEFINED_HEADERS = {"Content-Security-Policy"}  # a view may declare its own policy


class SecurityHeadersMiddleware:
    """Adds the openIMIS production security headers (MODE=PROD only)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.OPENIMIS_MODE == "PROD":
            for header, value in SECURITY_HEADERS.items():
                if header in VIEW_DEFINED_HEADERS:
                    response.headers.setdefault(header, value)
                else:  # forced: Django's own defaults (e.g. Referrer-Policy same-origin) are weaker
                    response.headers[header] = value
        return response


def client_key(request) -> str:
    key = settings.RATELIMIT["key"]
    if key == "user" and getattr(request, "user", None) is not None and request.user.is_authenticated:
        return f"user:{request.user.pk}"
    if key.startswith("header:"):
        return "header:" + request.META.get("HTTP_" + key[7:].upper().replace("-", "_"), "")
    return "ip:" + client_address(request)


def rate_limited(request) -> JsonResponse | None:
    """A 429 response when the caller exceeded `RATELIMIT_RATE`, else None."""
    config = settings.RATELIMIT
    if not config["enabled"] or request.method not in config["method"]:
        return None
    count, period = parse_rate(config["rate"])
    window = int(time.time() // period)
    key = f"openimis:ratelimit:{config['group']}:{client_key(request)}:{window}"
    try:
        cache = caches[config["cache"]]
        if cache.add(key, 1, timeout=period + 1):
            used = 1
        else:
            used = cache.incr(key)
    except Exception:  # the cache is down: follow RATELIMIT_SKIP_TIMEOUT
        if config["skip_timeout"]:
            return None
        raise
    if used > count:
        return JsonResponse({"errors": [{"message": "Too many requests, try again later"}]}, status=429)
    return None


CSRF_FAILURE = "CSRF token missing or incorrect."
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def cross_site_cookie_request(request) -> bool:
    """True for a write in PROD authenticated by the `JWT` cookie whose Origin is neither this site nor
    in `CSRF_TRUSTED_ORIGINS` (requests carrying the token in `Authorization` cannot be forged)."""
    if settings.OPENIMIS_MODE != "PROD" or request.method in SAFE_METHODS:
        return False
    request.user.is_authenticated  # noqa: B018  (resolves the lazy user and its auth source)
    return getattr(request, "auth_source", None) == "cookie" and not origin_allowed(request)


def origin_allowed(request) -> bool:
    """For cookie-authenticated writes in PROD: the Origin (or Referer) must be this site or trusted."""
    origin = request.META.get("HTTP_ORIGIN") or request.META.get("HTTP_REFERER")
    if not origin:
        return True  # not a browser cross-site request (browsers send Origin on cross-site POST)
    parts = urlsplit(origin.strip())
    if parts.netloc and parts.netloc.lower() == request.get_host().lower():
        return True
    origin_root = f"{parts.scheme}://{parts.netloc}".lower()
    return origin_root in {trusted.strip().rstrip("/").lower() for trusted in settings.CSRF_TRUSTED_ORIGINS}
