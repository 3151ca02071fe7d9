"""Django settings, derived from the one typed `Environment` (see `environment.py`)."""

from __future__ import annotations

from pathlib import Path

from openimis.environment import DATABASE_CACHE_TABLE, load_environment
from openimis.modules import enabled_modules, installed_app_paths
from openimis.optional_imports import skip_postgresql_fields

ENV = load_environment()
skip_postgresql_fields(ENV.database.engine if ENV.database else None)
PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent

DEBUG = False
SECRET_KEY = ENV.secret_key
OPENIMIS_MODE = ENV.mode
ALLOWED_HOSTS = ENV.allowed_hosts
CSRF_TRUSTED_ORIGINS = ENV.csrf_trusted_origins
SITE_ROOT = ENV.site_root
SITE_URL = ENV.site_url
FRONTEND_URL = ENV.frontend_url
DATA_UPLOAD_MAX_MEMORY_SIZE = ENV.data_upload_max_memory_size
PHOTO_ROOT_PATH = str(ENV.photo_root_path)
# specification 1.7: users other than administrators see the rows of their districts only
ROW_SECURITY = ENV.row_security
MUTATION_LOG_STALE_SECONDS = ENV.mutation_log_stale_seconds  # a log at 0 older than this was interrupted

OPENIMIS_MODULES = enabled_modules(ENV.openimis_conf_json, ENV.openimis_conf)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django_filters",
    "graphene_django",
    "rest_framework",
    *installed_app_paths(OPENIMIS_MODULES),
    "openimis.devtools",  # the developer commands (listed last: a module's command of the same name wins)
]

