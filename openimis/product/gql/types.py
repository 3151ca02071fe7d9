"""GraphQL types of the product module, named and shaped as in openIMIS 24.10."""

from __future__ import annotations

import django_filters
import graphene
from graphene_django.filter import GlobalIDFilter

from openimis.graphql.filter_fields import HISTORY_FIELDS, TEXT_LOOKUPS
from openimis.graphql.types import OpenIMISNodeType
from openimis.product import rights as product_rights
from openimis.product import selectors
from openimis.product.models import Product, ProductItem, ProductService

DATE_LOOKUPS = ["exact", "gt", "gte", "lt", "lte"]  # the order of the 24.10 schema's product arguments
PRODUCT_FILTER_FIELDS = {
    "id": ["exact"],
    "uuid": ["exact"],
    "code": TEXT_LOOKUPS,
    "name": TEXT_LOOKUPS,
    "date_from": DATE_LOOKUPS,
    "date_to": DATE_LOOKUPS,
    "location": ["isnull"],
}


class ProductFilter(django_filters.FilterSet):
    id = GlobalIDFilter(field_name="id")  # a relay id (`products(id:)` of the product editor)

    class Meta:
        model = Product
        fields = PRODUCT_FILTER_FIELDS


class CeilingTypeEnum(graphene.Enum):
    INSUREE = "I"
    TREATMENT = "T"
    POLICY = "P"


class CeilingInterpretationEnum(graphene.Enum):
    CLAIM_TYPE = "I"
    HEALTH_FACILITY_TYPE = "H"


class PriceOriginEnum(graphene.Enum):
    PRICELIST = "P"
    PROVIDER = "O"
    RELATIVE = "R"


class LimitTypeEnum(graphene.Enum):
    CO_INSURANCE = "C"
    FIXED_AMOUNT = "F"


class CeilingExclusionEnum(graphene.Enum):
    HOSPITAL = "H"
    NON_HOSPITAL = "N"
    BOTH = "B"


class CareTypeEnum(graphene.Enum):
    IN_PATIENT = "I"
    OUT_PATIENT = "O"
    BOTH = "B"


def _enum(enum_class, code):
    return enum_class.get(code) if code else None


class ProductRelativePricesGQLType(graphene.ObjectType):
    care_type = graphene.Field(CareTypeEnum)
    periods = graphene.List(graphene.NonNull(graphene.Decimal), required=True)


class ProductGQLType(OpenIMISNodeType):
    read_rights = (product_rights.PRODUCT_SEARCH,)
    node_selector = selectors.product_by
    ceiling_type = graphene.Field(CeilingTypeEnum)
    ceiling_interpretation = graphene.Field(CeilingInterpretationEnum)
    relative_prices = graphene.List(ProductRelativePricesGQLType, required=True)
    # `ageMinimal` / `ageMaximal`: asked by the pinned frontend (fe-product 1.10), absent from 24.10
    age_minimal = graphene.Int()
    age_maximal = graphene.Int()

    class Meta:
        model = Product
        interfaces = (graphene.relay.Node,)
        fields = ("id", "uuid", "code", "name", "location", "date_from", "date_to", "conversion_product",
                  "insurance_period", "administration_period", "lump_sum", "max_members", "max_installments",
                  "threshold", "recurrence", "premium_adult", "premium_child", "acc_code_premiums",
                  "acc_code_remuneration", "grace_period_enrolment", "grace_period_payment",
                  "grace_period_renewal", "registration_lump_sum", "registration_fee",
                  "general_assembly_lump_sum", "general_assembly_fee", "start_cycle_1", "start_cycle_2",
                  "start_cycle_3", "start_cycle_4", "max_no_consultation", "max_no_surgery",
                  "max_no_delivery", "max_no_hospitalization", "max_no_visits", "max_amount_consultation",
                  "max_amount_surgery",
                  "max_amount_delivery", "max_amount_hospitalization", "renewal_discount_perc",
                  "renewal_discount_period", "enrolment_discount_perc", "enrolment_discount_period",
                  "share_contribution", "max_policy_extra_member", "max_policy_extra_member_ip",
                  "max_policy_extra_member_op", "max_ceiling_policy", "max_ceiling_policy_ip",
                  "max_ceiling_policy_op", "max_amount_antenatal", "ceiling_type", "max_no_antenatal",
                  "ceiling_interpretation", "items", "services", "deductible", "deductible_ip",
                  "deductible_op", "ceiling", "ceiling_ip", "ceiling_op", "age_minimal", "age_maximal",
                  *HISTORY_FIELDS)
        convert_choices_to_enum = False
        filterset_class = ProductFilter

    def resolve_ceiling_type(self, info):
        return _enum(CeilingTypeEnum, self.ceiling_type)

    def resolve_ceiling_interpretation(self, info):
        return _enum(CeilingInterpretationEnum, self.ceiling_interpretation)

    def resolve_items(self, info, **kwargs):
        return selectors.product_items(self)

    def resolve_services(self, info, **kwargs):
        return selectors.product_services(self)

    def resolve_relative_prices(self, info):
        by_care_type: dict[str, list] = {}
        for row in selectors.relative_distributions(self).order_by("care_type", "period"):
            by_care_type.setdefault(row.care_type, []).append(row.percent)
        return [ProductRelativePricesGQLType(care_type=_enum(CareTypeEnum, care_type), periods=periods)
                for care_type, periods in by_care_type.items()]


