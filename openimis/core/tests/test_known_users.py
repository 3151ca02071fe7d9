"""The user behind a token is read once per state of its tables, and never shared between requests.
These tests commit for real (transactional database)."""

from __future__ import annotations

import pytest

from openimis.core import services
from openimis.core.auth.known_users import current_user_named
from openimis.core.models import InteractiveUser, Role, UserRole

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin():
    return services.create_administrator("KnownAdmin", "Secret123", "Known", "Admin")


def test_a_kept_user_answers_without_a_query(admin, django_assert_num_queries):
    assert current_user_named("KnownAdmin").is_imis_admin
    with django_assert_num_queries(0):
        assert current_user_named("KnownAdmin").is_imis_admin


def test_a_committed_role_change_is_seen_by_the_next_request(admin):
    assert current_user_named("KnownAdmin").is_imis_admin
    UserRole.objects.filter(user_id=admin.i_user_id).update(validity_to="2024-01-01T00:00:00Z")
    assert not current_user_named("KnownAdmin").is_imis_admin
    Role.objects.filter(user_roles__user_id=admin.i_user_id).update(is_blocked=True)
    UserRole.objects.filter(user_id=admin.i_user_id).update(validity_to=None)
    assert not current_user_named("KnownAdmin").is_imis_admin


def test_a_changed_profile_is_read_again(admin):
    assert current_user_named("KnownAdmin").i_user.last_name == "Known"
    InteractiveUser.objects.filter(pk=admin.i_user_id).update(last_name="Renamed")
    assert current_user_named("KnownAdmin").i_user.last_name == "Renamed"


def test_each_request_gets_its_own_copy(admin):
    first = current_user_named("KnownAdmin")
    first.extra_attribute = "set by one request"
    second = current_user_named("KnownAdmin")
    assert first is not second
    assert not hasattr(second, "extra_attribute")


def test_an_unknown_user_is_none():
    assert current_user_named("nobody-here") is None


def test_a_kept_user_is_read_again_after_a_while(admin, monkeypatch, django_assert_num_queries):
    """Another process's writes reach a cache of its own only through this bound."""
    from openimis.core.auth import known_users

    current_user_named("KnownAdmin")
    monkeypatch.setattr(known_users, "KEPT_SECONDS", 0.0)
    with django_assert_num_queries(1):
        current_user_named("KnownAdmin")
