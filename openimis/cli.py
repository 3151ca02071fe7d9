"""`openimis serve | worker | scheduler | manage ...`"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from contextlib import contextmanager

STARTED = time.perf_counter()
DEMO_ADMIN = {"username": "Admin", "password": "admin123"}  # the administrator of the demo dataset


def fail(message: str, code: int = 2) -> None:
    print(f"openimis: {message}", file=sys.stderr)
    raise SystemExit(code)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openimis.settings")
    from openimis.environment import ConfigurationError
    from openimis.modules import ModuleError

    try:
        import django

        django.setup()
    except ConfigurationError as error:
        fail(f"configuration error: {error}")
    except ModuleError as error:
        fail(f"module error: {error}")


@contextmanager
def collecting_garbage():
    """The garbage collector on for a while (`serve` turns it off for start-up), collecting the youngest
    objects every 10,000 allocations instead of 700: running the migrations of a new database (thousands
    of short-lived model classes, each a knot of cycles) then spent 0.2 s collecting instead of 0.4 s."""
    was_enabled, thresholds = gc.isenabled(), gc.get_threshold()
    gc.set_threshold(10_000, *thresholds[1:])
    gc.enable()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if not was_enabled:
            gc.disable()


def migrations_pending(connection) -> bool:
    """False when every migration file of every installed app is recorded as applied: then `migrate`
    has nothing to do. Reading the file names and one table costs a few milliseconds, where Django's
    planner imports every migration module and builds the graph (50 ms, more without bytecode caches).
    True also in the rare cases the planner itself would find nothing to apply (a squashed migration
    whose replaced migrations are all applied): `migrate` then only records it."""
    import pkgutil
    from importlib import import_module

    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return True
    applied = recorder.applied_migrations()
    for app_config in apps.get_app_configs():
        module_name, _explicit = MigrationLoader.migrations_module(app_config.label)
        if module_name is None:
            continue
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name and "migrations" in error.name.split("."):
                continue  # an app without migrations: `migrate` leaves it alone too
            return True  # something else is missing: let `migrate` report it
        for _finder, name, is_package in pkgutil.iter_modules(getattr(module, "__path__", [])):
            if not is_package and name[0] not in "_~" and (app_config.label, name) not in applied:
                return True
    return False


def prepare_database() -> None:
    """Apply migrations (per DJANGO_MIGRATE), the reference data and, for the demo, the administrator."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import DEFAULT_DB_ALIAS, connections

    from openimis.core import services
    from openimis.fresh_schema import create_from_recording
    from openimis.server import create_cache_tables

    create_cache_tables()  # first: the migrations' writes already update the table versions it holds
    env = settings.ENV
    connection = connections[DEFAULT_DB_ALIAS]
    if env.migrate and migrations_pending(connection):
        if create_from_recording(connection):
            print("openimis: new database created from the recording of its migrations", flush=True)
        else:
            print("openimis: applying database migrations ...", flush=True)
            with collecting_garbage():  # migrations render thousands of short-lived model classes
                call_command("migrate", interactive=False, verbosity=0)
    services.ensure_reference_data()
    if env.demo_dataset:
        load_demo_dataset()


def load_demo_dataset() -> None:
    """The openIMIS demo dataset, into an empty database only (a database with users is left alone)."""
    from openimis.core.models import User

    if User.all_objects.exists():
        return
    from openimis.core import services
    from openimis.core.legacy_import import database_is_empty
    from openimis.core.legacy_import.demo import load_demo_dataset as load

    if not database_is_empty():
        print("openimis: demo dataset not loaded: the database already holds data", flush=True)
        return
    print("openimis: loading the openIMIS demo dataset ...", flush=True)
    with collecting_garbage():
        report = load()
    services.ensure_reference_data()
    print(f"openimis: demo dataset loaded: {report.summary()}", flush=True)


