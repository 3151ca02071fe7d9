"""Tables of the insuree module: families, insurees, their photos, the code lists that describe them,
and the links of families and insurees to the mutation logs that touched them (spec 7)."""

from __future__ import annotations

import datetime
import uuid as uuid_module

from django.db import models

from openimis.core.history import VersionedModel, new_uuid
from openimis.core.unique import current_unique

ACTIVE, INACTIVE, DEAD = "AC", "IN", "DE"
INSUREE_STATUSES = [ACTIVE, INACTIVE, DEAD]
MARITAL_STATUSES = ["N", "W", "S", "D", "M"]  # none, widowed, single, divorced, married

CHF_ID_MAX_LENGTH = 50
NAME_MAX_LENGTH = 100
ADDRESS_MAX_LENGTH = 200
CONFIRMATION_NO_MAX_LENGTH = 12
PASSPORT_MAX_LENGTH = 25


# --- code lists (their code or number is the key; labels come from the frontend's translations) -----


class CodeList(models.Model):
    sort_order = models.IntegerField(null=True, blank=True)
    alt_language = models.CharField(max_length=50, null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "pk"]


class Gender(CodeList):
    code = models.CharField(max_length=1, primary_key=True)
    gender = models.CharField(max_length=50, null=True, blank=True)

    class Meta(CodeList.Meta):
        pass


class FamilyType(CodeList):
    code = models.CharField(max_length=2, primary_key=True)
    type = models.CharField(max_length=50)

    class Meta(CodeList.Meta):
        pass


class ConfirmationType(CodeList):
    code = models.CharField(max_length=3, primary_key=True)
    confirmationtype = models.CharField(max_length=50)
    is_confirmation_number_required = models.BooleanField(default=False)

    class Meta(CodeList.Meta):
        pass


class Relation(CodeList):
    id = models.SmallIntegerField(primary_key=True)
    relation = models.CharField(max_length=50)

    class Meta(CodeList.Meta):
        pass


class Profession(CodeList):
    id = models.SmallIntegerField(primary_key=True)
    profession = models.CharField(max_length=50)

    class Meta(CodeList.Meta):
        pass


class Education(CodeList):
    id = models.SmallIntegerField(primary_key=True)
    education = models.CharField(max_length=50)

    class Meta(CodeList.Meta):
        pass


class IdentificationType(CodeList):
    code = models.CharField(max_length=1, primary_key=True)
    identification_type = models.CharField(max_length=50)

    class Meta(CodeList.Meta):
        pass


class InsureeStatusReason(VersionedModel):
    """Why an insuree became inactive (`IN`) or died (`DE`): its `status_type` is that status."""

    code = models.CharField(max_length=5, db_index=True)
    insuree_status_reason = models.CharField(max_length=50)
    status_type = models.CharField(max_length=2, null=True, blank=True)


# --- families and insurees ----------------------------------------------------------------------


class Family(VersionedModel):
    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    head_insuree = models.ForeignKey("Insuree", on_delete=models.PROTECT, related_name="head_of")
    # the family's village
    location = models.ForeignKey("location.Location", on_delete=models.PROTECT, null=True, blank=True)
    poverty = models.BooleanField(null=True, blank=True)
    family_type = models.ForeignKey(
        FamilyType, on_delete=models.PROTECT, null=True, blank=True, related_name="families"
    )
    address = models.CharField(max_length=ADDRESS_MAX_LENGTH, null=True, blank=True)
    is_offline = models.BooleanField(default=False, null=True)
    ethnicity = models.CharField(max_length=1, null=True, blank=True)
    confirmation_no = models.CharField(max_length=CONFIRMATION_NO_MAX_LENGTH, null=True, blank=True)
    confirmation_type = models.ForeignKey(
        ConfirmationType, on_delete=models.PROTECT, null=True, blank=True, related_name="families"
    )
    json_ext = models.JSONField(null=True, blank=True)
    audit_user_id = models.IntegerField(default=0)

    class Meta:
        indexes = [
            # the families list: current families, newest first (`-validityFrom`), read a page at a time
            models.Index(fields=["-validity_from", "-id"], condition=models.Q(validity_to__isnull=True),
                         name="family_current_newest"),
        ]
        constraints = [current_unique("uuid", name="insuree_family_unique_current_uuid")]

    def __str__(self):
        return f"family {self.uuid}"


