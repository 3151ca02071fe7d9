"""Mutation logs left at 0 (received) by a process that stopped: resolved as failed, "interrupted".

Since a mutation's work and its log's status 2 commit in one transaction (`openimis.core.tasks`), a log
at 0 means that none of its work was committed. Such a log is stale when it is older than
`MUTATION_LOG_STALE_SECONDS` (environment, 300 by default): the process that ran it
(a server killed in the middle of a request, a web process killed between the commit of the log and the
hand-off to Celery) is gone. `openimis serve` resolves stale logs before it serves, and the core module's
scheduled job every minute.

At the start of the embedded server (SQLite, no Celery) no other process runs mutations, so every log at
0 older than the process is stale whatever its age. With PostgreSQL, several web processes or Celery,
another process may be running a young log right now: only age counts.

Why stale logs are marked failed and not queued again: the log does not keep what is needed to run the
work again. Its `json_content` leaves secrets out (passwords), and nothing records which mutation it
was. With Celery the broker keeps a task until a worker has run it (late acknowledgement, a task
whose worker died is delivered again), so a log at 0 past the stale age is one whose task never
reached the broker or that the broker lost; a task still queued when its log is resolved finds the log
at 1 and does not run (`execute_mutation` runs a log at 0 only). Set `MUTATION_LOG_STALE_SECONDS` above
the longest wait a task may have in the queue. The client sees an ordinary failed mutation (status 1)
with an "interrupted" message in its language and can send it again: nothing of it was applied.
"""

from __future__ import annotations

import datetime
import json
import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

logger = logging.getLogger("openimis.tasks")


def stale_seconds() -> int:
    """`MUTATION_LOG_STALE_SECONDS` (settings, from the environment; 300 by default)."""
    return settings.MUTATION_LOG_STALE_SECONDS


def interrupted_error() -> str:
    """The error of an interrupted log, as a JSON list, in the active language."""
    return json.dumps([{
        "message": _("Interrupted: the server stopped before this mutation finished"),
        "detail": _("Nothing of it was applied; it can be sent again"),
    }])


def resolve_stale_logs(received_before: datetime.datetime | None = None) -> int:
    """Mark failed (status 1, "interrupted") every log at 0 received before `received_before` (default:
    `MUTATION_LOG_STALE_SECONDS` ago). Each log is ended in the language of its user, over a log still
    at 0 only, so a work that commits meanwhile keeps its status 2; on PostgreSQL a log whose work is
    running (its row locked by `execute_mutation`) is skipped; on SQLite the update waits for that work's
    transaction (it holds the write lock) and then finds the log ended. Returns how many were resolved."""
    from openimis.core.models import MutationLog
    from openimis.core.tasks import user_language

    if received_before is None:
        received_before = timezone.now() - datetime.timedelta(seconds=stale_seconds())
    stale = (MutationLog.objects.filter(status=MutationLog.RECEIVED, request_date_time__lt=received_before)
             .select_related("user__i_user").order_by("request_date_time"))
    resolved = 0
    for log in stale.iterator():
        with translation.override(user_language(log.user)), transaction.atomic():
            still_received = MutationLog.objects.filter(id=log.id, status=MutationLog.RECEIVED)
            if connection.features.has_select_for_update_skip_locked:
                # a log whose work runs right now is locked by it (`execute_mutation`): left alone
                if still_received.select_for_update(skip_locked=True).first() is None:
                    continue
            resolved += still_received.update(status=MutationLog.ERROR, error=interrupted_error())
    if resolved:
        logger.warning("%d mutation log(s) left at 0 by a stopped process marked failed (interrupted)",
                       resolved)
    return resolved


def resolve_at_start(process_started: datetime.datetime) -> int:
    """At the start of `openimis serve`: with SQLite and mutations run inline (embedded mode) no other
    process runs mutations, so every log at 0 received before this process started is stale; otherwise
    only those older than `MUTATION_LOG_STALE_SECONDS`."""
    from openimis.core.tasks import uses_celery

    if connection.vendor == "sqlite" and not uses_celery():
        return resolve_stale_logs(process_started)
    return resolve_stale_logs()


def scheduled_job() -> None:
    """The core module's scheduled job: resolve the stale logs."""
    resolve_stale_logs()
