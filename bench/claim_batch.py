"""How long the monthly batch run (spec 12.2) takes over many processed claims.

    python bench/claim_batch.py [--db postgresql|sqlite] [--claims 100000] [--insurees 50000]
                                [--dry-run] [--keep-db]

In a fresh database it loads the openIMIS demo dataset, grows it with `generate_data` (`--insurees`
generated insurees with their policies and contributions, then `--claims` claims), and prepares one month
for the run with a few set-based updates (no loop over the claims):

- the month is the previous calendar month (`--year`/`--month` choose another);
- the product holding the most policies becomes the run's product: national (the demo's products are
  regional), on sale at the month's end,
  monthly relative prices (12 `RelativeDistribution` rows, care type B, summing to 100 %), capitation
  weights and a share of the contributions for capitation, facilities of level `--capitation-level` paid
  by capitation;
- every generated claim becomes Processed (8), with a `process_stamp` (and `date_processed`) spread over
  the month; its lines pass (status 1), are paid by that product (and a policy of it), their value is
  valuated (`price_valuated` = price x quantity), and 2 lines in 5 take their price from the relative
  index (price origin `R`, remunerated by the run), the others from the price list (`P`);
- the product's contributions are checked to cover the month (the generated policies run around today).

Then it calls `openimis.claim_batch.services.process_batch` once, in this process, for a national run
of that month as the demo's Admin, timing it (wall clock) and counting its SQL statements; checks with a
few counts that the claims became Valuated and point at the run; prints the figures and drops the
database (or the SQLite data folder). `--dry-run` stops after the preparation and prints what the run
would read.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import string
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import postgres  # noqa: E402

PROCESSED, VALUATED = 8, 16
RELATIVE_SHARE = (2, 5)  # lines whose id modulo 5 is below 2 take the relative price
SHARE_CONTRIBUTION = Decimal(30)  # % of the allocated contributions paid as capitation
WEIGHTS = {"weight_population": 20, "weight_number_families": 10, "weight_insured_population": 20,
           "weight_number_insured_families": 10, "weight_number_visits": 20, "weight_adjusted_amount": 20}


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--claims", type=int, default=100_000, help="processed claims of the month")
    parser.add_argument("--insurees", type=int, default=50_000,
                        help="generated insurees (with policies and contributions) before the claims")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, help="the run's year (default: the previous month's)")
    parser.add_argument("--month", type=int, help="the run's month (default: the previous month)")
    parser.add_argument("--capitation-level", default="D",
                        help="health facility level paid by capitation (product Level1; default D)")
    parser.add_argument("--sqlite-analyze", action="store_true",
                        help="SQLite: ANALYZE after the preparation (the planner's statistics; an embedded "
                             "database never has them unless someone runs it; PostgreSQL is always analyzed)")
    parser.add_argument("--claim-history", action="store_true",
                        help="the run keeps the previous state of the claims and lines as history rows "
                             "(module config batch_run_claim_history: true; default: as configured)")
    parser.add_argument("--dry-run", action="store_true", help="stop after preparing the month")
    parser.add_argument("--keep-db", action="store_true", help="keep the database and say where it is")
    parser.add_argument("--db-name", help="PostgreSQL: run on this prepared database (from --dry-run "
                        "--keep-db, best a copy: createdb -T NAME COPY), kept as it is")
    parser.add_argument("--data-dir", help="SQLite: the same with a prepared data folder")
    parser.add_argument("--sql-log", help="write the run's SQL statements with Django's timings (JSON)")
    return parser.parse_args()


def configure(database: str, work_dir: Path, existing: str | None = None) -> str | None:
    """Point Django at a fresh database (or the `existing` PostgreSQL one); the name of the PostgreSQL
    database to drop, or None."""
    for key in [key for key in os.environ if key.startswith(("DB_", "PSQL_DB_", "MSSQL_DB_"))]:
        del os.environ[key]
    os.environ.update({"OPENIMIS_DATA_DIR": str(work_dir), "DJANGO_SETTINGS_MODULE": "openimis.settings",
                       "MODE": "DEV", "RATELIMIT_ENABLE": "false", "DEMO_DATASET": "true",
                       "DJANGO_MIGRATE": "true"})
    if database != "postgresql":
        return None
    if existing:
        os.environ.update(postgres.server_env(existing))
        return None
    name = f"openimis_batch_{os.getpid()}_{''.join(random.choices(string.ascii_lowercase, k=4))}"
    postgres.create_database(name)
    os.environ.update(postgres.server_env(name))
    return name


def run_month(options: argparse.Namespace) -> tuple[int, int]:
    if options.year and options.month:
        return options.year, options.month
    first = datetime.date.today().replace(day=1)
    previous = first - datetime.timedelta(days=1)
    return options.year or previous.year, options.month or previous.month


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, month, 1)
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


def step(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"  {label}: {now - started:.1f} s", flush=True)
    return now


# --- the data --------------------------------------------------------------------------------------

def build_data(options: argparse.Namespace) -> None:
    from django.core.management import call_command

    from openimis.cli import prepare_database

    started = time.perf_counter()
    prepare_database()
    started = step("fresh database with the demo dataset", started)
    if options.insurees:
        call_command("generate_data", insurees=options.insurees, seed=options.seed, batch=5000)
        started = step(f"generate_data --insurees {options.insurees}", started)
    call_command("generate_data", claims=options.claims, seed=options.seed, batch=5000)
    step(f"generate_data --claims {options.claims}", started)


def _execute(sql: str, parameters: list | tuple = ()) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        return cursor.rowcount


def _scalar(sql: str, parameters: list | tuple = ()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        return cursor.fetchone()[0]


def _moment(day: datetime.date):
    """Midnight UTC of `day` as the database compares it with a DateTimeField's column."""
    from django.db import connection

    return connection.ops.adapt_datetimefield_value(
        datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC))