def resolve_stale_mutation_logs(process_started: float) -> None:
    """Mutation logs a stopped process left at 0 are marked failed, "interrupted"
    (`openimis.core.stale_mutations`)."""
    import datetime

    from openimis.core.stale_mutations import resolve_at_start

    started = datetime.datetime.fromtimestamp(process_started, datetime.UTC)
    resolved = resolve_at_start(started)
    if resolved:
        print(f"openimis: {resolved} mutation(s) interrupted by a stop of the server marked failed",
              flush=True)


def serve(args) -> None:
    # Start-up creates over 100,000 long-lived container objects (Django, the modules, the GraphQL schema)
    # and the collector kept traversing them as they grew: about 0.1 s of CPU. It is off until the server
    # freezes them (`openimis.server`), as Python's documentation advises for servers that fork.
    gc.disable()
    process_started = time.time() - (time.perf_counter() - STARTED)
    from openimis.server import prepare_workers

    prepare_workers(args.workers)  # before the settings: several workers need a cache they share
    setup_django()
    from django.conf import settings

    if settings.ENV.database is None:
        fail("NO_DATABASE: the server needs a database; unset NO_DATABASE to serve")
    prepare_database()
    resolve_stale_mutation_logs(process_started)
    from openimis.web.build import missing_build_message

    missing = missing_build_message()
    if missing:
        print(f"openimis: {missing}", flush=True)
    url = f"http://{args.host}:{args.port}/"
    print(f"openimis: serving openIMIS on {url} (GraphQL at {url}{settings.SITE_ROOT}graphql)", flush=True)
    if settings.ENV.demo_dataset:
        print(f"openimis: log in as {DEMO_ADMIN['username']} / {DEMO_ADMIN['password']}", flush=True)
    print(f"openimis: ready to start in {time.perf_counter() - STARTED:.2f}s", flush=True)
    from openimis.server import run_server

    run_server(args.host, args.port, args.workers, args.threads,
               scheduler=settings.ENV.scheduler_autostart and not settings.CELERY_BROKER_URL)


def worker(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openimis.settings")
    if not os.environ.get("CELERY_BROKER_URL"):
        setup_django()
        from django.conf import settings

        if not settings.CELERY_BROKER_URL:
            fail("CELERY_BROKER_URL is not set: in embedded mode tasks run inside `openimis serve`")
    try:
        from openimis.celery import app
    except ImportError:
        fail("the Celery worker needs the celery extra: pip install 'openimis-lite[celery]'")
    app.worker_main(argv=["worker", "--loglevel=INFO", *args.celery_args])


def scheduler(args) -> None:
    setup_django()
    from openimis.core.scheduler import run_forever

    run_forever()


def manage(args) -> None:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["openimis manage", *args.arguments])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="openimis", description="openIMIS Lite")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="migrate, then serve the API and the frontend")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument("--workers", type=int, default=1)
    serve_parser.add_argument("--threads", type=int, default=8)
    serve_parser.set_defaults(handler=serve)
    worker_parser = commands.add_parser("worker", help="run a Celery worker (needs CELERY_BROKER_URL)")
    worker_parser.add_argument("celery_args", nargs=argparse.REMAINDER)
    worker_parser.set_defaults(handler=worker)
    scheduler_parser = commands.add_parser("scheduler", help="run the scheduled jobs (exactly one per site)")
    scheduler_parser.set_defaults(handler=scheduler)
    manage_parser = commands.add_parser("manage", help="run a Django management command")
    manage_parser.add_argument("arguments", nargs=argparse.REMAINDER)
    manage_parser.set_defaults(handler=manage)
    return parser


# Everything after these commands belongs to Celery / Django, options included (`worker --pool solo`).
PASS_THROUGH = {"worker": "celery_args", "manage": "arguments"}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    if argv and argv[0] in PASS_THROUGH:
        args = parser.parse_args(argv[:1])
        setattr(args, PASS_THROUGH[argv[0]], argv[1:])
    else:
        args = parser.parse_args(argv)
    args.handler(args)


if __name__ == "__main__":
    main()
