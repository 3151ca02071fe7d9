"""The production WSGI servers: one threaded process (waitress), or gunicorn's forked threaded workers."""

from __future__ import annotations

import gc
import sys


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
    from openimis.wsgi import application

    warm_up()
    if workers <= 1 or sys.platform == "win32":
        if workers > 1:  # pragma: no cover - Windows only
            print("openimis: several workers need a POSIX system; serving with one process", flush=True)
        _serve_single_process(application, host, port, threads, scheduler)
    else:
        _serve_forked_workers(application, host, port, workers, threads, scheduler)


def _serve_single_process(application, host: str, port: int, threads: int, scheduler: bool) -> None:
    import waitress

    if scheduler:
        from openimis.core.scheduler import start_in_thread

        start_in_thread()
    freeze_start_up_objects()
    waitress.serve(application, host=host, port=port, threads=threads, ident="openIMIS",
                   clear_untrusted_proxy_headers=True, _quiet=True)


def _serve_forked_workers(application, host: str, port: int, workers: int, threads: int,
                          scheduler: bool) -> None:
    from gunicorn.app.base import BaseApplication

    class OpenIMISServer(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
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
