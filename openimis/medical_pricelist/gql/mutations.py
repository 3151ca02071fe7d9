"""Root mutations of the price-list module. Thin: the input shape, the rights, the service to call."""

from __future__ import annotations

import graphene

from openimis.graphql.mutations import OpenIMISMutation, run_for_each
from openimis.medical_pricelist import rights as pricelist_rights
from openimis.medical_pricelist import services


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


class CreateServicesPricelistMutation(OpenIMISMutation):
    rights = (pricelist_rights.SERVICES_PRICELIST_ADD,)

    class Input(OpenIMISMutation.Input, PricelistInputFields):
        pass

    @classmethod
    def perform(cls, user, data, log):
        services.create_pricelist("services", user, data, log)


class UpdateServicesPricelistMutation(OpenIMISMutation):
    rights = (pricelist_rights.SERVICES_PRICELIST_EDIT,)

    class Input(OpenIMISMutation.Input, PricelistInputFields):
        uuid = graphene.UUID(required=True)

    @classmethod
    def perform(cls, user, data, log):
        services.update_pricelist("services", user, data, log)


class DeleteServicesPricelistMutation(OpenIMISMutation):
    rights = (pricelist_rights.SERVICES_PRICELIST_DELETE,)

    class Input(OpenIMISMutation.Input):
        uuids = graphene.List(graphene.UUID)

    @classmethod
    def perform(cls, user, data, log):
        run_for_each(data.get("uuids"), lambda uuid: services.delete_pricelist("services", user, uuid, log))


class CreateItemsPricelistMutation(OpenIMISMutation):
    rights = (pricelist_rights.ITEMS_PRICELIST_ADD,)

    class Input(OpenIMISMutation.Input, PricelistInputFields):
        pass

    @classmethod
    def perform(cls, user, data, log):
        services.create_pricelist("items", user, data, log)


class UpdateItemsPricelistMutation(OpenIMISMutation):
    rights = (pricelist_rights.ITEMS_PRICELIST_EDIT,)

    class Input(OpenIMISMutation.Input, PricelistInputFields):
        uuid = graphene.UUID(required=True)

    @classmethod
    def perform(cls, user, data, log):
        services.update_pricelist("items", user, data, log)


class DeleteItemsPricelistMutation(OpenIMISMutation):
    rights = (pricelist_rights.ITEMS_PRICELIST_DELETE,)

    class Input(OpenIMISMutation.Input):
        uuids = graphene.List(graphene.UUID)

    @classmethod
    def perform(cls, user, data, log):
        run_for_each(data.get("uuids"), lambda uuid: services.delete_pricelist("items", user, uuid, log))


class Mutation(graphene.ObjectType):
    create_services_pricelist = CreateServicesPricelistMutation.Field()
    update_services_pricelist = UpdateServicesPricelistMutation.Field()
    delete_services_pricelist = DeleteServicesPricelistMutation.Field()
    create_items_pricelist = CreateItemsPricelistMutation.Field()
    update_items_pricelist = UpdateItemsPricelistMutation.Field()
    delete_items_pricelist = DeleteItemsPricelistMutation.Field()
