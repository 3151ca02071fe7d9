"""Tables of the medical module: items (drugs, consumables), services (with package composition),
diagnoses (ICD codes)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from openimis.core.history import VersionedModel, new_uuid
from openimis.core.unique import current_unique

CODE_MAX_LENGTH = 6

IN_PATIENT, OUT_PATIENT, BOTH = "I", "O", "B"
CARE_TYPES = [IN_PATIENT, OUT_PATIENT, BOTH]

# patient category mask (spec 4.3)
MALE, FEMALE, ADULT, MINOR = 1, 2, 4, 8
ALL_PATIENT_CATEGORIES = MALE | FEMALE | ADULT | MINOR

# The codes the reference frontend offers. Like openIMIS 24.10 (one-character columns, no check of the
# value), the item type, the service type, level and category take any one character: implementations
# and imported databases use codes of their own (a service type "A", a level "C").
DRUG, MEDICAL_CONSUMABLE = "D", "M"
ITEM_TYPES = [DRUG, MEDICAL_CONSUMABLE]

PREVENTIVE, CURATIVE = "P", "C"
SERVICE_TYPES = [PREVENTIVE, CURATIVE]
SERVICE_CATEGORIES = ["S", "D", "A", "H", "C", "O", "V"]
SERVICE_LEVELS = ["S", "V", "D", "H"]


class ServicePackageType(models.TextChoices):
    """`packagetype` (24.10's choices P, S, F; the API shows them as the enum ServicePackagetype)."""

    PACKAGE = "P", "Package"  # holds sub-services and sub-items
    SIMPLE = "S", "Simple service"  # holds nothing: contents sent with it are not kept
    FLAT_RATE = "F", "Flat-rate package"  # holds contents too; the frontend labels its price a ceiling


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

    class Meta:
        constraints = [current_unique("code", name="medical_item_unique_current_code"),
                       current_unique("uuid", name="medical_item_unique_current_uuid")]

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

    class Meta:
        constraints = [current_unique("code", name="medical_service_unique_current_code"),
                       current_unique("uuid", name="medical_service_unique_current_uuid")]

    def __str__(self):
        return f"{self.code} {self.name}"


class ServiceItem(models.Model):
    """An item contained in a package service (`servicesLinked` of the package; 24.10's
    tblProductContainedPackage). A line belongs to one version of the package: an update leaves the old
    lines on the history row and gives the current row its new ones."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="items_services")
    parent = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="services_linked")
    qty_provided = models.IntegerField(null=True, blank=True)
    pcp_date = models.DateTimeField(default=timezone.now, null=True, blank=True)  # when the line was made
    price_asked = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    status = models.BooleanField(default=True)


class ServiceService(models.Model):
    """A service contained in a package service (`serviceserviceSet` of the package; 24.10's
    tblServiceContainedPackage), versioned with the package as its items are."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="services_services")
    parent = models.ForeignKey(Service, on_delete=models.CASCADE)
    qty_provided = models.IntegerField(null=True, blank=True)
    scp_date = models.DateTimeField(default=timezone.now, null=True, blank=True)  # when the line was made
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
