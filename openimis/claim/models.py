"""Claim administrators, claims with their item and service lines, feedbacks and feedback prompts,
attachments, the deductibles and remunerations of claims per policy, and the batch runs that valuate
claims (the run's rows live here because a claim points at its run; the claim_batch module runs them)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from openimis.core.history import VersionedModel, VersionedQuerySet, new_uuid
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

    """

    policy = models.ForeignKey("policy.Policy", on_delete=models.PROTECT, related_name="claim_ded_rems")
    insuree = models.ForeignKey("insuree.Insuree", on_delete=models.PROTECT, related_name="claim_ded_rems",
                                null=True, blank=True)
    claim = models.ForeignKey("Claim", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="ded_rems")
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


class BatchRun(VersionedModel):
    """One monthly batch run (legacy `tblBatchRun`) for a region or district, or for the whole country
    (no location): it valuated the claims that point at it."""

    location = models.ForeignKey("location.Location", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="batch_runs")
    run_date = models.DateTimeField()
    run_year = models.SmallIntegerField()
    run_month = models.SmallIntegerField()

    def __str__(self):
        return f"batch run {self.run_year}-{self.run_month:02d}"


class ClaimStatus(models.IntegerChoices):
    REJECTED = 1
    ENTERED = 2
    CHECKED = 4
    PROCESSED = 8
    VALUATED = 16


