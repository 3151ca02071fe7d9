"""GraphQL types of the payment module, named and shaped as in openIMIS 24.10; the `payments` of a
mutation log join core's type here."""

from __future__ import annotations

import django_filters
import graphene
from graphene_django import DjangoObjectType

from openimis.contribution.gql.types import PREMIUM_FILTER_FIELDS, PremiumGQLType
from openimis.core.gql.types import MutationLogGQLType
from openimis.graphql.connection import OpenIMISConnectionField
from openimis.graphql.extensions import extend_type
from openimis.graphql.filter_fields import HISTORY_FIELDS, RANGE_LOOKUPS, SEARCH_LOOKUPS, prefixed
from openimis.graphql.loading import RelatedRows, declare_relation, prefetched
from openimis.graphql.pending import declare_pending_mutation
from openimis.graphql.types import OpenIMISNodeType
from openimis.payment import rights as payment_rights
from openimis.payment import selectors
from openimis.payment.models import Payment, PaymentDetail, PaymentMutation

READERS = (payment_rights.PAYMENT_SEARCH,)
NULLABLE_RANGE = [*RANGE_LOOKUPS, "isnull"]
NULLABLE_TEXT = [*SEARCH_LOOKUPS, "isnull"]

PAYMENT_FILTER_FIELDS = {
    "id": ["exact"],
    "uuid": ["exact"],
    "status": ["exact", "isnull"],
    "expected_amount": NULLABLE_RANGE,
    "received_amount": NULLABLE_RANGE,
    "transfer_fee": NULLABLE_RANGE,
    "officer_code": ["exact", "isnull"],
    "phone_number": NULLABLE_TEXT,
    "request_date": NULLABLE_RANGE,
    "received_date": NULLABLE_RANGE,
    "matched_date": NULLABLE_RANGE,
    "payment_date": NULLABLE_RANGE,
    "date_last_sms": NULLABLE_RANGE,
    "transaction_no": NULLABLE_TEXT,
    "origin": NULLABLE_TEXT,
    "receipt_no": NULLABLE_TEXT,
    "rejected_reason": NULLABLE_TEXT,
    "language_name": NULLABLE_TEXT,
    "type_of_payment": NULLABLE_TEXT,
    "reconc_req_id": NULLABLE_TEXT,
    "reconciliation_date": NULLABLE_RANGE,
}

DETAIL_FILTER_FIELDS = {
    "id": ["exact"],
    "product_code": ["exact", "isnull"],
    "insurance_number": ["exact", "isnull"],
    "policy_stage": ["exact", "isnull"],
    "expected_amount": NULLABLE_RANGE,
    "amount": NULLABLE_RANGE,
    "enrollment_date": NULLABLE_RANGE,
    **prefixed("premium__", {name: lookups for name, lookups in PREMIUM_FILTER_FIELDS.items()}),
    **prefixed("payment__", {name: lookups for name, lookups in PAYMENT_FILTER_FIELDS.items()
                             if name != "id"}),
    "payment__id": ["exact"],
}

DETAILS_ATTRIBUTE = "current_payment_details"
PREMIUM_DETAILS_ATTRIBUTE = "current_premium_payment_details"


class PaymentFilter(django_filters.FilterSet):
    class Meta:
        model = Payment
        fields = PAYMENT_FILTER_FIELDS


class PaymentDetailFilter(django_filters.FilterSet):
    class Meta:
        model = PaymentDetail
        fields = DETAIL_FILTER_FIELDS


class PaymentDetailGQLType(OpenIMISNodeType):
    read_rights = READERS
    node_selector = selectors.detail_by
    payment = graphene.Field(lambda: PaymentGQLType, required=True)
    premium = graphene.Field(PremiumGQLType)

    class Meta:
        model = PaymentDetail
        interfaces = (graphene.relay.Node,)
        fields = ("id", "payment", "product_code", "insurance_number", "policy_stage", "amount", "premium",
                  "enrollment_date", "expected_amount", *HISTORY_FIELDS)
        filterset_class = PaymentDetailFilter


class PaymentGQLType(OpenIMISNodeType):
    read_rights = READERS
    node_selector = selectors.payment_by
    client_mutation_id = graphene.String()
    payment_details = OpenIMISConnectionField(PaymentDetailGQLType, order_by=False, required=True)

    class Meta:
        model = Payment
        interfaces = (graphene.relay.Node,)
        fields = ("id", "uuid", "expected_amount", "received_amount", "officer_code", "phone_number",
                  "request_date", "received_date", "status", "transaction_no", "origin", "matched_date",
                  "receipt_no", "payment_date", "rejected_reason", "date_last_sms", "language_name",
                  "type_of_payment", "transfer_fee", "reconc_req_id", "reconciliation_date", "mutations",
                  "validity_from", "validity_to", "legacy_id")
        filterset_class = PaymentFilter

    def resolve_payment_details(self, info, **kwargs):
        rows = prefetched(self, DETAILS_ATTRIBUTE, kwargs)
        return rows if rows is not None else selectors.details_of(self)


def _details_of_premium(premium, arguments: dict):
    rows = prefetched(premium, PREMIUM_DETAILS_ATTRIBUTE, arguments)
    return rows if rows is not None else selectors.details_of_premium(premium)


class PaymentMutationGQLType(DjangoObjectType):
    class Meta:
        model = PaymentMutation
        fields = ("id", "payment", "mutation")


# the mutation log lists the payments a mutation touched; the field joins core's type here
extend_type(MutationLogGQLType, "payments",
            graphene.Field(graphene.List(graphene.NonNull(PaymentMutationGQLType)), required=True),
            lambda log, info: log.payments.all())
declare_relation(MutationLogGQLType, "payments", RelatedRows("payments", None, PaymentMutation.objects.all))
# a contribution lists the details of the payments that pay it; the connection joins its type here
extend_type(PremiumGQLType, "payment_details",
            OpenIMISConnectionField(PaymentDetailGQLType, order_by=False, required=True),
            lambda premium, info, **kwargs: _details_of_premium(premium, kwargs))
declare_relation(PremiumGQLType, "paymentDetails", RelatedRows(
    "payment_details", PREMIUM_DETAILS_ATTRIBUTE, lambda: selectors.current_details().order_by("id")))
declare_relation(PaymentGQLType, "paymentDetails", RelatedRows(
    "details", DETAILS_ATTRIBUTE, lambda: selectors.current_details().order_by("id")))
declare_pending_mutation(PaymentGQLType, PaymentMutation, "payment")


# the fields of a payment in the mutations' input (CreatePaymentMutationInput, UpdatePaymentMutationInput)
class PaymentInputFields:
    id = graphene.Int()
    uuid = graphene.String()
    expected_amount = graphene.Decimal()
    received_amount = graphene.Decimal()
    officer_code = graphene.String()
    phone_number = graphene.String()
    request_date = graphene.Date()
    received_date = graphene.Date()
    status = graphene.Int()
    transaction_no = graphene.String()
    origin = graphene.String()
    matched_date = graphene.Date()
    receipt_no = graphene.String()
    payment_date = graphene.Date()
    rejected_reason = graphene.String()
    date_last_sms = graphene.Date()
    language_name = graphene.String()
    type_of_payment = graphene.String()
    transfer_fee = graphene.Decimal()
    premium_uuid = graphene.String()
