"""The legacy openIMIS relative indexes and capitation payments (no demo data holds any)."""

from __future__ import annotations

from openimis.claim_batch.models import CapitationPayment, RelativeIndex
from openimis.core.legacy_import import Table, history_columns

TABLES = [
    # not modelled: RowID
    Table("tblRelIndex", RelativeIndex, {
        **history_columns(), "RelIndexID": "id", "ProdID": "product", "RelType": "type",
        "RelCareType": "care_type", "RelYear": "year", "RelPeriod": "period", "CalcDate": "calc_date",
        "RelIndex": "rel_index", "LocationId": "location",
    }),
    # not modelled: RowID
    Table("tblCapitationPayment", CapitationPayment, {
        **history_columns(), "CapitationPaymentID": "id", "Year": "year", "Month": "month",
        "HfID": "health_facility", "ProductID": "product", "RegionCode": "region_code",
        "RegionName": "region_name", "DistrictCode": "district_code", "DistrictName": "district_name",
        "HFCode": "health_facility_code", "HFName": "health_facility_name", "AccCode": "acc_code",
        "HFLevel": "hf_level", "HFSublevel": "hf_sublevel", "TotalPopulation": "total_population",
        "TotalFamilies": "total_families", "TotalInsuredInsuree": "total_insured_insuree",
        "TotalInsuredFamilies": "total_insured_families", "TotalClaims": "total_claims",
        "AlcContriPopulation": "alc_contri_population", "AlcContriNumFamilies": "alc_contri_num_families",
        "AlcContriInsPopulation": "alc_contri_ins_population",
        "AlcContriInsFamilies": "alc_contri_ins_families", "AlcContriVisits": "alc_contri_visits",
        "AlcContriAdjustedAmount": "alc_contri_adjusted_amount", "UPPopulation": "up_population",
        "UPNumFamilies": "up_num_families", "UPInsPopulation": "up_ins_population",
        "UPInsFamilies": "up_ins_families", "UPVisits": "up_visits", "UPAdjustedAmount": "up_adjusted_amount",
        "PaymentCathment": "payment_cathment", "TotalAdjusted": "total_adjusted",
    }),
]