class Claim(VersionedModel):
    """A claim of a health facility for the care of one insuree (legacy `tblClaim`): its dates, main
    and secondary diagnoses, amounts claimed/approved/valuated and where it stands (`status`, the
    review and feedback statuses). Its code is unique among the current claims of a facility.

    `adjuster` is the adjusting user's id. `restore` is the rejected claim this one re-enters. The
    referral fields, care type and `json_ext` are 24.10's additions to the legacy table."""

    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    category = models.CharField(max_length=1, null=True, blank=True)
    code = models.CharField(max_length=50, db_index=True)
    date_from = models.DateField()
    date_to = models.DateField(null=True, blank=True)
    status = models.SmallIntegerField(choices=ClaimStatus.choices, default=ClaimStatus.ENTERED)
    adjustment = models.TextField(null=True, blank=True)
    claimed = models.DecimalField(**AMOUNT)
    approved = models.DecimalField(**AMOUNT)
    reinsured = models.DecimalField(**AMOUNT)
    valuated = models.DecimalField(**AMOUNT)
    date_claimed = models.DateField()
    date_processed = models.DateField(null=True, blank=True)
    feedback_available = models.BooleanField(default=False)  # legacy Feedback
    explanation = models.TextField(null=True, blank=True)
    feedback_status = models.SmallIntegerField(null=True, blank=True, default=1)
    review_status = models.SmallIntegerField(null=True, blank=True, default=1)
    approval_status = models.SmallIntegerField(null=True, blank=True, default=1)
    rejection_reason = models.SmallIntegerField(null=True, blank=True, default=0)
    validity_from_review = models.DateTimeField(null=True, blank=True)
    validity_to_review = models.DateTimeField(null=True, blank=True)
    submit_stamp = models.DateTimeField(null=True, blank=True)
    process_stamp = models.DateTimeField(null=True, blank=True)
    remunerated = models.DecimalField(**AMOUNT)
    guarantee_id = models.CharField(max_length=50, null=True, blank=True)
    visit_type = models.CharField(max_length=1, null=True, blank=True)
    audit_user_id_review = models.IntegerField(null=True, blank=True)
    audit_user_id_submit = models.IntegerField(null=True, blank=True)
    audit_user_id_process = models.IntegerField(null=True, blank=True)
    adjuster = models.IntegerField(null=True, blank=True)
    admin = models.ForeignKey(ClaimAdmin, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="claims")
    batch_run = models.ForeignKey(BatchRun, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="claims")
    restore = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="restorations")
    feedback = models.ForeignKey("Feedback", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    health_facility = models.ForeignKey("location.HealthFacility", on_delete=models.PROTECT,
                                        related_name="claims")
    icd = models.ForeignKey("medical.Diagnosis", on_delete=models.PROTECT, related_name="claims")
    icd_1 = models.ForeignKey("medical.Diagnosis", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="claims_icd_1")
    icd_2 = models.ForeignKey("medical.Diagnosis", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="claims_icd_2")
    icd_3 = models.ForeignKey("medical.Diagnosis", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="claims_icd_3")
    icd_4 = models.ForeignKey("medical.Diagnosis", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="claims_icd_4")
    insuree = models.ForeignKey("insuree.Insuree", on_delete=models.PROTECT, related_name="claims")
    refer_from = models.ForeignKey("location.HealthFacility", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="claims_referred_from")
    refer_to = models.ForeignKey("location.HealthFacility", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="claims_referred_to")
    care_type = models.CharField(max_length=4, null=True, blank=True)
    pre_authorization = models.BooleanField(null=True, blank=True)
    patient_condition = models.CharField(max_length=1, null=True, blank=True)
    referral_code = models.CharField(max_length=50, null=True, blank=True)
    json_ext = models.JSONField(null=True, blank=True)

    class Meta:
        # a rejected claim keeps its code when it is restored into a new claim (§11.10), so only the
        # claims that are not rejected hold their code alone
        constraints = [models.UniqueConstraint(
            fields=["code", "health_facility"], name="claim_claim_unique_current_code",
            condition=models.Q(validity_to__isnull=True) & ~models.Q(status=ClaimStatus.REJECTED))]
        indexes = [
            # the claim searchers: current claims, newest claimed first, usually of one status
            models.Index(fields=["-date_claimed", "-id"], condition=models.Q(validity_to__isnull=True),
                         name="claim_current_newest"),
            models.Index(fields=["status", "-date_claimed", "-id"],
                         condition=models.Q(validity_to__isnull=True), name="claim_current_status_newest"),
        ]

    def __str__(self):
        return self.code


class Feedback(VersionedModel):
    """What an enrolment officer heard from the insuree about a claim (legacy `tblFeedback`): whether
    care was rendered, payment asked, drugs prescribed and received, and the assessment (1 to 5).
    `officer_id` is the enrolment officer's id (legacy CHFOfficerCode)."""

    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="feedbacks")
    care_rendered = models.BooleanField(null=True, blank=True)
    payment_asked = models.BooleanField(null=True, blank=True)
    drug_prescribed = models.BooleanField(null=True, blank=True)
    drug_received = models.BooleanField(null=True, blank=True)
    asessment = models.SmallIntegerField(null=True, blank=True)  # sic, as openIMIS spells it
    officer_id = models.IntegerField(null=True, blank=True)
    feedback_date = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"feedback on claim {self.claim_id}"


