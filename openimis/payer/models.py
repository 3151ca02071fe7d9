"""Tables of the payer module: the organisations that pay contributions on behalf of others (spec 10),
the code list of their kinds, and the fundings a payer gives to a product."""

from __future__ import annotations

import uuid as uuid_module

from django.conf import settings
from django.db import models
from django.utils import timezone

from openimis.core.history import VersionedModel, new_uuid

NAME_MAX_LENGTH = 100
ADDRESS_MAX_LENGTH = 100
CONTACT_MAX_LENGTH = 50  # phone, fax, email

# the kinds of payer (tblPayerType), created by the migration
PAYER_TYPES = [
    ("C", "Co-operative"),
    ("D", "Donor"),
    ("G", "Government"),
    ("L", "Local Authority"),
    ("O", "Other"),
    ("P", "Private Organization"),
]


class PayerType(models.Model):
    code = models.CharField(max_length=1, primary_key=True)
    payer_type = models.CharField(max_length=50)
    alt_language = models.CharField(max_length=50, null=True, blank=True)
    sort_order = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.payer_type


class Payer(VersionedModel):
    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    type = models.ForeignKey(PayerType, on_delete=models.PROTECT, related_name="payers")
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    address = models.CharField(max_length=ADDRESS_MAX_LENGTH, null=True, blank=True)
    # a region or a district; null only in data imported from older installations (national payers)
    location = models.ForeignKey("location.Location", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="payers")
    phone = models.CharField(max_length=CONTACT_MAX_LENGTH, null=True, blank=True)
    fax = models.CharField(max_length=CONTACT_MAX_LENGTH, null=True, blank=True)
    email = models.CharField(max_length=CONTACT_MAX_LENGTH, null=True, blank=True)
    audit_user_id = models.IntegerField(default=0)

    def __str__(self):
        return self.name


RECEIPT_MAX_LENGTH = 50


class FundingStatus(models.TextChoices):
    """The states of a funding (the FundingStatus enum of the API)."""

    PENDING = "N", "pending"
    PAID = "P", "paid"
    AWAITING_RECONCILIATION = "A", "awaiting reconciliation"
    RECONCILED = "R", "reconciled"


class Funding(models.Model):
    """Money a payer gives for a product. Not a VersionedModel: openIMIS keeps fundings with its newer
    audit base (spec 1.2): a UUID primary key, a soft-delete flag, creation and update stamps with their
    users, and a version number that every save increments."""

    id = models.UUIDField(primary_key=True, default=uuid_module.uuid4, editable=False)
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="fundings")
    product = models.ForeignKey("product.Product", on_delete=models.PROTECT, related_name="fundings")
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    pay_date = models.DateField()
    status = models.CharField(max_length=1, choices=FundingStatus.choices, default=FundingStatus.PENDING)
    receipt = models.CharField(max_length=RECEIPT_MAX_LENGTH)
    # the audit fields of the openIMIS base
    is_deleted = models.BooleanField(default=False)
    json_ext = models.JSONField(null=True, blank=True)
    date_created = models.DateTimeField(default=timezone.now)
    date_updated = models.DateTimeField(default=timezone.now)
    user_created = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    user_updated = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.IntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["payer", "is_deleted", "pay_date"])]

    @property
    def uuid(self):
        """The API's `uuid` of a funding is its primary key."""
        return self.id

    def __str__(self):
        return f"{self.payer_id} {self.product_id} {self.amount}"


class PayerMutation(models.Model):
    """Links a payer to the mutation log that touched it."""

    payer = models.ForeignKey(Payer, on_delete=models.CASCADE, related_name="mutations")
    mutation = models.ForeignKey("core.MutationLog", on_delete=models.CASCADE, related_name="payer_links")
