"""Tables of the product module: insurance products (benefit packages), the items and services they
cover, and the distribution of their relative prices over the periods of a year."""

from __future__ import annotations

from django.db import models

from openimis.core.history import VersionedModel, new_uuid
from openimis.core.unique import current_unique

CODE_MAX_LENGTH = 8
NAME_MAX_LENGTH = 100

# how deductibles and ceilings accumulate (spec 6.3)
CEILING_INSUREE, CEILING_TREATMENT, CEILING_POLICY = "I", "T", "P"
CEILING_TYPES = [CEILING_INSUREE, CEILING_TREATMENT, CEILING_POLICY]

# when a claim counts as "hospital" for the IP/OP deductibles and ceilings
CLAIM_TYPE, HEALTH_FACILITY_TYPE = "I", "H"
CEILING_INTERPRETATIONS = [CLAIM_TYPE, HEALTH_FACILITY_TYPE]

# where the covered value of a claim line comes from
PRICE_LIST, PROVIDER, RELATIVE = "P", "O", "R"
PRICE_ORIGINS = [PRICE_LIST, PROVIDER, RELATIVE]

CO_INSURANCE, FIXED_AMOUNT = "C", "F"
LIMITATION_TYPES = [CO_INSURANCE, FIXED_AMOUNT]

EXCLUDED_IN_HOSPITAL, EXCLUDED_OUTSIDE_HOSPITAL, EXCLUDED_BOTH = "H", "N", "B"
CEILING_EXCLUSIONS = [EXCLUDED_IN_HOSPITAL, EXCLUDED_OUTSIDE_HOSPITAL, EXCLUDED_BOTH]

IN_PATIENT, OUT_PATIENT, BOTH = "I", "O", "B"
CARE_TYPES = [IN_PATIENT, OUT_PATIENT, BOTH]

# relative price periods: a year, its quarters or its months
YEARLY, QUARTERLY, MONTHLY = "Y", "Q", "M"
PERIODS_PER_KIND = {YEARLY: 1, QUARTERLY: 4, MONTHLY: 12}


def _money(**options):
    return models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True, **options)


def _count():
    return models.IntegerField(null=True, blank=True)


def _choice(values: list[str], **options):
    return models.CharField(max_length=1, choices=[(v, v) for v in values], null=True, blank=True, **options)


