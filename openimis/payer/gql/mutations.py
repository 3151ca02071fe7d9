"""Root mutations of the payer module. Thin: the input shape, the rights, the service to call."""

from __future__ import annotations

import graphene

from openimis.graphql.mutations import OpenIMISMutation, run_for_each
from openimis.payer import rights as payer_rights
from openimis.payer import services
from openimis.payer.models import PayerMutation


class PayerInputFields:
    name = graphene.String(required=True)
    email = graphene.String()
    phone = graphene.String()
    fax = graphene.String()
    address = graphene.String()
    location_uuid = graphene.UUID(required=True)
    type = graphene.String(required=True)


def _link(payer, log) -> None:
    PayerMutation.objects.create(payer=payer, mutation=log)


class CreatePayerMutation(OpenIMISMutation):
    rights = (payer_rights.PAYER_ADD,)

    class Input(PayerInputFields, OpenIMISMutation.Input):
        pass

    @classmethod
    def perform(cls, user, data, log):
        _link(services.create_payer(user, data), log)


class UpdatePayerMutation(OpenIMISMutation):
    rights = (payer_rights.PAYER_EDIT,)

    class Input(PayerInputFields, OpenIMISMutation.Input):
        uuid = graphene.UUID(required=True)

    @classmethod
    def perform(cls, user, data, log):
        _link(services.update_payer(user, data), log)


class DeletePayerMutation(OpenIMISMutation):
    rights = (payer_rights.PAYER_DELETE,)

    class Input(OpenIMISMutation.Input):
        uuids = graphene.List(graphene.String)

    @classmethod
    def perform(cls, user, data, log):
        run_for_each(data.get("uuids"), lambda uuid: _link(services.delete_payer(user, uuid), log))


class Mutation(graphene.ObjectType):
    create_payer = CreatePayerMutation.Field()
    update_payer = UpdatePayerMutation.Field()
    delete_payer = DeletePayerMutation.Field()
