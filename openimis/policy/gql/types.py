"""GraphQL types of the policy module, named and shaped as in openIMIS 24.10; the `policies` and
`insureePolicies` connections join the family, insuree, officer and product types here."""

from __future__ import annotations

import django_filters
import graphene
from graphene_django import DjangoConnectionField
from graphene_django.filter import DjangoFilterConnectionField, GlobalIDFilter

from openimis.core.gql.types import OFFICER_FILTER_FIELDS, OfficerGQLType
from openimis.graphql.extensions import extend_type
from openimis.graphql.filter_fields import HISTORY_FIELDS, RANGE_LOOKUPS, TEXT_LOOKUPS, prefixed
from openimis.graphql.loading import Needs, declare_relation
from openimis.graphql.types import OpenIMISNodeType
from openimis.insuree.gql.types import INSUREE_FILTER_FIELDS, FamilyGQLType, InsureeGQLType
from openimis.policy import rights as policy_rights
from openimis.policy import selectors
from openimis.policy.models import InsureePolicy, Policy, PolicyRenewal
from openimis.product.gql.types import ProductGQLType

READERS = (policy_rights.POLICY_SEARCH,)

POLICY_FILTER_FIELDS = {
    "id": ["exact"],
    "uuid": ["exact"],
    "enroll_date": RANGE_LOOKUPS,
    "start_date": RANGE_LOOKUPS,
    "effective_date": RANGE_LOOKUPS,
    "expiry_date": RANGE_LOOKUPS,
    "stage": ["exact"],
    "status": RANGE_LOOKUPS,
    "value": RANGE_LOOKUPS,
    "product__id": ["exact"],
    "product__uuid": ["exact"],
    "product__code": TEXT_LOOKUPS,
    "product__name": TEXT_LOOKUPS,
    "product__date_from": ["exact", "gt", "gte", "lt", "lte"],
    "product__date_to": ["exact", "gt", "gte", "lt", "lte"],
    "product__location": ["isnull"],
    **prefixed("officer__", OFFICER_FILTER_FIELDS),
}

INSUREE_POLICY_FILTER_FIELDS = {
    "enrollment_date": RANGE_LOOKUPS,
    "start_date": RANGE_LOOKUPS,
    "effective_date": RANGE_LOOKUPS,
    "expiry_date": RANGE_LOOKUPS,
    **prefixed("insuree__", INSUREE_FILTER_FIELDS),
    **prefixed("policy__", POLICY_FILTER_FIELDS),
}


class PolicyFilter(django_filters.FilterSet):
    id = GlobalIDFilter(field_name="id")

    class Meta:
        model = Policy
        fields = POLICY_FILTER_FIELDS


class InsureePolicyFilter(django_filters.FilterSet):
    class Meta:
        model = InsureePolicy
        fields = INSUREE_POLICY_FILTER_FIELDS


def premium_total(policy):
    """The sum of the policy's current premiums (photo fees apart), as the contribution module annotates
    it; None without that module."""
    if hasattr(policy, "sum_premiums_total"):
        return policy.sum_premiums_total
    if policy.pk is None:
        return None
    found = selectors.annotated(Policy.objects.filter(pk=policy.pk)).first()
    return getattr(found, "sum_premiums_total", None)


class PolicyGQLType(OpenIMISNodeType):
    read_rights = READERS
    node_selector = selectors.policy_by
    sum_premiums = graphene.Float()

    class Meta:
        model = Policy
        interfaces = (graphene.relay.Node,)
        fields = ("id", "uuid", "stage", "status", "value", "family", "enroll_date", "start_date",
                  "effective_date", "expiry_date", "product", "officer", "offline", "creation_date",
                  "insuree_policies", "policy_renewals", *HISTORY_FIELDS)
        convert_choices_to_enum = False
        filterset_class = PolicyFilter

    def resolve_insuree_policies(self, info, **kwargs):
        return selectors.covered_members(self)

    def resolve_policy_renewals(self, info, **kwargs):
        return self.policy_renewals.current()

    def resolve_sum_premiums(self, info):
        total = premium_total(self)
        return float(total) if total is not None else 0.0


# the total is annotated on the rows of a list (`selectors.annotated`), else read by the policy's key
declare_relation(PolicyGQLType, "sumPremiums", Needs())


class InsureePolicyGQLType(OpenIMISNodeType):
    read_rights = READERS

    class Meta:
        model = InsureePolicy
        interfaces = (graphene.relay.Node,)
        fields = ("id", "insuree", "policy", "enrollment_date", "start_date", "effective_date",
                  "expiry_date", "offline", *HISTORY_FIELDS)
        filterset_class = InsureePolicyFilter

    @classmethod
    def find_node(cls, info, id):
        return selectors.insuree_policies(info.context.user).filter(pk=id).first()


