"""Background work: mutations (and other tasks) run inline in embedded mode, by Celery when configured.

Either way the mutation log goes through the same states: 0 received, then 2 success or 1 error.
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


def execute_mutation(name: str, log_id, user_id, data: dict) -> int:
    """Run a registered mutation's work in one transaction and end its log. Returns the status."""
    from openimis.core.models import MutationLog, User, UserMutation  # noqa: F401 (models are ready here)

    log = MutationLog.objects.get(id=log_id)
    user = User.all_objects.select_related("i_user").get(pk=user_id) if user_id else None
    mutation_class = _mutations[name]
    # the error messages of the log are in the language of the user who sent the mutation
    with translation.override(user_language(user)):
        try:
            with transaction.atomic():
                mutation_class.perform(user, data, log)
            log.status, log.error = MutationLog.SUCCESS, None
        except ServiceError as error:
            log.status, log.error = MutationLog.ERROR, json.dumps(translated(error.as_dicts()))
        except Exception as error:  # unexpected: keep the message generic, the detail for support
            logger.exception("mutation %s failed", name)
            log.status = MutationLog.ERROR
            message = _("An unexpected error occurred in %(mutation)s") % {"mutation": name}
            log.error = json.dumps([{"message": message, "detail": str(error)}])
    log.save(update_fields=["status", "error"])
    return log.status


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
