"""Django REST framework authentication with the same token as GraphQL."""

from __future__ import annotations

from rest_framework.authentication import BaseAuthentication

from openimis.core.auth.middleware import resolve_user


class JWTRestAuthentication(BaseAuthentication):
    def authenticate(self, request):
        django_request = request._request
        user = getattr(django_request, "user", None)
        if user is None:
            user = resolve_user(django_request)
        if not getattr(user, "is_authenticated", False):
            return None
        return user, None

    def authenticate_header(self, request):
        return 'Bearer realm="openimis"'
