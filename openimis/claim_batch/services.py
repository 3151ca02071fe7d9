"""The monthly batch run (spec 12.2): relative pricing and capitation for the products of a location.

`process_batch` is one transaction: the run, its relative indexes, the claims it valuates and its
capitation payments are written together or not at all. Set-based: per product a fixed number of
statements, whatever the number of claims.

Claim history: like the legacy batch, the run changes its claims and lines in place, without history
rows (on PostgreSQL the history copies of 100,000 claims and their lines, with the foreign-key checks
they bring at commit, double the run's time). The module config `batch_run_claim_history: true` keeps
them as claim processing does: each claim's and each changed line's previous state as a history row.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from openimis.claim_batch import capitation, relative, tables
from openimis.claim_batch.models import RelativeIndex
from openimis.core.configuration import module_config
from openimis.core.errors import PermissionDenied, ValidationFailed
from openimis.core.services import audit_id
from openimis.location import selectors as location_selectors

ALREADY_RUN = gettext_noop("Already run before")
REGION, DISTRICT = "R", "D"
NATIONAL = (None, -1)
FIRST_YEAR = 2000
RUN_LOCK = 1211  # the advisory lock class of the batch runs

Progress = Callable[[str, int, int], None]


def _no_progress(step: str, done: int, total: int) -> None:
    return None


def _month(year, month) -> tuple[int, int]:
    """The run's year and month, checked: month 1-12, a year from 2000, not a month still to come."""
    try:
        year, month = int(year), int(month)
    except (TypeError, ValueError):
        raise ValidationFailed(_("The year and the month of the batch run are mandatory"), "") from None
    if not 1 <= month <= 12:
        raise ValidationFailed(_("The month must be between 1 and 12"), str(month))
    today = timezone.localdate()
    if year < FIRST_YEAR or (year, month) > (today.year, today.month):
        raise ValidationFailed(_("A batch run is for a past or the current month"), f"{year}-{month:02d}")
    return year, month


def _location(actor, location_id):
    """The region or district of the run (None: national), one the actor may act on."""
    if location_id in NATIONAL:
        if not location_selectors.sees_every_location(actor):
            raise PermissionDenied(_("Only a user who sees every location may run the national batch"), "")
        return None
    location = tables.locations().filter(pk=location_id).first()
    if location is None:
        raise ValidationFailed(_("Unknown location"), str(location_id))
    if location.type not in (REGION, DISTRICT):
        raise ValidationFailed(_("A batch run is for a region or a district"), location.code)
    if not location_selectors.sees_every_location(actor):
        districts = location_selectors.districts_of_user(actor)
        allowed = (districts.filter(pk=location.pk).exists() if location.type == DISTRICT
                   else districts.filter(parent_id=location.pk).exists())
        if not allowed:
            raise PermissionDenied(_("This location is not among yours"), location.code)
    return location


def _no_jit() -> None:
    """PostgreSQL compiles the run's large statements with JIT, seconds each for statements that run
    once: off for this transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _serialise_runs(year: int, month: int) -> None:
    """Two runs of one month wait for each other (the second then finds the first and is refused): a
    transaction-level advisory lock on PostgreSQL; SQLite's writing transactions are serialised already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [RUN_LOCK, year * 100 + month])


def run_products(location, end: datetime.date):
    """The current products of the run's location (national ones for a national run) on sale at `end`."""
    products = tables.products().filter(date_from__date__lte=end, date_to__date__gte=end)
    if location is None:
        products = products.filter(location__isnull=True)
    else:
        products = products.filter(location_id=location.pk)
    return list(products.order_by("code", "id"))


@transaction.atomic
def process_batch(actor, location_id, year, month, progress: Progress | None = None):
    """Run the batch of (year, month) for a region, a district or the whole country (`location_id` None
    or -1): relative indexes, remunerated amounts, claims Valuated, capitation payments. Refused when a
    current run exists for the same month and location ("Already run before"). `progress(step, done,
    total)` is told how far it is. Returns the BatchRun."""
    progress = progress or _no_progress
    _no_jit()
    year, month = _month(year, month)
    location = _location(actor, location_id)
    _serialise_runs(year, month)
    batch_runs = tables.batch_run_model().objects
    if batch_runs.filter(validity_to__isnull=True, run_year=year, run_month=month,
                         location_id=location.pk if location else None).exists():
        raise ValidationFailed(_(ALREADY_RUN), f"{year}-{month:02d}")
    now = timezone.now()
    audit_user_id = audit_id(actor)
    run = batch_runs.create(location=location, run_date=now, run_year=year, run_month=month,
                            audit_user_id=audit_user_id, validity_from=now)
    end = relative.month_end(year, month)
    products = run_products(location, end)
    total = len(products)
    groups: list[relative.Group] = []
    for done, product in enumerate(products):
        progress("indexes", done, total)
        groups.extend(relative.groups_of(product, year, month))
    RelativeIndex.objects.bulk_create([
        RelativeIndex(product=group.product, type=group.window.type, care_type=group.care_type, year=year,
                      period=group.window.period, calc_date=now, rel_index=group.index, location=location,
                      batch_run=run, audit_user_id=audit_user_id, validity_from=now)
        for group in groups if group.distributed])
    progress("claims", 0, len(groups))
    history = bool(module_config("claim_batch").get("batch_run_claim_history"))
    if history:
        relative.version_claims(groups, now)
    for done, group in enumerate(groups):
        progress("remuneration", done, len(groups))
        relative.remunerate(group, now, audit_user_id, history)
    relative.close_claims(groups, run.pk, now, audit_user_id)
    for done, product in enumerate(products):
        progress("capitation", done, total)
        capitation.pay_capitation(product, year, month, run, now, audit_user_id)
    progress("done", total, total)
    return run
