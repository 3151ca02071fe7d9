"""Login and session mutations, with the openIMIS (django-graphql-jwt) names and shapes."""

from __future__ import annotations

import time

import graphene
from django.conf import settings
from django.middleware.csrf import get_token
from graphene.types.generic import GenericScalar
from graphql import GraphQLError

from openimis.core import services
from openimis.core.auth import lockout, tokens
from openimis.core.auth.middleware import header_token
from openimis.graphql.rights import PUBLIC

INVALID_CREDENTIALS = "Please enter valid credentials"
LOCKED_OUT = "Too many failed login attempts, try again later"


def _start_session(request, user, orig_iat=None) -> tuple[str, dict]:
    token, payload = tokens.issue_access_token(user, orig_iat)
    request.auth_cookies["access"] = (token, tokens.access_lifetime())
    return token, payload


def _issue_refresh_cookie(request, user):
    refresh_token, record = tokens.issue_refresh_token(user)
    request.auth_cookies["refresh"] = (refresh_token, tokens.refresh_lifetime())
    return record


class OpenimisObtainJSONWebToken(graphene.Mutation):
    rights = PUBLIC
    payload = GenericScalar(required=True)
    refresh_expires_in = graphene.Int(required=True)
    token = graphene.String(required=True)

    class Arguments:
        username = graphene.String(required=True)
        password = graphene.String(required=True)

    @classmethod
    def mutate(cls, root, info, username, password):
        request = info.context
        if lockout.is_locked(username, request):
            raise GraphQLError(LOCKED_OUT)
        user = services.authenticate(username, password)
        if user is None:
            lockout.record_failure(username, request)
            raise GraphQLError(INVALID_CREDENTIALS)
        lockout.clear(username, request)
        services.record_login(user)
        token, payload = _start_session(request, user)
        record = _issue_refresh_cookie(request, user)
        request.user = user
        return cls(payload=payload, refresh_expires_in=tokens.refresh_expires_in(record), token=token)


class Verify(graphene.Mutation):
    rights = PUBLIC
    payload = GenericScalar(required=True)

    class Arguments:
        token = graphene.String()

    @classmethod
    def mutate(cls, root, info, token=None):
        token = token or info.context.COOKIES.get(settings.JWT["COOKIE"])
        try:
            return cls(payload=tokens.decode_access_token(token or ""))
        except tokens.InvalidToken as error:
            raise GraphQLError(str(error)) from None


class Refresh(graphene.Mutation):
    """With `token`: a new access token while the refresh window of its first login lasts. Without:
    the refresh-token cookie is consumed and rotated, and both cookies are renewed."""

    rights = PUBLIC
    payload = GenericScalar(required=True)
    refresh_expires_in = graphene.Int(required=True)
    token = graphene.String(required=True)

    class Arguments:
        token = graphene.String()

    @classmethod
    def mutate(cls, root, info, token=None):
        request = info.context
        try:
            if token:
                return cls._refresh_access_token(request, token)
            user, new_refresh, record = tokens.rotate_refresh_token(
                request.COOKIES.get(settings.JWT["REFRESH_COOKIE"], ""))
        except tokens.InvalidToken as error:
            raise GraphQLError(str(error)) from None
        request.auth_cookies["refresh"] = (new_refresh, tokens.refresh_lifetime())
        access, payload = _start_session(request, user)
        return cls(payload=payload, refresh_expires_in=tokens.refresh_expires_in(record), token=access)

    @classmethod
    def _refresh_access_token(cls, request, token):
        payload = tokens.decode_access_token(token)
        user = tokens.user_from_access_token(token)
        orig_iat = int(payload.get("origIat") or 0)
        refresh_until = orig_iat + tokens.refresh_lifetime()
        if refresh_until < time.time():
            raise tokens.InvalidToken("Refresh has expired")
        access, new_payload = _start_session(request, user, orig_iat)
        return cls(payload=new_payload, refresh_expires_in=refresh_until, token=access)


class Revoke(graphene.Mutation):
    rights = PUBLIC
    revoked = graphene.Int(required=True)

    class Arguments:
        refresh_token = graphene.String()

    @classmethod
    def mutate(cls, root, info, refresh_token=None):
        refresh_token = refresh_token or info.context.COOKIES.get(settings.JWT["REFRESH_COOKIE"])
        return cls(revoked=tokens.revoke_refresh_token(refresh_token or ""))


class DeleteJSONWebTokenCookie(graphene.Mutation):
    rights = PUBLIC
    deleted = graphene.Boolean(required=True)

    @classmethod
    def mutate(cls, root, info):
        """Logout: the cookie goes, and the access token it held (or the header's) stops working."""
        request = info.context
        for token in (request.COOKIES.get(settings.JWT["COOKIE"]), header_token(request)):
            tokens.revoke_access_token(token)
        request.auth_cookies["access"] = None
        return cls(deleted=settings.JWT["COOKIE"] in request.COOKIES)


class DeleteRefreshTokenCookie(graphene.Mutation):
    rights = PUBLIC
    deleted = graphene.Boolean(required=True)

    @classmethod
    def mutate(cls, root, info):
        request = info.context
        refresh_token = request.COOKIES.get(settings.JWT["REFRESH_COOKIE"])
        if refresh_token:
            tokens.revoke_refresh_token(refresh_token)
        request.auth_cookies["refresh"] = None
        return cls(deleted=bool(refresh_token))


class CSRFTokenMutation(graphene.Mutation):
    rights = PUBLIC
    csrf_token = graphene.String()

    @classmethod
    def mutate(cls, root, info):
        return cls(csrf_token=get_token(info.context))


class AuthMutations(graphene.ObjectType):
    token_auth = OpenimisObtainJSONWebToken.Field()
    verify_token = Verify.Field()
    refresh_token = Refresh.Field()
    revoke_token = Revoke.Field()
    delete_token_cookie = DeleteJSONWebTokenCookie.Field()
    delete_refresh_token_cookie = DeleteRefreshTokenCookie.Field()
    get_csrf_token = CSRFTokenMutation.Field()
