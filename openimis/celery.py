"""The Celery application (`openimis worker`), used only when `CELERY_BROKER_URL` is set.

Nothing is lost, nothing is doubled:
- a task is acknowledged when it has run (`task_acks_late`), and a task whose worker process died is
  delivered again (`task_reject_on_worker_lost`); each worker process takes one task at a time
  (`worker_prefetch_multiplier = 1`), so a killed worker takes back no more than the tasks it was running;
- running a task twice runs its work once: `execute_mutation` locks the log and runs only a log still at
  0, and a log's status 2 is committed with its work.

The GraphQL schema (which registers every mutation class) is imported, and graphql-core's caches filled,
when this module loads, before the pool forks its processes: a process's first mutation does not pay for
it.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openimis.settings")

import django  # noqa: E402
from celery import Celery  # noqa: E402

django.setup()

from openimis.core.tasks import MUTATION_TASK, execute_mutation  # noqa: E402

app = Celery("openimis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
)


def load_schema() -> None:
    """Import the schema (the mutation classes register themselves) and run one query through it."""
    from django.db import connections

    from openimis.graphql.schema import schema

    schema.execute("{ __typename }")
    connections.close_all()  # no database connection crosses the fork


load_schema()


@app.task(name=MUTATION_TASK)
def execute_mutation_task(name: str, log_id: str, user_id: str, data: dict) -> int | None:
    return execute_mutation(name, log_id, user_id, data)
