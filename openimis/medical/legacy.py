"""The legacy openIMIS tables of the medical module: items, services, ICD codes. The demo dataset predates
packages: its services have no ServPackageType or manualPrice column (they are simple services) and the
contents of packages (24.10's tblServiceContainedPackage, tblProductContainedPackage) are not mapped."""

from __future__ import annotations

from openimis.core.legacy_import import Table, history_columns
from openimis.medical.models import Diagnosis, Item, Service


def _package_type(row) -> str:
    return row.get("ServPackageType") or "S"


def _manual_price(row) -> str:
    return row.get("manualPrice") or "f"


TABLES = [
    # not modelled: RowID; maximum_amount has no legacy column
    Table("tblItems", Item, {
        **history_columns(), "ItemID": "id", "ItemUUID": "uuid", "ItemCode": "code", "ItemName": "name",
        "ItemType": "type", "ItemPackage": "package", "ItemPrice": "price", "Quantity": "quantity",
        "ItemCareType": "care_type", "ItemFrequency": "frequency", "ItemPatCat": "patient_category",
    }),
    # not modelled: RowID; maximum_amount keeps its default; the two columns 24.10 added are read when
    # the export has them
    Table("tblServices", Service, {
        **history_columns(), "ServiceID": "id", "ServiceUUID": "uuid", "ServCategory": "category",
        "ServCode": "code", "ServName": "name", "ServType": "type", "ServLevel": "level",
        "ServPrice": "price", "ServCareType": "care_type", "ServFrequency": "frequency",
        "ServPatCat": "patient_category",
    }, derived={"packagetype": _package_type, "manual_price": _manual_price}),
    # not modelled: RowID
    Table("tblICDCodes", Diagnosis, {
        **history_columns(), "ICDID": "id", "ICDCode": "code", "ICDName": "name",
    }),
]
