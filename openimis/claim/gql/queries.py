"""Root queries of the claim module. Thin: parse arguments, call selectors (row security there)."""

from __future__ import annotations

import graphene

from openimis.claim import rights as claim_rights
from openimis.claim import selectors
from openimis.claim.gql.types import (
    BatchRunGQLType,
    ClaimAdminGQLType,
    ClaimAttachmentGQLType,
    ClaimAttachmentTypeGQLType,
    ClaimGQLType,
)
from openimis.core.gql.types import OFFICER_FILTER_FIELDS, OfficerGQLType
from openimis.graphql.connection import OpenIMISConnectionField
from openimis.graphql.rights import AUTHENTICATED
from openimis.location.gql.types import HealthFacilityGQLType

READERS = claim_rights.CLAIM_READ
# the claim form's pickers: whoever enters or reads claims
PICKERS = (*READERS, *claim_rights.CLAIM_ADMIN_READ)

class Query(graphene.ObjectType):
    claims = OpenIMISConnectionField(
        ClaimGQLType, diagnosis_variance=graphene.Int(), code_is_not=graphene.String(),
        items=graphene.List(graphene.String), services=graphene.List(graphene.String),
        json_ext=graphene.JSONString(), attachment_status=graphene.Int(), care_type=graphene.String(),
        show_restored=graphene.Boolean(),
    )
    claim = graphene.Field(ClaimGQLType, id=graphene.Int(), uuid=graphene.UUID())
    claim_attachments = OpenIMISConnectionField(ClaimAttachmentGQLType, order_by=False)
    claim_admins = OpenIMISConnectionField(
        ClaimAdminGQLType, order_by=False, search=graphene.String(), region_uuid=graphene.String(),
        district_uuid=graphene.String())
    claim_officers = OpenIMISConnectionField(
        OfficerGQLType, order_by=False, fields=OFFICER_FILTER_FIELDS, search=graphene.String())
    insuree_name_by_chfid = graphene.String(chf_id=graphene.String(required=True))
    validate_claim_code = graphene.Boolean(claim_code=graphene.String(required=True))
    fsp_from_claim = graphene.Field(HealthFacilityGQLType, insuree_code=graphene.String(required=True),
                                    date_claimed=graphene.Date(required=True))
    claim_with_same_diagnosis = OpenIMISConnectionField(
        ClaimGQLType, order_by=False, icd=graphene.String(required=True),
        chfid=graphene.String(required=True))
    claim_attachment_type = OpenIMISConnectionField(ClaimAttachmentTypeGQLType, order_by=False)
    # the claim page's history panel: fe-claim 1.10 asks it, the 24.10 dump predates it
    claim_history = OpenIMISConnectionField(ClaimGQLType, order_by=False,
                                            claim_uuid=graphene.String(required=True))
    # the batch runs that valuated claims (the claim searchers' picker; the claim_batch module runs them)
    batch_runs = OpenIMISConnectionField(BatchRunGQLType)

    field_rights = {
        "claims": READERS,
        "claim": READERS,
        "claimAttachments": READERS,
        "claimAdmins": PICKERS,
        "claimOfficers": READERS,
        "insureeNameByChfid": READERS,
        "validateClaimCode": READERS,
        "fspFromClaim": READERS,
        "claimWithSameDiagnosis": READERS,
        "claimAttachmentType": AUTHENTICATED,
        "claimHistory": READERS,
        "batchRuns": (*READERS, *claim_rights.BATCH_RUN_READ),
    }

    def resolve_claims(self, info, **kwargs):
        queryset = selectors.claims(info.context.user)
        return selectors.narrowed_claims(queryset, kwargs).order_by("-date_claimed", "-id")

    def resolve_claim(self, info, id=None, uuid=None):
        if id is None and uuid is None:
            return None
        return selectors.claim_by(info.context.user, uuid=uuid, pk=id)

    def resolve_claim_attachments(self, info, **kwargs):
        return selectors.attachments(info.context.user).order_by("-date", "id")

    def resolve_claim_admins(self, info, search=None, region_uuid=None, district_uuid=None, **kwargs):
        return selectors.claim_admins(info.context.user, search, region_uuid, district_uuid)

    def resolve_claim_officers(self, info, search=None, **kwargs):
        return selectors.claim_officers(search)

    def resolve_insuree_name_by_chfid(self, info, chf_id):
        return selectors.insuree_name(info.context.user, chf_id)

    def resolve_validate_claim_code(self, info, claim_code):
        return selectors.claim_code_is_free(claim_code)

    def resolve_fsp_from_claim(self, info, insuree_code, date_claimed):
        return selectors.first_service_point(info.context.user, insuree_code)

    def resolve_claim_with_same_diagnosis(self, info, icd, chfid, **kwargs):
        found = selectors.claims_with_same_diagnosis(info.context.user, icd, chfid)
        return found.order_by("-date_from", "-id")

    def resolve_claim_history(self, info, claim_uuid, **kwargs):
        return selectors.claim_history(info.context.user, claim_uuid)

    def resolve_batch_runs(self, info, **kwargs):
        return selectors.batch_runs().order_by("-run_date", "-id")

    def resolve_claim_attachment_type(self, info, **kwargs):
        return selectors.attachment_types().order_by("id")
