"""Tables of the policy module: the policy a family bought (spec 8.1) and the coverage of each member
(InsureePolicy, spec 7.3). Both keep openIMIS history (current row keeps its id)."""

from __future__ import annotations

from django.db import models

from openimis.core.history import VersionedModel, new_uuid
from openimis.core.unique import current_unique

STAGE_NEW = "N"
STAGE_RENEWAL = "R"
STAGES = [STAGE_NEW, STAGE_RENEWAL]

IDLE = 1
ACTIVE = 2
SUSPENDED = 4
EXPIRED = 8
READY = 16
STATUSES = [IDLE, ACTIVE, SUSPENDED, EXPIRED, READY]


class Policy(VersionedModel):
    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    family = models.ForeignKey("insuree.Family", on_delete=models.PROTECT, related_name="policies")
    product = models.ForeignKey("product.Product", on_delete=models.PROTECT, related_name="policies")
    officer = models.ForeignKey("core.Officer", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="policies")
    stage = models.CharField(max_length=1, null=True, blank=True)
    status = models.IntegerField(null=True, blank=True, default=IDLE)
    value = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    enroll_date = models.DateField()
    start_date = models.DateField()
    effective_date = models.DateField(null=True, blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    offline = models.BooleanField(null=True, blank=True, default=False)
    creation_date = models.DateField(null=True, blank=True)
    audit_user_id = models.IntegerField(default=0)

    class Meta:
        indexes = [
            # the policies list: current policies, latest enrolment first (`-enrollDate`)
            models.Index(fields=["-enroll_date", "-id"], condition=models.Q(validity_to__isnull=True),
                         name="policy_current_newest"),
        ]
        constraints = [current_unique("uuid", name="policy_policy_unique_current_uuid")]

    def __str__(self):
        return f"policy {self.uuid}"


class InsureePolicy(VersionedModel):
    insuree = models.ForeignKey("insuree.Insuree", on_delete=models.PROTECT, related_name="insuree_policies")
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="insuree_policies")
    enrollment_date = models.DateField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    effective_date = models.DateField(null=True, blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    offline = models.BooleanField(null=True, blank=True, default=False)
    audit_user_id = models.IntegerField(default=0)


class PolicyMutation(models.Model):
    """Links a policy to the mutation log that touched it."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="mutations")
    mutation = models.ForeignKey("core.MutationLog", on_delete=models.CASCADE, related_name="policies")


class PolicyRenewal(VersionedModel):
    """A reminder that a policy is due for renewal (spec 8.7), prepared by the daily job."""

    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="policy_renewals")
    insuree = models.ForeignKey("insuree.Insuree", on_delete=models.PROTECT, related_name="policy_renewals")
    new_product = models.ForeignKey("product.Product", on_delete=models.PROTECT,
                                    related_name="policy_renewals")
    new_officer = models.ForeignKey("core.Officer", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="policy_renewals")
    renewal_prompt_date = models.DateField()
    renewal_date = models.DateField()
    phone_number = models.CharField(max_length=50, null=True, blank=True)
    sms_status = models.IntegerField(default=0)
    renewal_warnings = models.IntegerField(null=True, blank=True, default=0)
    response_status = models.IntegerField(null=True, blank=True)
    response_date = models.DateTimeField(null=True, blank=True)
