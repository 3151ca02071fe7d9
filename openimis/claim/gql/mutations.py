"""Root mutations of the claim module. Thin: the input shape, the rights, the service to call."""

from __future__ import annotations

import json

import graphene
from django.utils.translation import gettext as _

from openimis.claim import attachments, entry, processing, review, selectors, submission
from openimis.claim import rights as claim_rights
from openimis.claim.gql.types import ClaimFilter, claim_filter_data
from openimis.claim.models import ClaimMutation
from openimis.core.errors import ValidationFailed
from openimis.graphql.mutations import LogLink, OpenIMISMutation, max_ids
from openimis.graphql.scalars import SmallInt, TinyInt

CLAIM_LINK = LogLink(ClaimMutation, "claim")


class ClaimCodeInputType(graphene.String):
    """A claim code (at most `max_claim_length` characters, unique among the current claims of a
    facility; checked by the service)."""

    class Meta:
        name = "ClaimCodeInputType"


class ClaimGuaranteeIdInputType(graphene.String):
    """A guarantee (authorisation) number, at most 50 characters."""

    class Meta:
        name = "ClaimGuaranteeIdInputType"


class LineInputFields:
    """What an item line and a service line of the input share."""

    id = graphene.Int()
    status = TinyInt(required=True)
    qty_provided = graphene.Decimal()
    qty_approved = graphene.Decimal()
    price_asked = graphene.Decimal()
    price_adjusted = graphene.Decimal()
    price_approved = graphene.Decimal()
    price_valuated = graphene.Decimal()
    explanation = graphene.String()
    justification = graphene.String()
    rejection_reason = SmallInt()
    validity_from_review = graphene.DateTime()
    validity_to_review = graphene.DateTime()
    limitation_value = graphene.Decimal()
    limitation = graphene.String()
    remunerated_amount = graphene.Decimal()
    deductable_amount = graphene.Decimal()
    exceed_ceiling_amount = graphene.Decimal()
    price_origin = graphene.String()
    exceed_ceiling_amount_category = graphene.Decimal()


class ClaimItemInputType(LineInputFields, graphene.InputObjectType):
    item_id = graphene.Int(required=True)


class ClaimSubItemInputType(graphene.InputObjectType):
    id = graphene.Int()
    sub_item_code = graphene.String(required=True)
    qty_provided = graphene.Decimal()
    qty_asked = graphene.Decimal()
    price_asked = graphene.Decimal()


class ClaimSubServiceInputType(graphene.InputObjectType):
    id = graphene.Int()
    sub_service_code = graphene.String(required=True)
    qty_provided = graphene.Decimal()
    qty_asked = graphene.Decimal()
    price_asked = graphene.Decimal()


class ClaimServiceInputType(LineInputFields, graphene.InputObjectType):
    legacy_id = graphene.Int()
    service_id = graphene.Int(required=True)
    validity_to = graphene.DateTime()
    audit_user_id_review = graphene.Int()
    policy_id = graphene.Int()
    service_item_set = graphene.List(ClaimSubItemInputType)
    service_service_set = graphene.List(ClaimSubServiceInputType)


class AttachmentFields:
    id = graphene.String()
    type = graphene.String()
    title = graphene.String()
    date = graphene.Date()
    filename = graphene.String()
    mime = graphene.String()
    general_type = graphene.String()
    predefined_type = graphene.String()
    url = graphene.String()


class ClaimAttachmentInputType(AttachmentFields, graphene.InputObjectType):
    document = graphene.String()


class FeedbackInputType(graphene.InputObjectType):
    id = graphene.Int()
    care_rendered = graphene.Boolean()
    payment_asked = graphene.Boolean()
    drug_prescribed = graphene.Boolean()
    drug_received = graphene.Boolean()
    asessment = SmallInt()
    officer_id = graphene.Int()
    feedback_date = graphene.DateTime()
    validity_from = graphene.DateTime()
    validity_to = graphene.DateTime()


