"""GraphQL types of the payer module, named and shaped as in openIMIS 24.10."""

from __future__ import annotations

import django_filters
import graphene
from graphene_django.filter import GlobalIDFilter

from openimis.graphql.rights import check, normalise
from openimis.graphql.types import OpenIMISNodeType
from openimis.payer import rights as payer_rights
from openimis.payer import selectors
from openimis.payer.models import Payer

HISTORY_FIELDS = ("validity_from", "validity_to", "legacy_id", "audit_user_id")
TEXT_LOOKUPS = ["exact", "icontains"]


class PayerFilter(django_filters.FilterSet):
    id = GlobalIDFilter(field_name="id")  # a relay id

    class Meta:
        model = Payer
        fields = {
            "id": ["exact"],
            "uuid": ["exact"],
            "name": TEXT_LOOKUPS,
            "email": TEXT_LOOKUPS,
            "phone": TEXT_LOOKUPS,
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


class PayerGQLType(OpenIMISNodeType):
    # `fundings` of the 24.10 type is left out: funding rows come from `addFunding`, which needs the
    # policy and contribution modules (a policy of a fake family and a premium of pay type F).
    read_rights = (payer_rights.PAYER_SEARCH,)
    type = graphene.Field(PayerTypeEnum, required=True)

    class Meta:
        model = Payer
        interfaces = (graphene.relay.Node,)
        fields = ("id", "uuid", "type", "name", "address", "location", "phone", "fax", "email",
                  *HISTORY_FIELDS)
        convert_choices_to_enum = False
        filterset_class = PayerFilter

    @classmethod
    def get_node(cls, info, id):
        check(info.context.user, normalise(cls.read_rights))
        return selectors.payer_by(info.context.user, pk=id)

    def resolve_type(self, info):
        return PayerTypeEnum.get(self.type_id)
