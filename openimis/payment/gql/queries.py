"""Root queries of the payment module. Thin: parse arguments, call selectors."""

from __future__ import annotations

import json

import graphene

from openimis.graphql.connection import OpenIMISConnectionField
from openimis.payment import rights as payment_rights
from openimis.payment import selectors
from openimis.payment.gql.types import PaymentDetailGQLType, PaymentGQLType

READERS = (payment_rights.PAYMENT_SEARCH,)

# the keys of `additionalFilter` that `payments` applies (others are ignored): the payments tied to a
# contribution, to a policy or to a family
ADDITIONAL_FILTERS = {
    "premiumUuid": "details__premium__uuid",
    "policyUuid": "details__premium__policy__uuid",
    "familyUuid": "details__premium__policy__family__uuid",
}


def _additional(queryset, additional_filter):
    """Apply the keys of `additionalFilter` (a JSON object, or its text) that name a relation."""
    if isinstance(additional_filter, str):
        try:
            additional_filter = json.loads(additional_filter)
        except json.JSONDecodeError:
            return queryset.none()
    if not isinstance(additional_filter, dict):
        return queryset
    lookups = {path: str(additional_filter[key]) for key, path in ADDITIONAL_FILTERS.items()
               if additional_filter.get(key)}
    if not lookups:
        return queryset
    linked = selectors.current_details().filter(**{path.removeprefix("details__"): value
                                                  for path, value in lookups.items()})
    return queryset.filter(pk__in=linked.values("payment_id"))


class Query(graphene.ObjectType):
    payments = OpenIMISConnectionField(
        PaymentGQLType, show_history=graphene.Boolean(), show_reconciled=graphene.Boolean(),
        client_mutation_id=graphene.String(), additional_filter=graphene.JSONString())
    payment_details = OpenIMISConnectionField(PaymentDetailGQLType)
    payments_by_premiums = OpenIMISConnectionField(
        PaymentGQLType, premium_uuids=graphene.List(graphene.String, required=True))

    field_rights = {
        "payments": READERS,
        "paymentDetails": READERS,
        "paymentsByPremiums": READERS,
    }

    def resolve_payments(self, info, show_history=None, show_reconciled=None, client_mutation_id=None,
                         additional_filter=None, **kwargs):
        """`showReconciled`: only the matched payments (reconciled with their contributions)."""
        queryset = selectors.payments(info.context.user, show_history=bool(show_history))
        if show_reconciled:
            queryset = queryset.filter(matched_date__isnull=False)
        if client_mutation_id:
            queryset = queryset.filter(mutations__mutation__client_mutation_id=client_mutation_id).distinct()
        if additional_filter:
            queryset = _additional(queryset, additional_filter)
        return queryset.order_by("-received_date", "-id")

    def resolve_payment_details(self, info, **kwargs):
        return selectors.details(info.context.user).order_by("id")

    def resolve_payments_by_premiums(self, info, premium_uuids, **kwargs):
        uuids = [str(uuid) for uuid in premium_uuids if uuid]
        return selectors.payments_of_premiums(info.context.user, uuids).order_by("-received_date", "-id")
