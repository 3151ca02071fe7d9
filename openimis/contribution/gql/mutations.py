"""Root mutations of the contribution module. Thin: the input shape, the rights, the service to call."""

from __future__ import annotations

import graphene

from openimis.contribution import rights as contribution_rights
from openimis.contribution import services
from openimis.contribution.gql.types import PremiumInputFields
from openimis.contribution.models import PremiumMutation
from openimis.graphql.mutations import LogLink, OpenIMISMutation

PREMIUM_LINK = LogLink(PremiumMutation, "premium")


class CreatePremiumMutation(OpenIMISMutation):
    service = services.create_premium
    log_link = PREMIUM_LINK
    rights = (contribution_rights.PREMIUM_ADD,)

    class Input(PremiumInputFields, OpenIMISMutation.Input):
        pass


class UpdatePremiumMutation(OpenIMISMutation):
    service = services.update_premium
    log_link = PREMIUM_LINK
    rights = (contribution_rights.PREMIUM_EDIT,)

    class Input(PremiumInputFields, OpenIMISMutation.Input):
        pass


class DeletePremiumsMutation(OpenIMISMutation):
    service = services.delete_premium
    log_link = PREMIUM_LINK
    each_uuid = True
    rights = (contribution_rights.PREMIUM_DELETE,)

    class Input(OpenIMISMutation.Input):
        uuids = graphene.List(graphene.String)


class Mutation(graphene.ObjectType):
    create_premium = CreatePremiumMutation.Field()
    update_premium = UpdatePremiumMutation.Field()
    delete_premium = DeletePremiumsMutation.Field()
