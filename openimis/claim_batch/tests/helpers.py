"""Building blocks of the batch run tests: the Appendix B world (openimis/claim/tests/claim_fixtures.py)
with premiums, relative distributions and claims left Processed by claim processing, written directly
with the amounts processing leaves on their lines."""

from __future__ import annotations

import datetime
from decimal import Decimal

from openimis.claim.models import Claim, ClaimItem, ClaimService
from openimis.claim.tests.claim_fixtures import World, insuree_of, location
from openimis.contribution.models import Premium
from openimis.location.models import HealthFacility, HealthFacilityCatchment
from openimis.policy.models import ACTIVE, Policy
from openimis.product.models import RelativeDistribution

D = datetime.date
_numbers = iter(range(1, 100000))


def stamp(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC)


def premium_on(world: World, amount: str, pay_date: datetime.date, effective: datetime.date,
               expiry: datetime.date, status: int = ACTIVE) -> Premium:
    """A premium paying a new policy of the world's product (its family is a new one in the village)."""
    number = next(_numbers)
    insuree, family = insuree_of(world.village, f"9{number:08d}")
    policy = Policy.objects.create(family=family, product=world.product, stage="N", status=status,
                                   value=Decimal(amount), enroll_date=pay_date, start_date=effective,
                                   effective_date=effective, expiry_date=expiry)
    return Premium.objects.create(policy=policy, amount=Decimal(amount), receipt=f"R{number}",
                                  pay_date=pay_date, pay_type="C")


def distribute(world: World, care_type: str, kind: str, percents: list) -> None:
    """The product's relative distribution of a care type: 12 (M), 4 (Q) or 1 (Y) percentages."""
    field = {"B": "period_rel_prices", "I": "period_rel_prices_ip", "O": "period_rel_prices_op"}[care_type]
    world.update_product(**{field: kind})
    for period, percent in enumerate(percents, start=1):
        RelativeDistribution.objects.create(product=world.product, type=len(percents), care_type=care_type,
                                            period=period, percent=Decimal(str(percent)))


def facility(world: World, code: str, level: str = "C") -> HealthFacility:
    return HealthFacility.objects.create(
        code=code, name=f"Facility {code}", legal_form_id="D", level=level, location=world.district,
        care_type="B", items_pricelist=world.items_pricelist, services_pricelist=world.services_pricelist)


def catchment(health_facility: HealthFacility, village, percent: int) -> None:
    HealthFacilityCatchment.objects.create(health_facility=health_facility, location=village,
                                           catchment=percent)


def village(world: World, code: str, population: int, families: int = 0):
    place = location(code, "V", world.village.parent)
    place.male_population, place.female_population = population // 2, population - population // 2
    place.families = families
    place.save()
    return place


def processed_claim(world: World, processed: datetime.date, lines: list, health_facility=None,
                    date_from: datetime.date | None = None, date_to: datetime.date | None = None,
                    status: int = 8) -> Claim:
    """A claim as processing leaves it: `lines` are dicts with `kind` (item/service), `origin`, `qty`,
    `adjusted`, optionally `approved`, `valuated` (P lines: the amount paid), `status` (1 passed)."""
    number = next(_numbers)
    day = date_from or processed
    claim = Claim.objects.create(code=f"BC{number}", health_facility=health_facility or world.health_facility,
                                 insuree=world.insuree, icd=world.icd, date_from=day, date_to=date_to,
                                 date_claimed=day, status=status, process_stamp=stamp(processed),
                                 date_processed=processed)
    total = Decimal("0")
    for line in lines:
        model, medical = ((ClaimItem, {"item": world.item}) if line["kind"] == "item"
                          else (ClaimService, {"service": world.service}))
        valuated = Decimal(line["valuated"]) if line.get("valuated") is not None else None
        remunerated = valuated if valuated is not None else Decimal(line["adjusted"]) * Decimal(line["qty"])
        model.objects.create(claim=claim, qty_provided=Decimal(line["qty"]),
                             price_asked=Decimal(line["adjusted"]),
                             price_adjusted=Decimal(line["adjusted"]),
                             price_approved=Decimal(line["approved"]) if line.get("approved") else None,
                             price_valuated=valuated, remunerated_amount=remunerated,
                             price_origin=line["origin"], status=line.get("status", 1),
                             product=line.get("product", world.product), policy=world.policy, **medical)
        total += remunerated
    Claim.objects.filter(pk=claim.pk).update(approved=total, remunerated=total if status == 16 else None)
    claim.refresh_from_db()
    return claim


def line(kind: str, origin: str, qty: str, adjusted: str, **more) -> dict:
    return {"kind": kind, "origin": origin, "qty": qty, "adjusted": adjusted, **more}
