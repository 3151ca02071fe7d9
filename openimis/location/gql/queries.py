"""Root queries of the location module. Thin: parse arguments, call selectors (row security there)."""

from __future__ import annotations

import graphene
from django.db.models import Q

from openimis.core import rights as core_rights
from openimis.graphql.connection import OpenIMISConnectionField
from openimis.graphql.rights import AUTHENTICATED
from openimis.location import rights as location_rights
from openimis.location import selectors
from openimis.location.gql.types import (
    HealthFacilityGQLType,
    LocationGQLType,
    UserDistrictGQLType,
)


def _location_list(queryset):
    return queryset.order_by("code", "id")


def _matching_text(queryset, text: str | None):
    if not text:
        return queryset
    return queryset.filter(Q(code__icontains=text) | Q(name__icontains=text))


class Query(graphene.ObjectType):
    locations = OpenIMISConnectionField(LocationGQLType)
    locations_all = OpenIMISConnectionField(LocationGQLType)
    # `uuid_In`: sent by fe-location 1.8 (LocationCascader), absent from the 24.10 schema
    locations_str = OpenIMISConnectionField(LocationGQLType, order_by=False, str=graphene.String(),
                                            uuids_in=graphene.List(graphene.String, name="uuid_In"))
    health_facilities = OpenIMISConnectionField(HealthFacilityGQLType, show_history=graphene.Boolean())
    health_facilities_str = OpenIMISConnectionField(
        HealthFacilityGQLType, order_by=False, str=graphene.String(), region_uuid=graphene.String(),
        district_uuid=graphene.String(), districts_uuids=graphene.List(graphene.String),
        ignore_location=graphene.Boolean())
    validate_location_code = graphene.Boolean(location_code=graphene.String(required=True))
    validate_health_facility_code = graphene.Boolean(health_facility_code=graphene.String(required=True))
    user_districts = graphene.List(UserDistrictGQLType)
    officer_locations = graphene.List(LocationGQLType, officer_code=graphene.String(required=True),
                                      location_type=graphene.String())

    field_rights = {
        # the location tree feeds the pickers of every page: any logged-in user, limited by row security
        "locations": AUTHENTICATED,
        "locationsAll": AUTHENTICATED,
        "locationsStr": AUTHENTICATED,
        # any user reads their own facility (the claim form loads the claim administrator's); the
        # facility rights read the others
        "healthFacilities": AUTHENTICATED,
        "healthFacilitiesStr": AUTHENTICATED,  # the health facility pickers (claims, users, insurees)
        "validateLocationCode": (location_rights.LOCATION_ADD, location_rights.LOCATION_EDIT,
                                 location_rights.REGION_DISTRICT_EDIT),
        "validateHealthFacilityCode": (location_rights.HEALTH_FACILITY_ADD,
                                       location_rights.HEALTH_FACILITY_EDIT),
        "userDistricts": AUTHENTICATED,
        "officerLocations": (core_rights.ENROLMENT_OFFICER_SEARCH, core_rights.USER_SEARCH),
    }

    def resolve_locations(self, info, **kwargs):
        return _location_list(selectors.locations(info.context.user))

    def resolve_locations_all(self, info, **kwargs):
        return _location_list(selectors.locations(info.context.user))

    def resolve_locations_str(self, info, **kwargs):
        queryset = _matching_text(selectors.locations(info.context.user), kwargs.get("str"))
        if kwargs.get("uuids_in") is not None:
            queryset = queryset.filter(uuid__in=[uuid for uuid in kwargs["uuids_in"] if uuid])
        return _location_list(queryset)

    def resolve_health_facilities(self, info, **kwargs):
        return selectors.readable_health_facilities(info.context.user, bool(kwargs.get("show_history")))

    def resolve_health_facilities_str(self, info, **kwargs):
        queryset = _matching_text(selectors.health_facilities(info.context.user), kwargs.get("str"))
        if not kwargs.get("ignore_location"):
            if kwargs.get("region_uuid"):
                queryset = queryset.filter(location__parent__uuid=kwargs["region_uuid"])
            if kwargs.get("district_uuid"):
                queryset = queryset.filter(location__uuid=kwargs["district_uuid"])
            districts = [uuid for uuid in kwargs.get("districts_uuids") or [] if uuid]
            if districts:
                queryset = queryset.filter(location__uuid__in=districts)
        return queryset

    def resolve_validate_location_code(self, info, location_code):
        return selectors.location_code_is_free(location_code)

    def resolve_validate_health_facility_code(self, info, health_facility_code):
        return selectors.health_facility_code_is_free(health_facility_code)

    def resolve_user_districts(self, info):
        return [UserDistrictGQLType.from_location(d) for d in selectors.districts_of_user(info.context.user)]

    def resolve_officer_locations(self, info, officer_code, location_type=None):
        return selectors.officer_locations(officer_code, location_type)
