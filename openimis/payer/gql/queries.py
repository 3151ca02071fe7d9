"""Root queries of the payer module. Thin: parse arguments, call selectors."""

from __future__ import annotations

import graphene
from django.db.models import Q

from openimis.graphql.connection import OpenIMISConnectionField
from openimis.payer import rights as payer_rights
from openimis.payer import selectors
from openimis.payer.gql.types import PayerGQLType

SEARCH = (payer_rights.PAYER_SEARCH,)


class Query(graphene.ObjectType):
    payers = OpenIMISConnectionField(PayerGQLType, show_history=graphene.Boolean(), search=graphene.String(),
                                     location=graphene.Int(), type=graphene.String())
    payer = graphene.Field(PayerGQLType, uuid=graphene.UUID())

    field_rights = {
        "payers": SEARCH,
        "payer": SEARCH,
    }

    def resolve_payers(self, info, show_history=None, search=None, location=None, type=None, **kwargs):
        queryset = selectors.payers(info.context.user, show_history=bool(show_history))
        if location is not None:
            # a region: its own payers and those of its districts; a district: its own
            queryset = queryset.filter(Q(location_id=location) | Q(location__parent_id=location))
        if type:
            queryset = queryset.filter(type_id=type)
        if search:
            queryset = queryset.filter(Q(name__icontains=search) | Q(email__icontains=search)
                                       | Q(phone__icontains=search) | Q(address__icontains=search))
        if show_history:
            return queryset.order_by("name", "-validity_from", "-id")
        return queryset.order_by("name", "id")

    def resolve_payer(self, info, uuid=None):
        return selectors.payer_by(info.context.user, uuid=uuid)
