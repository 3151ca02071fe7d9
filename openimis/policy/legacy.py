"""The legacy openIMIS policies and the coverage of their members."""

from __future__ import annotations

from openimis.core.legacy_import import Table, history_columns
from openimis.policy.models import InsureePolicy, Policy

TABLES = [
    # not modelled: RowID, Source, SourceVersion
    Table("tblPolicy", Policy, {
        **history_columns(), "PolicyID": "id", "PolicyUUID": "uuid", "PolicyStage": "stage",
        "PolicyStatus": "status", "PolicyValue": "value", "EnrollDate": "enroll_date",
        "StartDate": "start_date", "EffectiveDate": "effective_date", "ExpiryDate": "expiry_date",
        "isOffline": "offline", "FamilyID": "family", "OfficerID": "officer", "ProdID": "product",
    }),
    # not modelled: RowID
    Table("tblInsureePolicy", InsureePolicy, {
        **history_columns(), "InsureePolicyID": "id", "EnrollmentDate": "enrollment_date",
        "StartDate": "start_date", "EffectiveDate": "effective_date", "ExpiryDate": "expiry_date",
        "isOffline": "offline", "InsureeID": "insuree", "PolicyId": "policy",
    }),
]
