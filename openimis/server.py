"""The production WSGI servers: one threaded process (waitress), or gunicorn's forked threaded workers."""

from __future__ import annotations

import gc
import logging
import os
import queue
import selectors
import socket
import sys
import threading
import time
from concurrent import futures

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


class QueueDepthWarnings:
    """Stands for waitress's `waitress.queue` logger in its dispatcher: waitress warns "Task queue depth is
    N" at every request that finds no idle thread, a line per request under load. This logs at most one
    line per `interval` seconds, with the deepest queue seen since the last line."""

    def __init__(self, logger: logging.Logger, interval: float = 60.0, clock=time.monotonic):
        self.logger = logger
        self.interval = interval
        self.clock = clock
        self.lock = threading.Lock()
        self.last_logged: float | None = None
        self.deepest = 0
        self.times = 0

    def warning(self, message: str, depth: int = 0, *args) -> None:
        now = self.clock()
        with self.lock:
            self.deepest = max(self.deepest, depth)
            self.times += 1
            if self.last_logged is not None and now - self.last_logged < self.interval:
                return
            deepest, times = self.deepest, self.times
            self.last_logged, self.deepest, self.times = now, 0, 0
        if times == 1:
            self.logger.warning("Task queue depth is %d", deepest)
        else:
            self.logger.warning("Task queue depth is up to %d (%d requests waited for a thread in the last "
                                "%d s)", deepest, times, round(self.interval))


def liveness_dispatcher(application):
    """waitress's task dispatcher, with one more thread for liveness checks only: a check is parsed by
    waitress's main loop like any request, then served by that thread (the gateway answers it without
    Django) instead of waiting in the queue behind requests when all `--threads` are busy."""
    from waitress.task import ThreadedTaskDispatcher

    class LivenessDispatcher(ThreadedTaskDispatcher):
        def __init__(self):
            super().__init__()
            self.queue_logger = QueueDepthWarnings(logging.getLogger("waitress.queue"))
            self.liveness_tasks = queue.SimpleQueue()
            self.liveness_thread = threading.Thread(target=self._serve_liveness_checks,
                                                    name="waitress-liveness", daemon=True)
            self.liveness_thread.start()

        def add_task(self, task):
            if self._is_liveness_check(task):
                self.liveness_tasks.put(task)
            else:
                super().add_task(task)

        @staticmethod
        def _is_liveness_check(task) -> bool:
            requests = getattr(task, "requests", None)
            if not requests:
                return False
            request = requests[0]
            return (not request.error and not request.content_length and not request.chunked
                    and application.is_liveness_check(request.command or "", request.path or ""))

        def _serve_liveness_checks(self):
            while True:
                task = self.liveness_tasks.get()
                if task is None:
                    return
                try:
                    task.service()
                except BaseException:
                    self.logger.exception("Exception when servicing %r", task)

        def shutdown(self, *args, **kwargs):
            self.liveness_tasks.put(None)
            return super().shutdown(*args, **kwargs)

    return LivenessDispatcher()


def _serve_forked_workers(application, host: str, port: int, workers: int, threads: int,
                          scheduler: bool) -> None:
    from django.conf import settings
    from gunicorn.app.base import BaseApplication

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


LIVENESS_PEEK_BYTES = 2048


def liveness_request_head(data: bytes, gateway) -> bytes | None:
    """The bytes of `data` that make one whole liveness request without a body (request line and headers),
    else None."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = data[:end + 4]
    request_line, _, headers = head.partition(b"\r\n")
    parts = request_line.split(b" ")
    if len(parts) != 3 or not parts[2].startswith(b"HTTP/1."):
        return None
    method, target = parts[0].decode("latin-1"), parts[1].decode("latin-1")
    path = target.split("?", 1)[0]
    if not gateway.is_liveness_check(method, path):
        return None
    for line in headers.split(b"\r\n"):
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() not in (b"", b"0")):
            return None  # a body to read: the ordinary way
    return head


def liveness_response(head: bytes) -> bytes:
    from openimis.core.health import LIVENESS_BODY

    method = head.split(b" ", 1)[0]
    lines = [b"HTTP/1.1 200 OK", b"Content-Type: application/json", b"Cache-Control: no-store",
             b"Content-Length: %d" % len(LIVENESS_BODY), b"Connection: close"]
    if method == b"OPTIONS":
        lines.append(b"Allow: GET, HEAD, OPTIONS")
    return b"\r\n".join(lines) + b"\r\n\r\n" + (b"" if method == b"HEAD" else LIVENESS_BODY)


def liveness_thread_worker(gateway):
    """gunicorn's gthread worker, answering liveness checks with a thread of their own.

    gunicorn hands each accepted connection to its pool of `--threads`, which reads the request; with every
    thread busy, a balancer's check would wait behind the requests. This worker lets its main loop wait
    (in its poller, as gunicorn does for kept-alive connections) until a new connection has bytes, peeks at
    them, and gives a whole liveness request to its liveness thread, which answers it from the socket and
    closes the connection; every other request goes to the pool as before. TLS connections (gunicorn's
    own certificates) always go to the pool."""
    from gunicorn.workers.gthread import ThreadWorker

    class LivenessThreadWorker(ThreadWorker):
        def init_process(self):
            self.liveness_pool = futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="liveness")
            super().init_process()

        def enqueue_req(self, conn):
            if self.cfg.is_ssl or (conn.parser is not None and conn.parser.unreader.buf.getvalue()):
                return super().enqueue_req(conn)
            try:
                data = conn.sock.recv(LIVENESS_PEEK_BYTES, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            except BlockingIOError:
                if conn.initialized:
                    return super().enqueue_req(conn)
                self._wait_for_first_bytes(conn)
                return None
            except OSError:
                return super().enqueue_req(conn)
            conn.data_ready = True
            head = liveness_request_head(data, gateway) if data else None
            if head is None:
                return super().enqueue_req(conn)
            answered = self.liveness_pool.submit(_answer_liveness_check, conn.sock, head)
            answered.add_done_callback(
                lambda future: self.method_queue.defer(self.finish_request, conn, future))
            return None

        def _wait_for_first_bytes(self, conn):
            conn.sock.setblocking(False)
            conn.timeout = time.monotonic() + max(self.cfg.keepalive, 5)
            self.pending_conns.append(conn)
            self.poller.register(conn.sock, selectors.EVENT_READ,
                                 lambda _sock: self.on_pending_socket_readable(conn, conn.sock))

        def run(self):
            try:
                super().run()
            finally:
                self.liveness_pool.shutdown(wait=False)

    return LivenessThreadWorker


def _answer_liveness_check(sock, head: bytes) -> bool:
    """Consume the check's bytes, answer it; False: gunicorn closes the connection."""
    sock.setblocking(True)
    sock.settimeout(5)
    remaining = len(head)
    while remaining:
        chunk = sock.recv(remaining)
        if not chunk:
            return False
        remaining -= len(chunk)
    sock.sendall(liveness_response(head))
    return False
