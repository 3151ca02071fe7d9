"""Claim administrators (claims, their lines and batches come later)."""

from __future__ import annotations

from django.db import models

from openimis.core.history import VersionedModel, new_uuid


class ClaimAdmin(VersionedModel):
    """The person who enters the claims of a health facility; a user of type CLAIM_ADMIN."""

    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    code = models.CharField(max_length=50, null=True, blank=True, db_index=True)  # = the username
    last_name = models.CharField(max_length=100, null=True, blank=True)
    other_names = models.CharField(max_length=100, null=True, blank=True)
    dob = models.DateField(null=True, blank=True)
    email_id = models.CharField(max_length=200, null=True, blank=True)
    phone = models.CharField(max_length=50, null=True, blank=True)
    health_facility = models.ForeignKey("location.HealthFacility", on_delete=models.PROTECT, null=True,
                                        blank=True)
    has_login = models.BooleanField(null=True, blank=True)

    def __str__(self):
        return self.code or str(self.pk)
