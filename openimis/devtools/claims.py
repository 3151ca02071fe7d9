"""Claims for `openimis manage generate_data --claims N`: claims of the existing health facilities for the
existing insurees, with their item and service lines, written fast (COPY on PostgreSQL, one transaction
per batch, as the population generator writes insurees).

Each claim is drawn as a whole: its status (mostly valuated, checked or entered), its facility (one with
a claim administrator when it has any, whose price lists give the items, services and prices), its patient
(an insuree of the facility's district when there is one, else anyone), its dates (inside the patient's
coverage for the claims that passed validation), diagnoses, visit type, and 1 to 7 lines whose amounts
make the claim's totals: claimed = sum of price asked x quantity provided, approved = the same over the
lines not rejected, valuated and remunerated for valuated claims. A claim that passed validation names
its patient's policy and product on its passed lines. The claims' deductibles and remunerations per
policy (ClaimDedRem) are not generated.

All draws come from one `random.Random` seeded with the seed and the number of claims already there;
codes are `GEN` + the claim's key, unique among the claims of any facility."""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import connection, transaction

from openimis.devtools.bulk import SUPPORTED_VENDORS, BulkTable, analyze, start_batch
from openimis.devtools.generator import _uuid
from openimis.devtools.world import GenerationRefused

__all__ = ["ClaimReport", "generate_claims"]

REJECTED, ENTERED, CHECKED, PROCESSED, VALUATED = 1, 2, 4, 8, 16
# the status mix, and how many days before today the visit of a claim of that status began
STATUSES = (VALUATED, CHECKED, ENTERED, REJECTED, PROCESSED)
STATUS_WEIGHTS = (45, 22, 20, 8, 5)
STATUS_DAYS = {ENTERED: (2, 60), CHECKED: (5, 150), REJECTED: (5, 500), PROCESSED: (15, 400),
               VALUATED: (20, 720)}
PASSED = (CHECKED, PROCESSED, VALUATED)  # statuses of claims that passed validation
ITEM_COUNTS, ITEM_COUNT_WEIGHTS = (0, 1, 2, 3, 4), (25, 30, 25, 12, 8)
SERVICE_COUNTS, SERVICE_COUNT_WEIGHTS = (1, 2, 3), (60, 28, 12)
ITEM_QUANTITIES = (1, 2, 3, 4, 5, 6, 10, 14, 20, 30)
ITEM_QUANTITY_WEIGHTS = (20, 15, 10, 8, 8, 6, 10, 8, 8, 7)
SERVICE_QUANTITIES, SERVICE_QUANTITY_WEIGHTS = (1, 2, 3), (85, 10, 5)
VISIT_TYPES, VISIT_TYPE_WEIGHTS = ("O", "E", "R"), (80, 12, 8)
IN_PATIENT_SHARE = 0.1
LINE_REJECTED_SHARE = 0.04  # of the lines of claims that passed validation
LINE_REASONS = (2, 4, 5, 16)  # price list, patient category, frequency, maximum provision
CLAIM_LINE_REASONS = (7, 7, 7, 3, 17, 9)  # every line of a rejected claim: mostly "not covered"
CATEGORY_ORDER = "SDAHCOV"  # the claim category: the first of these among its services' categories
HUNDRED = Decimal(100)


@dataclass
class ClaimReport:
    claims: int = 0
    items: int = 0
    services: int = 0
    seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.claims / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (f"{self.claims:,} claims with {self.items:,} item and {self.services:,} service lines "
                f"in {self.seconds:.1f} s ({self.rate:,.0f} claims/s)")


@dataclass(slots=True)
class Facility:
    id: int
    district_id: int | None
    care_type: str
    admin_ids: list[int]
    items: list[tuple[int, Decimal]]  # (item id, price) of its price list, else of every current item
    services: list[tuple[int, Decimal, str | None]]  # (service id, price, category)


@dataclass(slots=True)
class Coverage:
    policy_id: int
    product_id: int
    effective: datetime.date
    expiry: datetime.date


def _current(label: str):
    return apps.get_model(label).objects.current()


def _districts() -> dict[int, int]:
    """{location id: the id of the district it lies in (itself for a district)}."""
    rows = {pk: (parent, kind) for pk, parent, kind in
            _current("location.Location").values_list("id", "parent_id", "type")}
    found: dict[int, int] = {}
    for pk in rows:
        walk, seen = pk, 0
        while walk is not None and seen < 10 and rows.get(walk, (None, None))[1] not in ("D", None):
            walk, seen = rows[walk][0], seen + 1
        if walk is not None and rows.get(walk, (None, None))[1] == "D":
            found[pk] = walk
    return found


