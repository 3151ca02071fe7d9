"""Liveness checks answered while every request thread is busy, for the two servers of `openimis serve`.

A balancer's check must not wait in the queue behind slow requests (it would mark a busy process down):
waitress's dispatcher and gunicorn's gthread worker each get one more thread, for liveness requests only
(the gateway, `openimis.gateway`, answers them without Django). Both subclass the servers' own classes:
the versions in pyproject.toml are those this was written and tested against. waitress's per-request
"Task queue depth" warnings are folded into one line a minute (`QueueDepthWarnings`).
"""

from __future__ import annotations

import logging
import queue
import selectors
import socket
import threading
import time
from concurrent import futures


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
