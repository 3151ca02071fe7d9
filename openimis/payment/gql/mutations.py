"""Root mutations of the payment module. Thin: the input shape, the rights, the service to call."""

from __future__ import annotations

import graphene

from openimis.graphql.mutations import LogLink, OpenIMISMutation
from openimis.payment import rights as payment_rights
from openimis.payment import services
from openimis.payment.gql.types import PaymentInputFields
from openimis.payment.models import PaymentMutation

PAYMENT_LINK = LogLink(PaymentMutation, "payment")


class CreatePaymentMutation(OpenIMISMutation):
    service = services.create_payment
    log_link = PAYMENT_LINK
    rights = (payment_rights.PAYMENT_ADD,)

    class Input(PaymentInputFields, OpenIMISMutation.Input):
        pass


class UpdatePaymentMutation(OpenIMISMutation):
    service = services.update_payment
    log_link = PAYMENT_LINK
    rights = (payment_rights.PAYMENT_EDIT,)

    class Input(PaymentInputFields, OpenIMISMutation.Input):
        pass


class DeletePaymentsMutation(OpenIMISMutation):
    service = services.delete_payment
    log_link = PAYMENT_LINK
    each_uuid = True
    rights = (payment_rights.PAYMENT_DELETE,)

    class Input(OpenIMISMutation.Input):
        uuids = graphene.List(graphene.String)


class Mutation(graphene.ObjectType):
    create_payment = CreatePaymentMutation.Field()
    update_payment = UpdatePaymentMutation.Field()
    delete_payment = DeletePaymentsMutation.Field()
