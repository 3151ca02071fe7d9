"""The legacy openIMIS payers. Payer types are reference data of the migration; tblFunding waits for
the policy and contribution modules."""

from __future__ import annotations

from openimis.core.legacy_import import Table, history_columns, with_line_breaks
from openimis.payer.models import Payer

TABLES = [
    # not modelled: RowID
    Table("tblPayer", Payer, {
        **history_columns(), "PayerID": "id", "PayerUUID": "uuid", "PayerType": "type",
        "PayerName": "name", "PayerAddress": "address", "LocationId": "location", "Phone": "phone",
        "Fax": "fax", "eMail": "email",
    }, converters={"PayerAddress": with_line_breaks}),
]
