"""GraphQL types of the contribution module, named and shaped as in openIMIS 24.10; the `premiums`
connection joins the policy type here."""

from __future__ import annotations

import django_filters
import graphene
from graphene_django.filter import DjangoFilterConnectionField

from openimis.contribution import rights as contribution_rights
from openimis.contribution import selectors
from openimis.contribution.models import Premium, PremiumMutation
from openimis.graphql.extensions import extend_type
from openimis.graphql.filter_fields import HISTORY_FIELDS, RANGE_LOOKUPS, prefixed
from openimis.graphql.pending import declare_pending_mutation
from openimis.graphql.types import OpenIMISNodeType
from openimis.policy.gql.types import POLICY_FILTER_FIELDS, PolicyGQLType

PREMIUM_FILTER_FIELDS = {
    "uuid": ["exact"],
    "amount": RANGE_LOOKUPS,
    "pay_date": RANGE_LOOKUPS,
    "pay_type": ["exact"],
    "is_photo_fee": ["exact"],
    "receipt": ["exact", "icontains"],
    **prefixed("policy__", POLICY_FILTER_FIELDS),
}


class PremiumFilter(django_filters.FilterSet):
    class Meta:
        model = Premium
        fields = PREMIUM_FILTER_FIELDS


class PremiumGQLType(OpenIMISNodeType):
    read_rights = (contribution_rights.PREMIUM_SEARCH,)
    node_selector = selectors.premium_by
    client_mutation_id = graphene.String()
    other_premiums = graphene.Float()

    class Meta:
        model = Premium
        interfaces = (graphene.relay.Node,)
        fields = ("id", "uuid", "policy", "payer", "amount", "receipt", "pay_date", "pay_type",
                  "is_photo_fee", "is_offline", "reporting_id", "reporting_commission_id",
                  "overview_commission_report", "all_details_commission_report", "source",
                  "source_version", "created_date",
                  *HISTORY_FIELDS)
        filterset_class = PremiumFilter

    def resolve_other_premiums(self, info):
        total = getattr(self, "other_premiums_total", None)
        if total is None:
            total = selectors.paid_total(self.policy_id, self.pk)
        return float(total)


extend_type(PolicyGQLType, "premiums", DjangoFilterConnectionField(PremiumGQLType, required=True),
            lambda policy, info, **kwargs: selectors.current_premiums().filter(policy=policy))

declare_pending_mutation(PremiumGQLType, PremiumMutation, "premium")


# the fields of a premium in the mutations' input, here (the public surface) for other modules' inputs too
class PremiumInputFields:
    id = graphene.Int()
    uuid = graphene.String()
    policy_uuid = graphene.String(required=True)
    payer_uuid = graphene.String()
    amount = graphene.Decimal()
    receipt = graphene.String()
    pay_date = graphene.Date()
    pay_type = graphene.String()
    is_offline = graphene.Boolean()
    is_photo_fee = graphene.Boolean()
    action = graphene.String()
