"""Root mutations of the medical module. Thin: the input shape, the rights, the service to call."""

from __future__ import annotations

import graphene

from openimis.graphql.mutations import LogLink, OpenIMISMutation
from openimis.graphql.scalars import TinyInt
from openimis.medical import rights as medical_rights
from openimis.medical import services
from openimis.medical.gql.types import PatientCategoriesEnum, ServiceCodeInputType
from openimis.medical.models import ItemMutation, ServiceMutation

ITEM_LINK = LogLink(ItemMutation, "item")
SERVICE_LINK = LogLink(ServiceMutation, "service")


class ServiceItemInputType(graphene.InputObjectType):
    id = graphene.Int()
    item_id = graphene.Int(required=True)
    status = TinyInt(required=True)
    qty_provided = graphene.Decimal()
    price_asked = graphene.Decimal()


class ServiceServiceInputType(graphene.InputObjectType):
    id = graphene.Int()
    service_id = graphene.Int(required=True)
    status = TinyInt(required=True)
    qty_provided = graphene.Decimal()
    price_asked = graphene.Decimal()


class MedicalInputFields:
    id = graphene.Int()
    uuid = graphene.String()
    code = ServiceCodeInputType(required=True)
    name = graphene.String(required=True)
    type = graphene.String(required=True)
    care_type = graphene.String(required=True)
    patient_category = graphene.Int()
    patient_categories = graphene.List(PatientCategoriesEnum)
    frequency = graphene.Decimal()
    price = graphene.Decimal(required=True)
    maximum_amount = graphene.Decimal()


class ItemInputFields(MedicalInputFields):
    package = graphene.String()
    quantity = graphene.Decimal()


class ServiceInputFields(MedicalInputFields):
    level = graphene.String(required=True)
    packagetype = graphene.String()
    manual_price = graphene.String()
    category = graphene.String()
    items = graphene.List(ServiceItemInputType)
    services = graphene.List(ServiceServiceInputType)


class CreateItemMutation(OpenIMISMutation):
    service = services.create_item
    log_link = ITEM_LINK
    rights = (medical_rights.ITEM_ADD,)

    class Input(OpenIMISMutation.Input, ItemInputFields):
        pass


class UpdateItemMutation(OpenIMISMutation):
    service = services.update_item
    log_link = ITEM_LINK
    rights = (medical_rights.ITEM_EDIT,)

    class Input(OpenIMISMutation.Input, ItemInputFields):
        pass


class DeleteItemMutation(OpenIMISMutation):
    service = services.delete_item
    log_link = ITEM_LINK
    each_uuid = True
    rights = (medical_rights.ITEM_DELETE,)

    class Input(OpenIMISMutation.Input):
        uuids = graphene.List(graphene.String)


class CreateServiceMutation(OpenIMISMutation):
    service = services.create_service
    log_link = SERVICE_LINK
    rights = (medical_rights.SERVICE_ADD,)

    class Input(OpenIMISMutation.Input, ServiceInputFields):
        pass


class UpdateServiceMutation(OpenIMISMutation):
    service = services.update_service
    log_link = SERVICE_LINK
    rights = (medical_rights.SERVICE_EDIT,)

    class Input(OpenIMISMutation.Input, ServiceInputFields):
        pass


class DeleteServiceMutation(OpenIMISMutation):
    service = services.delete_service
    log_link = SERVICE_LINK
    each_uuid = True
    rights = (medical_rights.SERVICE_DELETE,)

    class Input(OpenIMISMutation.Input):
        uuids = graphene.List(graphene.String)


class Mutation(graphene.ObjectType):
    create_item = CreateItemMutation.Field()
    update_item = UpdateItemMutation.Field()
    delete_item = DeleteItemMutation.Field()
    create_service = CreateServiceMutation.Field()
    update_service = UpdateServiceMutation.Field()
    delete_service = DeleteServiceMutation.Field()
