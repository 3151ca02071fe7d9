"""The policy a generated family holds: product, status, dates and value computed as the policy module
computes them (spec 8.3, 8.4), and the contributions that paid it (spec 9.2)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from openimis.devtools.population import OTHER
from openimis.devtools.world import Area, World
from openimis.policy.models import ACTIVE, EXPIRED, IDLE, STAGE_NEW, STAGE_RENEWAL
from openimis.policy.values import CENT, expiry_date, policy_value, start_date

__all__ = ["PolicyPlan", "Policies", "Values"]

IDLE_SHARE, EXPIRED_SHARE = 0.10, 0.15  # of the policies; expired ones need a family registered long ago
TWO_INSTALMENTS_SHARE = 0.15
NEW_POLICY_DAYS = 60  # a policy enrolled later than this after the family's registration is a renewal


@dataclass(slots=True)
class PolicyPlan:
    product: object
    stage: str
    status: int
    enroll_date: datetime.date
    start_date: datetime.date
    expiry_date: datetime.date
    covered: int  # the first members, up to the product's maximum
    installments: int
    value: Decimal = Decimal(0)  # known once settled
    effective_date: datetime.date | None = None
    payments: list[tuple[datetime.date, Decimal]] = field(default_factory=list)
    # given when the batch is written
    id: int = 0
    covering_ids: list[int] = field(default_factory=list)
    premium_ids: list[int] = field(default_factory=list)
    moment: datetime.datetime | None = None  # validity_from of the policy and its coverage


class _Member:
    """What `policy_value` asks of a member: the age and the relationship."""

    __slots__ = ("relationship_id", "years")

    def __init__(self, years: int, relationship_id: int | None):
        self.years, self.relationship_id = years, relationship_id

    def age(self, on=None) -> int:
        return self.years


class Values:
    """`policy_value` for the family's adults and children, remembered per product, stage and
    composition (and per dates for products with discounts, which depend on them)."""

    def __init__(self, world: World):
        self.world = world
        self.today = world.today
        self.known: dict[tuple, Decimal] = {}

    def value(self, product, stage: str, enroll: datetime.date, start: datetime.date,
              dobs: list[datetime.date], relationships: list[int | None]) -> Decimal:
        limit = product.max_members or len(dobs)
        pairs = [(dob <= self.world.adults_born_by, relationship == OTHER)
                 for dob, relationship in zip(dobs[:limit], relationships[:limit], strict=True)]
        composition = tuple(sorted(pairs))
        discounted = product.enrolment_discount_perc if stage == STAGE_NEW else product.renewal_discount_perc
        key = (product.id, stage, composition, (enroll, start) if discounted else None)
        if key not in self.known:
            members = [_Member(self.world.majority if adult else 0, OTHER if other else None)
                       for adult, other in composition]
            self.known[key] = policy_value(product, stage, enroll, start, members, today=self.today)[0]
        return self.known[key]


class Policies:
    def __init__(self, world: World, values: Values):
        self.world, self.values = world, values
        self.yesterday = world.today - datetime.timedelta(days=1)

    def plan(self, rng: random.Random, area: Area, registered: datetime.datetime,
             members: int) -> PolicyPlan | None:
        """Product, status and dates; no database access (it may run while a COPY is under way)."""
        today, registered_day = self.world.today, registered.date()
        known = (today - registered_day).days  # at least 1: registrations end before today
        roll = rng.random()
        if roll < IDLE_SHARE:
            status, enroll = IDLE, today - datetime.timedelta(days=rng.randint(1, min(known, 45)))
        elif roll < IDLE_SHARE + EXPIRED_SHARE and known >= 400:
            status, enroll = EXPIRED, registered_day + datetime.timedelta(days=rng.randint(0, known - 400))
        else:
            status, enroll = ACTIVE, today - datetime.timedelta(days=rng.randint(1, min(known, 330)))
        choices = [choice for choice in area.products if choice.date_from <= enroll <= choice.date_to]
        if not choices:
            return None
        choice = rng.choice(choices)
        product = choice.product
        stage = STAGE_NEW if (enroll - registered_day).days <= NEW_POLICY_DAYS else STAGE_RENEWAL
        start = start_date(product, stage, enroll)
        expiry = expiry_date(product, start)
        if status == ACTIVE and expiry < today:
            status = EXPIRED
        elif status == EXPIRED and expiry >= today:
            status = ACTIVE
        covered = min(members, product.max_members) if product.max_members else members
        return PolicyPlan(product, stage, status, enroll, start, expiry, covered, choice.installments)

    def settle(self, rng: random.Random, plan: PolicyPlan, dobs: list[datetime.date],
               relationships: list[int | None]) -> None:
        """The value (computed by the policy module, which reads its configuration) and the payments."""
        plan.value = self.values.value(plan.product, plan.stage, plan.enroll_date, plan.start_date, dobs,
                                       relationships)
        if plan.value <= 0:
            plan.status = IDLE  # nothing to pay: it cannot have become active
        if plan.status == IDLE:
            return
        first = min(plan.enroll_date + datetime.timedelta(days=rng.randint(0, 10)), self.yesterday)
        if plan.installments >= 2 and rng.random() < TWO_INSTALMENTS_SHARE:
            second = min(first + datetime.timedelta(days=rng.randint(1, 30)), self.yesterday)
            half = (plan.value / 2).quantize(CENT)
            plan.payments = [(first, half), (second, plan.value - half)]
        else:
            plan.payments = [(first, plan.value)]
        plan.effective_date = max(plan.payments[-1][0], plan.start_date)

    @staticmethod
    def moment(rng: random.Random, day: datetime.date, after: datetime.datetime) -> datetime.datetime:
        """A time of `day`'s office hours, later than `after`."""
        moment = datetime.datetime.combine(day, datetime.time(8), tzinfo=datetime.UTC)
        moment += datetime.timedelta(seconds=rng.randrange(9 * 3600))
        return moment if moment > after else after + datetime.timedelta(seconds=rng.randint(60, 600))
