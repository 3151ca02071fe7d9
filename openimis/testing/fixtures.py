"""The pytest fixtures every module's tests use (a pytest plugin: `pytest_plugins = [__name__]`)."""

from __future__ import annotations

import pytest

from openimis.core import services
from openimis.testing.client import GraphQLClient, make_user


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["openimis.testing.client.QuickPBKDF2PasswordHasher",
                                 *settings.PASSWORD_HASHERS]


@pytest.fixture(scope="session")
def _test_files_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("files")


@pytest.fixture(autouse=True)
def _files_outside_the_data_folder(settings, _test_files_folder):
    """Photos (the demo load writes one per photo row) and exports go to a temporary folder, not to the
    checkout's ./data."""
    settings.PHOTO_ROOT_PATH = str(_test_files_folder / "photos")
    settings.MEDIA_ROOT = str(_test_files_folder / "media")


@pytest.fixture
def gql(client, db):
    return GraphQLClient(client)


@pytest.fixture
def admin_user(db):
    return services.create_administrator("Admin", "admin123", "Admin", "Admin")


@pytest.fixture
def user_factory(db):
    return make_user


@pytest.fixture
def plain_user(db):
    return make_user("plain")


@pytest.fixture
def admin_gql(gql, admin_user):
    result = gql.login("Admin", "admin123")
    assert "errors" not in result, result
    return gql
