"""What makes `openimis serve` start fast keeps its behaviour: the migration check, a new SQLite database
from the recording of its migrations, the shared FilterSets of the schema, the imports left out, the
static files indexed when first asked for, the collector frozen and running again."""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import RequestFactory
from graphene_django.filter import DjangoFilterConnectionField

from openimis import fresh_schema, modules
from openimis.cli import migrations_pending
from openimis.graphql import filtersets
from openimis.server import freeze_start_up_objects
from openimis.web.static import StaticFilesMiddleware

REPOSITORY = Path(__file__).resolve().parent.parent


def sqlite_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment pointed at a SQLite database in `data_dir` (whatever the test run uses)."""
    left_out = {"NO_DATABASE", "DJANGO_SETTINGS_MODULE", "DJANGO_MIGRATE"}
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DB_", "OPENIMIS_")) and key not in left_out}
    python_path = [str(REPOSITORY), *filter(None, [os.environ.get("PYTHONPATH")])]
    env.update({"OPENIMIS_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "openimis.settings",
                "PYTHONPATH": os.pathsep.join(python_path), **extra})
    return env


def run_python(code: str, data_dir: Path, **extra: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], cwd=data_dir, env=sqlite_env(data_dir, **extra),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_migrations_pending_compares_the_migration_files_with_the_applied_ones(db):
    assert not migrations_pending(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'insuree' AND name = '0001_initial'")
    assert migrations_pending(connection)


def test_entry_points_are_read_once_for_all_the_modules(monkeypatch):
    reads = []

    def counted():
        reads.append(1)
        return {}

    monkeypatch.setattr(modules, "_read_entry_points", counted)
    assert len(modules.enabled_modules(None)) == len(modules.BUILT_IN_MODULES)
    assert len(reads) == 1


def test_filter_connections_share_one_filterset_per_declaration():
    from graphene_django.registry import get_global_registry

    from openimis.graphql.schema import schema

    fields = [field for graphene_type in [schema.query, *get_global_registry()._registry.values()]
              for field in graphene_type._meta.fields.values()
              if isinstance(field, DjangoFilterConnectionField)]
    assert len(fields) >= 70  # the root lists and the relations of the types (reverse relations included)
    assert all(field._filterset_class is not None for field in fields)
    declarations = {filtersets.declaration(field) for field in fields}
    assert len({id(field._filterset_class) for field in fields}) == len(declarations) < len(fields)
    for field in fields:
        assert field.filterset_class is filtersets.filterset_class(field)
        arguments = field.filtering_args  # (graphene-django builds an empty set again at each access)
        assert arguments is filtersets.filtering_arguments(field) or arguments == {}


def test_a_filter_on_a_shared_filterset_still_filters(admin_gql):
    """The root `users` list shares its FilterSet with the other lists of users; it still filters."""
    everyone = admin_gql("{ users(first: 5) { totalCount } }")
    assert everyone["data"]["users"]["totalCount"] >= 1, everyone
    nobody = admin_gql('{ users(first: 5, username_Icontains: "zzz-nobody") { totalCount } }')
    assert nobody["data"]["users"]["totalCount"] == 0, nobody


@pytest.mark.slow
def test_off_postgresql_graphene_and_rest_framework_do_without_psycopg_and_jwt_waits(tmp_path):
    output = run_python(
        "import sys, django; django.setup()\n"
        "import graphene_django.converter, rest_framework.compat, openimis.core.auth.middleware\n"
        "import openimis.graphql.schema\n"
        "names = ('psycopg', 'psycopg2', 'jwt', 'cryptography')\n"
        "print(sorted(name for name in names if name in sys.modules))\n"
        "print(rest_framework.compat.postgres_fields)\n"
        "import django.contrib.postgres.fields  # anyone else still gets them\n"
        "print('psycopg' in sys.modules)\n", tmp_path)
    assert output.split("\n")[:3] == ["[]", "None", "True"], output


def test_a_token_still_works_with_pyjwt_imported_late(db):
    from openimis.core.auth import tokens
    from openimis.core.models import User

    user = User.objects.filter(validity_to__isnull=True).first() or User.objects.create(username="late")
    token, _payload = tokens.issue_access_token(user)
    assert tokens.user_from_access_token(token) == user


def test_the_recording_of_the_migrations_is_current():
    recording = json.loads(fresh_schema.RECORDING.read_text(encoding="utf-8"))
    assert recording["key"] == fresh_schema.current_key(), (
        "a migration changed since openimis/fresh_schema.sqlite.json was recorded: run "
        "`openimis manage record_fresh_schema` (until then `openimis serve` runs every migration of a "
        "new SQLite database one by one)")


def test_the_recording_is_used_only_for_an_empty_sqlite_database(db):
    assert not fresh_schema.create_from_recording(connection)  # the test database has tables


def _database(path: Path) -> tuple[list, dict]:
    database = sqlite3.connect(path)
    try:
        objects = database.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
        objects = objects.fetchall()
        rows = {}
        for kind, name, _table, _sql in objects:
            if kind == "table":
                columns = [column[1] for column in database.execute(f'PRAGMA table_info("{name}")')
                           if not (name == "django_migrations" and column[1] == "applied")]
                listed = ", ".join(f'"{column}"' for column in columns)
                rows[name] = database.execute(f'SELECT {listed} FROM "{name}" ORDER BY rowid').fetchall()
    finally:
        database.close()
    return objects, rows


@pytest.mark.slow
def test_a_database_made_from_the_recording_is_the_one_migrate_makes(tmp_path):
    migrated, recorded = tmp_path / "migrated", tmp_path / "recorded"
    migrated.mkdir()
    recorded.mkdir()
    run_python("import sys; from openimis.cli import main; main(['manage', 'migrate', '-v0'])", migrated)
    output = run_python("import django; django.setup()\n"
                        "from django.db import connection\n"
                        "from openimis.fresh_schema import create_from_recording\n"
                        "print(create_from_recording(connection))\n", recorded)
    assert output.strip() == "True"
    made, expected = _database(recorded / "openimis.sqlite3"), _database(migrated / "openimis.sqlite3")
    assert made[0] == expected[0]
    assert made[1] == expected[1]


def test_static_files_are_indexed_when_first_asked_for():
    middleware = StaticFilesMiddleware(lambda request: None)
    assert "/static/admin/css/base.css" not in middleware.files
    assert middleware(RequestFactory().get("/api/graphql")) is None  # passed on, nothing indexed
    assert "/static/admin/css/base.css" not in middleware.files
    response = middleware(RequestFactory().get("/static/admin/css/base.css"))
    assert response.status_code == 200
    assert "/static/admin/css/base.css" in middleware.files


def test_object_types_of_one_signature_share_their_generated_methods():
    import graphene

    from openimis.graphql import objecttypes

    class Left(graphene.ObjectType):
        number = graphene.Int()
        text = graphene.String()

    class Right(graphene.ObjectType):
        number = graphene.Int()
        text = graphene.String()

    from graphene.types import objecttype

    assert objecttype.make_dataclass is objecttypes.shared_make_dataclass
    assert Left.__init__ is Right.__init__
    left = Left(1, text="a")
    assert (left.number, left.text) == (1, "a")
    assert left == Left(number=1, text="a") and left != Left(number=2, text="a")
    assert left != Right(number=1, text="a")
    assert repr(left) == f"{Left.__qualname__}(number=1, text='a')"  # each prints its own class
    assert repr(Right()) == f"{Right.__qualname__}(number=None, text=None)"
    with pytest.raises(TypeError):
        Left(other=1)


@pytest.fixture
def collector_state():
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    (gc.enable if enabled else gc.disable)()


def test_the_server_freezes_what_start_up_loaded_and_collects_again(collector_state):
    gc.disable()
    freeze_start_up_objects()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
