"""Tables of the controls module: which enrolment fields a client shows and asks for (the legacy
tblControls, read by the mobile enrolment app), and the link of a mobile enrolment to its mutation log."""

from __future__ import annotations

from django.db import models

NAME_MAX_LENGTH = 50
USAGE_MAX_LENGTH = 200


class Adjustability(models.TextChoices):
    """How a client treats a field (the ControlAdjustability enum of the API)."""

    OPTIONAL = "O", "optional"
    MANDATORY = "M", "mandatory"
    HIDDEN = "N", "hidden"
    REQUIRED = "R", "required"


class Control(models.Model):
    """One field of the client forms. `usage` lists, comma-separated, the forms that show the field
    (`Family, Insuree`); the name is the key, as in tblControls."""

    name = models.CharField(max_length=NAME_MAX_LENGTH, primary_key=True)
    adjustability = models.CharField(max_length=1, choices=Adjustability.choices,
                                     default=Adjustability.OPTIONAL)
    usage = models.CharField(max_length=USAGE_MAX_LENGTH)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.adjustability})"


class MobileEnrollmentMutation(models.Model):
    """Links what one mobileEnrollment wrote to its mutation log: the family, and each policy (one row
    per policy; a single row without a policy when the enrolment sent none)."""

    mutation = models.ForeignKey("core.MutationLog", on_delete=models.CASCADE,
                                 related_name="mobile_enrollment_links")
    family = models.ForeignKey("insuree.Family", on_delete=models.CASCADE, related_name="mobile_enrollments")
    policy = models.ForeignKey("policy.Policy", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="mobile_enrollments")