class ClaimWorld:
    """What claims are drawn from, read once: facilities with their admins and price lists, diagnoses,
    insurees by district with their coverage, today."""

    def __init__(self, today: datetime.date):
        for module in ("openimis.claim", "openimis.location", "openimis.medical", "openimis.insuree"):
            if not apps.is_installed(module):
                raise GenerationRefused(f"generating claims needs the {module.rsplit('.', 1)[1]} module")
        self.today = today
        self.midnight = datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC)
        users = _current("core.InteractiveUser").order_by("id")
        admin = users.filter(login_name="Admin").first() or users.first()
        self.audit_user_id = admin.id if admin else 0
        self.diagnoses = list(_current("medical.Diagnosis").order_by("id").values_list("id", flat=True))
        districts = _districts()
        self.facilities = self._facilities(districts)
        self.patients_by_district, self.patients = self._patients(districts)
        self.coverage = self._coverage() if apps.is_installed("openimis.policy") else {}
        missing = [name for name, found in (("health facilities with items or services", self.facilities),
                                            ("diagnoses", self.diagnoses), ("insurees", self.patients))
                   if not found]
        if missing:
            raise GenerationRefused(f"the database has no {', '.join(missing)} to draw claims from; load the "
                                    "demo dataset first")

    def _facilities(self, districts: dict[int, int]) -> list[Facility]:
        items = list(_current("medical.Item").order_by("id").values_list("id", "price"))
        services = list(_current("medical.Service").order_by("id").values_list("id", "price", "category"))
        item_prices, service_prices = dict(items), {pk: (price, category) for pk, price, category in services}
        item_lists: dict[int, list] = {}
        if apps.is_installed("openimis.medical_pricelist"):
            for list_id, item_id, overrule in _current("medical_pricelist.ItemsPricelistDetail").order_by(
                    "id").values_list("items_pricelist_id", "item_id", "price_overrule"):
                if item_id in item_prices:
                    item_lists.setdefault(list_id, []).append((item_id, overrule or item_prices[item_id]))
            service_lists: dict[int, list] = {}
            details = _current("medical_pricelist.ServicesPricelistDetail").order_by("id")
            for list_id, service_id, overrule in details.values_list("services_pricelist_id", "service_id",
                                                                     "price_overrule"):
                if service_id in service_prices:
                    price, category = service_prices[service_id]
                    service_lists.setdefault(list_id, []).append((service_id, overrule or price, category))
        else:
            service_lists = {}
        admins: dict[int, list[int]] = {}
        for admin_id, facility_id in _current("claim.ClaimAdmin").order_by("id").values_list(
                "id", "health_facility_id"):
            if facility_id:
                admins.setdefault(facility_id, []).append(admin_id)
        facilities = []
        for pk, location_id, care_type, items_list, services_list in _current(
                "location.HealthFacility").order_by("id").values_list(
                "id", "location_id", "care_type", "items_pricelist_id", "services_pricelist_id"):
            facility = Facility(pk, districts.get(location_id), care_type or "B", admins.get(pk, []),
                                item_lists.get(items_list) or items,
                                service_lists.get(services_list) or services)
            if facility.services:
                facilities.append(facility)
        # facilities with a claim administrator enter most claims
        with_admin = [facility for facility in facilities if facility.admin_ids]
        return with_admin * 4 + facilities if with_admin else facilities

    @staticmethod
    def _patients(districts: dict[int, int]) -> tuple[dict[int, list[int]], list[int]]:
        by_district: dict[int, list[int]] = {}
        everyone = []
        rows = _current("insuree.Insuree").order_by("id").values_list("id", "family__location_id")
        for insuree_id, village_id in rows.iterator(chunk_size=20_000):
            everyone.append(insuree_id)
            district = districts.get(village_id)
            if district is not None:
                by_district.setdefault(district, []).append(insuree_id)
        return by_district, everyone

    @staticmethod
    def _coverage() -> dict[int, Coverage]:
        """{insuree id: the coverage of the insuree's latest effective policy}."""
        policies = {}
        rows = (_current("policy.InsureePolicy").exclude(effective_date=None).exclude(expiry_date=None)
                .order_by("id").values_list("insuree_id", "policy_id", "policy__product_id", "effective_date",
                                            "expiry_date"))
        found: dict[int, Coverage] = {}
        for insuree_id, policy_id, product_id, effective, expiry in rows.iterator(chunk_size=20_000):
            known = found.get(insuree_id)
            if known is None or known.expiry < expiry:
                key = (policy_id, product_id, effective, expiry)
                coverage = policies.get(key)
                if coverage is None:
                    coverage = policies[key] = Coverage(policy_id, product_id, effective, expiry)
                found[insuree_id] = coverage
        return found