class Product(VersionedModel):
    uuid = models.CharField(max_length=36, default=new_uuid, db_index=True)
    code = models.CharField(max_length=CODE_MAX_LENGTH, db_index=True)
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    # null: a national product; else the region or district where it is sold
    location = models.ForeignKey("location.Location", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="product_set")
    date_from = models.DateTimeField()
    date_to = models.DateTimeField()
    conversion_product = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="converted_from")
    insurance_period = models.IntegerField(default=12)  # months of cover
    administration_period = _count()
    max_members = models.IntegerField(default=0)
    max_installments = _count()
    recurrence = _count()
    threshold = _count()
    age_minimal = _count()
    age_maximal = _count()

    # contribution
    lump_sum = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    premium_adult = _money()
    premium_child = _money()
    registration_lump_sum = _money()
    registration_fee = _money()
    general_assembly_lump_sum = _money()
    general_assembly_fee = _money()
    enrolment_discount_perc = _count()
    enrolment_discount_period = _count()
    renewal_discount_perc = _count()
    renewal_discount_period = _count()
    share_contribution = _money()
    acc_code_premiums = models.CharField(max_length=25, null=True, blank=True)
    acc_code_remuneration = models.CharField(max_length=25, null=True, blank=True)

    # periods and cycles
    grace_period_enrolment = models.IntegerField(default=0)
    grace_period_renewal = _count()
    grace_period_payment = _count()
    start_cycle_1 = models.CharField(max_length=5, null=True, blank=True)  # DD-MM
    start_cycle_2 = models.CharField(max_length=5, null=True, blank=True)
    start_cycle_3 = models.CharField(max_length=5, null=True, blank=True)
    start_cycle_4 = models.CharField(max_length=5, null=True, blank=True)

    # deductibles and ceilings: one group, accumulated as `ceiling_type` says (spec 6.3)
    ceiling_type = _choice(CEILING_TYPES, default=CEILING_INSUREE)
    ceiling_interpretation = _choice(CEILING_INTERPRETATIONS)
    deductible = _money()
    deductible_ip = _money()
    deductible_op = _money()
    ceiling = _money()
    ceiling_ip = _money()
    ceiling_op = _money()
    max_policy_extra_member = _money()
    max_policy_extra_member_ip = _money()
    max_policy_extra_member_op = _money()
    max_ceiling_policy = _money()
    max_ceiling_policy_ip = _money()
    max_ceiling_policy_op = _money()

    # utilisation limits per policy period (null: unlimited)
    max_no_consultation = _count()
    max_no_surgery = _count()
    max_no_delivery = _count()
    max_no_hospitalization = _count()
    max_no_visits = _count()
    max_no_antenatal = _count()
    max_amount_consultation = _money()
    max_amount_surgery = _money()
    max_amount_delivery = _money()
    max_amount_hospitalization = _money()
    max_amount_antenatal = _money()

    # relative pricing (period kind per care type) and capitation
    period_rel_prices = _choice(list(PERIODS_PER_KIND))
    period_rel_prices_op = _choice(list(PERIODS_PER_KIND))
    period_rel_prices_ip = _choice(list(PERIODS_PER_KIND))
    level_1 = models.CharField(max_length=1, null=True, blank=True)
    sublevel_1 = models.CharField(max_length=1, null=True, blank=True)
    level_2 = models.CharField(max_length=1, null=True, blank=True)
    sublevel_2 = models.CharField(max_length=1, null=True, blank=True)
    level_3 = models.CharField(max_length=1, null=True, blank=True)
    sublevel_3 = models.CharField(max_length=1, null=True, blank=True)
    level_4 = models.CharField(max_length=1, null=True, blank=True)
    sublevel_4 = models.CharField(max_length=1, null=True, blank=True)
    weight_population = _money()
    weight_number_families = _money()
    weight_insured_population = _money()
    weight_number_insured_families = _money()
    weight_number_visits = _money()
    weight_adjusted_amount = _money()

    audit_user_id = models.IntegerField(default=0)

    class Meta:
        constraints = [current_unique("code", name="product_product_unique_current_code")]

    def __str__(self):
        return f"{self.code} {self.name}"


class CoverageLine(VersionedModel):
    """What a product pays for one item or service (spec 6.2)."""

    price_origin = _choice(PRICE_ORIGINS, default=PRICE_LIST)
    limitation_type = _choice(LIMITATION_TYPES, default=CO_INSURANCE)
    limitation_type_r = _choice(LIMITATION_TYPES, default=CO_INSURANCE)
    limitation_type_e = _choice(LIMITATION_TYPES, default=CO_INSURANCE)
    limit_adult = _money()
    limit_child = _money()
    limit_adult_r = _money()
    limit_child_r = _money()
    limit_adult_e = _money()
    limit_child_e = _money()
    waiting_period_adult = _count()
    waiting_period_child = _count()
    limit_no_adult = _count()
    limit_no_child = _count()
    ceiling_exclusion_adult = _choice(CEILING_EXCLUSIONS)
    ceiling_exclusion_child = _choice(CEILING_EXCLUSIONS)
    audit_user_id = models.IntegerField(default=0)

    class Meta:
        abstract = True


class ProductItem(CoverageLine):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey("medical.Item", on_delete=models.PROTECT, related_name="items")


class ProductService(CoverageLine):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="services")
    service = models.ForeignKey("medical.Service", on_delete=models.PROTECT, related_name="services")


class RelativeDistribution(VersionedModel):
    """The share (%) of a year's relative-pricing budget given to one period (spec 6.1)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="relative_distributions")
    type = models.IntegerField()  # 1 year, 4 quarters, 12 months
    care_type = models.CharField(max_length=1, choices=[(c, c) for c in CARE_TYPES])
    period = models.IntegerField()  # 1..type
    percent = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    audit_user_id = models.IntegerField(default=0)

    class Meta:
        ordering = ["care_type", "period"]


class ProductMutation(models.Model):
    """Links a product to the mutation log that touched it."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="mutations")
    mutation = models.ForeignKey("core.MutationLog", on_delete=models.CASCADE, related_name="product_links")
