"""The legacy openIMIS tables of the claim module: claim administrators (claims and their lines come
with the claim entry)."""

from __future__ import annotations

from openimis.claim.models import ClaimAdmin
from openimis.core.legacy_import import Table, history_columns

TABLES = [
    # not modelled: RowId
    Table("tblClaimAdmin", ClaimAdmin, {
        **history_columns("AuditUserId"), "ClaimAdminId": "id", "ClaimAdminUUID": "uuid",
        "ClaimAdminCode": "code", "LastName": "last_name", "OtherNames": "other_names", "DOB": "dob",
        "EmailId": "email_id", "Phone": "phone", "HFId": "health_facility", "HasLogin": "has_login",
    }),
]
