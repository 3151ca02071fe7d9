"""Tables of the medical module: items (drugs, consumables), services (with package composition),
diagnoses (ICD codes)."""

from __future__ import annotations

from django.db import models

from openimis.core.history import VersionedModel, new_uuid

CODE_MAX_LENGTH = 6

IN_PATIENT, OUT_PATIENT, BOTH = "I", "O", "B"
CARE_TYPES = [IN_PATIENT, OUT_PATIENT, BOTH]

# patient category mask (spec 4.3)
MALE, FEMALE, ADULT, MINOR = 1, 2, 4, 8
ALL_PATIENT_CATEGORIES = MALE | FEMALE | ADULT | MINOR

DRUG, MEDICAL_CONSUMABLE = "D", "M"
ITEM_TYPES = [DRUG, MEDICAL_CONSUMABLE]

PREVENTIVE, CURATIVE = "P", "C"
SERVICE_TYPES = [PREVENTIVE, CURATIVE]
SERVICE_CATEGORIES = ["S", "D", "A", "H", "C", "O", "V"]
SERVICE_LEVELS = ["S", "V", "D", "H"]


class ServicePackageType(models.TextChoices):
    PACKAGE = "P", "Package"
    SIMPLE = "S", "Simple service"
    FLAT_RATE = "F", "Flat-rate package"


class Item(VersionedModel):
    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    code = models.CharField(max_length=CODE_MAX_LENGTH, db_index=True)
    name = models.CharField(max_length=100)
    type = models.CharField(max_length=1)
    package = models.CharField(max_length=255, null=True, blank=True)
    price = models.DecimalField(max_digits=18, decimal_places=2)
    quantity = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    maximum_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    care_type = models.CharField(max_length=1)
    frequency = models.IntegerField(null=True, blank=True)
    patient_category = models.IntegerField(default=ALL_PATIENT_CATEGORIES)
    audit_user_id = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.code} {self.name}"


class Service(VersionedModel):
    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    category = models.CharField(max_length=1, null=True, blank=True)
    code = models.CharField(max_length=CODE_MAX_LENGTH, db_index=True)
    name = models.CharField(max_length=100)
    type = models.CharField(max_length=1)
    packagetype = models.CharField(max_length=1, choices=ServicePackageType.choices,
                                   default=ServicePackageType.SIMPLE)
    manual_price = models.BooleanField(default=False)
    level = models.CharField(max_length=1)
    price = models.DecimalField(max_digits=18, decimal_places=2)
    maximum_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    care_type = models.CharField(max_length=1)
    frequency = models.IntegerField(null=True, blank=True)
    patient_category = models.IntegerField(default=ALL_PATIENT_CATEGORIES)

    def __str__(self):
        return f"{self.code} {self.name}"


class ServiceItem(models.Model):
    """An item contained in a package service (`servicesLinked` of the package)."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="items_services")
    parent = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="services_linked")
    qty_provided = models.IntegerField(null=True, blank=True)
    pcp_date = models.DateTimeField(null=True, blank=True)
    price_asked = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    status = models.BooleanField(default=True)


class ServiceService(models.Model):
    """A service contained in a package service (`serviceserviceSet` of the package)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="services_services")
    parent = models.ForeignKey(Service, on_delete=models.CASCADE)
    qty_provided = models.IntegerField(null=True, blank=True)
    scp_date = models.DateTimeField(null=True, blank=True)
    price_asked = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    status = models.BooleanField(default=True)


class Diagnosis(VersionedModel):
    code = models.CharField(max_length=CODE_MAX_LENGTH, db_index=True)
    name = models.CharField(max_length=255)
    audit_user_id = models.IntegerField(default=0)

    class Meta:
        verbose_name_plural = "diagnoses"

    def __str__(self):
        return f"{self.code} {self.name}"


class ItemMutation(models.Model):
    """Links an item to the mutation log that touched it (`medicalItems(clientMutationId:)`)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="mutations")
    mutation = models.ForeignKey("core.MutationLog", on_delete=models.CASCADE,
                                 related_name="medical_item_links")


class ServiceMutation(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="mutations")
    mutation = models.ForeignKey("core.MutationLog", on_delete=models.CASCADE,
                                 related_name="medical_service_links")
