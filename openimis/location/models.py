"""The location tree (region, district, municipality, village), user districts, officer villages, health
facilities and their catchment villages; the links of locations and health facilities to mutation logs."""

from __future__ import annotations

from django.db import models

from openimis.core.history import VersionedModel, new_uuid
from openimis.core.unique import current_unique

REGION, DISTRICT, MUNICIPALITY, VILLAGE = "R", "D", "W", "V"
LOCATION_TYPES = [REGION, DISTRICT, MUNICIPALITY, VILLAGE]  # level 0 .. 3: a child is one level below


class Location(VersionedModel):
    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    code = models.CharField(max_length=8, db_index=True)
    name = models.CharField(max_length=50)
    type = models.CharField(max_length=1, choices=[(t, t) for t in LOCATION_TYPES])
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children")
    male_population = models.IntegerField(null=True, blank=True)
    female_population = models.IntegerField(null=True, blank=True)
    other_population = models.IntegerField(null=True, blank=True)
    families = models.IntegerField(null=True, blank=True)
    json_ext = models.JSONField(null=True, blank=True)
    audit_user_id = models.IntegerField(default=0)

    class Meta:
        constraints = [current_unique("code", name="location_location_unique_current_code"),
                       current_unique("uuid", name="location_location_unique_current_uuid")]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def level(self) -> int:
        return LOCATION_TYPES.index(self.type)


class UserDistrict(VersionedModel):
    user = models.ForeignKey("core.InteractiveUser", on_delete=models.CASCADE)
    location = models.ForeignKey(Location, on_delete=models.PROTECT)
    audit_user_id = models.IntegerField(default=0)


class OfficerVillage(VersionedModel):
    officer = models.ForeignKey("core.Officer", on_delete=models.CASCADE, related_name="officer_villages")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="officer_villages")
    audit_user_id = models.IntegerField(default=0)


# --- health facilities ---------------------------------------------------------------------

DISPENSARY, HEALTH_CENTRE, HOSPITAL = "D", "C", "H"
HEALTH_FACILITY_LEVELS = [(DISPENSARY, "Dispensary"), (HEALTH_CENTRE, "Health Centre"),
                          (HOSPITAL, "Hospital")]
IN_PATIENT, OUT_PATIENT, BOTH = "I", "O", "B"
CARE_TYPES = [(IN_PATIENT, "In-patient"), (OUT_PATIENT, "Out-patient"), (BOTH, "Both")]


class HealthFacilityStatus(models.TextChoices):
    ACTIVE = "AC", "Active"
    INACTIVE = "IN", "Inactive"
    DELISTED = "DE", "Delisted"
    IDLE = "ID", "Idle"


class HealthFacilityLegalForm(models.Model):
    code = models.CharField(max_length=1, primary_key=True)
    legal_form = models.CharField(max_length=50)
    alt_language = models.CharField(max_length=50, null=True, blank=True)
    sort_order = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.legal_form


class HealthFacilitySubLevel(models.Model):
    code = models.CharField(max_length=1, primary_key=True)
    health_facility_sub_level = models.CharField(max_length=50, null=True, blank=True)
    alt_language = models.CharField(max_length=50, null=True, blank=True)
    sort_order = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.health_facility_sub_level or self.code


class HealthFacility(VersionedModel):
    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    code = models.CharField(max_length=8, db_index=True)
    name = models.CharField(max_length=100)
    acc_code = models.CharField(max_length=25, null=True, blank=True)
    legal_form = models.ForeignKey(HealthFacilityLegalForm, on_delete=models.PROTECT,
                                   related_name="health_facilities")
    level = models.CharField(max_length=1, choices=HEALTH_FACILITY_LEVELS)
    sub_level = models.ForeignKey(HealthFacilitySubLevel, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="health_facilities")
    location = models.ForeignKey(Location, on_delete=models.PROTECT)  # a district
    address = models.CharField(max_length=100, null=True, blank=True)
    phone = models.CharField(max_length=50, null=True, blank=True)
    fax = models.CharField(max_length=50, null=True, blank=True)
    email = models.CharField(max_length=50, null=True, blank=True)
    care_type = models.CharField(max_length=1, choices=CARE_TYPES)
    services_pricelist = models.ForeignKey("medical_pricelist.ServicesPricelist", on_delete=models.PROTECT,
                                           null=True, blank=True, related_name="health_facilities")
    items_pricelist = models.ForeignKey("medical_pricelist.ItemsPricelist", on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="health_facilities")
    offline = models.BooleanField(default=False)
    audit_user_id = models.IntegerField(default=0)
    contract_start_date = models.DateField(null=True, blank=True)
    contract_end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=2, choices=HealthFacilityStatus.choices,
                              default=HealthFacilityStatus.ACTIVE)
    json_ext = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "health facilities"
        constraints = [current_unique("code", name="location_healthfacility_unique_current_code"),
                       current_unique("uuid", name="location_healthfacility_unique_current_uuid")]

    def __str__(self):
        return f"{self.code} {self.name}"


class HealthFacilityCatchment(VersionedModel):
    health_facility = models.ForeignKey(HealthFacility, on_delete=models.CASCADE, related_name="catchments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="catchments")  # a village
    catchment = models.IntegerField(null=True, blank=True)  # % of the village population


# --- links to the mutation log (`clientMutationId` of a location or health facility) ---------------

class LocationMutation(models.Model):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="mutations")
    mutation = models.ForeignKey("core.MutationLog", on_delete=models.CASCADE, related_name="locations")


class HealthFacilityMutation(models.Model):
    health_facility = models.ForeignKey(HealthFacility, on_delete=models.CASCADE, related_name="mutations")
    mutation = models.ForeignKey("core.MutationLog", on_delete=models.CASCADE,
                                 related_name="health_facilities")
