"""Root queries of the price-list module. Thin: parse arguments, call selectors."""

from __future__ import annotations

import graphene

from openimis.graphql.connection import OpenIMISConnectionField
from openimis.graphql.rights import AUTHENTICATED
from openimis.medical_pricelist import rights as pricelist_rights
from openimis.medical_pricelist import selectors
from openimis.medical_pricelist.gql.types import (
    ItemsPricelistGQLType,
    PriceCompactGQLType,
    PricelistsGQLType,
    ServicesPricelistGQLType,
)

SEARCH_SERVICES = (pricelist_rights.SERVICES_PRICELIST_SEARCH,)
SEARCH_ITEMS = (pricelist_rights.ITEMS_PRICELIST_SEARCH,)


def _compact(rows):
    return None if rows is None else [PriceCompactGQLType(id=row["id"], p=row["p"]) for row in rows]


class Query(graphene.ObjectType):
    services_pricelists = OpenIMISConnectionField(
        ServicesPricelistGQLType, order_by=False, show_history=graphene.Boolean(),
        location_uuid=graphene.String())
    items_pricelists = OpenIMISConnectionField(
        ItemsPricelistGQLType, order_by=False, show_history=graphene.Boolean(),
        location_uuid=graphene.String())
    pricelists = graphene.Field(PricelistsGQLType, services_pricelist_id=graphene.Int(),
                                items_pricelist_id=graphene.Int())
    validate_services_pricelist_name = graphene.Boolean(
        services_pricelist_name=graphene.String(required=True))
    validate_items_pricelist_name = graphene.Boolean(items_pricelist_name=graphene.String(required=True))

    field_rights = {
        "servicesPricelists": SEARCH_SERVICES,
        "itemsPricelists": SEARCH_ITEMS,
        # read by the claim form (and at start-up for a health facility's user) to prefill prices
        "pricelists": AUTHENTICATED,
        "validateServicesPricelistName": SEARCH_SERVICES,
        "validateItemsPricelistName": SEARCH_ITEMS,
    }

    def resolve_services_pricelists(self, info, **kwargs):
        return selectors.pricelists("services", info.context.user, bool(kwargs.get("show_history")),
                                    kwargs.get("location_uuid"))

    def resolve_items_pricelists(self, info, **kwargs):
        return selectors.pricelists("items", info.context.user, bool(kwargs.get("show_history")),
                                    kwargs.get("location_uuid"))

    def resolve_pricelists(self, info, services_pricelist_id=None, items_pricelist_id=None):
        services = selectors.compact_prices("services", services_pricelist_id)
        items = selectors.compact_prices("items", items_pricelist_id)
        return PricelistsGQLType(services=_compact(services), items=_compact(items))

    def resolve_validate_services_pricelist_name(self, info, services_pricelist_name):
        return selectors.pricelist_name_is_free("services", services_pricelist_name)

    def resolve_validate_items_pricelist_name(self, info, items_pricelist_name):
        return selectors.pricelist_name_is_free("items", items_pricelist_name)
