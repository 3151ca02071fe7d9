"""The legacy openIMIS tables of locations: the location tree, health facilities, user districts and
officer villages. Legal forms and sub-levels are reference data (migration 0002). tblHFCatchment is
empty in the demo and not mapped yet."""

from __future__ import annotations

from openimis.core.legacy_import import Table, history_columns, with_line_breaks
from openimis.location.models import HealthFacility, Location, OfficerVillage, UserDistrict

TABLES = [
    # not modelled: RowId
    Table("tblLocations", Location, {
        **history_columns("AuditUserId"), "LocationId": "id", "LocationUUID": "uuid",
        "LocationCode": "code", "LocationName": "name", "LocationType": "type",
        "ParentLocationId": "parent", "MalePopulation": "male_population",
        "FemalePopulation": "female_population", "OtherPopulation": "other_population",
        "Families": "families",
    }),
    # not modelled: RowID
    Table("tblHF", HealthFacility, {
        **history_columns(), "HfID": "id", "HfUUID": "uuid", "HFCode": "code", "HFName": "name",
        "AccCode": "acc_code", "LegalForm": "legal_form", "HFLevel": "level", "HFSublevel": "sub_level",
        "LocationId": "location", "HFAddress": "address", "Phone": "phone", "Fax": "fax",
        "eMail": "email", "HFCareType": "care_type", "PLServiceID": "services_pricelist",
        "PLItemID": "items_pricelist", "OffLine": "offline",
    }, converters={"HFAddress": with_line_breaks}),
    Table("tblUsersDistricts", UserDistrict, {
        **history_columns(), "UserDistrictID": "id", "UserID": "user", "LocationId": "location",
    }),
    # not modelled: RowId
    Table("tblOfficerVillages", OfficerVillage, {
        **history_columns(), "OfficerVillageId": "id", "OfficerId": "officer", "LocationId": "location",
    }),
]
