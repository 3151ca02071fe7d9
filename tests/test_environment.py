"""The environment variables: defaults, typed values, one-line errors naming the variable, `.env`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from openimis.environment import ConfigurationError, load_environment


def load(tmp_path: Path, **values):
    return load_environment(values={key: str(value) for key, value in values.items()}, base_dir=tmp_path)


def error_of(tmp_path: Path, **values) -> str:
    with pytest.raises(ConfigurationError) as caught:
        load(tmp_path, **values)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_defaults(tmp_path):
    env = load(tmp_path)
    assert env.mode == "DEV" and env.is_dev and not env.is_prod
    assert env.data_dir == (tmp_path / "data").resolve()
    assert env.database.engine == "django.db.backends.sqlite3"
    assert Path(env.database.name) == env.data_dir / "openimis.sqlite3"
    assert env.cache_backend == "django.core.cache.backends.locmem.LocMemCache"
    assert env.cache_url is None
    assert env.secret_key  # a development key
    assert env.site_root == "api/"
    assert env.ratelimit["enabled"] is False
    assert env.ratelimit["rate"] == "150/m"
    assert env.csrf_trusted_origins == []


def test_data_dir(tmp_path):
    env = load(tmp_path, OPENIMIS_DATA_DIR=tmp_path / "elsewhere")
    assert env.data_dir == (tmp_path / "elsewhere").resolve()
    assert Path(env.database.name).parent == env.data_dir


@pytest.mark.parametrize("value", ["prod", "Prod", "PROD", " prod "])
def test_mode_is_case_insensitive(tmp_path, value):
    env = load(tmp_path, MODE=value, SECRET_KEY="s" * 50)
    assert env.mode == "PROD" and env.is_prod
    assert env.ratelimit["enabled"] is True
    assert "*" not in env.allowed_hosts


@pytest.mark.parametrize("value", ["dev", "Dev"])
def test_dev_mode_is_case_insensitive(tmp_path, value):
    assert load(tmp_path, MODE=value).mode == "DEV"


def test_unknown_mode(tmp_path):
    assert "MODE" in error_of(tmp_path, MODE="staging")


def test_prod_needs_a_secret_key(tmp_path):
    assert error_of(tmp_path, MODE="prod").startswith("SECRET_KEY")
    assert error_of(tmp_path, MODE="PROD", SECRET_KEY="").startswith("SECRET_KEY")


@pytest.mark.parametrize("value", ["abc", "54.32", "0", "70000"])
def test_bad_db_port(tmp_path, value):
    assert error_of(tmp_path, DB_ENGINE="postgresql", DB_PORT=value).startswith("DB_PORT")


def test_bad_db_port_is_reported_even_with_sqlite(tmp_path):
    assert error_of(tmp_path, DB_PORT="abc").startswith("DB_PORT")


def test_unknown_db_engine(tmp_path):
    message = error_of(tmp_path, DB_ENGINE="oracle")
    assert message.startswith("DB_ENGINE") and "oracle" in message


def test_malformed_db_options(tmp_path):
    assert error_of(tmp_path, DB_OPTIONS="{bad").startswith("DB_OPTIONS")
    assert error_of(tmp_path, DB_OPTIONS="[1, 2]").startswith("DB_OPTIONS")


def test_db_options(tmp_path):
    env = load(tmp_path, DB_ENGINE="postgresql", DB_OPTIONS='{"sslmode": "require"}')
    assert env.database.options == {"sslmode": "require"}


def test_db_default_postgresql(tmp_path):
    env = load(tmp_path, DB_DEFAULT="postgresql", DB_HOST="db.example.org", DB_NAME="imis", DB_USER="u",
               DB_PASSWORD="p")
    database = env.database
    assert database.engine == "django.db.backends.postgresql"
    assert (database.host, database.name) == ("db.example.org", "imis")
    assert (database.user, database.password) == ("u", "p")
    assert database.port == 5432
    assert load(tmp_path, DB_DEFAULT="postgresql", DB_PORT="6543").database.port == 6543


def test_db_default_unknown(tmp_path):
    assert error_of(tmp_path, DB_DEFAULT="oracle").startswith("DB_DEFAULT")


@pytest.mark.parametrize("engine", ["postgresql", "django.db.backends.postgresql", "psql"])
def test_db_engine_names(tmp_path, engine):
    assert load(tmp_path, DB_ENGINE=engine).database.engine == "django.db.backends.postgresql"


def test_db_host_alone_means_postgresql(tmp_path):
    assert load(tmp_path, DB_HOST="db").database.engine == "django.db.backends.postgresql"


def test_redis_cache(tmp_path):
    env = load(tmp_path, CACHE_BACKEND="redis", CACHE_URL="redis://cache:6379/1")
    assert env.cache_backend == "django.core.cache.backends.redis.RedisCache"
    assert env.cache_url == "redis://cache:6379/1"
    assert load(tmp_path, CACHE_URL="redis://cache:6379/1").cache_backend.endswith("RedisCache")


def test_unknown_cache_backend(tmp_path):
    assert error_of(tmp_path, CACHE_BACKEND="floppy").startswith("CACHE_BACKEND")


@pytest.mark.parametrize("rate", ["fast", "10", "10/x", "/m", "ten/m", "10/"])
def test_malformed_ratelimit_rate(tmp_path, rate):
    assert error_of(tmp_path, RATELIMIT_RATE=rate).startswith("RATELIMIT_RATE")


@pytest.mark.parametrize(("rate", "expected"),
                         [("150/m", (150, 60)), ("10/5m", (10, 300)), ("3/h", (3, 3600))])
def test_ratelimit_rates(tmp_path, rate, expected):
    from openimis.environment import parse_rate

    assert load(tmp_path, RATELIMIT_RATE=rate).ratelimit["rate"] == rate
    assert parse_rate(rate) == expected


def test_bad_flag_names_the_variable(tmp_path):
    assert error_of(tmp_path, DEMO_DATASET="maybe").startswith("DEMO_DATASET")
    assert load(tmp_path, DEMO_DATASET="True").demo_dataset is True


def test_bad_integer_names_the_variable(tmp_path):
    assert error_of(tmp_path, JWT_EXPIRATION_DELTA="1 day").startswith("JWT_EXPIRATION_DELTA")


def test_csrf_trusted_origins(tmp_path):
    env = load(tmp_path, CSRF_TRUSTED_ORIGINS="https://a.example.org, https://b.example.org")
    assert env.csrf_trusted_origins == ["https://a.example.org", "https://b.example.org"]


def test_dotenv_is_read_and_the_real_environment_wins(tmp_path, monkeypatch):
    for name in ("MODE", "SECRET_KEY", "FRONTEND_URL", "SITE_ROOT", "OPENIMIS_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".env").write_text(
        "# a comment\n"
        "MODE=prod\n"
        "export SECRET_KEY='from-the-dotenv-file'\n"
        'FRONTEND_URL="/from-dotenv"\n'
        "SITE_ROOT=imis\n", encoding="utf-8")
    monkeypatch.setenv("FRONTEND_URL", "/from-environment")
    env = load_environment(base_dir=tmp_path)
    assert env.mode == "PROD"
    assert env.secret_key == "from-the-dotenv-file"
    assert env.site_root == "imis/"
    assert env.frontend_url == "/from-environment"


def test_malformed_dotenv_line(tmp_path):
    (tmp_path / ".env").write_text("JUST A LINE\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"\.env:1"):
        load_environment(base_dir=tmp_path)


# --- start-up errors: one line on stderr, no traceback --------------------------------------

def run_openimis(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("openimis")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "openimis.cli"]
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DB_", "OPENIMIS_CONF", "MODE", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"))}
    env.update({"OPENIMIS_DATA_DIR": str(tmp_path / "data"), **extra})
    return subprocess.run([*command, "serve", "--port", "0"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)


def assert_one_line_naming(result: subprocess.CompletedProcess, word: str) -> None:
    assert result.returncode != 0, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert word in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_start_up_errors_are_one_line(tmp_path):
    assert_one_line_naming(run_openimis(tmp_path, MODE="PROD"), "SECRET_KEY")
    assert_one_line_naming(run_openimis(tmp_path, DB_PORT="abc"), "DB_PORT")
    conf = tmp_path / "openimis.json"
    conf.write_text(json.dumps({"modules": [{"name": "core"}, {"name": "no_such_module"}]}), encoding="utf-8")
    assert_one_line_naming(run_openimis(tmp_path, OPENIMIS_CONF_JSON=str(conf)), "no_such_module")
