"""The production WSGI server: gunicorn with threads (POSIX), waitress on Windows."""

from __future__ import annotations

import sys


def run_server(host: str, port: int, workers: int, threads: int, scheduler: bool = False) -> None:
    from openimis.wsgi import application

    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import waitress

        if scheduler:
            from openimis.core.scheduler import start_in_thread

            start_in_thread()
        waitress.serve(application, host=host, port=port, threads=threads)
        return

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

    OpenIMISServer().run()


def _start_scheduler_in_first_worker(server, worker) -> None:
    if worker.age == 1:
        from openimis.core.scheduler import start_in_thread

        start_in_thread()
