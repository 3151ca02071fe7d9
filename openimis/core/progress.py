"""Progress of a long mutation, visible while it runs.

The running mutation holds its log row locked until its transaction ends, so its progress cannot be
written there: it goes to the shared Django cache, one key per log id with a short lifetime, which every
process reads (the server answering `mutationLogs` and a Celery worker alike, when the cache is shared).
`MutationLogGQLType.jsonExt` merges it in while the log is at status 0 (received).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache

TIME_TO_LIVE = 10 * 60  # seconds: a stopped worker's progress does not outlive it for long


def _key(log_id) -> str:
    return f"openimis:mutation-progress:{log_id}"


def report(log_id, data: dict) -> None:
    """Publish the progress `data` of the mutation logged as `log_id`."""
    cache.set(_key(log_id), data, TIME_TO_LIVE)


def current(log_id) -> dict | None:
    """The last progress published for `log_id`, if still known."""
    return cache.get(_key(log_id))


def forget(log_id) -> None:
    cache.delete(_key(log_id))


def reporter(log_id) -> Callable[[str, int, int], None]:
    """The plain callback `progress(step, done, total)` a service receives, publishing for `log_id`."""

    def progress(step: str, done: int, total: int) -> None:
        report(log_id, {"step": step, "done": done, "total": total})

    return progress


def merged_json_ext(json_ext, status, log_id):
    """What a log's `jsonExt` shows: the stored value, with `{"progress": ...}` from the cache while the
    log is at status 0 (received) and some progress was published."""
    if status != 0:
        return json_ext
    found = current(log_id)
    if found is None:
        return json_ext
    base = dict(json_ext) if isinstance(json_ext, dict) else ({} if json_ext is None else {"value": json_ext})
    return {**base, "progress": found}