class PolicyRenewalGQLType(OpenIMISNodeType):
    read_rights = READERS

    class Meta:
        model = PolicyRenewal
        interfaces = (graphene.relay.Node,)
        fields = ("id", "uuid", "new_officer", "insuree", "policy", "new_product", "renewal_prompt_date",
                  "renewal_date", "phone_number", "sms_status", "renewal_warnings", "response_status",
                  "response_date", *HISTORY_FIELDS)

    @classmethod
    def find_node(cls, info, id):
        return renewals_for(info.context.user).filter(pk=id).first()


def renewals_for(user):
    return PolicyRenewal.objects.current().filter(policy__in=selectors.policies(user))


class PolicyByFamilyOrInsureeGQLType(graphene.ObjectType):
    """One row of the family's or the insuree's policy summary (spec 7.6): flat fields."""

    class Meta:
        interfaces = (graphene.relay.Node,)

    policy_id = graphene.Int()
    policy_uuid = graphene.String()
    policy_value = graphene.Float()
    product_code = graphene.String()
    product_name = graphene.String()
    start_date = graphene.Date()
    enroll_date = graphene.Date()
    effective_date = graphene.Date()
    expiry_date = graphene.Date()
    officer_code = graphene.String()
    officer_name = graphene.String()
    status = graphene.Int()
    ded = graphene.Float()
    ded_in_patient = graphene.Float()
    ded_out_patient = graphene.Float()
    ceiling = graphene.Float()
    ceiling_in_patient = graphene.Float()
    ceiling_out_patient = graphene.Float()
    balance = graphene.Float()
    validity_from = graphene.Date()
    validity_to = graphene.Date()
    max_installments = graphene.Int()
    contribution_plan_code = graphene.String()
    contribution_plan_name = graphene.String()


class PolicyByFamilyOrInsureeConnection(graphene.relay.Connection):
    class Meta:
        node = PolicyByFamilyOrInsureeGQLType

    total_count = graphene.Int()
    edge_count = graphene.Int()

    def resolve_total_count(self, info):
        return len(self.iterable)

    def resolve_edge_count(self, info):
        return len(self.edges)


class EligibilityGQLType(graphene.ObjectType):
    prod_id = graphene.String()
    total_admissions_left = graphene.Int()
    total_visits_left = graphene.Int()
    total_consultations_left = graphene.Int()
    total_surgeries_left = graphene.Int()
    total_deliveries_left = graphene.Int()
    total_antenatal_left = graphene.Int()
    consultation_amount_left = graphene.Float()
    surgery_amount_left = graphene.Float()
    delivery_amount_left = graphene.Float()
    hospitalization_amount_left = graphene.Float()
    antenatal_amount_left = graphene.Float()
    min_date_service = graphene.Date()
    min_date_item = graphene.Date()
    service_left = graphene.Int()
    item_left = graphene.Int()
    is_item_ok = graphene.Boolean()
    is_service_ok = graphene.Boolean()


class PolicyAndWarningsGQLType(graphene.ObjectType):
    policy = graphene.Field(PolicyGQLType)
    warnings = graphene.List(graphene.String)


# the families, officers and products list their policies, the insurees their insuree-policies
def _add_connection(graphene_type, name: str, node_type, resolver) -> None:
    extend_type(graphene_type, name, DjangoFilterConnectionField(node_type, required=True),
                lambda row, info, **kwargs: resolver(row, info.context.user))


_add_connection(FamilyGQLType, "policies", PolicyGQLType,
                lambda family, user: selectors.family_policies(family))
_add_connection(OfficerGQLType, "policies", PolicyGQLType,
                lambda officer, user: selectors.policies(user).filter(officer=officer))
_add_connection(ProductGQLType, "policies", PolicyGQLType,
                lambda product, user: selectors.policies(user).filter(product=product))
_add_connection(InsureeGQLType, "insuree_policies", InsureePolicyGQLType,
                lambda insuree, user: selectors.current_insuree_policies().filter(insuree=insuree))

for _type in (OfficerGQLType, InsureeGQLType, ProductGQLType):
    extend_type(_type, "policy_renewals", DjangoConnectionField(PolicyRenewalGQLType, required=True),
                lambda row, info, **kwargs: renewals_for(info.context.user).filter(**{_owner(row): row}))


def _owner(row) -> str:
    return {"Officer": "new_officer", "Insuree": "insuree", "Product": "new_product"}[type(row).__name__]