class Insuree(VersionedModel):
    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    chf_id = models.CharField(max_length=CHF_ID_MAX_LENGTH, null=True, blank=True, db_index=True)
    last_name = models.CharField(max_length=NAME_MAX_LENGTH)
    other_names = models.CharField(max_length=NAME_MAX_LENGTH)
    gender = models.ForeignKey(
        Gender, on_delete=models.PROTECT, null=True, blank=True, related_name="insurees"
    )
    dob = models.DateField(null=True, blank=True)
    head = models.BooleanField(default=False)
    marital = models.CharField(max_length=1, null=True, blank=True)
    passport = models.CharField(max_length=PASSPORT_MAX_LENGTH, null=True, blank=True)
    phone = models.CharField(max_length=50, null=True, blank=True)
    email = models.CharField(max_length=100, null=True, blank=True)
    current_address = models.CharField(max_length=ADDRESS_MAX_LENGTH, null=True, blank=True)
    geolocation = models.CharField(max_length=250, null=True, blank=True)
    current_village = models.ForeignKey("location.Location", on_delete=models.PROTECT, null=True, blank=True)
    photo = models.ForeignKey("Photo", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    photo_date = models.DateField(null=True, blank=True)
    card_issued = models.BooleanField(default=False)
    relationship = models.ForeignKey(
        Relation, on_delete=models.PROTECT, null=True, blank=True, related_name="insurees"
    )
    profession = models.ForeignKey(
        Profession, on_delete=models.PROTECT, null=True, blank=True, related_name="insurees"
    )
    education = models.ForeignKey(
        Education, on_delete=models.PROTECT, null=True, blank=True, related_name="insurees"
    )
    type_of_id = models.ForeignKey(IdentificationType, on_delete=models.PROTECT, null=True, blank=True)
    health_facility = models.ForeignKey(
        "location.HealthFacility", on_delete=models.PROTECT, null=True, blank=True, related_name="insurees"
    )  # first point of service
    offline = models.BooleanField(default=False, null=True)
    status = models.CharField(max_length=2, default=ACTIVE, choices=[(s, s) for s in INSUREE_STATUSES])
    status_date = models.DateField(null=True, blank=True)
    status_reason = models.ForeignKey(
        InsureeStatusReason, on_delete=models.PROTECT, null=True, blank=True, related_name="insurees"
    )
    json_ext = models.JSONField(null=True, blank=True)
    audit_user_id = models.IntegerField(default=0)

    class Meta:
        indexes = [
            # the insurees list: current insurees by insurance number (`chfId`, then the newest version)
            models.Index(fields=["chf_id", "-validity_from", "-id"],
                         condition=models.Q(validity_to__isnull=True), name="insuree_current_chf_id"),
        ]
        constraints = [current_unique("chf_id", name="insuree_insuree_unique_current_chf_id"),
                       current_unique("uuid", name="insuree_insuree_unique_current_uuid")]

    def __str__(self):
        return f"{self.chf_id} {self.last_name} {self.other_names}"

    def age(self, on: datetime.date | None = None) -> int | None:
        """Full years at `on` (today by default)."""
        if self.dob is None:
            return None
        on = on or datetime.date.today()
        return on.year - self.dob.year - ((on.month, on.day) < (self.dob.month, self.dob.day))


class Photo(VersionedModel):
    """An insuree's photo: a file under PHOTO_ROOT_PATH (`folder` + `filename`), or base64 content kept
    in `photo` when it was not written to disk."""

    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    insuree = models.ForeignKey(
        Insuree, on_delete=models.PROTECT, null=True, blank=True, related_name="photos"
    )
    chf_id = models.CharField(max_length=CHF_ID_MAX_LENGTH, null=True, blank=True)
    folder = models.CharField(max_length=255, null=True, blank=True)
    filename = models.CharField(max_length=250, null=True, blank=True)
    photo = models.TextField(null=True, blank=True)
    officer_id = models.IntegerField(null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    audit_user_id = models.IntegerField(null=True, blank=True)

    class Meta:
        constraints = [current_unique("uuid", name="insuree_photo_unique_current_uuid")]


class FamilyMutation(models.Model):
    """Links a family to the mutation log that touched it."""

    id = models.UUIDField(primary_key=True, default=uuid_module.uuid4)
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="mutations")
    mutation = models.ForeignKey("core.MutationLog", on_delete=models.CASCADE, related_name="families")


class InsureeMutation(models.Model):
    """Links an insuree to the mutation log that touched it."""

    id = models.UUIDField(primary_key=True, default=uuid_module.uuid4)
    insuree = models.ForeignKey(Insuree, on_delete=models.CASCADE, related_name="mutations")
    mutation = models.ForeignKey("core.MutationLog", on_delete=models.CASCADE, related_name="insurees")
