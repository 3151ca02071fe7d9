"""Root mutations of the product module. Thin: the input shape, the rights, the service to call."""

from __future__ import annotations

from decimal import Decimal

import graphene

from openimis.graphql.mutations import LogLink, OpenIMISMutation
from openimis.product import rights as product_rights
from openimis.product import services
from openimis.product.gql.types import (
    CareTypeEnum,
    CeilingExclusionEnum,
    CeilingInterpretationEnum,
    CeilingTypeEnum,
    LimitTypeEnum,
    PriceOriginEnum,
)
from openimis.product.models import ProductMutation

ZERO = Decimal(0)
PRODUCT_LINK = LogLink(ProductMutation, "product")


class CoverageLineInputFields:
    price_origin = graphene.Field(PriceOriginEnum)
    limitation_type = graphene.Field(LimitTypeEnum)
    limitation_type_r = graphene.Field(LimitTypeEnum)
    limitation_type_e = graphene.Field(LimitTypeEnum)
    waiting_period_adult = graphene.Int()
    waiting_period_child = graphene.Int()
    limit_no_adult = graphene.Int()
    limit_no_child = graphene.Int()
    limit_adult = graphene.Decimal(default_value=ZERO)
    limit_child = graphene.Decimal(default_value=ZERO)
    limit_adult_r = graphene.Decimal(default_value=ZERO)
    limit_child_r = graphene.Decimal(default_value=ZERO)
    limit_adult_e = graphene.Decimal(default_value=ZERO)
    limit_child_e = graphene.Decimal(default_value=ZERO)
    ceiling_exclusion_adult = graphene.Field(CeilingExclusionEnum)
    ceiling_exclusion_child = graphene.Field(CeilingExclusionEnum)


class ProductItemInput(CoverageLineInputFields, graphene.InputObjectType):
    item_uuid = graphene.UUID(required=True)


class ProductServiceInput(CoverageLineInputFields, graphene.InputObjectType):
    service_uuid = graphene.UUID(required=True)


class RelativePricesInput(graphene.InputObjectType):
    care_type = graphene.Field(CareTypeEnum)
    periods = graphene.List(graphene.NonNull(graphene.Decimal), required=True)


class ProductInputFields:
    name = graphene.String(required=True)
    date_from = graphene.Date(required=True)
    date_to = graphene.Date(required=True)
    insurance_period = graphene.Int(required=True)
    administration_period = graphene.Int()
    max_members = graphene.Int(default_value=0)
    max_installments = graphene.Int()
    recurrence = graphene.Int()
    location_uuid = graphene.UUID()
    conversion_product_uuid = graphene.UUID()
    acc_code_remuneration = graphene.String()
    acc_code_premiums = graphene.String()
    lump_sum = graphene.Decimal(default_value=ZERO)
    premium_adult = graphene.Decimal(default_value=ZERO)
    premium_child = graphene.Decimal(default_value=ZERO)
    threshold = graphene.Int()
    share_contribution = graphene.Decimal()
    grace_period_renewal = graphene.Int(default_value=0)
    grace_period_payment = graphene.Int(default_value=0)
    grace_period_enrolment = graphene.Int(default_value=0)
    registration_lump_sum = graphene.Decimal()
    registration_fee = graphene.Decimal()
    general_assembly_lump_sum = graphene.Decimal()
    general_assembly_fee = graphene.Decimal()
    start_cycle1 = graphene.String()
    start_cycle2 = graphene.String()
    start_cycle3 = graphene.String()
    start_cycle4 = graphene.String()
    renewal_discount_perc = graphene.Int(default_value=0)
    renewal_discount_period = graphene.Int(default_value=0)
    enrolment_discount_perc = graphene.Int(default_value=0)
    enrolment_discount_period = graphene.Int(default_value=0)
    ceiling_interpretation = graphene.Field(CeilingInterpretationEnum)
    ceiling_type = graphene.Field(CeilingTypeEnum)
    deductible = graphene.Decimal()
    deductible_ip = graphene.Decimal()
    deductible_op = graphene.Decimal()
    ceiling = graphene.Decimal()
    ceiling_ip = graphene.Decimal()
    ceiling_op = graphene.Decimal()
    max_ceiling_policy = graphene.Decimal()
    max_ceiling_policy_ip = graphene.Decimal()
    max_ceiling_policy_op = graphene.Decimal()
    max_policy_extra_member = graphene.Decimal()
    max_policy_extra_member_op = graphene.Decimal()
    max_policy_extra_member_ip = graphene.Decimal()
    max_no_consultation = graphene.Int()
    max_no_surgery = graphene.Int()
    max_no_delivery = graphene.Int()
    max_no_hospitalization = graphene.Int()
    max_no_visits = graphene.Int()
    max_no_antenatal = graphene.Int()
    max_amount_consultation = graphene.Decimal()
    max_amount_surgery = graphene.Decimal()
    max_amount_delivery = graphene.Decimal()
    max_amount_hospitalization = graphene.Decimal()
    max_amount_antenatal = graphene.Decimal()
    relative_prices = graphene.List(RelativePricesInput)
    items = graphene.List(graphene.NonNull(ProductItemInput))
    services = graphene.List(graphene.NonNull(ProductServiceInput))
    code = graphene.String(required=True)
    # sent by the pinned frontend (fe-product 1.10), absent from 24.10
    age_minimal = graphene.Int()
    age_maximal = graphene.Int()


class CreateProductMutation(OpenIMISMutation):
    service = services.create_product
    log_link = PRODUCT_LINK
    rights = (product_rights.PRODUCT_ADD,)

    class Input(ProductInputFields, OpenIMISMutation.Input):
        pass


class UpdateProductMutation(OpenIMISMutation):
    service = services.update_product
    log_link = PRODUCT_LINK
    rights = (product_rights.PRODUCT_EDIT,)

    class Input(ProductInputFields, OpenIMISMutation.Input):
        uuid = graphene.UUID(required=True)


class DuplicateProductMutation(OpenIMISMutation):
    service = services.duplicate_product
    log_link = PRODUCT_LINK
    rights = (product_rights.PRODUCT_DUPLICATE,)

    class Input(ProductInputFields, OpenIMISMutation.Input):
        uuid = graphene.UUID()


class DeleteProductMutation(OpenIMISMutation):
    service = services.delete_product
    log_link = PRODUCT_LINK
    each_uuid = True
    rights = (product_rights.PRODUCT_DELETE,)

    class Input(OpenIMISMutation.Input):
        uuids = graphene.List(graphene.String)


class Mutation(graphene.ObjectType):
    create_product = CreateProductMutation.Field()
    update_product = UpdateProductMutation.Field()
    duplicate_product = DuplicateProductMutation.Field()
    delete_product = DeleteProductMutation.Field()
