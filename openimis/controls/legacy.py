"""The legacy tblControls. Every openIMIS database has its rows (they come with the legacy schema); the
migration seeds the same rows, which the rows of an imported database replace (an installation may have
changed the adjustability of a field)."""

from __future__ import annotations

from django.db.models import Q

from openimis.controls.models import Control
from openimis.core.legacy_import import Table

TABLES = [
    Table("tblControls", Control, {"FieldName": "name", "Adjustibility": "adjustability", "Usage": "usage"},
          replaceable=Q(name__isnull=False)),  # every row
]
