"""Claim administrators and the deductibles and remunerations of claims per policy (claims, their
lines and batches come later)."""

from __future__ import annotations

from django.db import models

from openimis.core.history import VersionedModel, new_uuid
from openimis.core.unique import current_unique


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

    class Meta:
        constraints = [current_unique("code", name="claim_claimadmin_unique_current_code")]

    def __str__(self):
        return self.code or str(self.pk)


AMOUNT = {"max_digits": 18, "decimal_places": 2, "null": True, "blank": True}


class ClaimDedRem(VersionedModel):
    """What one claim consumed of a policy (legacy `tblClaimDedRem`): the deductible it took (general,
    in-patient, out-patient) and the amounts it remunerated towards the ceilings and per category.

    `claim_id` is the claim's id as a plain integer: the claim module has no claims yet; it becomes a
    foreign key to the claim when claims land."""

    policy = models.ForeignKey("policy.Policy", on_delete=models.PROTECT, related_name="claim_ded_rems")
    insuree = models.ForeignKey("insuree.Insuree", on_delete=models.PROTECT, related_name="claim_ded_rems",
                                null=True, blank=True)
    claim_id = models.IntegerField(null=True, blank=True, db_index=True)
    ded_g = models.DecimalField(**AMOUNT)
    ded_op = models.DecimalField(**AMOUNT)
    ded_ip = models.DecimalField(**AMOUNT)
    rem_g = models.DecimalField(**AMOUNT)
    rem_op = models.DecimalField(**AMOUNT)
    rem_ip = models.DecimalField(**AMOUNT)
    rem_consult = models.DecimalField(**AMOUNT)
    rem_surgery = models.DecimalField(**AMOUNT)
    rem_delivery = models.DecimalField(**AMOUNT)
    rem_hospitalization = models.DecimalField(**AMOUNT)
    rem_antenatal = models.DecimalField(**AMOUNT)

    def __str__(self):
        return f"claim {self.claim_id} / policy {self.policy_id}"
