"""GraphQL types of the location module: locations, health facilities and what hangs off them."""

from __future__ import annotations

import django_filters
import graphene
from graphene_django import DjangoObjectType
from graphene_django.filter import GlobalIDFilter

from openimis.graphql.filter_fields import HISTORY_FIELDS, SEARCH_LOOKUPS, prefixed
from openimis.graphql.kept_rows import keep_rows
from openimis.graphql.loading import RelatedRows, declare_relation, prefetched
from openimis.graphql.pending import declare_pending_mutation
from openimis.graphql.rights import AUTHENTICATED
from openimis.graphql.types import OpenIMISNodeType
from openimis.location import rights as location_rights
from openimis.location.models import (
    HealthFacility,
    HealthFacilityCatchment,
    HealthFacilityLegalForm,
    HealthFacilityMutation,
    HealthFacilitySubLevel,
    Location,
    LocationMutation,
    OfficerVillage,
    UserDistrict,
)

CURRENT_CATCHMENTS = "current_catchments"

# The filters of the openIMIS API on a location, also reached through the relations that lead to one
# (`location_Parent_Uuid`, `healthFacility_Location_Code_Ne`, ...).
LOCATION_FILTER_FIELDS = {
    "id": ["exact"],
    "uuid": ["exact"],
    "code": [*SEARCH_LOOKUPS, "ne"],
    "name": [*SEARCH_LOOKUPS, "ne"],
    "type": ["exact"],
    "parent__uuid": ["exact", "in"],
    "parent__parent__uuid": ["exact", "in"],
    "parent__parent__parent__uuid": ["exact", "in"],
    "parent__id": ["exact", "in"],
}


HEALTH_FACILITY_FILTER_FIELDS = {
    "id": ["exact"],
    "uuid": ["exact"],
    "code": SEARCH_LOOKUPS,
    "fax": [*SEARCH_LOOKUPS, "isnull"],
    "email": [*SEARCH_LOOKUPS, "isnull"],
    "name": SEARCH_LOOKUPS,
    "level": ["exact"],
    "sub_level": ["exact", "isnull"],
    "care_type": ["exact"],
    "legal_form__code": ["exact"],
    "phone": SEARCH_LOOKUPS,
    "status": ["exact"],
    **prefixed("location__", LOCATION_FILTER_FIELDS),
}


class LocationCodeInputType(graphene.String):
    """A location code (at most 8 characters, unique among current locations; checked by the service)."""

    class Meta:
        name = "LocationCodeInputType"


class HealthFacilityCodeInputType(graphene.String):
    """A health facility code (at most 8 characters, unique among current facilities)."""

    class Meta:
        name = "HealthFacilityCodeInputType"


def in_scope(instance, scope):
    """Row security of a node lookup (`get_queryset` is not used: graphene-django would then re-query
    every foreign key leading to the type)."""
    if instance is None or scope is None:
        return instance
    return instance if type(instance).objects.filter(scope, pk=instance.pk).exists() else None


class LocationGQLType(OpenIMISNodeType):
    read_rights = AUTHENTICATED  # the tree is what every picker shows; row security limits the rows
    # nullable in the openIMIS API although every location has them
    code = graphene.String()
    name = graphene.String()
    audit_user_id = graphene.Int()
    client_mutation_id = graphene.String()

    class Meta:
        model = Location
        interfaces = (graphene.relay.Node,)
        connection_class = graphene.relay.Connection  # the openIMIS API has no totalCount on location lists
        fields = ("id", "uuid", "code", "name", "type", "parent", "male_population", "female_population",
                  "other_population", "families", "json_ext", "officer_set", "children", "userdistrict_set",
                  "officer_villages", "healthfacility_set", "catchments", "servicespricelist_set",
                  "product_set", *HISTORY_FIELDS)
        convert_choices_to_enum = False
        filter_fields = LOCATION_FILTER_FIELDS

    @classmethod
    def find_node(cls, info, id):
        from openimis.location.selectors import location_scope

        return in_scope(super().find_node(info, id), location_scope(info.context.user))

    def resolve_children(self, info, **kwargs):
        return self.children.current()

    def resolve_healthfacility_set(self, info, **kwargs):
        return self.healthfacility_set.current()

    def resolve_catchments(self, info):
        return self.catchments.current()

    def resolve_servicespricelist_set(self, info, **kwargs):
        return self.servicespricelist_set.current()

    def resolve_product_set(self, info, **kwargs):
        return self.product_set.current()  # product (a module requiring this one)


