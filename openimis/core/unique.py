"""Codes unique among the current rows, guarded by the database and not only by the services' checks.

A service looks a code up before it writes, which gives the friendly message in the common case; but two
requests can both find the code free before either of them writes it. A unique index over the current
rows (`validity_to` null: a partial index on PostgreSQL and SQLite, a filtered one on SQL Server) settles
that race in the database: the second insert or update fails. `save` runs the write in a savepoint and
turns that failure into the very error the service's check raises, through one table of constraint names
to refusals, which each module registers next to its check (`@refusal(name)`).

    @unique.refusal("location_location_unique_current_code")
    def code_taken(location):
        return ValidationFailed(_("Location code %(code)s is already used") % {"code": location.code})

    if not selectors.location_code_is_free(...):
        raise code_taken(location)
    unique.save(location)

The uuid a client may choose for a new record is unique among current rows too: any constraint named
`..._unique_current_uuid` without a refusal of its own says what `inputs.chosen_uuid` says.

Where a rule spans a join (a premium's receipt is unique among the premiums of one product) no index can
hold it: the service locks the row that owns the rule before its check instead
(`openimis.core.history.lock`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, models, transaction

from openimis.core import inputs
from openimis.core.errors import ServiceError

Refusal = Callable[[models.Model], ServiceError]

_refusals: dict[str, Refusal] = {}
UUID_CONSTRAINT_SUFFIX = "_unique_current_uuid"


def current_unique(*fields: str, name: str, expressions: tuple = ()) -> models.UniqueConstraint:
    """A constraint that no two current rows share `fields` (or the values of `expressions`, such as
    `Lower("name")` for a name unique whatever its case); history rows may repeat them."""
    condition = models.Q(validity_to__isnull=True)
    if expressions:
        return models.UniqueConstraint(*expressions, condition=condition, name=name)
    return models.UniqueConstraint(fields=list(fields), condition=condition, name=name)


def refusal(constraint_name: str) -> Callable[[Refusal], Refusal]:
    """Register the function that builds the error shown when a write breaks `constraint_name`; the same
    function serves the service's own check, so that both say the same thing."""
    def register(build: Refusal) -> Refusal:
        known = _refusals.get(constraint_name)
        if known is not None and known.__module__ != build.__module__:  # (a module imported again may)
            raise ValueError(f"constraint {constraint_name} has a refusal of {known.__module__} already")
        _refusals[constraint_name] = build
        return build
    return register


def refusal_for(constraint_name: str) -> Refusal | None:
    known = _refusals.get(constraint_name)
    if known is None and constraint_name.endswith(UUID_CONSTRAINT_SUFFIX):
        return lambda record: inputs.uuid_taken(record.uuid)
    return known


def _sqlite_columns(message: str) -> set[str] | None:
    """SQLite names the columns of a column index it found broken: `UNIQUE constraint failed: t.a, t.b`."""
    prefix = "UNIQUE constraint failed:"
    if not message.startswith(prefix):
        return None
    return {part.strip() for part in message[len(prefix):].split(",")}


def violated_constraint(error: IntegrityError, model: type[models.Model]) -> str | None:
    """The name of the constraint of `model` that `error` reports broken, None when it is none of them."""
    diagnostic = getattr(error.__cause__, "diag", None)  # psycopg names it
    name = getattr(diagnostic, "constraint_name", None)
    if name:
        return name
    message = str(error)
    constraints = [constraint for constraint in model._meta.constraints
                   if isinstance(constraint, models.UniqueConstraint)]
    for constraint in sorted(constraints, key=lambda each: len(each.name), reverse=True):
        if constraint.name in message:  # PostgreSQL and SQL Server messages, SQLite's expression indexes
            return constraint.name
    columns = _sqlite_columns(message)
    if columns:
        table = model._meta.db_table
        for constraint in constraints:
            if constraint.fields and columns == {f"{table}.{model._meta.get_field(field).column}"
                                                 for field in constraint.fields}:
                return constraint.name
    return None


def save(record: models.Model, **save_arguments) -> None:
    """`record.save(...)` in a savepoint; a unique constraint with a registered refusal that the write
    breaks raises that refusal's error (the transaction around goes on), any other failure is raised."""
    try:
        with transaction.atomic():
            record.save(**save_arguments)
    except IntegrityError as error:
        build = refusal_for(violated_constraint(error, type(record)) or "")
        if build is None:
            raise
        raise build(record) from error
