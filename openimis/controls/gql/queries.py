"""Root queries of the controls module. Thin: the selector answers."""

from __future__ import annotations

import graphene

from openimis.controls import selectors
from openimis.controls.gql.types import ControlGQLType
from openimis.graphql.connection import OpenIMISConnectionField
from openimis.graphql.rights import PUBLIC


class Query(graphene.ObjectType):
    control = OpenIMISConnectionField(ControlGQLType, order_by=False)
    control_str = OpenIMISConnectionField(ControlGQLType, order_by=False, str=graphene.String())

    field_rights = {
        # openIMIS 24.10 checks nothing: the mobile app reads the controls before anyone logs in, and
        # they tell only which form fields are shown and mandatory
        "control": PUBLIC,
        "controlStr": PUBLIC,
    }

    def resolve_control(self, info, **kwargs):
        return selectors.controls()

    def resolve_control_str(self, info, str=None, **kwargs):  # noqa: A002 (the 24.10 argument name)
        return selectors.controls(search=str)
