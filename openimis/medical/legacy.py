"""The legacy openIMIS tables of the medical module: items, services, ICD codes. The package contents
(tblServiceContainedProduct, tblProductContainedItem) are empty in the demo and not mapped yet."""

from __future__ import annotations

from openimis.core.legacy_import import Table, history_columns
from openimis.medical.models import Diagnosis, Item, Service

TABLES = [
    # not modelled: RowID; maximum_amount has no legacy column
    Table("tblItems", Item, {
        **history_columns(), "ItemID": "id", "ItemUUID": "uuid", "ItemCode": "code", "ItemName": "name",
        "ItemType": "type", "ItemPackage": "package", "ItemPrice": "price", "Quantity": "quantity",
        "ItemCareType": "care_type", "ItemFrequency": "frequency", "ItemPatCat": "patient_category",
    }),
    # not modelled: RowID; packagetype, manual_price, maximum_amount keep their defaults
    Table("tblServices", Service, {
        **history_columns(), "ServiceID": "id", "ServiceUUID": "uuid", "ServCategory": "category",
        "ServCode": "code", "ServName": "name", "ServType": "type", "ServLevel": "level",
        "ServPrice": "price", "ServCareType": "care_type", "ServFrequency": "frequency",
        "ServPatCat": "patient_category",
    }),
    # not modelled: RowID
    Table("tblICDCodes", Diagnosis, {
        **history_columns(), "ICDID": "id", "ICDCode": "code", "ICDName": "name",
    }),
]