@dataclass(slots=True)
class LinePlan:
    medical_id: int
    quantity: Decimal
    price: Decimal
    category: str | None = None
    status: int = 1
    reason: int | None = None


@dataclass(slots=True)
class ClaimPlan:
    status: int
    facility: Facility
    insuree_id: int
    coverage: Coverage | None
    date_from: datetime.date
    date_to: datetime.date
    date_claimed: datetime.date
    items: list[LinePlan]
    services: list[LinePlan]
    id: int = 0
    item_ids: range = range(0)
    service_ids: range = range(0)


class ClaimDraws:
    def __init__(self, world: ClaimWorld, rng: random.Random):
        self.world, self.rng = world, rng
        self.yesterday = world.today - datetime.timedelta(days=1)

    def _days_ago(self, low: int, high: int) -> datetime.date:
        return self.world.today - datetime.timedelta(days=self.rng.randint(low, high))

    def _patient(self, facility: Facility, status: int) -> tuple[int, Coverage | None, datetime.date | None]:
        """A patient of the facility's district; for a claim that passed validation, one covered on a day of
        the status's window (the visit's first day), else (patient, None, None) after a few tries."""
        rng, world = self.rng, self.world
        patients = world.patients_by_district.get(facility.district_id) or world.patients
        low, high = STATUS_DAYS[status]
        first, last = self._days_ago(high, high), self._days_ago(low, low)
        insuree_id = rng.choice(patients)
        if status not in PASSED:
            return insuree_id, None, first + datetime.timedelta(days=rng.randint(0, (last - first).days))
        older = None  # a patient covered before the window (old data such as the demo's): a visit then
        for _ in range(6):
            coverage = world.coverage.get(insuree_id)
            if coverage is not None:
                start, end = max(first, coverage.effective), min(last, coverage.expiry)
                if start <= end:
                    days = rng.randint(0, (end - start).days)
                    return insuree_id, coverage, start + datetime.timedelta(days=days)
                if older is None and coverage.effective <= last:
                    older = (insuree_id, coverage, coverage.effective + datetime.timedelta(
                        days=rng.randint(0, (min(last, coverage.expiry) - coverage.effective).days)))
            insuree_id = rng.choice(patients)
        return older or (insuree_id, None, None)

    def claim(self) -> ClaimPlan:
        rng, world = self.rng, self.world
        status = rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0]
        facility = rng.choice(world.facilities)
        insuree_id, coverage, date_from = self._patient(facility, status)
        if date_from is None:  # nobody covered around here: the claim is still waiting to be submitted
            status = ENTERED
            low, high = STATUS_DAYS[ENTERED]
            date_from = self._days_ago(low, high)
        date_to = date_from
        if facility.care_type != "O" and rng.random() < IN_PATIENT_SHARE:
            date_to = min(date_from + datetime.timedelta(days=rng.randint(1, 10)), self.yesterday)
            if coverage is not None:
                date_to = min(date_to, coverage.expiry)
        date_claimed = min(date_to + datetime.timedelta(days=rng.choice((0, 0, 0, 1, 2, 5))), self.yesterday)
        items = [LinePlan(item_id, Decimal(rng.choices(ITEM_QUANTITIES, weights=ITEM_QUANTITY_WEIGHTS)[0]),
                          price)
                 for item_id, price in rng.sample(facility.items, min(len(facility.items), rng.choices(
                     ITEM_COUNTS, weights=ITEM_COUNT_WEIGHTS)[0]))]
        service_count = rng.choices(SERVICE_COUNTS, weights=SERVICE_COUNT_WEIGHTS)[0]
        services = [LinePlan(service_id,
                             Decimal(rng.choices(SERVICE_QUANTITIES, weights=SERVICE_QUANTITY_WEIGHTS)[0]),
                             price, category)
                    for service_id, price, category in rng.sample(facility.services,
                                                                  min(len(facility.services), service_count))]
        lines = items + services
        if status == REJECTED:
            reason = rng.choice(CLAIM_LINE_REASONS)
            for line in lines:
                line.status, line.reason = 2, reason
        elif status in PASSED:
            for line in lines:
                line.reason = 0
                if rng.random() < LINE_REJECTED_SHARE:
                    line.status, line.reason = 2, rng.choice(LINE_REASONS)
            if all(line.status == 2 for line in lines):  # the claim keeps one passed line
                lines[0].status, lines[0].reason = 1, 0
        return ClaimPlan(status, facility, insuree_id, coverage, date_from, date_to, date_claimed, items,
                         services)

    def moment(self, day: datetime.date, after: datetime.datetime | None = None) -> datetime.datetime:
        """A time of `day`'s office hours, after `after`, before today's midnight."""
        moment = datetime.datetime.combine(day, datetime.time(8), tzinfo=datetime.UTC)
        moment += datetime.timedelta(seconds=self.rng.randrange(9 * 3600))
        if after is not None and moment <= after:
            moment = after + datetime.timedelta(seconds=self.rng.randint(60, 3600))
        return min(moment, self.world.midnight - datetime.timedelta(seconds=self.rng.randint(1, 3600)))