def _table(label: str) -> str:
    from django.apps import apps
    from django.db import connection

    return connection.ops.quote_name(apps.get_model(label)._meta.db_table)


def pick_product():
    """The current product holding the most current policies (the demo dataset's products are all sold in
    a region; the chosen one becomes national)."""
    from django.db.models import Count, Q

    from openimis.product.models import Product

    product = (Product.objects.current()
               .annotate(held=Count("policies", filter=Q(policies__validity_to__isnull=True)))
               .order_by("-held", "id").first())
    if product is None:
        raise SystemExit("no product in the database")
    return product


def prepare_product(product, start: datetime.date, end: datetime.date, level: str) -> None:
    """National, on sale at the month's end, monthly relative prices over 12 periods (B), capitation."""
    from django.utils import timezone

    from openimis.product.models import Product, RelativeDistribution

    month_end = datetime.datetime.combine(end, datetime.time(23, 59), tzinfo=datetime.UTC)
    changes = {"location_id": None, "period_rel_prices": "M", "period_rel_prices_ip": None,
               "period_rel_prices_op": None,
               "share_contribution": SHARE_CONTRIBUTION, "level_1": level, "sublevel_1": None,
               "level_2": None, "sublevel_2": None, "level_3": None, "sublevel_3": None,
               "level_4": None, "sublevel_4": None, **{key: Decimal(value) for key, value in WEIGHTS.items()}}
    if product.date_from > month_end:
        changes["date_from"] = month_end - datetime.timedelta(days=365)
    if product.date_to < month_end:
        changes["date_to"] = month_end + datetime.timedelta(days=365)
    Product.objects.filter(pk=product.pk).update(**changes)
    RelativeDistribution.objects.filter(product=product).delete()
    now = timezone.now()
    percents = [Decimal("8.33")] * 11 + [Decimal("8.37")]
    RelativeDistribution.objects.bulk_create([
        RelativeDistribution(product_id=product.pk, type=12, care_type="B", period=period, percent=percent,
                             validity_from=now)
        for period, percent in enumerate(percents, start=1)])


def _stamp_sql(vendor: str, start: datetime.date, seconds: int) -> str:
    """SQL of a moment of the month drawn from the claim's id (office hours, every day of the month)."""
    days = f"(id %% {seconds // 86400})"
    offset = "((id * 7919) %% 32400)"  # 9 hours of seconds
    if vendor == "postgresql":
        return (f"(TIMESTAMP WITH TIME ZONE '{start.isoformat()} 08:00:00+00' + {days} * INTERVAL '1 day' "
                f"+ {offset} * INTERVAL '1 second')")
    return (f"datetime('{start.isoformat()} 08:00:00', '+' || {days} || ' days', "
            f"'+' || {offset} || ' seconds')")


