"""A small interval scheduler for the modules' `scheduled_jobs` ((dotted path, seconds) pairs).

Embedded mode runs it in a thread of the server (`SCHEDULER_AUTOSTART=true`); scaled out, exactly one
`openimis scheduler` process runs it.
"""

from __future__ import annotations

import logging
import threading
import time

from openimis.modules import import_string_or_none, module_configs

logger = logging.getLogger("openimis.scheduler")


def scheduled_jobs() -> list[tuple[str, int]]:
    return [(path, int(seconds)) for config in module_configs() for path, seconds in config.scheduled_jobs]


def run_due_jobs(next_runs: dict[str, float], now: float) -> None:
    for path, seconds in scheduled_jobs():
        if next_runs.get(path, 0) > now:
            continue
        next_runs[path] = now + seconds
        try:
            import_string_or_none(path)()
        except Exception:  # one failing job must not stop the others
            logger.exception("scheduled job %s failed", path)


def run_forever(stop: threading.Event | None = None, tick: float = 1.0) -> None:
    stop = stop or threading.Event()
    next_runs: dict[str, float] = {}
    logger.info("scheduler started with %d job(s)", len(scheduled_jobs()))
    while not stop.is_set():
        run_due_jobs(next_runs, time.time())
        stop.wait(tick)


def start_in_thread() -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(stop,), name="openimis-scheduler", daemon=True).start()
    return stop