def _category(plan: ClaimPlan) -> str:
    present = {line.category for line in plan.services if line.status == 1}
    if plan.date_to != plan.date_from:
        present.add("H")
    return next((category for category in CATEGORY_ORDER if category in present), "V")


class ClaimBatch:
    def __init__(self, draws: ClaimDraws, tables: dict[str, BulkTable], count: int):
        self.draws, self.tables = draws, tables
        self.plans = [draws.claim() for _ in range(count)]
        self.written: dict[str, int] = {}

    def write(self) -> None:
        tables, plans = self.tables, self.plans
        for plan, claim_id in zip(plans, tables["claims"].reserve_ids(len(plans)), strict=True):
            plan.id = claim_id
        item_ids = iter(tables["items"].reserve_ids(sum(len(plan.items) for plan in plans)))
        service_ids = iter(tables["services"].reserve_ids(sum(len(plan.services) for plan in plans)))
        for plan in plans:
            plan.item_ids = [next(item_ids) for _ in plan.items]
            plan.service_ids = [next(service_ids) for _ in plan.services]
        self.stamps: dict[int, datetime.datetime] = {}
        self.written["claims"] = tables["claims"].write(self._claims())
        self.written["items"] = tables["items"].write(self._lines("items"))
        self.written["services"] = tables["services"].write(self._lines("services"))

    def _claims(self) -> Iterator[tuple]:
        draws, rng = self.draws, self.draws.rng
        world = draws.world
        for plan in self.plans:
            status = plan.status
            lines = plan.items + plan.services
            claimed = sum((line.price * line.quantity for line in lines), Decimal(0))
            passed = sum((line.price * line.quantity for line in lines if line.status == 1), Decimal(0))
            entered = draws.moment(plan.date_claimed)
            submitted = processed = date_processed = None
            approved, valuated, remunerated, category = claimed, None, None, None
            if status != ENTERED:
                sent = plan.date_claimed + datetime.timedelta(days=rng.randint(1, 10))
                submitted = draws.moment(sent, entered)
                approved = passed if status != REJECTED else Decimal(0)
                category = _category(plan) if status != REJECTED else None
            if status in (PROCESSED, VALUATED):
                done = submitted.date() + datetime.timedelta(days=rng.randint(1, 30))
                processed = draws.moment(done, submitted)
                date_processed = processed.date()
                remunerated = passed if status == VALUATED else sum(
                    (line.price * line.quantity for line in plan.items if line.status == 1), Decimal(0))
                valuated = passed if status == VALUATED else None
            self.stamps[plan.id] = processed or submitted or entered
            icd_1 = rng.choice(world.diagnoses) if rng.random() < 0.2 else None
            admin_id = rng.choice(plan.facility.admin_ids) if plan.facility.admin_ids else None
            visit_type = rng.choices(VISIT_TYPES, weights=VISIT_TYPE_WEIGHTS)[0]
            guaranteed = visit_type == "R" or rng.random() < 0.05
            guarantee = f"GN{rng.randrange(10 ** 7):07d}" if guaranteed else None
            yield (plan.id, _uuid(rng, plan.id), category, f"GEN{plan.id:09d}", plan.date_from, plan.date_to,
                   status, claimed, approved, valuated, plan.date_claimed, date_processed,
                   1 if status == REJECTED else 0,
                   submitted, processed, remunerated, guarantee, visit_type, admin_id, plan.facility.id,
                   rng.choice(world.diagnoses), icd_1, plan.insuree_id,
                   world.audit_user_id if submitted else None, world.audit_user_id if processed else None,
                   world.audit_user_id, self.stamps[plan.id])

    def _lines(self, kind: str) -> Iterator[tuple]:
        audit_user_id = self.draws.world.audit_user_id
        for plan in self.plans:
            status, coverage = plan.status, plan.coverage
            moment = self.stamps[plan.id]
            ids = plan.item_ids if kind == "items" else plan.service_ids
            for line_id, line in zip(ids, getattr(plan, kind), strict=True):
                amount = line.price * line.quantity
                passed = status in PASSED and line.status == 1
                relative = status == PROCESSED and kind == "services"
                valuated = passed and status in (PROCESSED, VALUATED) and not relative
                paid_by = coverage if passed else None
                explanation = "Repeated care" if kind == "services" and line.quantity > 1 else None
                yield (line_id, plan.id, line.medical_id, line.status, line.quantity, line.price,
                       line.price if valuated else None, amount if valuated else None,
                       amount if valuated else None, Decimal(0) if valuated else None,
                       Decimal(0) if valuated else None, line.reason,
                       ("R" if relative else "P") if passed else None, "C" if passed else None,
                       HUNDRED if passed else None, paid_by.policy_id if paid_by else None,
                       paid_by.product_id if paid_by else None, explanation, audit_user_id, moment)