class CoverageLineFields:
    """Resolvers shared by the item and service lines of a product."""

    def resolve_price_origin(self, info):
        return _enum(PriceOriginEnum, self.price_origin)

    def resolve_limitation_type(self, info):
        return _enum(LimitTypeEnum, self.limitation_type)

    def resolve_limitation_type_r(self, info):
        return _enum(LimitTypeEnum, self.limitation_type_r)

    def resolve_limitation_type_e(self, info):
        return _enum(LimitTypeEnum, self.limitation_type_e)

    def resolve_ceiling_exclusion_adult(self, info):
        return _enum(CeilingExclusionEnum, self.ceiling_exclusion_adult)

    def resolve_ceiling_exclusion_child(self, info):
        return _enum(CeilingExclusionEnum, self.ceiling_exclusion_child)


LINE_FIELDS = ("id", "product", "price_origin", "limitation_type", "limitation_type_r", "limitation_type_e",
               "waiting_period_adult", "waiting_period_child", "limit_no_adult", "limit_no_child",
               "limit_adult", "limit_child", "limit_adult_r", "limit_adult_e", "limit_child_r",
               "limit_child_e",
               "ceiling_exclusion_adult", "ceiling_exclusion_child", *HISTORY_FIELDS)


class ProductItemGQLType(CoverageLineFields, OpenIMISNodeType):
    read_rights = (product_rights.PRODUCT_SEARCH,)
    price_origin = graphene.Field(PriceOriginEnum)
    limitation_type = graphene.Field(LimitTypeEnum)
    limitation_type_r = graphene.Field(LimitTypeEnum)
    limitation_type_e = graphene.Field(LimitTypeEnum)
    ceiling_exclusion_adult = graphene.Field(CeilingExclusionEnum)
    ceiling_exclusion_child = graphene.Field(CeilingExclusionEnum)

    class Meta:
        model = ProductItem
        interfaces = (graphene.relay.Node,)
        fields = (*LINE_FIELDS, "item")
        convert_choices_to_enum = False
        filter_fields = {"id": ["exact"]}


class ProductServiceGQLType(CoverageLineFields, OpenIMISNodeType):
    read_rights = (product_rights.PRODUCT_SEARCH,)
    price_origin = graphene.Field(PriceOriginEnum)
    limitation_type = graphene.Field(LimitTypeEnum)
    limitation_type_r = graphene.Field(LimitTypeEnum)
    limitation_type_e = graphene.Field(LimitTypeEnum)
    ceiling_exclusion_adult = graphene.Field(CeilingExclusionEnum)
    ceiling_exclusion_child = graphene.Field(CeilingExclusionEnum)

    class Meta:
        model = ProductService
        interfaces = (graphene.relay.Node,)
        fields = (*LINE_FIELDS, "service")
        convert_choices_to_enum = False
        filter_fields = {"id": ["exact"]}


class PageDisplayRulesGQLType(graphene.ObjectType):
    min_limit_value = graphene.Decimal()
    max_limit_value = graphene.Decimal()


class ProductItemOrServiceDefaultValuesGQLType(graphene.ObjectType):
    default_price_origin = graphene.String()
    default_limit = graphene.String()
    default_limit_co_insurance_value = graphene.Int()
    default_limit_fixed_value = graphene.Int()
