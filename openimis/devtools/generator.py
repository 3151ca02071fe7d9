"""`openimis manage generate_data`: a synthetic population over the villages, products, enrolment
officers and code lists already in the database (the demo dataset), written fast.

Each batch is one transaction. Its families are planned (members, village, registration moment, the
policy's product, status and dates) while the database stores the previous batch's insurees; then the
policy values and payments are computed, the primary keys of every row reserved, and the rows written
table after table with `bulk.BulkTable` (COPY on PostgreSQL), each row made while the database stores
the previous ones. All draws come from one `random.Random`, seeded with the seed and the number of
insurees already there, and every moment lies before today's midnight: the same seed over the same
database on the same day gives the same rows, and a second run adds other people.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import connection, transaction

from openimis.devtools import population
from openimis.devtools.bulk import SUPPORTED_VENDORS, BulkTable, analyze, start_batch
from openimis.devtools.numbers import InsuranceNumbers
from openimis.devtools.world import Area, GenerationRefused, World

if TYPE_CHECKING:  # the policy module may be disabled: imported only when it is there
    from openimis.devtools.policies import Policies, PolicyPlan

__all__ = ["GenerationRefused", "Report", "generate"]

REGISTRATION_SECONDS = 3 * 365 * 86400  # families registered over the last three years
POLICY_SHARE = 0.8
PAY_TYPES, PAY_TYPES_CUMULATED = "CBM", (70, 85, 100)  # cash 70 %, bank transfer and mobile 15 % each


@dataclass
class Report:
    insurees: int = 0
    families: int = 0
    policies: int = 0
    insuree_policies: int = 0
    premiums: int = 0
    seconds: float = 0.0
    references_checked: bool = True  # by the database, as the rows were written

    def add(self, families: int, written: dict[str, int]) -> None:
        self.families += families
        self.insurees += written["insurees"]
        self.policies += written.get("policies", 0)
        self.insuree_policies += written.get("insuree_policies", 0)
        self.premiums += written.get("premiums", 0)

    @property
    def rate(self) -> float:
        return self.insurees / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (f"{self.insurees:,} insurees in {self.families:,} families, {self.policies:,} policies, "
                f"{self.insuree_policies:,} insuree policies, {self.premiums:,} premiums "
                f"in {self.seconds:.1f} s ({self.rate:,.0f} insurees/s)"
                + ("" if self.references_checked else "; foreign-key triggers skipped (superuser)"))


@dataclass(slots=True)
class FamilyPlan:
    people: list[population.Person]
    dobs: list[datetime.date]
    area: Area
    registered: datetime.datetime
    policy: PolicyPlan | None = None
    facility: int | None = None  # the members' first point of service
    family_id: int = 0
    member_ids: list[int] = field(default_factory=list)


@dataclass
class Tables:
    families: BulkTable
    insurees: BulkTable
    policies: BulkTable | None = None
    insuree_policies: BulkTable | None = None
    premiums: BulkTable | None = None
    models: list = field(default_factory=list)


def _tables(world: World) -> Tables:
    family, insuree = apps.get_model("insuree.Family"), apps.get_model("insuree.Insuree")
    tables = Tables(
        BulkTable(family, ["uuid", "head_insuree", "location", "poverty", "family_type", "address",
                           "is_offline", "confirmation_no", "confirmation_type", "audit_user_id",
                           "validity_from"]),
        BulkTable(insuree, ["uuid", "family", "chf_id", "last_name", "other_names", "gender", "dob", "head",
                            "marital", "passport", "type_of_id", "phone", "email", "current_address",
                            "current_village", "card_issued", "relationship", "profession", "education",
                            "health_facility", "offline", "status", "audit_user_id", "validity_from"]))
    tables.models = [family, insuree]
    if world.with_policies:
        policy, covering = apps.get_model("policy.Policy"), apps.get_model("policy.InsureePolicy")
        tables.policies = BulkTable(policy, [
            "uuid", "family", "product", "officer", "stage", "status", "value", "enroll_date", "start_date",
            "effective_date", "expiry_date", "offline", "creation_date", "audit_user_id", "validity_from"])
        tables.insuree_policies = BulkTable(covering, [
            "insuree", "policy", "enrollment_date", "start_date", "effective_date", "expiry_date", "offline",
            "audit_user_id", "validity_from"])
        tables.models += [policy, covering]
    if world.with_premiums:
        premium = apps.get_model("contribution.Premium")
        tables.premiums = BulkTable(premium, [
            "uuid", "policy", "amount", "receipt", "pay_date", "pay_type", "is_photo_fee", "is_offline",
            "created_date", "audit_user_id", "validity_from"])
        tables.models.append(premium)
    return tables


UUID_VERSION_7 = (0x7000 << 64) | (0x8000 << 48)
UUID_VARIANT_BITS = ~((0xF000 << 64) | (0xC000 << 48))
UUID_CLOCK_START = 1_704_067_200_000  # 2024-01-01 in Unix milliseconds


def _uuid(rng: random.Random, key: int) -> str:
    """A time-ordered (version 7) UUID: its 48-bit clock is a fixed start plus the row's primary key, the
    rest drawn from the seeded generator. The UUIDs of a table grow with its keys, so their index takes
    each new one at its end instead of at a random page (random version 4 UUIDs made the writes of a
    million insurees a third slower as the indexes outgrew PostgreSQL's buffers)."""
    value = (UUID_CLOCK_START + key) << 80 | rng.getrandbits(80)
    digits = f"{value & UUID_VARIANT_BITS | UUID_VERSION_7:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


class Batch:
    """One transaction's families: planned (while the previous batch is written), given their keys, then
    written table after table, each row made while the database stores the previous ones."""

    def __init__(self, world: World, rng: random.Random, tables: Tables, numbers: InsuranceNumbers,
                 policies: Policies | None, insurees: int):
        self.world, self.rng, self.tables, self.numbers, self.policies = world, rng, tables, numbers, policies
        self.wanted, self.planned = insurees, 0
        self.plans: list[FamilyPlan] = []
        self.written: dict[str, int] = {}

    def plan_family(self) -> bool:
        """Plan one more family; False when the batch has its insurees."""
        if self.planned >= self.wanted:
            return False
        rng, world = self.rng, self.world
        people = population.members(rng, population.family_size(rng))
        dobs = [world.today - datetime.timedelta(days=person.age * 365 + rng.randrange(365))
                for person in people]
        registered = world.midnight - datetime.timedelta(seconds=3600 + rng.randrange(REGISTRATION_SECONDS))
        plan = FamilyPlan(people, dobs, rng.choice(world.areas), registered)
        if self.policies and plan.area.products and rng.random() < POLICY_SHARE:
            plan.policy = self.policies.plan(rng, plan.area, registered, len(people))
        self.plans.append(plan)
        self.planned += len(people)
        return True

    def plan(self) -> Batch:
        while self.plan_family():
            pass
        return self

    def _settle(self) -> list[FamilyPlan]:
        """The families with a policy, its value and payments known."""
        with_policy = [plan for plan in self.plans if plan.policy is not None]
        for plan in with_policy:
            self.policies.settle(self.rng, plan.policy, plan.dobs,
                                 [person.relationship for person in plan.people])
        return with_policy

    def _assign_ids(self, with_policy: list[FamilyPlan]) -> None:
        """Keys for every row of the batch."""
        tables, plans = self.tables, self.plans
        family_ids = tables.families.reserve_ids(len(plans))
        insuree_ids = iter(tables.insurees.reserve_ids(sum(len(plan.people) for plan in plans)))
        for plan, family_id in zip(plans, family_ids, strict=True):
            plan.family_id = family_id
            plan.member_ids = [next(insuree_ids) for _ in plan.people]
        if tables.policies is not None:
            policy_ids = tables.policies.reserve_ids(len(with_policy))
            for plan, policy_id in zip(with_policy, policy_ids, strict=True):
                plan.policy.id = policy_id
            covered = sum(plan.policy.covered for plan in with_policy)
            covering_ids = iter(tables.insuree_policies.reserve_ids(covered))
            for plan in with_policy:
                plan.policy.covering_ids = [next(covering_ids) for _ in range(plan.policy.covered)]
        if tables.premiums is not None:
            premium_ids = iter(tables.premiums.reserve_ids(sum(len(p.policy.payments) for p in with_policy)))
            for plan in with_policy:
                plan.policy.premium_ids = [next(premium_ids) for _ in plan.policy.payments]

    def write(self, meanwhile: Callable[[], object] | None = None) -> None:
        """`meanwhile` is called after each family's members are sent (the server is busy storing them):
        the next batch is planned then."""
        tables = self.tables
        with_policy = self._settle()
        self._assign_ids(with_policy)
        numbers = self.numbers.take(sum(len(plan.people) for plan in self.plans))
        self.written["families"] = tables.families.write(self._families())
        self.written["insurees"] = tables.insurees.write(self._insurees(iter(numbers), meanwhile))
        if tables.policies is not None:
            self.written["policies"] = tables.policies.write(self._policies(with_policy))
            self.written["insuree_policies"] = tables.insuree_policies.write(self._coverage(with_policy))
        if tables.premiums is not None:
            self.written["premiums"] = tables.premiums.write(self._premiums(with_policy))

    # --- rows ---------------------------------------------------------------------------------------

    def _families(self) -> Iterator[tuple]:
        rng, world = self.rng, self.world
        for plan in self.plans:
            roll = rng.random()
            poverty = True if roll < 0.25 else (False if roll < 0.9 else None)
            confirmation_type = world.confirmation_types.draw(rng) if rng.random() < 0.4 else None
            confirmation_no = f"{rng.randrange(10 ** 9):09d}" if confirmation_type else None
            facilities = plan.area.health_facility_ids
            plan.facility = rng.choice(facilities) if facilities and rng.random() < 0.6 else None
            yield (plan.family_id, _uuid(rng, plan.family_id), plan.member_ids[0], plan.area.village_id,
                   poverty, world.family_types.draw(rng), population.address(rng), False, confirmation_no,
                   confirmation_type, world.audit_user_id, plan.registered)

    def _insurees(self, numbers: Iterator[str], meanwhile: Callable[[], object] | None) -> Iterator[tuple]:
        for plan in self.plans:
            has_spouse = any(person.relationship == population.SPOUSE for person in plan.people)
            for position, person in enumerate(plan.people):
                yield self._insuree(plan, position, person, next(numbers), has_spouse)
            if meanwhile is not None:
                meanwhile()

    def _insuree(self, plan: FamilyPlan, position: int, person: population.Person, number: str,
                 has_spouse: bool) -> tuple:
        rng, world = self.rng, self.world
        adult = plan.dobs[position] <= world.adults_born_by
        village, current_address = plan.area.village_id, None
        if rng.random() < 0.08:  # lives elsewhere now
            village, current_address = rng.choice(world.areas).village_id, population.address(rng)
        id_type = world.identification_types.draw(rng) if adult and rng.random() < 0.5 else None
        id_number = f"{id_type}{rng.randrange(10 ** 8):08d}" if id_type else None
        phone = None
        if rng.random() < (0.8 if position == 0 else 0.3 if adult else 0):
            phone = f"0{rng.randrange(600_000_000, 800_000_000)}"
        email = _email(rng, person) if adult and rng.random() < 0.1 else None
        relationship = person.relationship if person.relationship in world.relations else None
        profession = world.professions.draw(rng) if adult and rng.random() < 0.75 else None
        key = plan.member_ids[position]
        return (key, _uuid(rng, key), plan.family_id, number, person.last_name,
                person.other_names, self._gender(person.male), plan.dobs[position], position == 0,
                _marital(rng, person, adult, has_spouse), id_number, id_type, phone, email, current_address,
                village, rng.random() < 0.6, relationship, profession, self._education(person.age),
                plan.facility, False, "AC", world.audit_user_id,
                plan.registered + datetime.timedelta(seconds=40 * position))

    def _gender(self, male: bool):
        code = "M" if male else "F"
        return code if code in self.world.genders else self.world.genders.draw(self.rng)

    def _education(self, age: int):
        if age < 3:
            return None
        if age >= 19:
            return self.world.educations.draw(self.rng) if self.rng.random() < 0.7 else None
        key = 1 if age < 6 else 2 if age < 14 else 3  # nursery, primary, secondary school
        return key if key in self.world.educations else None

    def _policies(self, with_policy: list[FamilyPlan]) -> Iterator[tuple]:
        rng, world = self.rng, self.world
        for plan in with_policy:
            policy = plan.policy
            policy.moment = self.policies.moment(rng, policy.enroll_date, plan.registered)
            officer_id = rng.choice(plan.area.officer_ids)
            yield (policy.id, _uuid(rng, policy.id), plan.family_id, policy.product.id, officer_id,
                   policy.stage, policy.status, policy.value, policy.enroll_date, policy.start_date,
                   policy.effective_date, policy.expiry_date, False, policy.enroll_date, world.audit_user_id,
                   policy.moment)

    def _coverage(self, with_policy: list[FamilyPlan]) -> Iterator[tuple]:
        audit_user_id = self.world.audit_user_id
        for plan in with_policy:
            policy = plan.policy
            for covering_id, insuree_id in zip(policy.covering_ids, plan.member_ids, strict=False):
                yield (covering_id, insuree_id, policy.id, policy.enroll_date, policy.start_date,
                       policy.effective_date, policy.expiry_date, False, audit_user_id, policy.moment)

    def _premiums(self, with_policy: list[FamilyPlan]) -> Iterator[tuple]:
        rng, audit_user_id = self.rng, self.world.audit_user_id
        for plan in with_policy:
            policy = plan.policy
            for premium_id, (pay_date, amount) in zip(policy.premium_ids, policy.payments, strict=True):
                paid = self.policies.moment(rng, pay_date, policy.moment)
                pay_type = rng.choices(PAY_TYPES, cum_weights=PAY_TYPES_CUMULATED)[0]
                yield (premium_id, _uuid(rng, premium_id), policy.id, amount, f"GEN{premium_id:07d}",
                       pay_date, pay_type, False, False, paid, audit_user_id, paid)


def _marital(rng: random.Random, person: population.Person, adult: bool, has_spouse: bool) -> str | None:
    if person.relationship == population.SPOUSE or (person.relationship is None and has_spouse):
        return "M"
    if not adult:
        return None
    if person.relationship is None:
        return "S" if person.age < 30 else rng.choice("SDWM" if person.age < 60 else "WWDS")
    return rng.choice("NSMW")


def _email(rng: random.Random, person: population.Person) -> str:
    return f"{person.other_names}.{person.last_name}{rng.randrange(100)}@example.org".lower()


def generate(insurees: int, seed: int = 1, batch: int = 5000, reference_checks: bool = False,
             progress: Callable[[str], None] | None = None) -> Report:
    """About `insurees` new insurees (the last family may pass the count by up to 6), their families,
    policies, coverage and contributions; refused (GenerationRefused) without villages, products or
    officers. `reference_checks`: let PostgreSQL check the foreign keys even for a superuser (see
    `bulk.start_batch`)."""
    if connection.vendor not in SUPPORTED_VENDORS:
        raise GenerationRefused(f"generate_data writes to SQLite or PostgreSQL, not {connection.vendor}")
    started = time.perf_counter()
    world = World()
    tables = _tables(world)
    insuree_model = tables.models[1]
    existing = insuree_model._base_manager.count()
    # the draws depend on the seed and on the database: a second run does not repeat the first's uuids
    rng = random.Random(f"{seed}:{existing}")
    numbers = InsuranceNumbers(rng, insuree_model, world.modulo_root, world.excluded_numbers, existing)
    policies = None
    if world.with_policies:
        from openimis.devtools.policies import Policies, Values

        policies = Policies(world, Values(world))
    report, shown = Report(), started
    current = Batch(world, rng, tables, numbers, policies, min(batch, insurees)).plan()
    while current is not None:
        following = None
        remaining = insurees - report.insurees - current.planned
        if remaining > 0:
            following = Batch(world, rng, tables, numbers, policies, min(batch, remaining))
        with transaction.atomic():
            report.references_checked = start_batch(skip_reference_triggers=not reference_checks)
            current.write(following.plan_family if following else None)
        report.add(len(current.plans), current.written)
        current = following.plan() if following else None
        report.seconds = time.perf_counter() - started
        if progress and time.perf_counter() - shown > 2:
            shown = time.perf_counter()
            progress(f"{report.insurees:,}/{insurees:,} insurees, {report.rate:,.0f}/s")
    analyze(tables.models)
    report.seconds = time.perf_counter() - started
    return report
