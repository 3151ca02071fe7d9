"""Tables of the payment module (legacy tblPayment and tblPaymentDetails): money received, typically by
mobile phone, and its matching to the contributions (premiums) it pays (spec 9)."""

from __future__ import annotations

import uuid as uuid_module

from django.db import models

from openimis.core.history import VersionedModel, new_uuid
from openimis.core.unique import current_unique

# the lengths of the legacy columns
OFFICER_CODE_MAX_LENGTH = 50
PHONE_MAX_LENGTH = 50
TRANSACTION_NO_MAX_LENGTH = 50
ORIGIN_MAX_LENGTH = 50
RECEIPT_NO_MAX_LENGTH = 100
REJECTED_REASON_MAX_LENGTH = 255
LANGUAGE_MAX_LENGTH = 10
TYPE_OF_PAYMENT_MAX_LENGTH = 50
RECONC_REQ_ID_MAX_LENGTH = 255
PRODUCT_CODE_MAX_LENGTH = 8
INSURANCE_NUMBER_MAX_LENGTH = 12
POLICY_STAGE_MAX_LENGTH = 1

# the states of a payment (the codes of fe-payment's status picker)
FAILED_TO_MATCH = -5
FAILED_TO_RECEIVE_PAYMENT = -4
FAILED_TO_RECEIVE_CONTROL_NUMBER = -3
FAILED_TO_REQUEST_CONTROL_NUMBER = -2
FAILED_TO_CREATE = -1
CANCELLED = 0
CREATED = 1
CONTROL_NUMBER_REQUESTED = 2
CONTROL_NUMBER_RECEIVED = 3
RECEIVED = 4
MATCHED = 5
STATUSES = [FAILED_TO_MATCH, FAILED_TO_RECEIVE_PAYMENT, FAILED_TO_RECEIVE_CONTROL_NUMBER,
            FAILED_TO_REQUEST_CONTROL_NUMBER, FAILED_TO_CREATE, CANCELLED, CREATED, CONTROL_NUMBER_REQUESTED,
            CONTROL_NUMBER_RECEIVED, RECEIVED, MATCHED]


class Payment(VersionedModel):
    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    expected_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    received_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    officer_code = models.CharField(max_length=OFFICER_CODE_MAX_LENGTH, null=True, blank=True)
    phone_number = models.CharField(max_length=PHONE_MAX_LENGTH, null=True, blank=True)
    request_date = models.DateField(null=True, blank=True)
    received_date = models.DateField(null=True, blank=True)
    status = models.IntegerField(null=True, blank=True)
    transaction_no = models.CharField(max_length=TRANSACTION_NO_MAX_LENGTH, null=True, blank=True)
    origin = models.CharField(max_length=ORIGIN_MAX_LENGTH, null=True, blank=True)
    matched_date = models.DateField(null=True, blank=True)
    receipt_no = models.CharField(max_length=RECEIPT_NO_MAX_LENGTH, null=True, blank=True)
    payment_date = models.DateField(null=True, blank=True)
    rejected_reason = models.CharField(max_length=REJECTED_REASON_MAX_LENGTH, null=True, blank=True)
    date_last_sms = models.DateField(null=True, blank=True)
    language_name = models.CharField(max_length=LANGUAGE_MAX_LENGTH, null=True, blank=True)
    type_of_payment = models.CharField(max_length=TYPE_OF_PAYMENT_MAX_LENGTH, null=True, blank=True)
    transfer_fee = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    reconc_req_id = models.CharField(max_length=RECONC_REQ_ID_MAX_LENGTH, null=True, blank=True)
    reconciliation_date = models.DateTimeField(null=True, blank=True)
    audit_user_id = models.IntegerField(default=0)

    class Meta:
        indexes = [
            # the payments page: current payments, latest received first (`-receivedDate`)
            models.Index(fields=["-received_date", "-id"], condition=models.Q(validity_to__isnull=True),
                         name="payment_current_newest"),
        ]
        constraints = [current_unique("uuid", name="payment_payment_unique_current_uuid")]

    def __str__(self):
        return f"payment {self.uuid}"


class PaymentDetail(VersionedModel):
    """One contribution a payment pays, with a snapshot of what it was paid for."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="details")
    product_code = models.CharField(max_length=PRODUCT_CODE_MAX_LENGTH, null=True, blank=True)
    insurance_number = models.CharField(max_length=INSURANCE_NUMBER_MAX_LENGTH, null=True, blank=True)
    policy_stage = models.CharField(max_length=POLICY_STAGE_MAX_LENGTH, null=True, blank=True)
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    premium = models.ForeignKey("contribution.Premium", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="payment_details")
    enrollment_date = models.DateField(null=True, blank=True)
    expected_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)

    def __str__(self):
        return f"payment detail {self.pk} of {self.payment_id}"


class PaymentMutation(models.Model):
    """Links a payment to the mutation log that touched it."""

    id = models.UUIDField(primary_key=True, default=uuid_module.uuid4)
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="mutations")
    mutation = models.ForeignKey("core.MutationLog", on_delete=models.CASCADE, related_name="payments")
