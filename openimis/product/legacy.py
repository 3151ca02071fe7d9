"""The legacy openIMIS tables of products: the product, the items and services it covers, and its
relative price distribution.

Deductibles and ceilings: the legacy product has three column groups (per insuree `...Insuree`, per
treatment `...Treatment`, per policy `...Policy`) of which one is filled; ours has one group and
`ceiling_type` saying which (spec 6.3). The group with a non-zero amount wins; none: per insuree.
"""

from __future__ import annotations

from decimal import Decimal

from openimis.core.legacy_import import Table, history_columns
from openimis.product.models import Product, ProductItem, ProductService, RelativeDistribution

CEILING_GROUPS = {"P": "Policy", "T": "Treatment", "I": "Insuree"}  # checked in this order
CEILING_FIELDS = {"deductible": "Ded{}", "deductible_ip": "DedIP{}", "deductible_op": "DedOP{}",
                  "ceiling": "Max{}", "ceiling_ip": "MaxIP{}", "ceiling_op": "MaxOP{}"}


def ceiling_type(row) -> str:
    for code, group in CEILING_GROUPS.items():
        if any(row.get(column.format(group)) and Decimal(row[column.format(group)])
               for column in CEILING_FIELDS.values()):
            return code
    return "I"


def _ceiling_amount(column: str):
    return lambda row: row.get(column.format(CEILING_GROUPS[ceiling_type(row)]))


def _same_names(*names: str) -> dict[str, str]:
    """Legacy `MaxNoSurgery` -> field `max_no_surgery`, for columns named alike."""
    def snake(name: str) -> str:
        spaced = "".join(f"_{c.lower()}" if c.isupper() or c.isdigit() else c for c in name)
        return spaced.lstrip("_").replace("_i_p", "_ip").replace("_o_p", "_op")
    return {name: snake(name) for name in names}


PRODUCT_COLUMNS = {
    **history_columns(), "ProdID": "id", "ProdUUID": "uuid", "ProductCode": "code", "ProductName": "name",
    "LocationId": "location", "ConversionProdID": "conversion_product", "MemberCount": "max_members",
    "GracePeriod": "grace_period_enrolment", "MaxNoHospitalizaion": "max_no_hospitalization",
    "Level1": "level_1", "Level2": "level_2", "Level3": "level_3", "Level4": "level_4",
    "Sublevel1": "sublevel_1", "Sublevel2": "sublevel_2", "Sublevel3": "sublevel_3",
    "Sublevel4": "sublevel_4",
    "StartCycle1": "start_cycle_1", "StartCycle2": "start_cycle_2", "StartCycle3": "start_cycle_3",
    "StartCycle4": "start_cycle_4", "PeriodRelPricesOP": "period_rel_prices_op",
    "PeriodRelPricesIP": "period_rel_prices_ip",
    **_same_names(
        "DateFrom", "DateTo", "InsurancePeriod", "AdministrationPeriod", "MaxInstallments", "Recurrence",
        "Threshold", "LumpSum", "PremiumAdult", "PremiumChild", "RegistrationLumpSum", "RegistrationFee",
        "GeneralAssemblyLumpSum", "GeneralAssemblyFee", "EnrolmentDiscountPerc", "EnrolmentDiscountPeriod",
        "RenewalDiscountPerc", "RenewalDiscountPeriod", "ShareContribution", "AccCodePremiums",
        "AccCodeRemuneration", "GracePeriodRenewal", "CeilingInterpretation", "MaxPolicyExtraMember",
        "MaxPolicyExtraMemberIP", "MaxPolicyExtraMemberOP", "MaxCeilingPolicy", "MaxCeilingPolicyIP",
        "MaxCeilingPolicyOP", "MaxNoConsultation", "MaxNoSurgery", "MaxNoDelivery", "MaxNoVisits",
        "MaxNoAntenatal", "MaxAmountConsultation", "MaxAmountSurgery", "MaxAmountDelivery",
        "MaxAmountHospitalization", "MaxAmountAntenatal", "PeriodRelPrices", "WeightPopulation",
        "WeightNumberFamilies", "WeightInsuredPopulation", "WeightNumberInsuredFamilies",
        "WeightNumberVisits", "WeightAdjustedAmount"),
}

COVERAGE_COLUMNS = {
    **history_columns(), "ProdID": "product",
    **_same_names(
        "LimitationType", "PriceOrigin", "LimitAdult", "LimitChild", "WaitingPeriodAdult",
        "WaitingPeriodChild", "LimitNoAdult", "LimitNoChild", "LimitationTypeR", "LimitationTypeE",
        "LimitAdultR", "LimitAdultE", "LimitChildR", "LimitChildE", "CeilingExclusionAdult",
        "CeilingExclusionChild"),
}

TABLES = [
    # not modelled: WaitingPeriod, RowID; the Ded*/Max* groups go to `derived`
    Table("tblProduct", Product, PRODUCT_COLUMNS, derived={
        "ceiling_type": ceiling_type,
        **{field: _ceiling_amount(column) for field, column in CEILING_FIELDS.items()},
    }),
    # not modelled (both): RowID
    Table("tblProductItems", ProductItem, {**COVERAGE_COLUMNS, "ProdItemID": "id", "ItemID": "item"}),
    Table("tblProductServices", ProductService,
          {**COVERAGE_COLUMNS, "ProdServiceID": "id", "ServiceID": "service"}),
    # not modelled: RowID
    Table("tblRelDistr", RelativeDistribution, {
        **history_columns(), "DistrID": "id", "ProdID": "product", "DistrType": "type",
        "DistrCareType": "care_type", "Period": "period", "DistrPerc": "percent",
    }),
]
