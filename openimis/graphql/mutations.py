"""The mutation base: every business mutation is a relay client-ID mutation that writes a mutation log.

The GraphQL layer parses the input and records the log (status 0, received); the work itself runs
in one transaction, inline in embedded mode or in a Celery worker when `CELERY_BROKER_URL` is set, and
ends the log with status 2 (success) or 1 (error, with a JSON list of `{message, detail}`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import graphene
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from django.utils.translation import gettext as _

from openimis.core import inputs, tasks
from openimis.core.errors import ServiceError, ValidationFailed
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


@dataclass(frozen=True)
class LogLink:
    """How the objects a mutation wrote are linked to its log: `model` is the link table (e.g.
    `LocationMutation`), `field` its foreign key to the object (`"location"`)."""

    model: type
    field: str

    def write(self, written, log: MutationLog) -> None:
        for obj in written if isinstance(written, (list, tuple)) else [written]:
            if obj is not None:
                self.model.objects.create(**{self.field: obj, "mutation": log})


class OpenIMISMutation(graphene.relay.ClientIDMutation):
    """A business mutation declares its `Input` (inherit `OpenIMISMutation.Input`), its `rights`, the
    `service` it calls, as `service(user, data)`, and the `log_link` (a `LogLink`) through which the
    object(s) the service returns are linked to the mutation log. A mutation whose work is more than one
    service call overrides `perform(user, data, log)` instead; services never see the log."""

    internal_id = graphene.String()
    rights: tuple | str = ()
    service = None
    log_link: LogLink | None = None
    # True: the service is called as service(user, uuid, *service_arguments(data)) for each of the
    # input's `uuids`, all or nothing (`run_for_each`), and each answer is linked
    each_uuid = False
    # the input fields that list ids: a mutation accepts at most `settings.MUTATION_MAX_IDS` in each
    bounded_lists: tuple[str, ...] = ("uuids",)

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
        if cls.service is None:
            raise NotImplementedError(f"{cls.__name__}: declare `service` or override `perform`")
        if cls.each_uuid:
            arguments = cls.service_arguments(data)
            run_for_each(data.get("uuids"), lambda uuid: cls.link(cls.service(user, uuid, *arguments), log))
        else:
            cls.link(cls.service(user, data), log)

    @classmethod
    def service_arguments(cls, data: dict) -> tuple:
        """With `each_uuid`: what the service receives after the uuid (options of the input)."""
        return ()

    @classmethod
    def too_many_ids(cls, data: dict, user) -> ValidationFailed | None:
        """The refusal of an input with more ids in one of its `bounded_lists` than the setting allows,
        in the language of the user (None: the input is within the bound)."""
        limit = max_ids()
        for field in cls.bounded_lists:
            ids = data.get(field)
            if isinstance(ids, (list, tuple)) and len(ids) > limit:
                with translation.override(tasks.user_language(user)):
                    message = _("A mutation accepts at most %(limit)s ids at once") % {"limit": limit}
                    detail = _("%(count)s were sent") % {"count": len(ids)}
                return ValidationFailed(message, detail)
        return None

    @classmethod
    def link(cls, written, log: MutationLog) -> None:
        if cls.log_link is not None:
            cls.log_link.write(written, log)

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
        refusal = cls.too_many_ids(data, user)
        if refusal is not None:  # refused before any work (and before a worker is asked)
            log.status, log.error = MutationLog.ERROR, json.dumps(refusal.as_dicts())
            log.save(update_fields=["status", "error"])
            return cls(internal_id=str(log.id), client_mutation_id=data.get("client_mutation_id"))
        tasks.run_mutation(cls.__name__, log.id, user.pk if user else None, json_data)
        return cls(internal_id=str(log.id), client_mutation_id=data.get("client_mutation_id"))


def max_ids() -> int:
    """How many ids one mutation may list (setting `MUTATION_MAX_IDS`, 100 by default)."""
    return int(getattr(settings, "MUTATION_MAX_IDS", 100))


def run_for_each(uuids, action) -> None:
    """Apply `action` to every uuid (a uuid that is not a UUID is refused as not a valid id); collect the
    failures and roll back the whole batch if any."""
    if uuids is not None and len(uuids) > max_ids():  # mutate_and_get_payload refuses it first
        raise ValidationFailed(_("A mutation accepts at most %(limit)s ids at once") % {"limit": max_ids()},
                               _("%(count)s were sent") % {"count": len(uuids)})
    errors = []
    for uuid in uuids or []:
        try:
            if inputs.as_uuid(uuid) is None:  # "" names no row: refused like any malformed id
                raise ValidationFailed(_("%(field)s is not a valid id") % {"field": json.dumps(uuid)}, "")
            action(uuid)
        except ServiceError as error:
            errors.append({"title": str(uuid), "list": error.as_dicts()})
    if len(errors) == 1:
        raise ServiceErrors(errors[0]["list"])
    if errors:
        message = _("%(failed)s of %(total)s failed") % {"failed": len(errors), "total": len(uuids)}
        raise ServiceErrors([{"message": message, "detail": ""}] + errors)
