"""A small interval scheduler for the modules' `scheduled_jobs` ((dotted path, seconds) pairs).

Embedded mode runs it in a thread of the server (`SCHEDULER_AUTOSTART=true`); scaled out, an
`openimis scheduler` process runs it. Only the scheduler holding the scheduler lock runs jobs: a second
one waits and takes over when the first stops (`openimis.core.scheduler_lock`).
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


def run_forever(stop: threading.Event | None = None, tick: float = 1.0, lock=None) -> None:
    """Run the due jobs every `tick` while this scheduler holds the scheduler lock
    (`openimis.core.scheduler_lock`); without it, wait and try to take it on every tick: one scheduler
    runs the jobs, a second one takes over when the first stops."""
    from openimis.core.scheduler_lock import scheduler_lock

    stop = stop or threading.Event()
    lock = lock or scheduler_lock()
    next_runs: dict[str, float] = {}
    holding = waiting_said = False
    try:
        while not stop.is_set():
            if holding and not lock.still_held():
                logger.warning("scheduler: the lock (%s) was lost; waiting to take it again",
                               lock.description)
                holding, waiting_said = False, False
            if not holding:
                holding = lock.acquire()
                if holding:
                    logger.info("scheduler: lock taken (%s); running %d job(s)", lock.description,
                                len(scheduled_jobs()))
                    next_runs.clear()
                elif not waiting_said:
                    logger.info("scheduler: another scheduler holds the lock (%s); waiting", lock.description)
                    waiting_said = True
            if holding:
                run_due_jobs(next_runs, time.time())
            stop.wait(tick)
    finally:
        lock.release()


def start_in_thread() -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(stop,), name="openimis-scheduler", daemon=True).start()
    return stop
