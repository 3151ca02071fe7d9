"""The legacy openIMIS tables of the claim module: claim administrators, and the deductibles and
remunerations of claims per policy (claims and their lines come with the claim entry)."""

from __future__ import annotations

from openimis.claim.models import ClaimAdmin, ClaimDedRem
from openimis.core.legacy_import import Table, history_columns

TABLES = [
    # not modelled: RowId
    Table("tblClaimAdmin", ClaimAdmin, {
        **history_columns("AuditUserId"), "ClaimAdminId": "id", "ClaimAdminUUID": "uuid",
        "ClaimAdminCode": "code", "LastName": "last_name", "OtherNames": "other_names", "DOB": "dob",
        "EmailId": "email_id", "Phone": "phone", "HFId": "health_facility", "HasLogin": "has_login",
    }),
    # ClaimID is kept as a number until claims are modelled
    Table("tblClaimDedRem", ClaimDedRem, {
        **history_columns(), "ExpenditureID": "id", "PolicyID": "policy", "InsureeID": "insuree",
        "ClaimID": "claim_id", "DedG": "ded_g", "DedOP": "ded_op", "DedIP": "ded_ip", "RemG": "rem_g",
        "RemOP": "rem_op", "RemIP": "rem_ip", "RemConsult": "rem_consult", "RemSurgery": "rem_surgery",
        "RemDelivery": "rem_delivery", "RemHospitalization": "rem_hospitalization",
        "RemAntenatal": "rem_antenatal",
    }),
]
