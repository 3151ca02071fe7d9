"""The language of each request: the logged-in user's (`User.language_code`), else the browser's
`Accept-Language`, else English. Server messages (GraphQL errors, mutation log errors) follow it.

The user is not looked up for the language alone (a public query stays at its query budget): the
browser's language is active from the start, and the user's replaces it as soon as the request
resolves its user (every call that checks rights does, before any message is written)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.functional import LazyObject, SimpleLazyObject, empty


def supported(code: str | None) -> str | None:
    codes = {language for language, _name in settings.LANGUAGES}
    return code if code in codes else None


def activate_user_language(user) -> None:
    if user is not None and getattr(user, "is_authenticated", False):
        language = supported(getattr(user, "language_code", None))
        if language:
            translation.activate(language)


def _with_language(lazy_user: LazyObject):
    def resolve():
        if lazy_user._wrapped is empty:
            lazy_user._setup()
        user = lazy_user._wrapped
        activate_user_language(user)
        return user

    return SimpleLazyObject(resolve)


class UserLanguageMiddleware:
    """After the JWT middleware: the request runs in its language; the previous one is restored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        browser = translation.get_language_from_request(request) or settings.LANGUAGE_CODE
        with translation.override(supported(browser) or settings.LANGUAGE_CODE):
            user = request.__dict__.get("user")
            if isinstance(user, LazyObject):
                if user._wrapped is empty:
                    request.user = _with_language(user)
                else:
                    activate_user_language(user._wrapped)
            else:
                activate_user_language(user)
            response = self.get_response(request)
            language = translation.get_language()
        request.LANGUAGE_CODE = language
        response.headers.setdefault("Content-Language", language)
        return response
