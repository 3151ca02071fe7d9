"""Root queries of the location module (so far: the districts of the caller, an officer's locations)."""

from __future__ import annotations

import graphene

from openimis.core import rights as core_rights
from openimis.graphql.rights import AUTHENTICATED
from openimis.location import selectors
from openimis.location.gql.types import LocationGQLType, UserDistrictGQLType


class Query(graphene.ObjectType):
    user_districts = graphene.List(UserDistrictGQLType)
    officer_locations = graphene.List(LocationGQLType, officer_code=graphene.String(required=True),
                                      location_type=graphene.String())

    field_rights = {
        "userDistricts": AUTHENTICATED,
        "officerLocations": (core_rights.ENROLMENT_OFFICER_SEARCH, core_rights.USER_SEARCH),
    }

    def resolve_user_districts(self, info):
        return [UserDistrictGQLType.from_location(d) for d in selectors.districts_of_user(info.context.user)]

    def resolve_officer_locations(self, info, officer_code, location_type=None):
        return selectors.officer_locations(officer_code, location_type)
