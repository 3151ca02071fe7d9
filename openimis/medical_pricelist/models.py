"""Price lists of medical services and items, their lines (details) and overriding prices."""

from __future__ import annotations

from django.db import models

from openimis.core.history import VersionedModel, new_uuid
from openimis.core.unique import current_unique


class ServicesPricelist(VersionedModel):
    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    name = models.CharField(max_length=100)
    location = models.ForeignKey("location.Location", on_delete=models.PROTECT, null=True, blank=True)
    pricelist_date = models.DateField()
    audit_user_id = models.IntegerField(default=0)

    class Meta:
        constraints = [current_unique("name", name="medical_pricelist_services_unique_current_name")]

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

    class Meta:
        constraints = [current_unique("name", name="medical_pricelist_items_unique_current_name")]

    def __str__(self):
        return self.name


class ServicesPricelistDetail(VersionedModel):
    """A service on a price list; `price_overrule` replaces the service's own price (null: keep it)."""

    services_pricelist = models.ForeignKey(ServicesPricelist, on_delete=models.PROTECT,
                                           related_name="details")
    service = models.ForeignKey("medical.Service", on_delete=models.PROTECT, related_name="pricelist_details")
    price_overrule = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    audit_user_id = models.IntegerField(default=0)


class ItemsPricelistDetail(VersionedModel):
    """An item on a price list; `price_overrule` replaces the item's own price (null: keep it)."""

    items_pricelist = models.ForeignKey(ItemsPricelist, on_delete=models.PROTECT, related_name="details")
    item = models.ForeignKey("medical.Item", on_delete=models.PROTECT, related_name="pricelist_details")
    price_overrule = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    audit_user_id = models.IntegerField(default=0)


class ServicesPricelistMutation(models.Model):
    services_pricelist = models.ForeignKey(ServicesPricelist, on_delete=models.CASCADE,
                                           related_name="mutations")
    mutation = models.ForeignKey("core.MutationLog", on_delete=models.CASCADE,
                                 related_name="services_pricelist_links")


class ItemsPricelistMutation(models.Model):
    items_pricelist = models.ForeignKey(ItemsPricelist, on_delete=models.CASCADE, related_name="mutations")
    mutation = models.ForeignKey("core.MutationLog", on_delete=models.CASCADE,
                                 related_name="items_pricelist_links")
