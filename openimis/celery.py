"""The Celery application (`openimis worker`), used only when `CELERY_BROKER_URL` is set."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openimis.settings")

import django  # noqa: E402
from celery import Celery  # noqa: E402

django.setup()

from openimis.core.tasks import MUTATION_TASK, execute_mutation  # noqa: E402

app = Celery("openimis")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name=MUTATION_TASK)
def execute_mutation_task(name: str, log_id: str, user_id: str, data: dict) -> int:
    from openimis.graphql.schema import schema  # noqa: F401  (registers every mutation class)

    return execute_mutation(name, log_id, user_id, data)
