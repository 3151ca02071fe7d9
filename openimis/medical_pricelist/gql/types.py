"""GraphQL types of the medical price-list module, named and shaped as in the openIMIS 24.10 API."""

from __future__ import annotations

import graphene

from openimis.graphql.connection import OpenIMISConnectionField
from openimis.graphql.filter_fields import HISTORY_FIELDS, prefixed
from openimis.graphql.types import OpenIMISNodeType
from openimis.location.gql.types import LOCATION_FILTER_FIELDS
from openimis.medical_pricelist import rights as pricelist_rights
from openimis.medical_pricelist.models import (
    ItemsPricelist,
    ItemsPricelistDetail,
    ServicesPricelist,
    ServicesPricelistDetail,
)

PRICELIST_FILTER_FIELDS = {
    "id": ["exact"],
    "uuid": ["exact"],
    "name": ["exact", "icontains", "istartswith"],
    "location": ["isnull"],
    "pricelist_date": ["exact", "gt", "gte", "lt", "lte"],
    **prefixed("location__", LOCATION_FILTER_FIELDS),
}
PRICELIST_FIELDS = ("id", "uuid", "name", "pricelist_date", "location", "health_facilities", "details",
                    *HISTORY_FIELDS)
DETAIL_HISTORY_FIELDS = ("validity_from", "validity_to", "legacy_id", "audit_user_id")


class ServicesPricelistDetailGQLType(OpenIMISNodeType):
    read_rights = (pricelist_rights.SERVICES_PRICELIST_SEARCH,)

    class Meta:
        model = ServicesPricelistDetail
        interfaces = (graphene.relay.Node,)
        fields = ("id", "services_pricelist", "service", "price_overrule", *DETAIL_HISTORY_FIELDS)
        filter_fields = {"services_pricelist": ["exact"]}


class ItemsPricelistDetailGQLType(OpenIMISNodeType):
    read_rights = (pricelist_rights.ITEMS_PRICELIST_SEARCH,)

    class Meta:
        model = ItemsPricelistDetail
        interfaces = (graphene.relay.Node,)
        fields = ("id", "items_pricelist", "item", "price_overrule", *DETAIL_HISTORY_FIELDS)
        filter_fields = {"items_pricelist": ["exact"]}


class CurrentPricelistRows:
    """A price list shows its current health facilities and lines (both kinds of list alike)."""

    def resolve_health_facilities(self, info, **kwargs):
        return self.health_facilities.current()

    def resolve_details(self, info, **kwargs):
        return self.details.current()


class ServicesPricelistGQLType(CurrentPricelistRows, OpenIMISNodeType):
    read_rights = (pricelist_rights.SERVICES_PRICELIST_SEARCH,)
    details = OpenIMISConnectionField(ServicesPricelistDetailGQLType, order_by=False, required=True)

    class Meta:
        model = ServicesPricelist
        interfaces = (graphene.relay.Node,)
        fields = PRICELIST_FIELDS
        filter_fields = PRICELIST_FILTER_FIELDS


class ItemsPricelistGQLType(CurrentPricelistRows, OpenIMISNodeType):
    read_rights = (pricelist_rights.ITEMS_PRICELIST_SEARCH,)
    details = OpenIMISConnectionField(ItemsPricelistDetailGQLType, order_by=False, required=True)

    class Meta:
        model = ItemsPricelist
        interfaces = (graphene.relay.Node,)
        fields = PRICELIST_FIELDS
        filter_fields = PRICELIST_FILTER_FIELDS


class PriceCompactGQLType(graphene.ObjectType):
    id = graphene.Int()
    p = graphene.Decimal()


class PricelistsGQLType(graphene.ObjectType):
    services = graphene.List(PriceCompactGQLType)
    items = graphene.List(PriceCompactGQLType)