MIDDLEWARE = [
    "openimis.core.security.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "openimis.web.static.StaticFilesMiddleware",  # WhiteNoise, indexing the apps' files when first asked
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "openimis.core.auth.middleware.JWTAuthenticationMiddleware",
    "openimis.core.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "openimis.urls"
WSGI_APPLICATION = "openimis.wsgi.application"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["openimis.core.auth.backends.OpenIMISBackend"]
# Argon2id (openimis/core/hashers.py) for new passwords; PBKDF2 hashes keep verifying and are
# re-hashed with Argon2id at the next successful login
PASSWORD_HASHERS = [
    "openimis.core.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# usernames are unique among current users (a conditional constraint), which auth.W004 cannot see
SILENCED_SYSTEM_CHECKS = ["auth.W004"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]


def _database_settings() -> dict:
    database = ENV.database
    if database is None:
        return {}
    if database.is_sqlite:
        Path(database.name).parent.mkdir(parents=True, exist_ok=True)
        options = {"timeout": 20, "transaction_mode": "IMMEDIATE",
                   "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", **database.options}
        # a connection per server thread, kept between requests: opening one (its pragmas) and closing it
        # (the last connection of a WAL database checkpoints it) took 2.6 ms, two thirds of a small request
        settings = {"ENGINE": database.engine, "NAME": database.name, "OPTIONS": options, "CONN_MAX_AGE": 60}
    else:
        settings = {
            "ENGINE": database.engine,
            "NAME": database.name,
            "HOST": database.host,
            "PORT": database.port or "",
            "USER": database.user,
            "PASSWORD": database.password,
            "OPTIONS": database.options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    if database.test_name:
        settings["TEST"] = {"NAME": database.test_name}
    return {"default": settings}


DATABASES = _database_settings()

DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


def _cache_settings() -> dict:
    location = ENV.cache_url
    options = dict(ENV.cache_options)
    if ENV.cache_backend == DATABASE_CACHE:
        # a table of the site's database, made at start-up (`openimis serve`); revoked tokens live there
        # until they expire, so culling (300 entries by default) must not reach them
        location = location or DATABASE_CACHE_TABLE
        options.setdefault("MAX_ENTRIES", 1_000_000)
    return {"BACKEND": ENV.cache_backend, **({"LOCATION": location} if location else {}),
            **({"OPTIONS": options} if options else {})}


CACHES = {"default": _cache_settings()}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = str(ENV.data_dir / "static")
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = str(ENV.data_dir / "media")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

GRAPHENE = {
    "SCHEMA": "openimis.graphql.schema.schema",
    "RELAY_CONNECTION_MAX_LIMIT": 100,
    "SCHEMA_OUTPUT": "schema.graphql",
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["openimis.core.auth.rest.JWTRestAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "openimis.core.rest_errors.dispatch_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

JWT = {
    "ALGORITHM": "HS256",
    "EXPIRATION_SECONDS": ENV.jwt_expiration_seconds,
    "REFRESH_EXPIRATION_SECONDS": ENV.jwt_refresh_expiration_seconds,
    "PRIVATE_KEY_FILE": BASE_DIR / "keys" / "jwt_private_key.pem",
    "PUBLIC_KEY_FILE": BASE_DIR / "keys" / "jwt_public_key.pem",
    "COOKIE": "JWT",
    "REFRESH_COOKIE": "JWT-refresh-token",
}
LOGIN_LOCKOUT = {"ATTEMPTS": ENV.login_lockout_attempts, "SECONDS": ENV.login_lockout_seconds,
                 "ENABLED": ENV.is_prod}
RATELIMIT = ENV.ratelimit
# the proxies whose X-Forwarded-For names the client (rate limit, lockout, logs); see openimis/core/proxies.py
TRUSTED_PROXIES = ENV.trusted_proxies
# MAX_QUERY_BYTES and MAX_TOKENS refuse a query document before it is parsed; MAX_JSON_DEPTH bounds the
# nesting of the variables; MAX_ARGUMENT_LENGTH bounds each text argument of a query's field (the filters)
GRAPHQL_LIMITS = {"MAX_DEPTH": ENV.graphql_max_depth, "MAX_ALIASES": ENV.graphql_max_aliases,
                  "MAX_QUERY_BYTES": ENV.graphql_max_query_bytes, "MAX_TOKENS": ENV.graphql_max_tokens,
                  "MAX_JSON_DEPTH": 100, "MAX_ARGUMENT_LENGTH": ENV.graphql_max_argument_length}
# how many ids a mutation may list in `uuids` (a bulk delete, suspend, ...): more is refused before any work
MUTATION_MAX_IDS = 100

# Sessions are not used for authentication (the JWT is); Django admin keeps its own session.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if ENV.is_prod:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "no-referrer"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    X_FRAME_OPTIONS = "DENY"

EMAIL_HOST = ENV.email["host"]
EMAIL_PORT = ENV.email["port"]
EMAIL_HOST_USER = ENV.email["user"]
EMAIL_HOST_PASSWORD = ENV.email["password"]
EMAIL_USE_TLS = ENV.email["use_tls"]
EMAIL_USE_SSL = ENV.email["use_ssl"]
DEFAULT_FROM_EMAIL = ENV.email["user"] or "openimis@localhost"
if not ENV.email["user"] and ENV.is_dev:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

CELERY_BROKER_URL = ENV.celery_broker_url
CELERY_TASK_ALWAYS_EAGER = ENV.celery_broker_url is None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"standard": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "standard"},
        "null": {"class": "logging.NullHandler"},
        **({"debug-log": {"class": "logging.FileHandler", "filename": ENV.debug_log_file,
                          "formatter": "standard"}} if ENV.debug_log_file else {}),
        **({"db-queries": {"class": "logging.FileHandler", "filename": ENV.db_queries_log_file,
                           "formatter": "standard"}} if ENV.db_queries_log_file else {}),
    },
    "loggers": {
        "openimis": {"handlers": [ENV.log_handler], "level": "INFO" if ENV.is_prod else "DEBUG"},
        "django.db.backends": {"handlers": ["db-queries" if ENV.db_queries_log_file else ENV.db_log_handler],
                               "level": "DEBUG", "propagate": False},
        "django.request": {"handlers": [ENV.log_handler], "level": "WARNING", "propagate": False},
    },
}

def _check_cache_packages() -> None:
    from openimis.environment import ConfigurationError

    if RATELIMIT["cache"] not in CACHES:
        raise ConfigurationError(f"RATELIMIT_CACHE: no cache named {RATELIMIT['cache']!r} (known: default)")
    needed = {"django.core.cache.backends.redis.RedisCache": "redis",
              "django.core.cache.backends.memcached.PyMemcacheCache": "pymemcache"}.get(ENV.cache_backend)
    if needed:
        try:
            __import__(needed)
        except ImportError:
            raise ConfigurationError(f"CACHE_BACKEND: needs the Python package {needed} (pip install it)")


_check_cache_packages()

if ENV.is_sentry_enabled and ENV.sentry_dsn:
    try:
        import sentry_sdk
    except ImportError:  # pragma: no cover - depends on the optional extra
        from openimis.environment import ConfigurationError

        raise ConfigurationError("IS_SENTRY_ENABLED: needs the sentry extra (openimis-lite[sentry])")
    sentry_sdk.init(dsn=ENV.sentry_dsn, traces_sample_rate=ENV.sentry_sample_rate)