class UserDistrictType(DjangoObjectType):
    class Meta:
        model = UserDistrict
        fields = ("id", "user", "location", *HISTORY_FIELDS)


class OfficerVillageGQLType(DjangoObjectType):
    class Meta:
        model = OfficerVillage
        fields = ("id", "officer", "location", *HISTORY_FIELDS)


class UserRegionGQLType(graphene.ObjectType):
    id = graphene.String()
    uuid = graphene.String()
    code = graphene.String()
    name = graphene.String()


class UserDistrictGQLType(graphene.ObjectType):
    id = graphene.String()
    uuid = graphene.String()
    code = graphene.String()
    name = graphene.String()
    parent = graphene.Field(UserRegionGQLType)

    @staticmethod
    def from_location(district: Location) -> UserDistrictGQLType:
        region = district.parent
        return UserDistrictGQLType(
            id=str(district.id), uuid=district.uuid, code=district.code, name=district.name,
            parent=UserRegionGQLType(id=str(region.id), uuid=region.uuid, code=region.code, name=region.name)
            if region else None)


class HealthFacilityStatusEnum(graphene.Enum):
    AC = "AC"  # active
    IN = "IN"  # inactive
    DE = "DE"  # delisted
    ID = "ID"  # idle

    class Meta:
        name = "HealthFacilityStatus"


class HealthFacilityLegalFormGQLType(DjangoObjectType):
    class Meta:
        model = HealthFacilityLegalForm
        fields = ("code", "legal_form", "sort_order", "alt_language", "health_facilities")

    def resolve_health_facilities(self, info, **kwargs):
        return self.health_facilities.current()


class HealthFacilitySubLevelGQLType(DjangoObjectType):
    class Meta:
        model = HealthFacilitySubLevel
        fields = ("code", "health_facility_sub_level", "sort_order", "alt_language", "health_facilities")

    def resolve_health_facilities(self, info, **kwargs):
        return self.health_facilities.current()


class HealthFacilityFilter(django_filters.FilterSet):
    id = GlobalIDFilter(field_name="id")  # a relay id: `healthFacilities(id: "...")` (the HF full path)

    class Meta:
        model = HealthFacility
        fields = HEALTH_FACILITY_FILTER_FIELDS


class HealthFacilityGQLType(OpenIMISNodeType):
    read_rights = (location_rights.HEALTH_FACILITY_SEARCH,)
    status = graphene.Field(HealthFacilityStatusEnum, required=True)
    client_mutation_id = graphene.String()

    class Meta:
        model = HealthFacility
        interfaces = (graphene.relay.Node,)
        # `servicesPricelist`, `itemsPricelist` (medical_pricelist) and `claimadminSet` (claim) resolve
        # to the types those modules register
        fields = ("id", "uuid", "code", "name", "acc_code", "legal_form", "level", "sub_level", "location",
                  "address", "phone", "fax", "email", "care_type", "services_pricelist", "items_pricelist",
                  "offline", "contract_start_date", "contract_end_date", "status", "json_ext", "catchments",
                  "claimadmin_set", *HISTORY_FIELDS)
        convert_choices_to_enum = False
        filterset_class = HealthFacilityFilter

    @classmethod
    def find_node(cls, info, id):
        from openimis.location.selectors import health_facility_scope

        return in_scope(super().find_node(info, id), health_facility_scope(info.context.user))

    def resolve_catchments(self, info):
        rows = prefetched(self, CURRENT_CATCHMENTS)
        return rows if rows is not None else current_catchments().filter(health_facility=self)

    def resolve_claimadmin_set(self, info, **kwargs):
        return self.claimadmin_set.current()


class HealthFacilityCatchmentGQLType(DjangoObjectType):
    validity_from = graphene.DateTime()  # nullable in the openIMIS API

    class Meta:
        model = HealthFacilityCatchment
        fields = ("id", "legacy_id", "health_facility", "location", "catchment", "validity_from",
                  "validity_to", "audit_user_id")


def current_catchments():
    return HealthFacilityCatchment.objects.current().order_by("location__code")


keep_rows(Location)  # the tree changes rarely and nearly every list shows a village with its parents
declare_pending_mutation(LocationGQLType, LocationMutation, "location")
declare_pending_mutation(HealthFacilityGQLType, HealthFacilityMutation, "health_facility")
declare_relation(HealthFacilityGQLType, "catchments",
                 RelatedRows("catchments", CURRENT_CATCHMENTS, current_catchments))
