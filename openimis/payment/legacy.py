"""The legacy openIMIS payments and their details (the official demo dataset has none).

Read: the columns below. Not read, as their spelling differs between openIMIS database versions: the
audit user columns, the reconciliation columns (the reconciliation request and date) and RowID; the
imported rows get the default audit user 0 and no reconciliation."""

from __future__ import annotations

from openimis.core.legacy_import import Table
from openimis.payment.models import Payment, PaymentDetail

HISTORY = {"ValidityFrom": "validity_from", "ValidityTo": "validity_to", "LegacyID": "legacy_id"}

TABLES = [
    Table("tblPayment", Payment, {
        **HISTORY, "PaymentID": "id", "PaymentUUID": "uuid", "ExpectedAmount": "expected_amount",
        "ReceivedAmount": "received_amount", "OfficerCode": "officer_code", "PhoneNumber": "phone_number",
        "RequestDate": "request_date", "ReceivedDate": "received_date", "PaymentStatus": "status",
        "TransactionNo": "transaction_no", "PaymentOrigin": "origin", "MatchedDate": "matched_date",
        "ReceiptNo": "receipt_no", "PaymentDate": "payment_date", "RejectedReason": "rejected_reason",
        "DateLastSMS": "date_last_sms", "LanguageName": "language_name", "TypeOfPayment": "type_of_payment",
        "TransferFee": "transfer_fee",
    }),
    Table("tblPaymentDetails", PaymentDetail, {
        **HISTORY, "PaymentDetailsID": "id", "PaymentID": "payment", "ProductCode": "product_code",
        "InsuranceNumber": "insurance_number", "PolicyStage": "policy_stage", "Amount": "amount",
        "PremiumID": "premium", "enrollmentDate": "enrollment_date", "ExpectedAmount": "expected_amount",
    }),
]
