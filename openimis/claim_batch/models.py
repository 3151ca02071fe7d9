"""Tables of the claim_batch module: the relative indexes a batch run computes (legacy `tblRelIndex`)
and the capitation payments it allocates to health facilities (legacy `tblCapitationPayment`). The batch
run itself lives in the claim module (a claim points at the run that valuated it)."""

from __future__ import annotations

from django.db import models

from openimis.core.history import VersionedModel

MONTHLY, QUARTERLY, YEARLY = 12, 4, 1  # RelType: how many periods the year has


def _money():
    return models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)


def _count():
    return models.IntegerField(null=True, blank=True)


class RelativeIndex(VersionedModel):
    """The relative-price index of one product, care type (B, I or O) and period of a year: what a
    relatively priced line's value is multiplied by to share the period's allocated contributions."""

    product = models.ForeignKey("product.Product", on_delete=models.PROTECT, related_name="relative_indexes")
    type = models.SmallIntegerField()  # 12 month, 4 quarter, 1 year
    care_type = models.CharField(max_length=1)
    year = models.IntegerField()
    period = models.SmallIntegerField()  # month 1-12, quarter 1-4 or 1
    calc_date = models.DateTimeField()
    rel_index = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    location = models.ForeignKey("location.Location", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="relative_indexes")
    batch_run = models.ForeignKey("claim.BatchRun", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="relative_indexes")

    class Meta:
        indexes = [models.Index(fields=["-year", "-period", "-id"], name="claim_batch_relindex_newest",
                                condition=models.Q(validity_to__isnull=True))]

    def __str__(self):
        return f"{self.product_id} {self.care_type} {self.year}/{self.type}/{self.period}: {self.rel_index}"


class CapitationPayment(VersionedModel):
    """What one health facility is paid for one month from a product's capitation share (spec 12.2 g):
    its catchment and activity figures, the share of the contributions per criterion, the unit prices and
    the payment."""

    year = models.IntegerField()
    month = models.SmallIntegerField()
    product = models.ForeignKey("product.Product", on_delete=models.PROTECT,
                                related_name="capitation_payments")
    health_facility = models.ForeignKey("location.HealthFacility", on_delete=models.PROTECT,
                                        related_name="capitation_payments")
    batch_run = models.ForeignKey("claim.BatchRun", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="capitation_payments")
    region_code = models.CharField(max_length=8, null=True, blank=True)
    region_name = models.CharField(max_length=50, null=True, blank=True)
    district_code = models.CharField(max_length=8, null=True, blank=True)
    district_name = models.CharField(max_length=50, null=True, blank=True)
    health_facility_code = models.CharField(max_length=8, null=True, blank=True)
    health_facility_name = models.CharField(max_length=100, null=True, blank=True)
    acc_code = models.CharField(max_length=25, null=True, blank=True)
    hf_level = models.CharField(max_length=1, null=True, blank=True)
    hf_sublevel = models.CharField(max_length=1, null=True, blank=True)
    total_population = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    total_families = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    total_insured_insuree = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    total_insured_families = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    total_claims = _count()
    total_adjusted = _money()
    alc_contri_population = _money()
    alc_contri_num_families = _money()
    alc_contri_ins_population = _money()
    alc_contri_ins_families = _money()
    alc_contri_visits = _money()
    alc_contri_adjusted_amount = _money()
    up_population = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    up_num_families = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    up_ins_population = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    up_ins_families = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    up_visits = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    up_adjusted_amount = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    payment_cathment = _money()  # sic, as openIMIS spells it

    def __str__(self):
        return f"capitation {self.year}-{self.month:02d} {self.health_facility_code}: {self.payment_cathment}"
