"""GraphQL types of the claim module (so far: the claim administrator, and the deductibles and
remunerations of claims, which join the policy and insuree types here as `claimDedRems`)."""

from __future__ import annotations

import graphene

from openimis.claim import rights as claim_rights
from openimis.claim import selectors
from openimis.claim.models import ClaimAdmin, ClaimDedRem
from openimis.graphql.connection import OpenIMISConnectionField
from openimis.graphql.extensions import extend_type
from openimis.graphql.filter_fields import HISTORY_FIELDS, prefixed
from openimis.graphql.loading import RelatedRows, declare_relation
from openimis.graphql.types import OpenIMISNodeType
from openimis.insuree.gql.types import InsureeGQLType
from openimis.location.gql.types import HEALTH_FACILITY_FILTER_FIELDS
from openimis.policy import rights as policy_rights
from openimis.policy import selectors as policy_selectors
from openimis.policy.gql.types import PolicyGQLType


class ClaimAdminGQLType(OpenIMISNodeType):
    read_rights = claim_rights.CLAIM_ADMIN_READ

    class Meta:
        model = ClaimAdmin
        interfaces = (graphene.relay.Node,)
        fields = ("id", "uuid", "code", "last_name", "other_names", "dob", "email_id", "phone",
                  "health_facility", "has_login", "user_set", *HISTORY_FIELDS)
        filter_fields = {
            "uuid": ["exact"],
            "code": ["exact", "icontains"],
            "last_name": ["exact", "icontains"],
            "other_names": ["exact", "icontains"],
            **prefixed("health_facility__", HEALTH_FACILITY_FILTER_FIELDS),
        }

    def resolve_user_set(self, info, **kwargs):
        return self.user_set.current()


# what a claim consumed of a policy; `claim` waits for the claim type (the row keeps the claim's id)
class ClaimDedRemGQLType(OpenIMISNodeType):
    read_rights = (policy_rights.POLICY_SEARCH,)
    audit_user_id = graphene.Int(required=True)  # always set by the claim's processing

    class Meta:
        model = ClaimDedRem
        interfaces = (graphene.relay.Node,)
        connection_class = graphene.relay.Connection  # the openIMIS API has no totalCount here
        fields = ("id", "policy", "insuree", "ded_g", "ded_op", "ded_ip", "rem_g", "rem_op", "rem_ip",
                  "rem_consult", "rem_surgery", "rem_delivery", "rem_hospitalization", "rem_antenatal",
                  *HISTORY_FIELDS)
        filter_fields: dict = {}

    def resolve_audit_user_id(self, info):
        return self.audit_user_id if self.audit_user_id is not None else 0

    @classmethod
    def find_node(cls, info, id):
        visible = policy_selectors.policies(info.context.user)
        return selectors.current_ded_rems().filter(pk=id, policy__in=visible).first()


# the current rows of a policy (the policy page) and of an insuree; a list of them prefetches them
for _type in (PolicyGQLType, InsureeGQLType):
    extend_type(_type, "claim_ded_rems", OpenIMISConnectionField(ClaimDedRemGQLType, order_by=False,
                                                                 required=True),
                lambda row, info, **kwargs: selectors.ded_rems_of(row))
    declare_relation(_type, "claimDedRems", RelatedRows(
        "claim_ded_rems", selectors.DED_REMS_ATTRIBUTE, lambda: selectors.current_ded_rems().order_by("id")))
