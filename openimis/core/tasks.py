"""Background work: mutations (and other tasks) run inline in embedded mode, by Celery when configured.

Either way the mutation log goes through the same states: 0 received, then 2 success (committed with
the work) or 1 error.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from openimis.core.errors import ServiceError

logger = logging.getLogger("openimis.tasks")
_mutations: dict[str, type] = {}
MUTATION_TASK = "openimis.execute_mutation"  # the Celery task of `openimis.celery` that runs one
_producer = None


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
        user_ref = str(user_id) if user_id else None
        transaction.on_commit(lambda: send_to_workers(name, str(log_id), user_ref, data))
    else:
        execute_mutation(name, log_id, user_id, data)


def send_to_workers(*arguments) -> None:
    """Queue the mutation task by its name, through a Celery client configured from the settings
    (the workers' application, `openimis.celery`, is not needed to send)."""
    global _producer
    if _producer is None:
        from celery import Celery

        _producer = Celery("openimis")
        _producer.config_from_object("django.conf:settings", namespace="CELERY")
    _producer.send_task(MUTATION_TASK, args=list(arguments))


class _AlreadyEnded(Exception):
    """The log is no longer at 0 (or is gone): another execution ended it, the work does not run again."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


def execute_mutation(name: str, log_id, user_id, data: dict) -> int | None:
    """Run a registered mutation's work and end its log; returns the log's status.

    The work and the log's status 2 (success) are committed in one transaction: a committed work always
    has its log at 2, and a log still at 0 means that no work of it was committed (the process stopped
    before, see `openimis.core.stale_mutations`). The transaction begins by locking the log row (SELECT
    ... FOR UPDATE; SQLite's IMMEDIATE transactions hold the database's write lock from their BEGIN)
    and runs nothing when the log is no longer at 0: executing the same log twice (a task delivered
    again after a worker died) runs the work once. An error rolls the work back and records status 1
    with its message in a transaction of its own, again only over a log still at 0.
    """
    from openimis.core.models import User

    user = User.all_objects.select_related("i_user").get(pk=user_id) if user_id else None
    mutation_class = _mutations[name]
    # the error messages of the log are in the language of the user who sent the mutation
    with translation.override(user_language(user)):
        try:
            with transaction.atomic():
                log = _claim(log_id)
                mutation_class.perform(user, data, log)
                log.status, log.error = log.SUCCESS, None
                log.save(update_fields=["status", "error"])
            return log.status
        except _AlreadyEnded as ended:
            logger.info("mutation log %s is already ended (status %s): %s not run again",
                        log_id, ended.status, name)
            return ended.status
        except ServiceError as error:
            message = json.dumps(translated(error.as_dicts()))
        except Exception as error:  # unexpected: keep the message generic, the detail for support
            logger.exception("mutation %s failed", name)
            text = _("An unexpected error occurred in %(mutation)s") % {"mutation": name}
            message = json.dumps([{"message": text, "detail": str(error)}])
    return end_with_error(log_id, message)


def _claim(log_id):
    """The log, locked for the rest of the transaction; `_AlreadyEnded` when it is not at 0."""
    from django.db import connection

    from openimis.core.models import MutationLog

    logs = MutationLog.objects.filter(id=log_id)
    if connection.features.has_select_for_update:
        logs = logs.select_for_update()
    log = logs.first()
    if log is None or log.status != MutationLog.RECEIVED:
        raise _AlreadyEnded(log.status if log is not None else None)
    return log


def end_with_error(log_id, error: str) -> int | None:
    """Status 1 with `error` (a JSON list), in a transaction of its own, over a log still at 0 only: a
    log another execution ended keeps its status. Returns the log's status."""
    from openimis.core.models import MutationLog

    with transaction.atomic():
        if MutationLog.objects.filter(id=log_id, status=MutationLog.RECEIVED).update(
                status=MutationLog.ERROR, error=error):
            return MutationLog.ERROR
    return MutationLog.objects.filter(id=log_id).values_list("status", flat=True).first()


def translated(errors: list[dict]) -> list[dict]:
    """A constant message raised by a service (`ValidationFailed("...")`) in the active language; a
    message the service translated itself is left as it is."""
    result = []
    for error in errors:
        error = dict(error)
        if isinstance(error.get("message"), str) and error["message"]:
            error["message"] = _(error["message"])
        if isinstance(error.get("list"), list):
            error["list"] = translated(error["list"])
        result.append(error)
    return result


def user_language(user) -> str:
    """The user's language when the site supports it; without a user (a public mutation) the language
    already active (the request's); else the default (English)."""
    code = user.language_code if user is not None else translation.get_language()
    supported = {language for language, _name in settings.LANGUAGES}
    return code if code in supported else settings.LANGUAGE_CODE
