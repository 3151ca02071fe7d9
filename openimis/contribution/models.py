"""Tables of the contribution module: the premiums paid for a policy (spec 9.1)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from openimis.core.history import VersionedModel, new_uuid
from openimis.core.unique import current_unique

RECEIPT_MAX_LENGTH = 50
PAY_TYPES = ["C", "B", "M", "F"]  # cash, bank transfer, mobile phone, funding
ACTIONS = ["ENFORCE", "SUSPEND", "WAIT"]


class Premium(VersionedModel):
    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    policy = models.ForeignKey("policy.Policy", on_delete=models.PROTECT, related_name="premiums")
    payer = models.ForeignKey("payer.Payer", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="premiums")
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    receipt = models.CharField(max_length=RECEIPT_MAX_LENGTH)
    pay_date = models.DateField()
    pay_type = models.CharField(max_length=1)
    is_photo_fee = models.BooleanField(null=True, blank=True, default=False)
    is_offline = models.BooleanField(null=True, blank=True, default=False)
    reporting_id = models.IntegerField(null=True, blank=True)
    reporting_commission_id = models.IntegerField(null=True, blank=True)
    overview_commission_report = models.DateTimeField(null=True, blank=True)
    all_details_commission_report = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=50, null=True, blank=True)
    source_version = models.CharField(max_length=15, null=True, blank=True)
    created_date = models.DateTimeField(default=timezone.now)
    audit_user_id = models.IntegerField(default=0)

    class Meta:
        indexes = [
            # the premiums lists: current premiums, latest payment first (`-payDate`)
            models.Index(fields=["-pay_date", "-id"], condition=models.Q(validity_to__isnull=True),
                         name="premium_current_newest"),
            # receipts of current premiums: unique per product (equality) and numbered per prefix
            # (`receipt__startswith`); the pattern operator class, used on PostgreSQL only, serves both
            models.Index(fields=["receipt"], opclasses=["varchar_pattern_ops"],
                         condition=models.Q(validity_to__isnull=True), name="premium_current_receipt"),
        ]
        constraints = [current_unique("uuid", name="contribution_premium_unique_current_uuid")]

    def __str__(self):
        return f"premium {self.receipt}"


class PremiumMutation(models.Model):
    """Links a premium to the mutation log that touched it."""

    premium = models.ForeignKey(Premium, on_delete=models.CASCADE, related_name="mutations")
    mutation = models.ForeignKey("core.MutationLog", on_delete=models.CASCADE, related_name="premium_links")