def _tables() -> dict[str, BulkTable]:
    claim = apps.get_model("claim.Claim")
    line_fields = ["status", "qty_provided", "price_asked", "price_adjusted", "price_valuated",
                   "remunerated_amount", "deductable_amount", "exceed_ceiling_amount", "rejection_reason",
                   "price_origin", "limitation", "limitation_value", "policy", "product", "explanation",
                   "audit_user_id", "validity_from"]
    return {
        "claims": BulkTable(claim, [
            "uuid", "category", "code", "date_from", "date_to", "status", "claimed", "approved", "valuated",
            "date_claimed", "date_processed", "rejection_reason", "submit_stamp", "process_stamp",
            "remunerated", "guarantee_id", "visit_type", "admin", "health_facility", "icd", "icd_1",
            "insuree", "audit_user_id_submit", "audit_user_id_process", "audit_user_id", "validity_from"]),
        "items": BulkTable(apps.get_model("claim.ClaimItem"), ["claim", "item", *line_fields]),
        "services": BulkTable(apps.get_model("claim.ClaimService"), ["claim", "service", *line_fields]),
    }


def generate_claims(claims: int, seed: int = 1, batch: int = 5000, reference_checks: bool = False,
                    progress: Callable[[str], None] | None = None,
                    today: datetime.date | None = None) -> ClaimReport:
    """`claims` new claims with their lines over the facilities, insurees and diagnoses of the database;
    refused (GenerationRefused) when it has none of them."""
    if connection.vendor not in SUPPORTED_VENDORS:
        raise GenerationRefused(f"generate_data writes to SQLite or PostgreSQL, not {connection.vendor}")
    from django.utils import timezone

    started = time.perf_counter()
    world = ClaimWorld(today or timezone.now().date())
    tables = _tables()
    existing = tables["claims"].model._base_manager.count()
    draws = ClaimDraws(world, random.Random(f"{seed}:claims:{existing}"))
    report, shown = ClaimReport(), started
    while report.claims < claims:
        current = ClaimBatch(draws, tables, min(batch, claims - report.claims))
        with transaction.atomic():
            start_batch(skip_reference_triggers=not reference_checks)
            current.write()
        report.claims += current.written["claims"]
        report.items += current.written["items"]
        report.services += current.written["services"]
        for plan in current.plans:
            report.statuses[plan.status] = report.statuses.get(plan.status, 0) + 1
        report.seconds = time.perf_counter() - started
        if progress and time.perf_counter() - shown > 2:
            shown = time.perf_counter()
            progress(f"{report.claims:,}/{claims:,} claims, {report.rate:,.0f}/s")
    analyze([table.model for table in tables.values()])
    report.seconds = time.perf_counter() - started
    return report
