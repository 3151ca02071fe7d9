"""An authenticated request reads the shared cache once for its user: whether the token is revoked and
the versions of the user's tables come in one `get_many` (a round trip each to Redis or the database's
cache table when several processes share it)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from openimis.core.auth import tokens
from openimis.core.auth.known_users import current_user_named


@pytest.fixture
def cache_reads(monkeypatch):
    """The reads asked of the cache (a local-memory cache answers `get_many` with its own `get`s, which
    are not counted again)."""
    reads, inside = [], []
    real_get, real_get_many = cache.get, cache.get_many

    def counting_get_many(keys, *args, **kwargs):
        reads.append(list(keys))
        inside.append(True)
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    def counting_get(key, *args, **kwargs):
        if not inside:
            reads.append([key])
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counting_get_many)
    monkeypatch.setattr(cache, "get", counting_get)
    return reads


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a request: the user row is kept
def test_a_token_and_its_user_cost_one_cache_read(admin_user, cache_reads):
    token, _payload = tokens.issue_access_token(admin_user)
    tokens.user_from_access_token(token)  # the first one gives the tables their versions
    cache_reads.clear()
    assert tokens.user_from_access_token(token).username == "Admin"
    assert len(cache_reads) == 1
    assert any(key.startswith("openimis:revoked-jwt:") for key in cache_reads[0])


@pytest.mark.django_db(transaction=True)
def test_a_revoked_token_is_refused_by_the_same_read(admin_user, monkeypatch):
    token, _payload = tokens.issue_access_token(admin_user)
    assert tokens.revoke_access_token(token)
    with pytest.raises(tokens.InvalidToken, match="revoked"):
        tokens.user_from_access_token(token)
    assert current_user_named("Admin") is not None  # the user is fine: only that token is refused
