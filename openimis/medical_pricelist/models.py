"""Price lists of medical services and items (their details come with the medical module)."""

from __future__ import annotations

from django.db import models

from openimis.core.history import VersionedModel, new_uuid


class ServicesPricelist(VersionedModel):
    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    name = models.CharField(max_length=100)
    location = models.ForeignKey("location.Location", on_delete=models.PROTECT, null=True, blank=True)
    pricelist_date = models.DateField()
    audit_user_id = models.IntegerField(default=0)

    def __str__(self):
        return self.name


class ItemsPricelist(VersionedModel):
    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    name = models.CharField(max_length=100)
    # the openIMIS API has no reverse field on LocationGQLType for item lists: hence the explicit name
    location = models.ForeignKey("location.Location", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="items_pricelists")
    pricelist_date = models.DateField()
    audit_user_id = models.IntegerField(default=0)

    def __str__(self):
        return self.name
