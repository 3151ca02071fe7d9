"""GraphQL types of the claim module (so far: the claim administrator)."""

from __future__ import annotations

import graphene

from openimis.claim import rights as claim_rights
from openimis.claim.models import ClaimAdmin
from openimis.graphql.types import OpenIMISNodeType
from openimis.location.gql.types import HEALTH_FACILITY_FILTER_FIELDS, HISTORY_FIELDS, prefixed


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
        return self.user_set.filter(validity_to__isnull=True)
