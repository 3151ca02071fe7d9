"""Authenticates every request by its JWT (Authorization header or the `JWT` cookie) and writes the
auth cookies that GraphQL mutations ask for."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.functional import SimpleLazyObject

from openimis.core.auth.tokens import InvalidToken, user_from_access_token

AUTH_SCHEMES = ("bearer", "jwt")


def header_token(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() in AUTH_SCHEMES and value.strip():
        return value.strip()
    return None


def resolve_user(request):
    """The header token wins when it is valid; an invalid header falls back to a valid cookie
    (fe-core sends `Authorization: JWT undefined` right after login)."""
    request.auth_source = None
    request.auth_error = None
    for source, token in (("header", header_token(request)),
                          ("cookie", request.COOKIES.get(settings.JWT["COOKIE"]))):
        if not token:
            continue
        try:
            user = user_from_access_token(token)
        except InvalidToken as error:
            request.auth_error = str(error)
            continue
        request.auth_source = source
        request.auth_error = None
        return user
    return remote_user(request) or AnonymousUser()


def remote_user(request):
    """REMOTE_USER_AUTHENTICATION: trust the user name a front proxy put in REMOTE_USER."""
    if not settings.ENV.remote_user_authentication:
        return None
    username = request.META.get("REMOTE_USER")
    if not username:
        return None
    from openimis.core.selectors import find_login_user

    user = find_login_user(username)
    if user is not None:
        request.auth_source = "remote-user"
    return user


class JWTAuthenticationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/admin/"):
            request.user = SimpleLazyObject(lambda: resolve_user(request))
        request.auth_cookies = {}
        response = self.get_response(request)
        write_auth_cookies(request, response)
        return response


def write_auth_cookies(request, response) -> None:
    secure = settings.OPENIMIS_MODE == "PROD"
    for name, value in getattr(request, "auth_cookies", {}).items():
        cookie_name = settings.JWT["COOKIE"] if name == "access" else settings.JWT["REFRESH_COOKIE"]
        if value is None:  # deleted with the attributes it was set with (a Secure cookie stays Secure)
            response.set_cookie(cookie_name, "", max_age=0, expires="Thu, 01 Jan 1970 00:00:00 GMT", path="/",
                                httponly=True, secure=secure, samesite="Lax")
            continue
        token, max_age = value
        response.set_cookie(cookie_name, token, max_age=max_age, path="/", httponly=True,
                            secure=secure, samesite="Lax")
