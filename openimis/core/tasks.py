"""Background work: mutations (and other tasks) run inline in embedded mode, by Celery when configured.

Either way the mutation log goes through the same states: 0 received, then 2 success or 1 error.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.db import transaction

from openimis.core.errors import ServiceError

logger = logging.getLogger("openimis.tasks")
_mutations: dict[str, type] = {}


class ServiceErrors(ServiceError):
    """Several objects of a bulk mutation failed; the whole mutation is rolled back."""

    def __init__(self, errors: list[dict]):
        super().__init__(errors[0]["message"] if errors else "error")
        self.errors = errors

    def as_dicts(self) -> list[dict]:
        return self.errors


def register_mutation(name: str, mutation_class: type) -> None:
    _mutations[name] = mutation_class


def registered_mutations() -> dict[str, type]:
    return dict(_mutations)


def uses_celery() -> bool:
    return bool(settings.CELERY_BROKER_URL)


def run_mutation(name: str, log_id, user_id, data: dict) -> None:
    if uses_celery():
        from openimis.celery import execute_mutation_task

        user_ref = str(user_id) if user_id else None
        transaction.on_commit(lambda: execute_mutation_task.delay(name, str(log_id), user_ref, data))
    else:
        execute_mutation(name, log_id, user_id, data)


def execute_mutation(name: str, log_id, user_id, data: dict) -> int:
    """Run a registered mutation's work in one transaction and end its log. Returns the status."""
    from openimis.core.models import MutationLog, User, UserMutation  # noqa: F401 (models are ready here)

    log = MutationLog.objects.get(id=log_id)
    user = User.all_objects.select_related("i_user").get(pk=user_id) if user_id else None
    mutation_class = _mutations[name]
    try:
        with transaction.atomic():
            mutation_class.perform(user, data, log)
        log.status, log.error = MutationLog.SUCCESS, None
    except ServiceError as error:
        log.status, log.error = MutationLog.ERROR, json.dumps(error.as_dicts())
    except Exception as error:  # unexpected: keep the message generic, the detail for support
        logger.exception("mutation %s failed", name)
        log.status = MutationLog.ERROR
        log.error = json.dumps([{"message": f"An unexpected error occurred in {name}", "detail": str(error)}])
    log.save(update_fields=["status", "error"])
    return log.status
