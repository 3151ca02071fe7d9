"""Root queries of the contribution module. Thin: parse arguments, call selectors."""

from __future__ import annotations

import base64

import graphene

from openimis.contribution import rights as contribution_rights
from openimis.contribution import selectors
from openimis.contribution.gql.types import PremiumGQLType
from openimis.core import inputs
from openimis.graphql.connection import OpenIMISConnectionField
from openimis.insuree import selectors as insuree_selectors
from openimis.policy import selectors as policy_selectors

READERS = (contribution_rights.PREMIUM_SEARCH,)
EDITORS = (contribution_rights.PREMIUM_ADD, contribution_rights.PREMIUM_EDIT)
class Query(graphene.ObjectType):
    premiums = OpenIMISConnectionField(
        PremiumGQLType, payer_id=graphene.ID(), client_mutation_id=graphene.String(),
        show_history=graphene.Boolean(), parent_location=graphene.String(),
        parent_location_level=graphene.Int(),
    )
    premiums_by_policies = OpenIMISConnectionField(
        PremiumGQLType, policy_uuids=graphene.List(graphene.String, required=True))
    validate_premium_code = graphene.Boolean(code=graphene.String(required=True),
                                             policy_uuid=graphene.String(required=True))

    field_rights = {
        "premiums": READERS,
        "premiumsByPolicies": READERS,
        "validatePremiumCode": EDITORS,
    }

    def resolve_premiums(self, info, **kwargs):
        queryset = selectors.premiums(info.context.user, show_history=bool(kwargs.get("show_history")))
        if kwargs.get("payer_id"):
            payer_pk = _pk(kwargs["payer_id"])  # a malformed id names no payer: no premium
            queryset = queryset.filter(payer_id=payer_pk) if payer_pk is not None else queryset.none()
        found = insuree_selectors.under_parent_location(
            "policy__family__location", kwargs.get("parent_location"), kwargs.get("parent_location_level"))
        if found is not None:
            queryset = queryset.filter(found)
        if kwargs.get("client_mutation_id"):
            queryset = queryset.filter(
                mutations__mutation__client_mutation_id=kwargs["client_mutation_id"]).distinct()
        return selectors.annotate_other_premiums(queryset.order_by("-pay_date", "-id"))

    def resolve_premiums_by_policies(self, info, policy_uuids, **kwargs):
        uuids = [str(uuid) for uuid in policy_uuids]
        queryset = selectors.premiums(info.context.user).filter(policy__uuid__in=uuids)
        return selectors.annotate_other_premiums(queryset.order_by("-pay_date", "-id"))

    def resolve_validate_premium_code(self, info, code, policy_uuid):
        policy = policy_selectors.policy_by(info.context.user, uuid=policy_uuid)
        if policy is None:
            return False
        return not selectors.receipt_taken(code, policy.product_id)


def _pk(value) -> int | None:
    """A payer id: a number or a relay id (PayerGQLType:<pk>); None when it is neither."""
    text = str(value)
    if text.isdigit():
        return inputs.id_or_none(text)
    try:
        decoded = base64.b64decode(text, validate=True).decode()
    except ValueError:  # not base64, or not UTF-8 text once decoded
        return None
    return inputs.id_or_none(decoded.split(":")[-1])
