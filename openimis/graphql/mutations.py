"""The mutation base: every business mutation is a relay client-ID mutation that writes a mutation log.

The GraphQL layer parses the input and records the log (status 0, received); the work itself runs
in one transaction, inline in embedded mode or in a Celery worker when `CELERY_BROKER_URL` is set, and
ends the log with status 2 (success) or 1 (error, with a JSON list of `{message, detail}`).
"""

from __future__ import annotations

import json

import graphene
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from openimis.core import tasks
from openimis.core.errors import ServiceError
from openimis.core.models import MutationLog
from openimis.core.tasks import ServiceErrors
from openimis.graphql.scalars import ParsedJSONString

SECRET_INPUT_KEYS = {"password", "old_password", "new_password", "token"}


class InputEncoder(DjangoJSONEncoder):
    def default(self, o):
        if hasattr(o, "name") and hasattr(o, "value"):  # enum members
            return o.name
        return super().default(o)


def to_json_data(data: dict) -> dict:
    """The input as plain JSON types (what a Celery worker receives)."""
    return json.loads(json.dumps(data, cls=InputEncoder))


class OpenIMISMutation(graphene.relay.ClientIDMutation):
    """Subclass with an `Input` (inherit `OpenIMISMutation.Input`), `rights` and a `perform`
    classmethod `(user, data, log) -> None` that calls a service (and may link objects to the log)."""

    internal_id = graphene.String()
    rights: tuple | str = ()

    class Input:
        client_mutation_label = graphene.String()
        client_mutation_details = graphene.List(graphene.String)
        mutation_extensions = ParsedJSONString()

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, **options):
        super().__init_subclass_with_meta__(**options)
        if not options.get("abstract"):
            tasks.register_mutation(cls.__name__, cls)

    @classmethod
    def perform(cls, user, data: dict, log: MutationLog) -> None:
        raise NotImplementedError

    @classmethod
    def mutate_and_get_payload(cls, root, info, **data):
        user = info.context.user if info.context.user.is_authenticated else None  # None: a PUBLIC mutation
        json_data = to_json_data(data)
        visible = {key: value for key, value in json_data.items() if key not in SECRET_INPUT_KEYS}
        details = data.get("client_mutation_details")
        log = MutationLog.objects.create(
            json_content=json.dumps(visible),
            user=user,
            client_mutation_id=data.get("client_mutation_id"),
            client_mutation_label=data.get("client_mutation_label"),
            client_mutation_details=json.dumps(details) if details else None,
        )
        tasks.run_mutation(cls.__name__, log.id, user.pk if user else None, json_data)
        return cls(internal_id=str(log.id), client_mutation_id=data.get("client_mutation_id"))


def run_for_each(uuids, action) -> None:
    """Apply `action` to every uuid; collect the failures and roll back the whole batch if any."""
    errors = []
    for uuid in uuids or []:
        try:
            action(uuid)
        except ServiceError as error:
            errors.append({"title": str(uuid), "list": error.as_dicts()})
    if len(errors) == 1:
        raise ServiceErrors(errors[0]["list"])
    if errors:
        message = _("%(failed)s of %(total)s failed") % {"failed": len(errors), "total": len(uuids)}
        raise ServiceErrors([{"message": message, "detail": ""}] + errors)
