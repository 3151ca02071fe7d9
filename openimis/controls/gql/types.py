"""GraphQL types of the controls module, named and shaped as in openIMIS 24.10."""

from __future__ import annotations

import graphene

from openimis.controls.models import Control
from openimis.graphql.rights import PUBLIC
from openimis.graphql.types import OpenIMISNodeType

TEXT_LOOKUPS = ["exact", "icontains", "istartswith"]


class ControlAdjustabilityEnum(graphene.Enum):
    """How a client treats a field."""

    class Meta:
        name = "ControlAdjustability"

    O = "O"  # optional  # noqa: E741
    M = "M"  # mandatory
    N = "N"  # hidden
    R = "R"  # required


class ControlGQLType(OpenIMISNodeType):
    """A field control; its relay id carries the field name (`ControlGQLType:FSP`)."""

    read_rights = PUBLIC
    adjustability = graphene.Field(ControlAdjustabilityEnum, required=True)

    class Meta:
        model = Control
        interfaces = (graphene.relay.Node,)
        fields = ("name", "adjustability", "usage")
        filter_fields = {"name": TEXT_LOOKUPS, "adjustability": TEXT_LOOKUPS, "usage": TEXT_LOOKUPS}

    def resolve_adjustability(self, info):
        return ControlAdjustabilityEnum.get(self.adjustability)
