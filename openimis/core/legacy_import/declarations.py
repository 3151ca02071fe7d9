"""What a module declares about one legacy table, and the steps that run once every table is in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

Row = dict[str, str | None]  # one CSV line: legacy column -> text (None for an empty field)


@dataclass(frozen=True)
class Table:
    """One legacy table loaded into one model.

    - `name`: the legacy table name, also the CSV file name (`tblHF` -> `tblHF.csv`);
    - `model`: the Django model the rows go to;
    - `columns`: legacy column -> model field name (a foreign key by its field name: `location`);
    - `converters`: legacy column -> function(text or None) -> value, when the generic conversion by the
      model field's type is not enough;
    - `derived`: model field -> function(row) -> text or value, for fields computed from several
      columns (converted by the field's type when the function returns text);
    - `keep`: function(row) -> bool, the rows to load (all when unset);
    - `skip_existing`: rows whose primary key is already in the table are left out (code lists that
      the reference data fill, such as languages), and such rows do not make the database non-empty;
    - `replaceable`: rows that may be in the table before a load and that the legacy data replaces
      (deleted first), such as the administrator role `ensure_reference_data` creates.
    """

    name: str
    model: type[models.Model]
    columns: dict[str, str]
    converters: dict[str, Callable[[str | None], Any]] = field(default_factory=dict)
    derived: dict[str, Callable[[Row], Any]] = field(default_factory=dict)
    keep: Callable[[Row], bool] | None = None
    skip_existing: bool = False
    replaceable: models.Q | None = None


@dataclass(frozen=True)
class AfterLoad:
    """A step that runs after the tables of every module are loaded (in the same transaction), e.g. the
    login users that core derives from the interactive users, officers and claim administrators.
    `function()` returns the number of rows it wrote; `writes` lists the models it fills, which must be
    empty before a load."""

    name: str
    function: Callable[[], int]
    writes: tuple[type[models.Model], ...] = ()


def history_columns(audit_column: str = "AuditUserID") -> dict[str, str]:
    """The columns of a versioned legacy table (the spelling of the audit column varies per table)."""
    return {"ValidityFrom": "validity_from", "ValidityTo": "validity_to", "LegacyID": "legacy_id",
            audit_column: "audit_user_id"}
