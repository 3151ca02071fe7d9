"""Root mutations of the price-list module. Thin: the input shape, the rights, the service to call."""

from __future__ import annotations

from functools import partial

import graphene

from openimis.graphql.mutations import LogLink, OpenIMISMutation
from openimis.medical_pricelist import rights as pricelist_rights
from openimis.medical_pricelist import services
from openimis.medical_pricelist.models import ItemsPricelistMutation, ServicesPricelistMutation

SERVICES_PRICELIST_LINK = LogLink(ServicesPricelistMutation, "services_pricelist")
ITEMS_PRICELIST_LINK = LogLink(ItemsPricelistMutation, "items_pricelist")


class DetailPriceOverruleType(graphene.InputObjectType):
    uuid = graphene.UUID(required=True)
    price = graphene.Decimal()


class PricelistInputFields:
    name = graphene.String(required=True)
    pricelist_date = graphene.Date(required=True)
    location_id = graphene.UUID()
    added_details = graphene.List(graphene.NonNull(graphene.UUID))
    removed_details = graphene.List(graphene.NonNull(graphene.UUID))
    price_overrules = graphene.List(graphene.NonNull(DetailPriceOverruleType))


# the price-list services take the kind first: `partial` makes each a service(user, data)
class CreateServicesPricelistMutation(OpenIMISMutation):
    service = partial(services.create_pricelist, "services")
    log_link = SERVICES_PRICELIST_LINK
    rights = (pricelist_rights.SERVICES_PRICELIST_ADD,)

    class Input(OpenIMISMutation.Input, PricelistInputFields):
        pass


class UpdateServicesPricelistMutation(OpenIMISMutation):
    service = partial(services.update_pricelist, "services")
    log_link = SERVICES_PRICELIST_LINK
    rights = (pricelist_rights.SERVICES_PRICELIST_EDIT,)

    class Input(OpenIMISMutation.Input, PricelistInputFields):
        uuid = graphene.UUID(required=True)


class DeleteServicesPricelistMutation(OpenIMISMutation):
    service = partial(services.delete_pricelist, "services")
    log_link = SERVICES_PRICELIST_LINK
    each_uuid = True
    rights = (pricelist_rights.SERVICES_PRICELIST_DELETE,)

    class Input(OpenIMISMutation.Input):
        uuids = graphene.List(graphene.UUID)


class CreateItemsPricelistMutation(OpenIMISMutation):
    service = partial(services.create_pricelist, "items")
    log_link = ITEMS_PRICELIST_LINK
    rights = (pricelist_rights.ITEMS_PRICELIST_ADD,)

    class Input(OpenIMISMutation.Input, PricelistInputFields):
        pass


class UpdateItemsPricelistMutation(OpenIMISMutation):
    service = partial(services.update_pricelist, "items")
    log_link = ITEMS_PRICELIST_LINK
    rights = (pricelist_rights.ITEMS_PRICELIST_EDIT,)

    class Input(OpenIMISMutation.Input, PricelistInputFields):
        uuid = graphene.UUID(required=True)


class DeleteItemsPricelistMutation(OpenIMISMutation):
    service = partial(services.delete_pricelist, "items")
    log_link = ITEMS_PRICELIST_LINK
    each_uuid = True
    rights = (pricelist_rights.ITEMS_PRICELIST_DELETE,)

    class Input(OpenIMISMutation.Input):
        uuids = graphene.List(graphene.UUID)


class Mutation(graphene.ObjectType):
    create_services_pricelist = CreateServicesPricelistMutation.Field()
    update_services_pricelist = UpdateServicesPricelistMutation.Field()
    delete_services_pricelist = DeleteServicesPricelistMutation.Field()
    create_items_pricelist = CreateItemsPricelistMutation.Field()
    update_items_pricelist = UpdateItemsPricelistMutation.Field()
    delete_items_pricelist = DeleteItemsPricelistMutation.Field()
