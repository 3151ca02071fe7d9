"""Root mutations of the location module. Thin: the input shape, the rights, the service to call."""

from __future__ import annotations

import graphene

from openimis.graphql.mutations import LogLink, OpenIMISMutation
from openimis.location import rights as location_rights
from openimis.location import services
from openimis.location.gql.types import HealthFacilityCodeInputType, LocationCodeInputType
from openimis.location.models import HealthFacilityMutation, LocationMutation

LOCATION_LINK = LogLink(LocationMutation, "location")
HEALTH_FACILITY_LINK = LogLink(HealthFacilityMutation, "health_facility")


class LocationInputFields:
    id = graphene.Int()
    uuid = graphene.String()
    code = LocationCodeInputType(required=True)
    name = graphene.String(required=True)
    type = graphene.String(required=True)
    male_population = graphene.Int()
    female_population = graphene.Int()
    other_population = graphene.Int()
    families = graphene.Int()
    parent_uuid = graphene.String()


class CreateLocationMutation(OpenIMISMutation):
    service = services.create_location
    log_link = LOCATION_LINK
    # regions and districts need 121906, municipalities and villages 121902 (checked by the service)
    rights = (location_rights.LOCATION_ADD, location_rights.REGION_DISTRICT_EDIT)

    class Input(OpenIMISMutation.Input, LocationInputFields):
        pass


class UpdateLocationMutation(OpenIMISMutation):
    service = services.update_location
    log_link = LOCATION_LINK
    rights = (location_rights.LOCATION_EDIT, location_rights.REGION_DISTRICT_EDIT)

    class Input(OpenIMISMutation.Input, LocationInputFields):
        pass


class DeleteLocationMutation(OpenIMISMutation):
    service = services.delete_location
    log_link = LOCATION_LINK
    rights = (location_rights.LOCATION_DELETE,)

    class Input(OpenIMISMutation.Input):
        uuid = graphene.String()
        code = graphene.String()
        new_parent_uuid = graphene.String()


class MoveLocationMutation(OpenIMISMutation):
    service = services.move_location
    log_link = LOCATION_LINK
    rights = (location_rights.LOCATION_MOVE,)

    class Input(OpenIMISMutation.Input):
        uuid = graphene.String()
        new_parent_uuid = graphene.String()


class HealthFacilityCatchmentInputType(graphene.InputObjectType):
    id = graphene.Int()
    location_id = graphene.Int(required=True)
    catchment = graphene.Int()


class HealthFacilityInputFields:
    id = graphene.Int()
    uuid = graphene.String()
    code = HealthFacilityCodeInputType(required=True)
    name = graphene.String(required=True)
    acc_code = graphene.String()
    legal_form_id = graphene.String(required=True)
    level = graphene.String(required=True)
    sub_level_id = graphene.String()
    location_id = graphene.Int(required=True)
    address = graphene.String()
    phone = graphene.String()
    fax = graphene.String()
    email = graphene.String()
    care_type = graphene.String(required=True)
    services_pricelist_id = graphene.Int()
    items_pricelist_id = graphene.Int()
    offline = graphene.Boolean()
    catchments = graphene.List(HealthFacilityCatchmentInputType)
    contract_start_date = graphene.Date()
    contract_end_date = graphene.Date()
    status = graphene.String()


class CreateHealthFacilityMutation(OpenIMISMutation):
    service = services.create_health_facility
    log_link = HEALTH_FACILITY_LINK
    rights = (location_rights.HEALTH_FACILITY_ADD,)

    class Input(OpenIMISMutation.Input, HealthFacilityInputFields):
        pass


class UpdateHealthFacilityMutation(OpenIMISMutation):
    service = services.update_health_facility
    log_link = HEALTH_FACILITY_LINK
    rights = (location_rights.HEALTH_FACILITY_EDIT,)

    class Input(OpenIMISMutation.Input, HealthFacilityInputFields):
        pass


class DeleteHealthFacilityMutation(OpenIMISMutation):
    service = services.delete_health_facility
    log_link = HEALTH_FACILITY_LINK
    rights = (location_rights.HEALTH_FACILITY_DELETE,)

    class Input(OpenIMISMutation.Input):
        uuid = graphene.String()
        code = graphene.String()


class Mutation(graphene.ObjectType):
    create_location = CreateLocationMutation.Field()
    update_location = UpdateLocationMutation.Field()
    delete_location = DeleteLocationMutation.Field()
    move_location = MoveLocationMutation.Field()
    create_health_facility = CreateHealthFacilityMutation.Field()
    update_health_facility = UpdateHealthFacilityMutation.Field()
    delete_health_facility = DeleteHealthFacilityMutation.Field()
