"""Root queries of the product module. Thin: parse arguments, call selectors."""

from __future__ import annotations

from decimal import Decimal

import graphene
from django.db.models import Q
from graphql_relay import from_global_id

from openimis.core.configuration import module_config
from openimis.graphql.connection import OpenIMISConnectionField
from openimis.product import rights as product_rights
from openimis.product import selectors
from openimis.product.gql.types import (
    PageDisplayRulesGQLType,
    ProductGQLType,
    ProductItemOrServiceDefaultValuesGQLType,
)

SEARCH = (product_rights.PRODUCT_SEARCH,)


class Query(graphene.ObjectType):
    products = OpenIMISConnectionField(ProductGQLType, order_by=False, location=graphene.Int(),
                                       show_history=graphene.Boolean(), search=graphene.String())
    product = graphene.Field(ProductGQLType, id=graphene.ID(), uuid=graphene.String())
    page_display_rules = graphene.Field(PageDisplayRulesGQLType)
    limit_defaults = graphene.Field(ProductItemOrServiceDefaultValuesGQLType)
    validate_product_code = graphene.Boolean(product_code=graphene.String(required=True))

    field_rights = {
        "products": SEARCH,
        "product": SEARCH,
        "pageDisplayRules": SEARCH,
        "limitDefaults": SEARCH,
        "validateProductCode": SEARCH,
    }

    def resolve_products(self, info, location=None, show_history=None, search=None, **kwargs):
        queryset = selectors.products(info.context.user, show_history=bool(show_history))
        if location is not None:
            # a region's products and those of its districts; a district's and its region's
            queryset = queryset.filter(Q(location_id=location) | Q(location__parent_id=location)
                                       | Q(location_id__in=selectors.parent_of_location(location)))
        if search:
            queryset = queryset.filter(Q(code__icontains=search) | Q(name__icontains=search))
        if show_history:
            return queryset.order_by("code", "-validity_from", "-id")
        return queryset.order_by("code")

    def resolve_product(self, info, id=None, uuid=None):
        if id is not None:
            pk = id if str(id).isdigit() else from_global_id(id)[1]
            return selectors.product_by(info.context.user, pk=pk)
        return selectors.product_by(info.context.user, uuid=uuid)

    def resolve_page_display_rules(self, info):
        config = module_config("product")
        return PageDisplayRulesGQLType(min_limit_value=Decimal(str(config["min_limit_value"])),
                                       max_limit_value=Decimal(str(config["max_limit_value"])))

    def resolve_limit_defaults(self, info):
        config = module_config("product")
        return ProductItemOrServiceDefaultValuesGQLType(
            default_price_origin=config["default_price_origin"], default_limit=config["default_limit"],
            default_limit_co_insurance_value=config["default_limit_co_insurance_value"],
            default_limit_fixed_value=config["default_limit_fixed_value"])

    def resolve_validate_product_code(self, info, product_code):
        return bool(product_code) and selectors.code_is_free(product_code.strip())
