"""The legacy openIMIS tables of the claim module: claim administrators, claims with their item and
service lines and feedbacks, and the deductibles and remunerations of claims per policy."""

from __future__ import annotations

from openimis.claim.models import (
    BatchRun,
    Claim,
    ClaimAdmin,
    ClaimDedRem,
    ClaimItem,
    ClaimService,
    Feedback,
    FeedbackPrompt,
)
from openimis.core.legacy_import import Table, history_columns

# the columns the item and service lines share
LINE_COLUMNS = {
    "QtyProvided": "qty_provided", "QtyApproved": "qty_approved", "PriceAsked": "price_asked",
    "PriceAdjusted": "price_adjusted", "PriceApproved": "price_approved", "PriceValuated": "price_valuated",
    "Explanation": "explanation", "Justification": "justification", "RejectionReason": "rejection_reason",
    "ValidityFromReview": "validity_from_review", "ValidityToReview": "validity_to_review",
    "AuditUserIDReview": "audit_user_id_review", "LimitationValue": "limitation_value",
    "Limitation": "limitation", "RemuneratedAmount": "remunerated_amount",
    "DeductableAmount": "deductable_amount", "ExceedCeilingAmount": "exceed_ceiling_amount",
    "PriceOrigin": "price_origin", "ExceedCeilingAmountCategory": "exceed_ceiling_amount_category",
    "ClaimID": "claim", "PolicyID": "policy", "ProdID": "product",
}

TABLES = [
    # not modelled: RowId
    Table("tblClaimAdmin", ClaimAdmin, {
        **history_columns("AuditUserId"), "ClaimAdminId": "id", "ClaimAdminUUID": "uuid",
        "ClaimAdminCode": "code", "LastName": "last_name", "OtherNames": "other_names", "DOB": "dob",
        "EmailId": "email_id", "Phone": "phone", "HFId": "health_facility", "HasLogin": "has_login",
    }),
    Table("tblBatchRun", BatchRun, {
        **history_columns(), "RunID": "id", "RunDate": "run_date", "RunYear": "run_year",
        "RunMonth": "run_month", "LocationId": "location",
    }),
    # not modelled: RowID
    Table("tblClaim", Claim, {
        **history_columns(), "ClaimID": "id", "ClaimUUID": "uuid", "ClaimCategory": "category",
        "ClaimCode": "code", "DateFrom": "date_from", "DateTo": "date_to", "ClaimStatus": "status",
        "Adjustment": "adjustment", "Claimed": "claimed", "Approved": "approved", "Reinsured": "reinsured",
        "Valuated": "valuated", "DateClaimed": "date_claimed", "DateProcessed": "date_processed",
        "Feedback": "feedback_available", "Explanation": "explanation", "FeedbackStatus": "feedback_status",
        "ReviewStatus": "review_status", "ApprovalStatus": "approval_status",
        "RejectionReason": "rejection_reason", "ValidityFromReview": "validity_from_review",
        "ValidityToReview": "validity_to_review", "SubmitStamp": "submit_stamp",
        "ProcessStamp": "process_stamp", "Remunerated": "remunerated", "GuaranteeId": "guarantee_id",
        "VisitType": "visit_type", "AuditUserIDReview": "audit_user_id_review",
        "AuditUserIDSubmit": "audit_user_id_submit", "AuditUserIDProcess": "audit_user_id_process",
        "Adjuster": "adjuster", "ClaimAdminId": "admin", "RunID": "batch_run", "FeedbackID": "feedback",
        "HFID": "health_facility", "ICDID": "icd", "ICDID1": "icd_1", "ICDID2": "icd_2", "ICDID3": "icd_3",
        "ICDID4": "icd_4", "InsureeID": "insuree",
    }),
    # the demo has no feedbacks (tblFeedback.csv holds only the header)
    Table("tblFeedback", Feedback, {
        **history_columns(), "FeedbackID": "id", "FeedbackUUID": "uuid", "ClaimID": "claim",
        "CareRendered": "care_rendered", "PaymentAsked": "payment_asked", "DrugPrescribed": "drug_prescribed",
        "DrugReceived": "drug_received", "Asessment": "asessment", "CHFOfficerCode": "officer_id",
        "FeedbackDate": "feedback_date",
    }),
    Table("tblFeedbackPrompt", FeedbackPrompt, {
        **history_columns(), "FeedbackPromptID": "id", "ClaimID": "claim",
        "FeedbackPromptDate": "feedback_prompt_date", "OfficerID": "officer", "PhoneNumber": "phone_number",
        "SMSStatus": "sms_status",
    }),
    Table("tblClaimItems", ClaimItem, {
        **history_columns(), **LINE_COLUMNS, "ClaimItemID": "id", "ClaimItemStatus": "status",
        "Availability": "availability", "ItemID": "item",
    }),
    Table("tblClaimServices", ClaimService, {
        **history_columns(), **LINE_COLUMNS, "ClaimServiceID": "id", "ClaimServiceStatus": "status",
        "ServiceID": "service",
    }),
    Table("tblClaimDedRem", ClaimDedRem, {
        **history_columns(), "ExpenditureID": "id", "PolicyID": "policy", "InsureeID": "insuree",
        "ClaimID": "claim", "DedG": "ded_g", "DedOP": "ded_op", "DedIP": "ded_ip", "RemG": "rem_g",
        "RemOP": "rem_op", "RemIP": "rem_ip", "RemConsult": "rem_consult", "RemSurgery": "rem_surgery",
        "RemDelivery": "rem_delivery", "RemHospitalization": "rem_hospitalization",
        "RemAntenatal": "rem_antenatal",
    }),
]
