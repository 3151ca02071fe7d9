"""The production WSGI servers: one threaded process (waitress), or gunicorn's forked threaded workers."""

from __future__ import annotations

import gc
import os
import sys

PER_PROCESS_CACHES = {"django.core.cache.backends.locmem.LocMemCache"}
DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


def prepare_workers(workers: int) -> None:
    """Before the settings are read. Forked workers must share the cache that holds revoked tokens, login
    failures and rate-limit counters: without CACHE_BACKEND/CACHE_URL they get the database's
    (`openimis.environment.read_cache`); a configured cache of each process's own stops start-up."""
    if workers <= 1 or sys.platform == "win32":
        return
    from openimis.environment import (
        CACHE_BACKENDS,
        SERVE_WORKERS_VARIABLE,
        ConfigurationError,
        load_environment,
    )

    os.environ[SERVE_WORKERS_VARIABLE] = str(workers)
    try:
        env = load_environment()
    except ConfigurationError:
        return  # reported, with the variable's name, when the settings are read
    if env.cache_backend in PER_PROCESS_CACHES:
        name = {path: name for name, path in CACHE_BACKENDS.items()}.get(env.cache_backend, env.cache_backend)
        print(f"openimis: CACHE_BACKEND={name} is a cache of each process, but --workers {workers} needs one "
              "the workers share (revoked tokens, login lockouts, rate limits): set CACHE_BACKEND=database, "
              "redis or memcached, or leave CACHE_BACKEND and CACHE_URL unset for the database's",
              file=sys.stderr, flush=True)
        raise SystemExit(2)


def create_cache_tables() -> None:
    """The table of each database cache (`createcachetable` does nothing when it exists)."""
    from django.conf import settings

    if any(cache["BACKEND"] == DATABASE_CACHE for cache in settings.CACHES.values()):
        from django.core.management import call_command

        call_command("createcachetable", verbosity=0)


def warm_up() -> None:
    """Do now, once, what the first request would do in every worker.

    Django imports the URL map (and with it the views and the GraphQL schema) on the first request,
    and graphql-core fills its caches on the first query. Done before gunicorn forks, the workers share
    these pages with the master instead of each building a private copy, and the first request is fast.
    """
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the property imports the URL modules
    from openimis.graphql.schema import schema

    schema.execute("{ __typename }")
    connections.close_all()  # no database connection crosses the fork


def freeze_start_up_objects() -> None:
    """What is loaded now lives as long as the process: frozen, the collector no longer traverses it
    (each full collection would otherwise walk over 100,000 objects) nor writes to its pages, so forked
    workers go on sharing them with the master (copy-on-write). Then collection resumes for what the
    requests create. `openimis serve` runs its start-up with the collector off: the 10,000 objects of
    start-up garbage frozen with the rest (no measurable memory) are not worth a full collection, 50 to
    70 ms, before serving."""
    gc.freeze()
    gc.enable()


def run_server(host: str, port: int, workers: int, threads: int, scheduler: bool = False) -> None:
    """One worker: a single process (waitress, threads), the embedded deployment of the design.
    Several workers (POSIX): gunicorn's master forks that many threaded workers from a warm app."""
    from openimis.wsgi import application  # Django behind the gateway

    warm_up()
    if workers <= 1 or sys.platform == "win32":
        if workers > 1:  # pragma: no cover - Windows only
            print("openimis: several workers need a POSIX system; serving with one process", flush=True)
        _serve_single_process(application, host, port, threads, scheduler)
    else:
        _serve_forked_workers(application, host, port, workers, threads, scheduler)


def _serve_single_process(application, host: str, port: int, threads: int, scheduler: bool) -> None:
    from waitress.server import create_server

    from openimis.liveness import liveness_dispatcher

    if scheduler:
        from openimis.core.scheduler import start_in_thread

        start_in_thread()
    dispatcher = liveness_dispatcher(application)
    dispatcher.set_thread_count(threads)
    # the gateway decides which proxies to believe (TRUSTED_PROXIES, CIDRs): waitress passes the
    # forwarding headers on untouched, and the gateway drops them from a peer it does not trust
    server = create_server(application, host=host, port=port, threads=threads, ident="openIMIS",
                           clear_untrusted_proxy_headers=False, _dispatcher=dispatcher)
    freeze_start_up_objects()
    server.run()


def _serve_forked_workers(application, host: str, port: int, workers: int, threads: int,
                          scheduler: bool) -> None:
    from django.conf import settings
    from gunicorn.app.base import BaseApplication

    from openimis.liveness import liveness_thread_worker

    class OpenIMISServer(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", liveness_thread_worker(application))
            trusted = [str(network) for network in settings.TRUSTED_PROXIES]
            if trusted:  # X-Forwarded-Proto of these peers sets the scheme (as SECURE_PROXY_SSL_HEADER does)
                self.cfg.set("forwarded_allow_ips", ",".join(trusted))
            self.cfg.set("preload_app", True)
            self.cfg.set("accesslog", None)
            self.cfg.set("graceful_timeout", 10)
            self.cfg.set("timeout", 120)
            if "control_socket_disable" in self.cfg.settings:
                self.cfg.set("control_socket_disable", True)
            if scheduler:
                self.cfg.set("post_fork", _start_scheduler_in_first_worker)

        def load(self):
            return application

    freeze_start_up_objects()
    OpenIMISServer().run()


def _start_scheduler_in_first_worker(server, worker) -> None:
    if worker.age == 1:
        from openimis.core.scheduler import start_in_thread

        start_in_thread()
