"""The openIMIS environment variables, read once into one typed object.

Every variable of the openIMIS backend keeps its meaning. A wrong value stops start-up with a
`ConfigurationError` whose message is one line naming the variable.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on", "y", "t"}
FALSE_WORDS = {"0", "false", "no", "off", "n", "f", ""}

DB_ENGINES = {
    "django.db.backends.sqlite3": "django.db.backends.sqlite3",
    "sqlite": "django.db.backends.sqlite3",
    "sqlite3": "django.db.backends.sqlite3",
    "django.db.backends.postgresql": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "postgres": "django.db.backends.postgresql",
    "psql": "django.db.backends.postgresql",
    "mssql": "mssql",
    "sql_server.pyodbc": "mssql",
}
DB_DEFAULT_ENGINES = {"postgresql": "django.db.backends.postgresql", "mssql": "mssql"}
DEFAULT_PORTS = {"django.db.backends.postgresql": 5432, "mssql": 1433}


class ConfigurationError(Exception):
    """A configuration value that prevents start-up. The message names the variable."""


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse a `.env` file: KEY=VALUE lines, `#` comments, optional quotes, optional `export`."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].strip()
        if "=" not in line:
            raise ConfigurationError(f"{path}:{number}: expected KEY=VALUE, got {raw!r}")
        key, value = line.split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


class EnvReader:
    """Typed access to a mapping of variables, with errors that name the variable."""

    def __init__(self, values: dict[str, str]):
        self.values = values

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
        raise ConfigurationError(f"{name}: expected true or false, got {value!r}")

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.text(name)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise ConfigurationError(f"{name}: expected a whole number, got {value!r}") from None

    def decimal(self, name: str, default: float) -> float:
        value = self.text(name)
        if value is None:
            return default
        try:
            return float(value)
        except ValueError:
            raise ConfigurationError(f"{name}: expected a number, got {value!r}") from None

    def json_object(self, name: str, default: dict | None = None) -> dict:
        value = self.text(name)
        if value is None:
            return dict(default or {})
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError as error:
            raise ConfigurationError(f"{name}: malformed JSON ({error.msg} at {error.pos})") from None
        if not isinstance(parsed, dict):
            raise ConfigurationError(f"{name}: expected a JSON object, got {value!r}")
        return parsed

    def words(self, name: str, default: list[str] | None = None) -> list[str]:
        value = self.text(name)
        if value is None:
            return list(default or [])
        return [word.strip() for word in value.split(",") if word.strip()]


@dataclass(frozen=True)
class Database:
    engine: str
    name: str
    host: str = ""
    port: int | None = None
    user: str = ""
    password: str = ""
    test_name: str | None = None
    options: dict = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.engine == "django.db.backends.sqlite3"


@dataclass(frozen=True)
class Environment:
    mode: str
    secret_key: str
    data_dir: Path
    database: Database | None
    demo_dataset: bool
    site_root: str
    site_url: str
    frontend_url: str
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    migrate: bool
    scheduler_autostart: bool
    mutation_log_stale_seconds: int
    log_handler: str
    db_log_handler: str
    db_queries_log_file: str | None
    debug_log_file: str | None
    photo_root_path: Path
    openimis_conf_json: str | None
    openimis_conf: str | None
    remote_user_authentication: bool
    row_security: bool
    celery_broker_url: str | None
    channels_host: str | None
    sentry_dsn: str | None
    sentry_sample_rate: float
    is_sentry_enabled: bool
    email: dict
    data_upload_max_memory_size: int
    master_data_password: str | None
    openhim: dict
    cache_backend: str
    cache_url: str | None
    cache_options: dict
    ratelimit: dict
    opensearch: dict
    jwt_expiration_seconds: int
    jwt_refresh_expiration_seconds: int
    login_lockout_attempts: int
    login_lockout_seconds: int
    graphql_max_depth: int
    graphql_max_aliases: int
    graphql_max_query_bytes: int = 100_000
    graphql_max_tokens: int = 20_000
    graphql_max_argument_length: int = 1_000
    # True when CACHE_BACKEND or CACHE_URL chose the cache (not the default of this process's kind)
    cache_configured: bool = False
    # the reverse proxies and load balancers whose X-Forwarded-For is believed (ip_network objects)
    trusted_proxies: tuple = ()

    @property
    def is_prod(self) -> bool:
        return self.mode == "PROD"

    @property
    def is_dev(self) -> bool:
        return not self.is_prod


CACHE_BACKENDS = {
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "redis": "django.core.cache.backends.redis.RedisCache",
    "database": "django.core.cache.backends.db.DatabaseCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
    "memcached": "django.core.cache.backends.memcached.PyMemcacheCache",
}


def read_database(env: EnvReader, data_dir: Path) -> Database | None:
    if env.flag("NO_DATABASE"):
        return None
    options = env.json_object("DB_OPTIONS")
    port = env.integer("DB_PORT")  # checked even when unused (SQLite): a wrong value is never ignored
    if port is not None and not 0 < port < 65536:
        raise ConfigurationError(f"DB_PORT: expected a port number from 1 to 65535, got {port}")
    default = env.text("DB_DEFAULT")
    engine_name = env.text("DB_ENGINE")
    if default:
        key = default.strip().lower()
        if key not in DB_DEFAULT_ENGINES:
            raise ConfigurationError(f"DB_DEFAULT: expected postgresql or mssql, got {default!r}")
        overrides = {"postgresql": env.text("PSQL_DB_ENGINE"), "mssql": env.text("MSSQL_DB_ENGINE")}
        engine_name = engine_name or overrides[key] or DB_DEFAULT_ENGINES[key]
    if engine_name is None and not env.text("DB_HOST") and not env.text("DB_NAME"):
        return Database(engine="django.db.backends.sqlite3", name=str(data_dir / "openimis.sqlite3"),
                        test_name=env.text("DB_TEST_NAME"), options=options)
    engine_name = engine_name or "django.db.backends.postgresql"
    engine = DB_ENGINES.get(engine_name.strip().lower(), None)
    if engine is None and "." in engine_name:
        engine = engine_name  # a fully qualified third-party backend
    if engine is None:
        known = ", ".join(sorted({"sqlite", "postgresql", "mssql"}))
        raise ConfigurationError(f"DB_ENGINE: unknown database engine {engine_name!r} (known: {known})")
    if engine == "django.db.backends.sqlite3":
        name = env.text("DB_NAME") or str(data_dir / "openimis.sqlite3")
        return Database(engine=engine, name=name, test_name=env.text("DB_TEST_NAME"), options=options)
    return Database(
        engine=engine,
        name=env.text("DB_NAME", "openimis"),
        host=env.text("DB_HOST", "127.0.0.1"),
        port=port if port is not None else DEFAULT_PORTS.get(engine),
        user=env.text("DB_USER", ""),
        password=env.text("DB_PASSWORD", ""),
        test_name=env.text("DB_TEST_NAME"),
        options=options,
    )


def read_mode(env: EnvReader) -> str:
    mode = (env.text("MODE", "DEV") or "DEV").strip().upper()
    if mode not in {"DEV", "PROD"}:
        raise ConfigurationError(f"MODE: expected DEV or PROD, got {env.text('MODE')!r}")
    return mode


# Set by `openimis serve --workers N` for its own process before the settings are read: forked workers
# need a cache they share, and without CACHE_BACKEND/CACHE_URL that is the database's.
SERVE_WORKERS_VARIABLE = "OPENIMIS_SERVE_WORKERS"
DATABASE_CACHE_TABLE = "openimis_cache"


def read_stale_seconds(env: EnvReader) -> int:
    seconds = env.integer("MUTATION_LOG_STALE_SECONDS", 300)
    if seconds < 0:
        raise ConfigurationError(f"MUTATION_LOG_STALE_SECONDS: expected seconds (0 or more), got {seconds}")
    return seconds


def read_cache(env: EnvReader) -> tuple[str, str | None, dict]:
    backend = env.text("CACHE_BACKEND")
    url = env.text("CACHE_URL")
    options = env.json_object("CACHE_OPTIONS")
    if backend is None and not url and (env.integer(SERVE_WORKERS_VARIABLE, 1) or 1) > 1:
        backend = "database"
    if backend is None:
        backend = "redis" if url and url.startswith(("redis://", "rediss://")) else "locmem"
    resolved = CACHE_BACKENDS.get(backend.lower(), backend if "." in backend else None)
    if resolved is None:
        raise ConfigurationError(
            f"CACHE_BACKEND: unknown cache {backend!r} (known: {', '.join(CACHE_BACKENDS)} or a dotted path)")
    return resolved, url, options


def load_environment(values: dict[str, str] | None = None, base_dir: Path | None = None) -> Environment:
    """Read the process environment (over a `.env` file in the working directory)."""
    base_dir = base_dir or Path.cwd()
    if values is None:
        values = {**read_dotenv(base_dir / ".env"), **os.environ}
    env = EnvReader(values)
    mode = read_mode(env)
    secret_key = env.text("SECRET_KEY")
    if mode == "PROD" and not secret_key:
        raise ConfigurationError("SECRET_KEY: must be set when MODE=PROD")
    data_dir = Path(env.text("OPENIMIS_DATA_DIR", str(base_dir / "data"))).resolve()
    site_root = (env.text("SITE_ROOT", "api") or "api").strip("/")
    site_url = env.text("SITE_URL", "") or ""
    allowed = env.words("ALLOWED_HOST", ["*"] if mode == "DEV" else ["localhost", "127.0.0.1"])
    cache_backend, cache_url, cache_options = read_cache(env)
    ratelimit_rate = env.text("RATELIMIT_RATE", "150/m")
    if not _valid_rate(ratelimit_rate):
        raise ConfigurationError(f"RATELIMIT_RATE: expected a rate like 150/m, got {ratelimit_rate!r}")
    return Environment(
        mode=mode,
        secret_key=secret_key or "openimis-lite-development-key-do-not-use-in-production",
        data_dir=data_dir,
        database=read_database(env, data_dir),
        demo_dataset=env.flag("DEMO_DATASET", False),
        site_root=site_root + "/" if site_root else "",
        site_url=site_url,
        frontend_url=env.text("FRONTEND_URL", "/front") or "/front",
        allowed_hosts=allowed,
        csrf_trusted_origins=env.words("CSRF_TRUSTED_ORIGINS"),
        migrate=env.flag("DJANGO_MIGRATE", True),
        scheduler_autostart=env.flag("SCHEDULER_AUTOSTART", False),
        mutation_log_stale_seconds=read_stale_seconds(env),
        log_handler=read_log_handler(env, "DJANGO_LOG_HANDLER", "console"),
        db_log_handler=read_log_handler(env, "DJANGO_DB_LOG_HANDLER", "null"),
        db_queries_log_file=env.text("DB_QUERIES_LOG_FILE"),
        debug_log_file=env.text("DEBUG_LOG_FILE"),
        photo_root_path=Path(env.text("PHOTO_ROOT_PATH", str(data_dir / "photos"))),
        openimis_conf_json=env.text("OPENIMIS_CONF_JSON"),
        openimis_conf=env.text("OPENIMIS_CONF"),
        remote_user_authentication=env.flag("REMOTE_USER_AUTHENTICATION", False),
        row_security=env.flag("ROW_SECURITY", True),
        celery_broker_url=env.text("CELERY_BROKER_URL"),
        channels_host=env.text("CHANNELS_HOST"),
        sentry_dsn=env.text("SENTRY_DSN"),
        sentry_sample_rate=env.decimal("SENTRY_SAMPLE_RATE", 1.0),
        is_sentry_enabled=env.flag("IS_SENTRY_ENABLED", False),
        email={
            "host": env.text("EMAIL_HOST", "localhost"),
            "port": env.integer("EMAIL_PORT", 25),
            "user": env.text("EMAIL_HOST_USER", ""),
            "password": env.text("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env.flag("EMAIL_USE_TLS", False),
            "use_ssl": env.flag("EMAIL_USE_SSL", False),
        },
        data_upload_max_memory_size=env.integer("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024),
        master_data_password=env.text("MASTER_DATA_PASSWORD"),
        openhim={
            "url": env.text("OPEHNHIM_URL"),
            "user": env.text("OPEHNHIM_USER"),
            "password": env.text("OPEHNHIM_PASSWORD"),
        },
        cache_backend=cache_backend,
        cache_url=cache_url,
        cache_options=cache_options,
        ratelimit={
            "cache": env.text("RATELIMIT_CACHE", "default"),
            "key": env.text("RATELIMIT_KEY", "ip"),
            "rate": ratelimit_rate,
            "method": env.words("RATELIMIT_METHOD", ["POST"]),
            "group": env.text("RATELIMIT_GROUP", "graphql"),
            "skip_timeout": env.flag("RATELIMIT_SKIP_TIMEOUT", False),
            "enabled": env.flag("RATELIMIT_ENABLE", mode == "PROD"),
        },
        opensearch={key: value for key, value in values.items() if key.startswith("OPENSEARCH_")},
        jwt_expiration_seconds=env.integer("JWT_EXPIRATION_DELTA", 24 * 3600),
        jwt_refresh_expiration_seconds=env.integer("JWT_REFRESH_EXPIRATION_DELTA", 30 * 24 * 3600),
        login_lockout_attempts=env.integer("LOGIN_LOCKOUT_ATTEMPTS", 5),
        login_lockout_seconds=env.integer("LOGIN_LOCKOUT_SECONDS", 15 * 60),
        graphql_max_depth=env.integer("GRAPHQL_MAX_DEPTH", 15),
        graphql_max_aliases=env.integer("GRAPHQL_MAX_ALIASES", 30),
        graphql_max_query_bytes=env.integer("GRAPHQL_MAX_QUERY_BYTES", 100_000),
        graphql_max_tokens=env.integer("GRAPHQL_MAX_TOKENS", 20_000),
        graphql_max_argument_length=env.integer("GRAPHQL_MAX_ARGUMENT_LENGTH", 1_000),
        cache_configured=bool(env.text("CACHE_BACKEND") or env.text("CACHE_URL")),
        trusted_proxies=read_trusted_proxies(env),
    )


def read_trusted_proxies(env: EnvReader) -> tuple:
    """`TRUSTED_PROXIES`: comma-separated addresses or networks (`10.0.0.5`, `10.0.0.0/24`, `::1`)."""
    import ipaddress

    networks = []
    for word in env.words("TRUSTED_PROXIES"):
        try:
            networks.append(ipaddress.ip_network(word, strict=False))
        except ValueError:
            raise ConfigurationError(f"TRUSTED_PROXIES: expected IP addresses or networks like 10.0.0.0/24, "
                                     f"got {word!r}") from None
    return tuple(networks)


LOG_HANDLERS = {"console", "null", "debug-log", "db-queries"}


def read_log_handler(env: EnvReader, name: str, default: str) -> str:
    """A logging handler name: console, null, debug-log (needs DEBUG_LOG_FILE), db-queries (needs
    DB_QUERIES_LOG_FILE)."""
    handler = env.text(name, default)
    if handler not in LOG_HANDLERS:
        known = ", ".join(sorted(LOG_HANDLERS))
        raise ConfigurationError(f"{name}: unknown handler {handler!r} (known: {known})")
    needs = {"debug-log": "DEBUG_LOG_FILE", "db-queries": "DB_QUERIES_LOG_FILE"}.get(handler)
    if needs and not env.text(needs):
        raise ConfigurationError(f"{name}: the handler {handler} needs {needs} to be set")
    return handler


RATE_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _valid_rate(rate: str | None) -> bool:
    return parse_rate(rate) is not None


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """`150/m` -> (150, 60); `10/5m` -> (10, 300). None when malformed."""
    if not rate or "/" not in rate:
        return None
    count, period = rate.split("/", 1)
    unit = period[-1:].lower()
    multiplier = period[:-1] or "1"
    if not count.isdigit() or unit not in RATE_PERIODS or not multiplier.isdigit():
        return None
    return int(count), int(multiplier) * RATE_PERIODS[unit]