def prepare_claims(product, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Every generated claim Processed in the month; its lines passed, paid by `product`, valuated; 2 in
    5 lines priced relatively. Set-based: a few UPDATE statements."""
    from django.db import connection

    from openimis.policy.models import Policy

    vendor = connection.vendor
    claims, items, services = _table("claim.Claim"), _table("claim.ClaimItem"), _table("claim.ClaimService")
    generated = f"SELECT id FROM {claims} WHERE code LIKE 'GEN%%' AND validity_to IS NULL"
    policy_id = (Policy.objects.current().filter(product=product).exclude(effective_date=None)
                 .order_by("id").values_list("id", flat=True).first())
    if policy_id is None:
        raise SystemExit(f"product {product.code} has no effective policy")
    done = {}
    # lines of claims that were rejected pass again (a claim that passed keeps its few rejected lines)
    for table, label in ((items, "items"), (services, "services")):
        _execute(f"UPDATE {table} SET status = 1, rejection_reason = 0 WHERE claim_id IN "
                 f"(SELECT id FROM {claims} WHERE code LIKE 'GEN%%' AND validity_to IS NULL AND status = 1)")
        low, modulo = RELATIVE_SHARE
        done[label] = _execute(
            f"UPDATE {table} SET product_id = %s, "
            f"policy_id = CASE WHEN product_id = %s AND policy_id IS NOT NULL THEN policy_id ELSE %s END, "
            "price_adjusted = price_asked, price_approved = NULL, qty_approved = NULL, "
            "price_valuated = price_asked * qty_provided, "
            f"price_origin = CASE WHEN id %% {modulo} < {low} THEN 'R' ELSE 'P' END, "
            f"remunerated_amount = CASE WHEN id %% {modulo} < {low} THEN NULL "
            "ELSE price_asked * qty_provided END, "
            "deductable_amount = 0, exceed_ceiling_amount = 0, limitation = 'C', limitation_value = 100 "
            f"WHERE status = 1 AND validity_to IS NULL AND claim_id IN ({generated})",
            [product.pk, product.pk, policy_id])
    seconds = ((end - start).days + 1) * 86400
    stamp = _stamp_sql(vendor, start, seconds)
    day = f"CAST({stamp} AS DATE)" if vendor == "postgresql" else f"date({stamp})"
    # passed value of each claim: sum of its passed lines (its approved amount)
    passed = (f"(SELECT COALESCE(SUM(price_asked * qty_provided), 0) FROM {items} l "
              f"WHERE l.claim_id = {claims}.id AND l.status = 1 AND l.validity_to IS NULL) + "
              f"(SELECT COALESCE(SUM(price_asked * qty_provided), 0) FROM {services} l "
              f"WHERE l.claim_id = {claims}.id AND l.status = 1 AND l.validity_to IS NULL)")
    # one statement: every claim row rewritten once (the table has about 20 indexes to maintain)
    done["claims"] = _execute(
        f"UPDATE {claims} SET status = {PROCESSED}, process_stamp = {stamp}, date_processed = {day}, "
        f"submit_stamp = CASE WHEN submit_stamp IS NULL OR submit_stamp > {stamp} THEN {stamp} "
        "ELSE submit_stamp END, rejection_reason = 0, "
        f"approved = {passed}, valuated = NULL, remunerated = NULL, batch_run_id = NULL, "
        "review_status = COALESCE(review_status, 1), feedback_status = COALESCE(feedback_status, 1) "
        "WHERE code LIKE 'GEN%%' AND validity_to IS NULL")
    return done


def describe_month(product, start: datetime.date, end: datetime.date) -> dict[str, object]:
    """What the run will read: claims and lines of the month, relative lines, contributions covering the
    month, facilities of the capitation level."""
    claims, items, services = _table("claim.Claim"), _table("claim.ClaimItem"), _table("claim.ClaimService")
    premiums, policies = _table("contribution.Premium"), _table("policy.Policy")
    facilities = _table("location.HealthFacility")
    begin, finish = _moment(start), _moment(end + datetime.timedelta(days=1))
    in_month = (f"SELECT id FROM {claims} WHERE validity_to IS NULL AND status = {PROCESSED} "
                "AND process_stamp >= %s AND process_stamp < %s")
    figures: dict[str, object] = {
        "processed claims in the month": _scalar(f"SELECT COUNT(*) FROM ({in_month}) c", [begin, finish])}
    lines = relative = 0
    value = Decimal(0)
    for table in (items, services):
        where = (f"FROM {table} WHERE validity_to IS NULL AND status = 1 AND product_id = %s "
                 f"AND claim_id IN ({in_month})")
        lines += _scalar(f"SELECT COUNT(*) {where}", [product.pk, begin, finish])
        relative += _scalar(f"SELECT COUNT(*) {where} AND price_origin = 'R'", [product.pk, begin, finish])
        total = _scalar(f"SELECT COALESCE(SUM(price_valuated), 0) {where} AND price_origin = 'R'",
                        [product.pk, begin, finish])
        value += Decimal(str(total))
    figures["their passed lines of the product"] = lines
    figures["of which relative (R)"] = relative
    figures["value of the relative lines"] = value.quantize(Decimal("0.01"))
    figures["premiums of the product's policies covering the month"] = _scalar(
        f"SELECT COUNT(*) FROM {premiums} p JOIN {policies} o ON o.id = p.policy_id "
        "WHERE p.validity_to IS NULL AND o.validity_to IS NULL AND o.product_id = %s AND o.status <> 1 "
        "AND p.pay_date < o.expiry_date AND o.effective_date <= %s AND o.expiry_date >= %s "
        "AND p.pay_date <= %s", [product.pk, end, start, end])
    figures["current policies of the product"] = _scalar(
        f"SELECT COUNT(*) FROM {policies} WHERE validity_to IS NULL AND product_id = %s", [product.pk])
    figures["health facilities (of the capitation level)"] = "{} ({})".format(
        _scalar(f"SELECT COUNT(*) FROM {facilities} WHERE validity_to IS NULL"),
        _scalar(f"SELECT COUNT(*) FROM {facilities} WHERE validity_to IS NULL AND level = %s",
                [product.level_1]))
    return figures


def prepared_product():
    """The product a previous run of this bench prepared (national, monthly, its capitation share)."""
    from openimis.product.models import Product

    product = (Product.objects.current().filter(location__isnull=True, period_rel_prices="M",
                                                share_contribution=SHARE_CONTRIBUTION)
               .order_by("id").first())
    if product is None:
        raise SystemExit("this database was not prepared by bench/claim_batch.py")
    return product


def prepare_month(options: argparse.Namespace, year: int, month: int):
    from django.db import connection, transaction

    from openimis.devtools.bulk import analyze, start_batch

    start, end = month_bounds(year, month)
    started = time.perf_counter()
    with transaction.atomic():
        # the references written name existing rows: a superuser's transaction skips their triggers
        start_batch(skip_reference_triggers=True)
        product = pick_product()
        prepare_product(product, start, end, options.capitation_level)
        done = prepare_claims(product, start, end)
    from django.apps import apps

    analyze([apps.get_model(label) for label in ("claim.Claim", "claim.ClaimItem", "claim.ClaimService",
                                                  "product.Product", "product.RelativeDistribution")])
    if options.sqlite_analyze and connection.vendor == "sqlite":
        _execute("ANALYZE")
    step(f"month {year}-{month:02d} prepared ({done['claims']:,} claims, {done['items']:,} item and "
         f"{done['services']:,} service lines updated, {connection.vendor})", started)
    product.refresh_from_db()
    return product


# --- the run ---------------------------------------------------------------------------------------

def configure_history() -> None:
    """The module config `batch_run_claim_history: true` (stored, as an administrator would)."""
    from openimis.core.models import ModuleConfiguration

    row, _ = ModuleConfiguration.objects.get_or_create(module="claim_batch", layer="be")
    config = json.loads(row.config or "{}")
    config["batch_run_claim_history"] = True
    row.config = json.dumps(config)
    row.save()


def history_kept() -> bool:
    from openimis.core.configuration import module_config

    return bool(module_config("claim_batch").get("batch_run_claim_history"))


def time_run(year: int, month: int) -> dict[str, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openimis.claim_batch.services import process_batch
    from openimis.core.models import User

    actor = User.objects.get_by_natural_key("Admin")
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        run = process_batch(actor, None, year, month)
        seconds = time.perf_counter() - started
    return {"run": run, "seconds": seconds, "statements": len(queries.captured_queries),
            "queries": queries.captured_queries}


def verify(run, product, start: datetime.date, end: datetime.date) -> dict[str, object]:
    from django.apps import apps

    claims, items, services = _table("claim.Claim"), _table("claim.ClaimItem"), _table("claim.ClaimService")
    tied = f"SELECT id FROM {claims} WHERE validity_to IS NULL AND batch_run_id = %s"
    figures: dict[str, object] = {
        "claims Valuated and tied to the run": _scalar(
            f"SELECT COUNT(*) FROM {claims} WHERE validity_to IS NULL AND batch_run_id = %s AND status = %s",
            [run.pk, VALUATED]),
        "claims still Processed in the month": _scalar(
            f"SELECT COUNT(*) FROM {claims} WHERE validity_to IS NULL AND status = {PROCESSED} "
            "AND process_stamp >= %s AND process_stamp < %s",
            [_moment(start), _moment(end + datetime.timedelta(days=1))]),
    }
    remunerated = unpaid = 0
    for table in (items, services):
        remunerated += _scalar(f"SELECT COUNT(*) FROM {table} WHERE validity_to IS NULL AND status = 1 "
                               f"AND remunerated_amount IS NOT NULL AND claim_id IN ({tied})", [run.pk])
        unpaid += _scalar(f"SELECT COUNT(*) FROM {table} WHERE validity_to IS NULL AND status = 1 "
                          f"AND remunerated_amount IS NULL AND claim_id IN ({tied})", [run.pk])
    figures["passed lines of those claims with a remunerated amount"] = remunerated
    figures["passed lines of those claims without one"] = unpaid
    figures["claims of the run without a remunerated total"] = _scalar(
        f"SELECT COUNT(*) FROM {claims} WHERE validity_to IS NULL AND batch_run_id = %s "
        "AND remunerated IS NULL", [run.pk])
    for label, name in (("claim_batch.RelativeIndex", "relative indexes written"),
                        ("claim_batch.CapitationPayment", "capitation rows written")):
        try:
            model = apps.get_model(label)
        except LookupError:
            figures[name] = f"({label} not found)"
            continue
        names = {field.name for field in model._meta.fields}
        rows = model.objects.filter(batch_run=run) if "batch_run" in names else model.objects.all()
        if "validity_to" in names:
            rows = rows.filter(validity_to__isnull=True)
        figures[name] = rows.count()
        if name.startswith("relative"):
            indexes = rows.filter(product_id=product.pk).values_list("rel_index", flat=True)
            figures["index of the product"] = ", ".join(str(value) for value in indexes)
    return figures


def print_figures(title: str, figures: dict[str, object]) -> None:
    print(title)
    width = max(len(name) for name in figures)
    for name, value in figures.items():
        shown = f"{value:,}" if isinstance(value, int) else str(value)
        print(f"  {name:<{width}}  {shown}")


def slowest(queries: list[dict], count: int = 8) -> None:
    ranked = sorted(queries, key=lambda query: float(query.get("time") or 0), reverse=True)[:count]
    print(f"slowest statements (Django's timings, s), of {len(queries)}:")
    for query in ranked:
        sql = " ".join(query["sql"].split())
        print(f"  {float(query.get('time') or 0):8.3f}  {sql[:300]}")


def main() -> None:
    options = parse_arguments()
    year, month = run_month(options)
    start, end = month_bounds(year, month)
    print(f"batch run bench: {options.db}, {options.claims:,} claims processed in {year}-{month:02d}, "
          f"{options.insurees:,} generated insurees", flush=True)
    reuse = options.db_name if options.db == "postgresql" else options.data_dir
    folder = options.data_dir if reuse and options.db == "sqlite" else tempfile.mkdtemp(
        prefix="openimis-batch-bench-")
    created = configure(options.db, Path(folder), options.db_name if reuse else None)
    keep = options.keep_db or bool(reuse)
    try:
        import django

        django.setup()
        if reuse:
            product = prepared_product()
        else:
            build_data(options)
            product = prepare_month(options, year, month)
        print_figures(f"what the run of {year}-{month:02d} reads (product {product.code}):",
                      describe_month(product, start, end))
        if options.dry_run:
            return
        if options.claim_history:
            configure_history()
        history = "with history rows" if history_kept() else "in place, no history rows"
        timed = time_run(year, month)
        print_figures("after the run:", verify(timed["run"], product, start, end))
        slowest(timed["queries"])
        if options.sql_log:
            Path(options.sql_log).write_text(json.dumps(timed["queries"], indent=1))
        print(f"process_batch (national, {year}-{month:02d}, {history}): {timed['seconds']:.2f} s wall "
              f"clock, {timed['statements']} SQL statements")
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            where = (f"PostgreSQL database {created or options.db_name}" if options.db == "postgresql"
                     else f"SQLite data folder {folder}")
            print(f"kept: {where}")
        elif created:
            postgres.drop_database(created)
        if options.db == "postgresql" or not keep:  # PostgreSQL's data folder holds nothing to keep
            import shutil

            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