class ClaimInputFields:
    id = graphene.Int()
    uuid = graphene.String()
    code = ClaimCodeInputType(required=True)
    autogenerate = graphene.Boolean()
    insuree_id = graphene.Int(required=True)
    date_from = graphene.Date(required=True)
    date_to = graphene.Date()
    icd_id = graphene.Int(required=True)
    icd1_id = graphene.Int()
    icd2_id = graphene.Int()
    icd3_id = graphene.Int()
    icd4_id = graphene.Int()
    review_status = TinyInt()
    date_claimed = graphene.Date(required=True)
    date_processed = graphene.Date()
    health_facility_id = graphene.Int(required=True)
    refer_from_id = graphene.Int()
    refer_to_id = graphene.Int()
    batch_run_id = graphene.Int()
    category = graphene.String()
    visit_type = graphene.String()
    admin_id = graphene.Int()
    guarantee_id = ClaimGuaranteeIdInputType()
    explanation = graphene.String()
    adjustment = graphene.String()
    json_ext = graphene.JSONString()
    restore = graphene.UUID()
    feedback_available = graphene.Boolean()
    feedback_status = TinyInt()
    feedback = graphene.Field(FeedbackInputType)
    care_type = graphene.String()
    pre_authorization = graphene.Boolean()
    patient_condition = graphene.String()
    referral_code = graphene.String()
    items = graphene.List(ClaimItemInputType)
    services = graphene.List(ClaimServiceInputType)


class CreateClaimMutation(OpenIMISMutation):
    service = entry.create_claim
    log_link = CLAIM_LINK
    rights = (claim_rights.CLAIM_ADD,)

    class Input(ClaimInputFields, OpenIMISMutation.Input):
        attachments = graphene.List(ClaimAttachmentInputType)


class UpdateClaimMutation(OpenIMISMutation):
    service = entry.update_claim
    log_link = CLAIM_LINK
    # the claim administrator edits what they entered (111002); a reviewer or officer with 111010 too
    rights = (claim_rights.CLAIM_UPDATE, claim_rights.CLAIM_ADD)

    class Input(ClaimInputFields, OpenIMISMutation.Input):
        pass


def _each_claim(name: str, service, right: int, doc: str) -> type:
    """A mutation over the input's `uuids`, calling `service(user, uuid)` for each, all or nothing."""
    return type(name, (OpenIMISMutation,), {
        "__doc__": doc,
        "service": staticmethod(service),
        "log_link": CLAIM_LINK,
        "each_uuid": True,
        "rights": (right,),
        "Input": type("Input", (OpenIMISMutation.Input,), {"uuids": graphene.List(graphene.String)}),
    })


def _entered_claims_selected_by(user, additional_filters: str) -> list[str]:
    """The uuids of the Entered claims that the claims searcher's filters (a JSON object of its arguments)
    select, at most as many as a mutation may list."""
    try:
        filters = json.loads(additional_filters)
        if not isinstance(filters, dict):
            raise ValueError(additional_filters)
        found = selectors.entered_claims_matching(user, claim_filter_data(filters), ClaimFilter)
        uuids = list(found.values_list("uuid", flat=True)[:max_ids() + 1])
    except ValueError as error:
        message = _("The claims to submit are not described by valid filters")
        raise ValidationFailed(message, str(error)) from None
    if len(uuids) > max_ids():
        raise ValidationFailed(_("A mutation accepts at most %(limit)s ids at once") % {"limit": max_ids()},
                               _("the filters select more Entered claims: narrow them"))
    return uuids


class SubmitClaimsMutation(OpenIMISMutation):
    """Submits Entered claims (§11.6); a claim the checks reject is saved Rejected, not an error."""

    log_link = CLAIM_LINK
    rights = (claim_rights.CLAIM_SUBMIT,)

    class Input(OpenIMISMutation.Input):
        uuids = graphene.List(graphene.String)
        additional_filters = graphene.String()

    @classmethod
    def perform(cls, user, data, log):
        # the input's claims in one batch, all or nothing (submission.submit_claims); without uuids, the
        # Entered claims the searcher's filters select (fe-claim's "submit all")
        uuids = data.get("uuids")
        if not uuids and data.get("additional_filters"):
            uuids = _entered_claims_selected_by(user, data["additional_filters"])
        cls.link(submission.submit_claims(user, uuids), log)

    @classmethod
    def link(cls, written, log):
        # the batch's claims linked to the log in one insert (LogLink.write inserts them one by one)
        model, field = cls.log_link.model, cls.log_link.field
        model.objects.bulk_create([model(**{field: claim, "mutation": log}) for claim in written])


class ProcessClaimsMutation(OpenIMISMutation):
    """Valuates Checked claims (§11.8)."""

    log_link = CLAIM_LINK
    rights = (claim_rights.CLAIM_PROCESS,)

    class Input(OpenIMISMutation.Input):
        uuids = graphene.List(graphene.String)

    @classmethod
    def perform(cls, user, data, log):
        # the input's claims in one batch, all or nothing (processing.process_claims)
        cls.link(processing.process_claims(user, data.get("uuids")), log)

    @classmethod
    def link(cls, written, log):
        # the batch's claims linked to the log in one insert (LogLink.write inserts them one by one)
        model, field = cls.log_link.model, cls.log_link.field
        model.objects.bulk_create([model(**{field: claim, "mutation": log}) for claim in written])


