"""Tables of the payer module: the organisations that pay contributions on behalf of others (spec 10) and
the code list of their kinds."""

from __future__ import annotations

from django.db import models

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


class PayerMutation(models.Model):
    """Links a payer to the mutation log that touched it."""

    payer = models.ForeignKey(Payer, on_delete=models.CASCADE, related_name="mutations")
    mutation = models.ForeignKey("core.MutationLog", on_delete=models.CASCADE, related_name="payer_links")
