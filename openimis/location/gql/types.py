"""GraphQL types of the location module (the part the foundation needs)."""

from __future__ import annotations

import graphene
from graphene_django import DjangoObjectType

from openimis.graphql.types import OpenIMISNodeType
from openimis.location import rights as location_rights
from openimis.location.models import Location, OfficerVillage, UserDistrict

HISTORY_FIELDS = ("validity_from", "validity_to", "legacy_id", "audit_user_id")


class LocationGQLType(OpenIMISNodeType):
    read_rights = (location_rights.LOCATION_SEARCH,)
    # nullable in the openIMIS API although every location has them
    code = graphene.String()
    name = graphene.String()
    audit_user_id = graphene.Int()
    client_mutation_id = graphene.String()

    class Meta:
        model = Location
        interfaces = (graphene.relay.Node,)
        fields = ("id", "uuid", "code", "name", "type", "parent", "male_population", "female_population",
                  "other_population", "families", "json_ext", "officer_set", "userdistrict_set",
                  "officer_villages", *HISTORY_FIELDS)
        convert_choices_to_enum = False
        filter_fields = {
            "id": ["exact"],
            "uuid": ["exact"],
            "code": ["exact", "istartswith", "icontains", "iexact"],
            "name": ["exact", "istartswith", "icontains", "iexact"],
            "type": ["exact"],
        }

    def resolve_client_mutation_id(self, info):
        return None  # location mutations (and their log links) come with the location module's mutations


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
