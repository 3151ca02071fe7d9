"""The other modules' tables the batch run reads and writes, reached through their public selectors
(a module imports no other module's models)."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connection, models

from openimis.claim import selectors as claim_selectors
from openimis.contribution import selectors as contribution_selectors
from openimis.location import selectors as location_selectors
from openimis.policy import selectors as policy_selectors
from openimis.product import selectors as product_selectors

PROCESSED, VALUATED = 8, 16  # claim statuses
LINE_PASSED = 1
RELATIVE = "R"  # price origin
POLICY_IDLE = 1
HOSPITAL_LEVEL = "H"
HEALTH_FACILITY_TYPE = "H"  # ceiling interpretation by the facility's level


def claim_model() -> type[models.Model]:
    return claim_selectors.current_claims().model


def batch_run_model() -> type[models.Model]:
    return claim_selectors.batch_runs().model


def line_models() -> list[type[models.Model]]:
    """The claim item and claim service tables."""
    claim = claim_model()
    return [claim._meta.get_field("items").related_model, claim._meta.get_field("services").related_model]


def products() -> models.QuerySet:
    return product_selectors.current_products()


def premiums() -> models.QuerySet:
    return contribution_selectors.current_premiums()


def insuree_policies() -> models.QuerySet:
    return policy_selectors.current_insuree_policies()


def health_facilities() -> models.QuerySet:
    return location_selectors.current_health_facilities()


def catchment_model() -> type[models.Model]:
    return location_selectors.current_health_facilities().model._meta.get_field("catchments").related_model


def locations() -> models.QuerySet:
    return location_selectors.current_locations()


def _new_uuid_sql() -> str:
    """An SQL expression giving a new random UUID as text, per row."""
    if connection.vendor == "postgresql":
        return "gen_random_uuid()::text"
    if connection.vendor == "sqlite":
        return ("lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4'"
                " || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1)"
                " || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))")
    return "lower(convert(varchar(36), newid()))"


def copy_to_history(queryset: models.QuerySet, now, overrides: dict | None = None) -> int:
    """Keep the stored state of the rows `queryset` selects as history rows, in one INSERT ... SELECT
    (openimis.core.history's rule: a new row, `validity_to` = now, `legacy_id` = the row's id, a new uuid
    when the table has one). `overrides` {field: value} replace stored values in the copies (the state
    before a change already made to the current rows). Returns the number of rows copied."""
    model = queryset.model
    table = connection.ops.quote_name(model._meta.db_table)
    overrides = overrides or {}
    columns, expressions, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        column = connection.ops.quote_name(field.column)
        columns.append(column)
        if field.name == "validity_to":
            expressions.append("%s")
            params.append(field.get_db_prep_value(now, connection))
        elif field.name == "legacy_id":
            expressions.append(connection.ops.quote_name(model._meta.pk.column))
        elif field.name == "uuid":
            expressions.append(_new_uuid_sql())
        elif field.name in overrides:
            expressions.append("%s")
            params.append(field.get_db_prep_value(overrides[field.name], connection))
        else:
            expressions.append(column)
    try:
        selected_sql, selected_params = queryset.values("pk").query.sql_with_params()
    except EmptyResultSet:
        return 0
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(expressions)} FROM {table} "
           f"WHERE {connection.ops.quote_name(model._meta.pk.column)} IN ({selected_sql})")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *selected_params])
        return cursor.rowcount
