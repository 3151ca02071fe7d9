"""The legacy openIMIS tables of families, insurees and their photos. The code lists (genders, family
types, relations, ...) are reference data of the migrations; tblInsureePolicy waits for the policy
module. In the legacy data a village or health facility id 0 means none."""

from __future__ import annotations

from openimis.core.legacy_import import AfterLoad, Table, history_columns, zero_is_null
from openimis.insuree.demo_photos import write_demo_photos
from openimis.insuree.models import Family, Insuree, Photo

TABLES = [
    # not modelled: RowID, Source, SourceVersion
    Table("tblFamilies", Family, {
        **history_columns(), "FamilyID": "id", "FamilyUUID": "uuid", "InsureeID": "head_insuree",
        "LocationId": "location", "Poverty": "poverty", "FamilyType": "family_type",
        "FamilyAddress": "address", "isOffline": "is_offline", "Ethnicity": "ethnicity",
        "ConfirmationNo": "confirmation_no", "ConfirmationType": "confirmation_type",
    }),
    # not modelled: RowID, Vulnerability, Source, SourceVersion
    Table("tblInsuree", Insuree, {
        **history_columns(), "InsureeID": "id", "InsureeUUID": "uuid", "FamilyID": "family",
        "CHFID": "chf_id", "LastName": "last_name", "OtherNames": "other_names", "Gender": "gender",
        "DOB": "dob", "IsHead": "head", "Marital": "marital", "passport": "passport", "Phone": "phone",
        "Email": "email", "CurrentAddress": "current_address", "GeoLocation": "geolocation",
        "CurrentVillage": "current_village", "PhotoID": "photo", "PhotoDate": "photo_date",
        "CardIssued": "card_issued", "Relationship": "relationship", "Profession": "profession",
        "Education": "education", "TypeOfId": "type_of_id", "HFID": "health_facility",
        "isOffline": "offline",
    }, converters={"CurrentVillage": zero_is_null, "HFID": zero_is_null, "PhotoID": zero_is_null}),
    # not modelled: RowID
    Table("tblPhotos", Photo, {
        "ValidityFrom": "validity_from", "ValidityTo": "validity_to", "AuditUserID": "audit_user_id",
        "PhotoID": "id", "PhotoUUID": "uuid", "InsureeID": "insuree", "CHFID": "chf_id",
        "PhotoFolder": "folder", "PhotoFileName": "filename", "OfficerID": "officer_id", "PhotoDate": "date",
    }),
    # the demo's photo files are not shipped: generated pictures take their place
    AfterLoad("insuree.demo_photo_files", write_demo_photos),
]
