"""JSON Web Tokens and refresh tokens: one token for GraphQL, REST and FHIR alike.

Access tokens are signed with HS256 and `SECRET_KEY`, or with RS256 when `keys/jwt_private_key.pem`
and `keys/jwt_public_key.pem` exist. Refresh tokens are random strings, stored as SHA-256 digests,
rotated on every use; each use pushes the end of the session forward by the refresh window.

Logging out revokes the access token too: its id (`jti`) is kept in the cache until the token would
have expired, and a revoked token no longer authenticates. With several processes the cache must be
shared (CACHE_BACKEND=redis or memcached), as for the login lockout.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from openimis.core.auth.known_users import current_user_named, user_tables
from openimis.core.models import RefreshToken, User
from openimis.core.table_versions import versions_and_values


class InvalidToken(Exception):
    pass


def _file_stamp(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns if path.is_file() else None
    except OSError:
        return None


@lru_cache(maxsize=8)
def _load_keys(private_file: Path, public_file: Path, private_stamp, public_stamp,
               secret_key: str) -> tuple[str, object, object]:
    if private_stamp is not None and public_stamp is not None:
        return "RS256", private_file.read_text(), public_file.read_text()
    return "HS256", secret_key, secret_key


def _keys() -> tuple[str, object, object]:
    """(algorithm, signing key, verifying key), read from the settings of the moment (so a changed key
    file or `override_settings` takes effect); the files are read again only when they change."""
    private_file = Path(settings.JWT["PRIVATE_KEY_FILE"])
    public_file = Path(settings.JWT["PUBLIC_KEY_FILE"])
    return _load_keys(private_file, public_file, _file_stamp(private_file), _file_stamp(public_file),
                      settings.SECRET_KEY)


def algorithm() -> str:
    return _keys()[0]


def access_lifetime() -> int:
    return int(settings.JWT["EXPIRATION_SECONDS"])


def refresh_lifetime() -> int:
    return int(settings.JWT["REFRESH_EXPIRATION_SECONDS"])


def issue_access_token(user: User, orig_iat: int | None = None) -> tuple[str, dict]:
    now = int(timezone.now().timestamp())
    payload = {"username": user.username, "exp": now + access_lifetime(), "origIat": orig_iat or now,
               "jti": secrets.token_urlsafe(16)}
    algorithm_name, signing_key, _ = _keys()
    import jwt  # PyJWT imports `cryptography` (60 ms, 10 MiB): paid at the first token, not at start-up

    return jwt.encode(payload, signing_key, algorithm=algorithm_name), payload


def _verified_payload(token: str) -> dict:
    algorithm_name, _, verifying_key = _keys()
    import jwt

    try:
        return jwt.decode(token, verifying_key, algorithms=[algorithm_name])
    except jwt.ExpiredSignatureError:
        raise InvalidToken("Signature has expired") from None
    except jwt.PyJWTError:
        raise InvalidToken("Error decoding signature") from None


def _revocation_key(jti: str) -> str:
    return f"openimis:revoked-jwt:{jti}"


def decode_access_token(token: str) -> dict:
    payload = _verified_payload(token)
    jti = payload.get("jti")
    if jti and cache.get(_revocation_key(jti)):
        raise InvalidToken("Token has been revoked")
    return payload


def revoke_access_token(token: str | None) -> bool:
    """Refuse this access token from now until it expires (logout). False when it was not valid."""
    try:
        payload = _verified_payload(token or "")
    except InvalidToken:
        return False
    jti = payload.get("jti")
    remaining = int(payload.get("exp", 0)) - int(timezone.now().timestamp())
    if not jti or remaining <= 0:
        return False
    cache.set(_revocation_key(jti), True, timeout=remaining + 1)
    return True


def user_from_access_token(token: str) -> User:
    """The user of a valid, unrevoked access token. Whether the token is revoked and the versions of the
    user's tables come from the cache in one read."""
    payload = _verified_payload(token)
    jti = payload.get("jti")
    revocation = [_revocation_key(jti)] if jti else []
    state, found = versions_and_values(user_tables(), revocation)
    if any(found.get(key) for key in revocation):
        raise InvalidToken("Token has been revoked")
    user = current_user_named(payload.get("username"), state)
    if user is None:
        raise InvalidToken("User not found")
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_refresh_token(user: User) -> tuple[str, RefreshToken]:
    token = secrets.token_urlsafe(40)
    record = RefreshToken.objects.create(
        user=user, token_hash=_digest(token),
        expires=timezone.now() + datetime.timedelta(seconds=refresh_lifetime()))
    return token, record


def refresh_expires_in(record: RefreshToken) -> int:
    return int(record.expires.timestamp())


@transaction.atomic
def rotate_refresh_token(token: str) -> tuple[User, str, RefreshToken]:
    """Consume a refresh token and return its user with a new one. Reuse of a spent token fails."""
    record = (RefreshToken.objects.select_for_update().select_related("user")
              .filter(token_hash=_digest(token or "")).first())
    now = timezone.now()
    if record is None or record.revoked or record.expires <= now:
        raise InvalidToken("Invalid refresh token")
    if record.user.validity_to is not None:
        raise InvalidToken("User not found")
    record.revoked = now
    record.save(update_fields=["revoked"])
    new_token, new_record = issue_refresh_token(record.user)
    return record.user, new_token, new_record


def revoke_refresh_token(token: str) -> int:
    return RefreshToken.objects.filter(token_hash=_digest(token or ""), revoked__isnull=True) \
        .update(revoked=timezone.now())
