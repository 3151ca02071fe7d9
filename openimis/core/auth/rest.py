"""Django REST framework authentication with the same token as GraphQL."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from openimis.core.auth.middleware import resolve_user
from openimis.core.security import CSRF_FAILURE, cross_site_cookie_request


class JWTRestAuthentication(BaseAuthentication):
    def authenticate(self, request):
        django_request = request._request
        user = getattr(django_request, "user", None)
        if user is None:
            user = django_request.user = resolve_user(django_request)
        if cross_site_cookie_request(django_request):
            raise exceptions.PermissionDenied(CSRF_FAILURE)
        if not getattr(user, "is_authenticated", False):
            return None
        return user, None

    def authenticate_header(self, request):
        return 'Bearer realm="openimis"'
