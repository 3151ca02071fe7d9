"""The legacy openIMIS tables of price lists: item and service price lists and their lines."""

from __future__ import annotations

from openimis.core.legacy_import import Table, history_columns
from openimis.medical_pricelist.models import (
    ItemsPricelist,
    ItemsPricelistDetail,
    ServicesPricelist,
    ServicesPricelistDetail,
)

TABLES = [
    # not modelled (all four tables): RowID
    Table("tblPLItems", ItemsPricelist, {
        **history_columns(), "PLItemID": "id", "PLItemUUID": "uuid", "PLItemName": "name",
        "DatePL": "pricelist_date", "LocationId": "location",
    }),
    Table("tblPLItemsDetail", ItemsPricelistDetail, {
        **history_columns(), "PLItemDetailID": "id", "PLItemID": "items_pricelist", "ItemID": "item",
        "PriceOverule": "price_overrule",
    }),
    Table("tblPLServices", ServicesPricelist, {
        **history_columns(), "PLServiceID": "id", "PLServiceUUID": "uuid", "PLServName": "name",
        "DatePL": "pricelist_date", "LocationId": "location",
    }),
    Table("tblPLServicesDetail", ServicesPricelistDetail, {
        **history_columns(), "PLServiceDetailID": "id", "PLServiceID": "services_pricelist",
        "ServiceID": "service", "PriceOverule": "price_overrule",
    }),
]
