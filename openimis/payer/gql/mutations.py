"""Root mutations of the payer module. Thin: the input shape, the rights, the service to call."""

from __future__ import annotations

import graphene
from graphql_relay import from_global_id

from openimis.graphql.mutations import LogLink, OpenIMISMutation
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


PAYER_LINK = LogLink(PayerMutation, "payer")


class CreatePayerMutation(OpenIMISMutation):
    service = services.create_payer
    log_link = PAYER_LINK
    rights = (payer_rights.PAYER_ADD,)

    class Input(PayerInputFields, OpenIMISMutation.Input):
        pass


class UpdatePayerMutation(OpenIMISMutation):
    service = services.update_payer
    log_link = PAYER_LINK
    rights = (payer_rights.PAYER_EDIT,)

    class Input(PayerInputFields, OpenIMISMutation.Input):
        uuid = graphene.UUID(required=True)


class DeletePayerMutation(OpenIMISMutation):
    service = services.delete_payer
    log_link = PAYER_LINK
    each_uuid = True
    rights = (payer_rights.PAYER_DELETE,)

    class Input(OpenIMISMutation.Input):
        uuids = graphene.List(graphene.String)


def _pk(value) -> str | None:
    """The frontend sends `decodeId(node.id)`, the bare primary key; a relay id is accepted too."""
    text = str(value or "").strip()
    if not text or text.isdigit():
        return text or None
    try:
        _type, pk = from_global_id(text)
    except (ValueError, TypeError, UnicodeDecodeError):
        return text  # not found by the service
    return pk if pk.isdigit() else text


class AddFundingMutation(OpenIMISMutation):
    """A payer's funding of a product, pending (N). Right: the payer update right (121803), as the 24.10
    backend checks `gql_mutation_payer_update_perms`; fe-payer enables its Add Funding button for the add
    or the edit right, so a holder of 121802 alone sees the button and is refused. Only the funding row is
    written for now: the legacy effect (an active policy of a placeholder family, paid by a premium of pay
    type F) waits for the policy and contribution modules (see `services.add_funding`)."""

    rights = (payer_rights.PAYER_EDIT,)

    class Input(OpenIMISMutation.Input):
        payer_id = graphene.ID(required=True)
        product_id = graphene.ID(required=True)
        pay_date = graphene.Date(required=True)
        amount = graphene.Decimal(required=True)
        receipt = graphene.String(required=True)

    @classmethod
    def perform(cls, user, data, log):
        services.add_funding(user, {**data, "payer_id": _pk(data.get("payer_id")),
                                    "product_id": _pk(data.get("product_id"))})


class Mutation(graphene.ObjectType):
    create_payer = CreatePayerMutation.Field()
    update_payer = UpdatePayerMutation.Field()
    delete_payer = DeletePayerMutation.Field()
    add_funding = AddFundingMutation.Field()