class ClaimLine(VersionedModel):
    """What the item and service lines of a claim share: quantities and prices as asked, adjusted,
    approved and valuated, the line's status (1 passed, 2 rejected), and what valuation found (the
    policy and product that paid, deductible, ceiling excess, remuneration)."""

    status = models.SmallIntegerField(default=1)
    qty_provided = models.DecimalField(max_digits=18, decimal_places=2)
    qty_approved = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    price_asked = models.DecimalField(max_digits=18, decimal_places=2)
    price_adjusted = models.DecimalField(**AMOUNT)
    price_approved = models.DecimalField(**AMOUNT)
    price_valuated = models.DecimalField(**AMOUNT)
    explanation = models.TextField(null=True, blank=True)
    justification = models.TextField(null=True, blank=True)
    rejection_reason = models.SmallIntegerField(null=True, blank=True, default=0)
    validity_from_review = models.DateTimeField(null=True, blank=True)
    validity_to_review = models.DateTimeField(null=True, blank=True)
    audit_user_id_review = models.IntegerField(null=True, blank=True)
    limitation_value = models.DecimalField(**AMOUNT)
    limitation = models.CharField(max_length=1, null=True, blank=True)
    remunerated_amount = models.DecimalField(**AMOUNT)
    deductable_amount = models.DecimalField(**AMOUNT)
    exceed_ceiling_amount = models.DecimalField(**AMOUNT)
    price_origin = models.CharField(max_length=1, null=True, blank=True)
    exceed_ceiling_amount_category = models.DecimalField(**AMOUNT)
    policy = models.ForeignKey("policy.Policy", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    product = models.ForeignKey("product.Product", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    json_ext = models.JSONField(null=True, blank=True)

    class Meta:
        abstract = True


class ClaimItem(ClaimLine):
    """A medical item claimed (legacy `tblClaimItems`)."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="items")
    item = models.ForeignKey("medical.Item", on_delete=models.PROTECT, related_name="claim_items")
    availability = models.BooleanField(default=True)

    def __str__(self):
        return f"claim {self.claim_id} / item {self.item_id}"


class ClaimService(ClaimLine):
    """A medical service claimed (legacy `tblClaimServices`)."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="services")
    service = models.ForeignKey("medical.Service", on_delete=models.PROTECT, related_name="claim_services")

    def __str__(self):
        return f"claim {self.claim_id} / service {self.service_id}"


class FeedbackPrompt(VersionedModel):
    """A claim selected for feedback asks an enrolment officer of the patient's village to collect it
    (legacy `tblFeedbackPrompt`); closed when feedback is delivered, skipped or bypassed."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="feedback_prompts")
    feedback_prompt_date = models.DateField()
    officer = models.ForeignKey("core.Officer", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="feedback_prompts")
    phone_number = models.CharField(max_length=50, null=True, blank=True)
    sms_status = models.SmallIntegerField(default=0)

    def __str__(self):
        return f"feedback prompt for claim {self.claim_id}"


class GeneralType(models.TextChoices):
    """Whether an attachment is a stored file or a link."""

    URL = "URL"
    FILE = "FILE"


class ClaimAttachmentType(VersionedModel):
    """A predefined kind of attachment offered by the claim form (24.10 `claim_ClaimAttachmentType`)."""

    claim_attachment_type = models.CharField(max_length=255)
    is_autogenerated = models.BooleanField(default=False)
    claim_general_type = models.CharField(max_length=4, choices=GeneralType.choices, default=GeneralType.FILE)

    def __str__(self):
        return self.claim_attachment_type


class ClaimAttachment(models.Model):
    """A document or link attached to a claim (24.10 `claim_ClaimAttachment`, keyed by a uuid). A file's
    bytes live in the data folder under `storage_name`, never in the database."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    validity_from = models.DateTimeField(default=timezone.now)
    validity_to = models.DateTimeField(null=True, blank=True)
    legacy_id = models.UUIDField(null=True, blank=True)
    audit_user_id = models.IntegerField(null=True, blank=True)
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="attachments")
    general_type = models.CharField(max_length=4, choices=GeneralType.choices, default=GeneralType.FILE)
    type = models.TextField(null=True, blank=True)
    predefined_type = models.ForeignKey(ClaimAttachmentType, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="attachments")
    title = models.TextField(null=True, blank=True)
    date = models.DateField(default=timezone.localdate)
    filename = models.TextField(null=True, blank=True)
    mime = models.TextField(null=True, blank=True)
    module = models.TextField(null=True, blank=True)
    url = models.TextField(null=True, blank=True)
    storage_name = models.CharField(max_length=255, null=True, blank=True)

    objects = VersionedQuerySet.as_manager()

    def __str__(self):
        return self.title or self.filename or str(self.pk)


class ClaimMutation(models.Model):
    """Links a claim to the mutation log that touched it."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="mutations")
    mutation = models.ForeignKey("core.MutationLog", on_delete=models.CASCADE, related_name="claim_links")
