"""The location tree (region, district, municipality, village), user districts, officer villages."""

from __future__ import annotations

from django.db import models

from openimis.core.history import VersionedModel, new_uuid

REGION, DISTRICT, MUNICIPALITY, VILLAGE = "R", "D", "W", "V"
LOCATION_TYPES = [REGION, DISTRICT, MUNICIPALITY, VILLAGE]


class Location(VersionedModel):
    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    code = models.CharField(max_length=8)
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

    def __str__(self):
        return f"{self.code} {self.name}"


class UserDistrict(VersionedModel):
    user = models.ForeignKey("core.InteractiveUser", on_delete=models.CASCADE)
    location = models.ForeignKey(Location, on_delete=models.PROTECT)
    audit_user_id = models.IntegerField(default=0)


class OfficerVillage(VersionedModel):
    officer = models.ForeignKey("core.Officer", on_delete=models.CASCADE, related_name="officer_villages")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="officer_villages")
    audit_user_id = models.IntegerField(default=0)
