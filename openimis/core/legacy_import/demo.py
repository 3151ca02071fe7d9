"""The official openIMIS demo dataset, shipped as CSV files in `openimis/core/demo_data/`."""

from __future__ import annotations

from pathlib import Path

from openimis.core.legacy_import.loader import LoadReport, database_is_empty, load_tables

DEMO_DATA = Path(__file__).resolve().parent.parent / "demo_data"
DEMO_LOGIN = ("Admin", "admin123")


def load_demo_dataset() -> LoadReport:
    """Load the demo data of every enabled module; refused (LegacyImportError) unless the database is
    empty."""
    return load_tables(DEMO_DATA)


def demo_dataset_can_load() -> bool:
    return database_is_empty()
