"""The legacy openIMIS premiums (contributions)."""

from __future__ import annotations

from openimis.contribution.models import Premium
from openimis.core.legacy_import import Table, history_columns

TABLES = [
    # not modelled: RowID
    Table("tblPremium", Premium, {
        **history_columns(), "PremiumId": "id", "PremiumUUID": "uuid", "Amount": "amount",
        "Receipt": "receipt", "PayDate": "pay_date", "PayType": "pay_type", "isPhotoFee": "is_photo_fee",
        "isOffline": "is_offline", "ReportingId": "reporting_id", "PayerID": "payer", "PolicyID": "policy",
        "CreatedDate": "created_date", "Source": "source", "SourceVersion": "source_version",
    }),
]
