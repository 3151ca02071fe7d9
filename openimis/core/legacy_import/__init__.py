"""Importer of legacy openIMIS tables (`tblLocations`, `tblHF`, ...) read from CSV files.

Each module declares the tables it owns in its own `legacy.py` (a list of `Table` and `AfterLoad`) and
points at that list from its module config (`legacy_tables = "openimis.<module>.legacy.TABLES"`). The
loader walks the enabled modules in order and loads every declared table in one transaction, keeping
the legacy primary keys so that references between tables hold. See `docs/modules.md`.
"""

from openimis.core.legacy_import.convert import with_line_breaks, zero_is_null
from openimis.core.legacy_import.declarations import AfterLoad, Table, history_columns
from openimis.core.legacy_import.loader import (
    LegacyImportError,
    LoadReport,
    database_is_empty,
    declared_tables,
    load_tables,
)

__all__ = ["AfterLoad", "LegacyImportError", "LoadReport", "Table", "database_is_empty", "declared_tables",
           "history_columns", "load_tables", "with_line_breaks", "zero_is_null"]
