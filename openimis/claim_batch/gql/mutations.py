"""Root mutations of the claim_batch module. Thin: the input shape, the rights, the service to call."""

from __future__ import annotations

import graphene

from openimis.claim_batch import rights as batch_rights
from openimis.claim_batch import services
from openimis.core import progress
from openimis.graphql.mutations import OpenIMISMutation


class ProcessBatchMutation(OpenIMISMutation):
    """The monthly batch run of a region or district (`locationId`, the bare primary key fe-claim_batch
    sends) or of the whole country (no location). Its progress shows in the log's `jsonExt` while it
    runs; the last progress is kept there."""

    rights = (batch_rights.BATCH_RUN_PROCESS,)

    class Input(OpenIMISMutation.Input):
        location_id = graphene.Int()
        year = graphene.Int()
        month = graphene.Int()

    @classmethod
    def perform(cls, user, data, log):
        last: dict = {}

        def report(step: str, done: int, total: int) -> None:
            last.update(step=step, done=done, total=total)
            progress.report(log.id, dict(last))

        services.process_batch(user, data.get("location_id"), data.get("year"), data.get("month"),
                               progress=report)
        log.json_ext = {**(log.json_ext or {}), "progress": last}
        log.save(update_fields=["json_ext"])
        progress.forget(log.id)


class Mutation(graphene.ObjectType):
    process_batch = ProcessBatchMutation.Field()
