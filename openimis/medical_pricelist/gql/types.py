"""GraphQL types of the medical price-list module (the lists' details come with medical items/services)."""

from __future__ import annotations

import graphene

from openimis.graphql.types import OpenIMISNodeType
from openimis.location.gql.types import HISTORY_FIELDS, LOCATION_FILTER_FIELDS, prefixed
from openimis.medical_pricelist import rights as pricelist_rights
from openimis.medical_pricelist.models import ItemsPricelist, ServicesPricelist

PRICELIST_FILTER_FIELDS = {
    "id": ["exact"],
    "uuid": ["exact"],
    "name": ["exact", "icontains", "istartswith"],
    "location": ["isnull"],
    "pricelist_date": ["exact", "gt", "gte", "lt", "lte"],
    **prefixed("location__", LOCATION_FILTER_FIELDS),
}
PRICELIST_FIELDS = ("id", "uuid", "name", "pricelist_date", "location", "health_facilities", *HISTORY_FIELDS)


class ServicesPricelistGQLType(OpenIMISNodeType):
    read_rights = (pricelist_rights.SERVICES_PRICELIST_SEARCH,)

    class Meta:
        model = ServicesPricelist
        interfaces = (graphene.relay.Node,)
        fields = PRICELIST_FIELDS
        filter_fields = PRICELIST_FILTER_FIELDS

    def resolve_health_facilities(self, info, **kwargs):
        return self.health_facilities.filter(validity_to__isnull=True)


class ItemsPricelistGQLType(OpenIMISNodeType):
    read_rights = (pricelist_rights.ITEMS_PRICELIST_SEARCH,)

    class Meta:
        model = ItemsPricelist
        interfaces = (graphene.relay.Node,)
        fields = PRICELIST_FIELDS
        filter_fields = PRICELIST_FILTER_FIELDS

    def resolve_health_facilities(self, info, **kwargs):
        return self.health_facilities.filter(validity_to__isnull=True)
