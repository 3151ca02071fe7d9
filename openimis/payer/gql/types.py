"""GraphQL types of the payer module, named and shaped as in openIMIS 24.10."""

from __future__ import annotations

import django_filters
import graphene
from graphene_django.filter import GlobalIDFilter

from openimis.graphql.connection import PageOfQueryset
from openimis.graphql.filter_fields import EXACT_OR_CONTAINS, HISTORY_FIELDS
from openimis.graphql.types import OpenIMISNodeType
from openimis.payer import rights as payer_rights
from openimis.payer import selectors
from openimis.payer.models import Funding, Payer
from openimis.product.gql.types import ProductGQLType


class PayerFilter(django_filters.FilterSet):
    id = GlobalIDFilter(field_name="id")  # a relay id

    class Meta:
        model = Payer
        fields = {
            "id": ["exact"],
            "uuid": ["exact"],
            "name": EXACT_OR_CONTAINS,
            "email": EXACT_OR_CONTAINS,
            "phone": EXACT_OR_CONTAINS,
        }


class PayerTypeEnum(graphene.Enum):
    """The kinds of payer (the codes of the PayerType table)."""

    class Meta:
        name = "PayerType"

    C = "C"  # co-operative
    D = "D"  # donor
    G = "G"  # government
    L = "L"  # local authority
    O = "O"  # other  # noqa: E741
    P = "P"  # private organisation


class FundingStatusEnum(graphene.Enum):
    """The states of a funding."""

    class Meta:
        name = "FundingStatus"

    N = "N"  # pending
    P = "P"  # paid
    A = "A"  # awaiting reconciliation
    R = "R"  # reconciled


class FundingGQLType(OpenIMISNodeType):
    """A funding; its `uuid` is its primary key. Nullability as in 24.10, where the columns are looser
    than ours."""

    read_rights = (payer_rights.PAYER_SEARCH,)
    date_created = graphene.DateTime()
    date_updated = graphene.DateTime()
    product = graphene.Field(ProductGQLType)
    amount = graphene.Decimal()
    pay_date = graphene.Date()
    status = graphene.Field(FundingStatusEnum, required=True)
    payer = graphene.Field(lambda: PayerGQLType)
    uuid = graphene.UUID()

    class Meta:
        model = Funding
        interfaces = (graphene.relay.Node,)
        fields = ("id", "is_deleted", "json_ext", "date_created", "date_updated", "user_created",
                  "user_updated", "version", "product", "amount", "pay_date", "status", "payer", "receipt")
        convert_choices_to_enum = False

    @classmethod
    def find_node(cls, info, id):
        return selectors.funding_by(info.context.user, id)

    def resolve_status(self, info):
        return FundingStatusEnum.get(self.status)

    def resolve_uuid(self, info):
        return self.id


class FundingConnection(graphene.relay.Connection):
    """The fundings of a payer (`PayerGQLType.fundings`): a plain connection with `totalCount`, named as
    in 24.10 (not the `FundingGQLTypeConnection` of the filterable lists)."""

    class Meta:
        node = FundingGQLType

    total_count = graphene.Int()

    def resolve_total_count(self, info, **kwargs):
        return self.length


class PayerGQLType(OpenIMISNodeType):
    read_rights = (payer_rights.PAYER_SEARCH,)
    node_selector = selectors.payer_by
    type = graphene.Field(PayerTypeEnum, required=True)
    fundings = PageOfQueryset(FundingConnection)

    class Meta:
        model = Payer
        interfaces = (graphene.relay.Node,)
        fields = ("id", "uuid", "type", "name", "address", "location", "phone", "fax", "email",
                  *HISTORY_FIELDS)
        convert_choices_to_enum = False
        filterset_class = PayerFilter

    def resolve_type(self, info):
        return PayerTypeEnum.get(self.type_id)

    def resolve_fundings(self, info, **kwargs):
        return selectors.fundings_of(self)