DeleteClaimsMutation = _each_claim("DeleteClaimsMutation", entry.delete_claim, claim_rights.CLAIM_DELETE,
                                   "Soft-deletes claims that no money depends on yet.")
SelectClaimsForFeedbackMutation = _each_claim(
    "SelectClaimsForFeedbackMutation", review.select_for_feedback, claim_rights.CLAIM_UPDATE,
    "Asks an officer of the patient's village for feedback.")
BypassClaimsFeedbackMutation = _each_claim("BypassClaimsFeedbackMutation", review.bypass_feedback,
                                           claim_rights.CLAIM_UPDATE, "Feedback bypassed.")
SkipClaimsFeedbackMutation = _each_claim("SkipClaimsFeedbackMutation", review.skip_feedback,
                                         claim_rights.CLAIM_UPDATE, "Feedback not selected.")
SelectClaimsForReviewMutation = _each_claim("SelectClaimsForReviewMutation", review.select_for_review,
                                            claim_rights.CLAIM_UPDATE, "Selected for review.")
BypassClaimsReviewMutation = _each_claim("BypassClaimsReviewMutation", review.bypass_review,
                                         claim_rights.CLAIM_UPDATE, "Review bypassed.")
SkipClaimsReviewMutation = _each_claim("SkipClaimsReviewMutation", review.skip_review,
                                       claim_rights.CLAIM_UPDATE, "Review not selected.")
DeliverClaimsReviewMutation = _each_claim("DeliverClaimsReviewMutation", review.deliver_review,
                                          claim_rights.CLAIM_REVIEW, "Review delivered.")


class DeliverClaimFeedbackMutation(OpenIMISMutation):
    service = review.deliver_feedback
    log_link = CLAIM_LINK
    rights = (claim_rights.CLAIM_FEEDBACK,)

    class Input(OpenIMISMutation.Input):
        claim_uuid = graphene.String()
        feedback = graphene.Field(FeedbackInputType, required=True)


class SaveClaimReviewMutation(OpenIMISMutation):
    service = review.save_review
    log_link = CLAIM_LINK
    rights = (claim_rights.CLAIM_REVIEW,)

    class Input(OpenIMISMutation.Input):
        claim_uuid = graphene.String()
        adjustment = graphene.String()
        items = graphene.List(ClaimItemInputType)
        services = graphene.List(ClaimServiceInputType)
        submit_review = graphene.Boolean()


class CreateAttachmentMutation(OpenIMISMutation):
    service = attachments.create_attachment
    rights = (claim_rights.CLAIM_ADD, claim_rights.CLAIM_UPDATE)

    class Input(AttachmentFields, OpenIMISMutation.Input):
        document = graphene.String()
        claim_uuid = graphene.String(required=True)


class UpdateAttachmentMutation(OpenIMISMutation):
    service = attachments.update_attachment
    rights = (claim_rights.CLAIM_ADD, claim_rights.CLAIM_UPDATE)

    class Input(AttachmentFields, OpenIMISMutation.Input):
        claim_uuid = graphene.String(required=True)


class DeleteAttachmentMutation(OpenIMISMutation):
    rights = (claim_rights.CLAIM_ADD, claim_rights.CLAIM_UPDATE)

    class Input(OpenIMISMutation.Input):
        id = graphene.String()

    @classmethod
    def perform(cls, user, data, log):
        attachments.delete_attachment(user, data.get("id"))


class Mutation(graphene.ObjectType):
    create_claim = CreateClaimMutation.Field()
    update_claim = UpdateClaimMutation.Field()
    create_claim_attachment = CreateAttachmentMutation.Field()
    update_claim_attachment = UpdateAttachmentMutation.Field()
    delete_claim_attachment = DeleteAttachmentMutation.Field()
    submit_claims = SubmitClaimsMutation.Field()
    select_claims_for_feedback = SelectClaimsForFeedbackMutation.Field()
    deliver_claim_feedback = DeliverClaimFeedbackMutation.Field()
    bypass_claims_feedback = BypassClaimsFeedbackMutation.Field()
    skip_claims_feedback = SkipClaimsFeedbackMutation.Field()
    select_claims_for_review = SelectClaimsForReviewMutation.Field()
    save_claim_review = SaveClaimReviewMutation.Field()
    deliver_claims_review = DeliverClaimsReviewMutation.Field()
    bypass_claims_review = BypassClaimsReviewMutation.Field()
    skip_claims_review = SkipClaimsReviewMutation.Field()
    process_claims = ProcessClaimsMutation.Field()
    delete_claims = DeleteClaimsMutation.Field()
