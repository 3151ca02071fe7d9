"""The monthly batch run (spec 12.2), figures computed by hand."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from openimis.claim.models import BatchRun, Claim, ClaimItem, ClaimService
from openimis.claim.tests.claim_fixtures import appendix_b_world
from openimis.claim_batch import capitation, services
from openimis.claim_batch.models import CapitationPayment, RelativeIndex
from openimis.claim_batch.tests.helpers import (
    D,
    catchment,
    distribute,
    facility,
    line,
    premium_on,
    processed_claim,
    village,
)
from openimis.core.errors import ValidationFailed
from openimis.core.models import ModuleConfiguration
from openimis.policy.models import IDLE
from openimis.product.models import Product

pytestmark = pytest.mark.django_db

APRIL = (2024, 4)


@pytest.fixture
def world():
    return appendix_b_world()


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def current_line(claim: Claim, model):
    return model.objects.current().get(claim=claim)


@pytest.fixture
def april(world):
    """The acceptance scenario: product P1 (national), April 2024 (30 days).

    Allocated contributions of April (spec 12.2 b), cover = [max(payDate, effective), expiry]:
      - premium 363 paid 2024-03-12, policy effective 2024-03-12 to 2025-03-09: cover 363 days, April
        overlaps 30 of them: 363 × 30 / 363 = 30
      - premium 60 paid 2024-04-16, policy 2024-04-16 to 2024-05-15: cover 30 days, April overlaps
        16..30 = 15 days: 60 × 15 / 30 = 30
      - premium 1000 of an Idle policy: not counted; premium 500 paid after April: not counted
      allocated = 60
    Monthly distribution of care type B, April 50 %: budget = 60 × 50 / 100 = 30.
    Claims processed in April at HF1 (level D, not excluded), relatively priced (R) lines:
      - C1: service qty 2 at adjusted 10 → 20; and an item priced P, valuated 15
      - C2: item qty 1, approved 50 (adjusted 45): the approved price wins → 50
      claim value = 20 + 50 = 70 → index = 30 / 70 = 0.428571... → 0.4286
    C3 at HF2 (level C = product Level1, excluded from the claim value): service qty 1 at 30, R.
    Remunerated (index × value for R, 1 × valuated for P, to the cent):
      C1: 20 × 0.4286 = 8.572 → 8.57, P item 15.00 → claim 23.57
      C2: 50 × 0.4286 = 21.43 → claim 21.43
      C3: 30 × 0.4286 = 12.858 → 12.86 → claim 12.86
    A claim processed in March stays Processed; C4 (at HF3, Valuated by processing in April, P only) is
    not touched by the run.
    Capitation (Level1 = C: HF2 and HF3 eligible), share 50 %: available = 60 × 50 % = 30;
      population weight 40 → pot 12; visits weight 60 → pot 18.
      HF2 catchment: V1 (200 people) at 50 % = 100, V2 (300) at 100 % = 300 → 400; HF3: V3 (100) → 100.
      unit population = 12 / 500 = 0.024; HF2 400 × 0.024 = 9.60, HF3 2.40.
      visits: HF2 C3, HF3 C4 → 1 each, unit 18 / 2 = 9.
      HF2 = 9.60 + 9 = 18.60; HF3 = 2.40 + 9 = 11.40 (Σ 30).
    """
    world.update_product(share_contribution=Decimal("50"), weight_population=Decimal("40"),
                         weight_number_visits=Decimal("60"), level_1="C")
    distribute(world, "B", "M", [5, 5, 5, 50, 5, 5, 5, 5, 5, 5, 5, 0])
    premium_on(world, "363", D(2024, 3, 12), D(2024, 3, 12), D(2025, 3, 9))
    premium_on(world, "60", D(2024, 4, 16), D(2024, 4, 16), D(2024, 5, 15))
    premium_on(world, "1000", D(2024, 4, 2), D(2024, 4, 2), D(2025, 4, 1), status=IDLE)
    premium_on(world, "500", D(2024, 5, 2), D(2024, 4, 1), D(2025, 3, 31))
    hf2, hf3 = facility(world, "HF2"), facility(world, "HF3")
    world.village.male_population, world.village.female_population = 100, 100
    world.village.save()
    catchment(hf2, world.village, 50)
    catchment(hf2, village(world, "V2", 300), 100)
    catchment(hf3, village(world, "V3", 100), 100)
    claims = {
        "C1": processed_claim(world, D(2024, 4, 10), [line("service", "R", "2", "10"),
                                                      line("item", "P", "3", "5", valuated="15")]),
        "C2": processed_claim(world, D(2024, 4, 20), [line("item", "R", "1", "45", approved="50")]),
        "C3": processed_claim(world, D(2024, 4, 30), [line("service", "R", "1", "30")], health_facility=hf2),
        "C4": processed_claim(world, D(2024, 4, 5), [line("item", "P", "1", "5", valuated="5")],
                              health_facility=hf3, status=16),
        "march": processed_claim(world, D(2024, 3, 31), [line("service", "R", "1", "10")]),
    }
    return {"world": world, "claims": claims, "hf2": hf2, "hf3": hf3}


def test_the_acceptance_batch_run_of_april(april, admin_user):
    claims = april["claims"]
    steps = []
    run = services.process_batch(admin_user, None, *APRIL, progress=lambda *step: steps.append(step))

    index = RelativeIndex.objects.get()
    assert (index.product_id, index.type, index.care_type, index.year, index.period, index.location_id,
            index.batch_run_id) == (april["world"].product.pk, 12, "B", 2024, 4, None, run.pk)
    assert index.rel_index == Decimal("0.4286")

    c1, c2, c3 = (Claim.objects.get(pk=claims[code].pk) for code in ("C1", "C2", "C3"))
    assert current_line(c1, ClaimService).remunerated_amount == Decimal("8.57")
    assert current_line(c1, ClaimItem).remunerated_amount == Decimal("15.00")
    assert current_line(c2, ClaimItem).remunerated_amount == Decimal("21.43")
    assert current_line(c3, ClaimService).remunerated_amount == Decimal("12.86")
    assert [(c.status, c.batch_run_id, c.remunerated) for c in (c1, c2, c3)] == [
        (16, run.pk, Decimal("23.57")), (16, run.pk, Decimal("21.43")), (16, run.pk, Decimal("12.86"))]
    march = Claim.objects.get(pk=claims["march"].pk)
    assert (march.status, march.batch_run_id) == (8, None)
    c4 = Claim.objects.get(pk=claims["C4"].pk)
    assert (c4.status, c4.batch_run_id, c4.validity_from) == (16, None, claims["C4"].validity_from)

    # like the legacy batch, the run changes the claims and lines in place (no history rows by default)
    assert not Claim.objects.filter(validity_to__isnull=False).exists()
    assert not ClaimService.objects.filter(validity_to__isnull=False).exists()

    payments = {row.health_facility_code: row for row in CapitationPayment.objects.all()}
    assert sorted(payments) == ["HF2", "HF3"]
    hf2, hf3 = payments["HF2"], payments["HF3"]
    assert (hf2.payment_cathment, hf3.payment_cathment) == (Decimal("18.60"), Decimal("11.40"))
    assert (hf2.total_population, hf3.total_population) == (Decimal("400.00"), Decimal("100.00"))
    assert (hf2.total_claims, hf3.total_claims) == (1, 1)
    assert (hf2.alc_contri_population, hf2.alc_contri_visits) == (Decimal("12.00"), Decimal("18.00"))
    assert (hf2.up_population, hf2.up_visits) == (Decimal("0.024000"), Decimal("9.000000"))
    assert (hf2.year, hf2.month, hf2.batch_run_id, hf2.district_code, hf2.region_code) == (
        2024, 4, run.pk, "R1D1", "R1")
    assert steps[-1] == ("done", 1, 1)
    assert (run.run_year, run.run_month, run.location_id) == (2024, 4, None)


def test_the_same_month_twice_is_refused_and_a_region_run_does_not_block_the_national_one(world, admin_user):
    region = world.district.parent
    services.process_batch(admin_user, region.pk, *APRIL)
    services.process_batch(admin_user, -1, *APRIL)
    with pytest.raises(ValidationFailed) as refused:
        services.process_batch(admin_user, None, *APRIL)
    assert str(refused.value.message) == "Already run before"
    with pytest.raises(ValidationFailed):
        services.process_batch(admin_user, region.pk, *APRIL)
    assert BatchRun.objects.count() == 2


def test_a_fault_half_way_leaves_the_database_unchanged(april, admin_user, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("capitation failed")

    monkeypatch.setattr(capitation, "pay_capitation", broken)
    before = {model: list(model.objects.order_by("pk").values())
              for model in (Claim, ClaimItem, ClaimService)}
    with pytest.raises(RuntimeError):
        services.process_batch(admin_user, None, *APRIL)
    assert not BatchRun.objects.exists()
    assert not RelativeIndex.objects.exists()
    assert not CapitationPayment.objects.exists()
    assert {model: list(model.objects.order_by("pk").values()) for model in before} == before


def test_without_distribution_the_index_is_1(world, admin_user):
    premium_on(world, "363", D(2024, 3, 12), D(2024, 3, 12), D(2025, 3, 9))
    claim = processed_claim(world, D(2024, 4, 10), [line("service", "R", "2", "10")])
    services.process_batch(admin_user, None, *APRIL)
    assert not RelativeIndex.objects.exists()
    claim.refresh_from_db()
    assert (claim.status, claim.remunerated) == (16, Decimal("20.00"))


def test_a_quarterly_distribution_closes_only_in_march_june_september_december(world, admin_user):
    """Q2 (April-June) 40 %: premium 91 over 2024-04-01..2024-06-30 (91 days) → all 91 in the quarter,
    budget 36.40; claims of April (value 20) and June (value 60) → index 36.40 / 80 = 0.455."""
    distribute(world, "B", "Q", [10, 40, 25, 25])
    premium_on(world, "91", D(2024, 4, 1), D(2024, 4, 1), D(2024, 6, 30))
    april_claim = processed_claim(world, D(2024, 4, 10), [line("service", "R", "2", "10")])
    june_claim = processed_claim(world, D(2024, 6, 3), [line("service", "R", "6", "10")])
    for month in (4, 5):
        services.process_batch(admin_user, None, 2024, month)
    assert not RelativeIndex.objects.exists()
    april_claim.refresh_from_db()
    assert april_claim.status == 8
    services.process_batch(admin_user, None, 2024, 6)
    index = RelativeIndex.objects.get()
    assert (index.type, index.period, index.rel_index) == (4, 2, Decimal("0.4550"))
    april_claim.refresh_from_db()
    june_claim.refresh_from_db()
    assert (april_claim.status, april_claim.remunerated) == (16, Decimal("9.10"))
    assert (june_claim.status, june_claim.remunerated) == (16, Decimal("27.30"))


def test_in_and_out_patient_lines_get_their_own_index(world, admin_user):
    """Interpretation I (claim type): a claim with dateTo > dateFrom is in-patient. Allocated April 30
    (premium 363 as in the acceptance scenario); I 60 % → 18 over an in-patient value 40 → 0.45; O 20 %
    → 6 over an out-patient value 12 → 0.5."""
    distribute(world, "I", "M", [60] * 12)
    distribute(world, "O", "M", [20] * 12)
    premium_on(world, "363", D(2024, 3, 12), D(2024, 3, 12), D(2025, 3, 9))
    inpatient = processed_claim(world, D(2024, 4, 12), [line("service", "R", "4", "10")],
                                date_from=D(2024, 4, 8), date_to=D(2024, 4, 11))
    outpatient = processed_claim(world, D(2024, 4, 12), [line("service", "R", "1", "12")],
                                 date_to=D(2024, 4, 12))
    services.process_batch(admin_user, None, *APRIL)
    indexes = {row.care_type: row.rel_index for row in RelativeIndex.objects.all()}
    assert indexes == {"I": Decimal("0.4500"), "O": Decimal("0.5000")}
    inpatient.refresh_from_db()
    outpatient.refresh_from_db()
    assert (inpatient.remunerated, outpatient.remunerated) == (Decimal("18.00"), Decimal("6.00"))


def test_only_the_products_of_the_run_location_on_sale_at_the_month_end(world, admin_user):
    region = world.district.parent
    Product.objects.filter(pk=world.product.pk).update(location=region)
    claim = processed_claim(world, D(2024, 4, 10), [line("service", "R", "2", "10")])
    services.process_batch(admin_user, None, *APRIL)
    claim.refresh_from_db()
    assert claim.status == 8  # a regional product: not the national run's
    services.process_batch(admin_user, region.pk, *APRIL)
    claim.refresh_from_db()
    assert claim.status == 16


@pytest.mark.parametrize(("location_id", "year", "month", "message"), [
    (None, 2024, 13, "The month must be between 1 and 12"),
    (None, 1999, 5, "A batch run is for a past or the current month"),
    (None, 2999, 5, "A batch run is for a past or the current month"),
    (None, None, 5, "The year and the month of the batch run are mandatory"),
    (987654, 2024, 5, "Unknown location"),
])
def test_invalid_runs_are_refused(world, admin_user, location_id, year, month, message):
    with pytest.raises(ValidationFailed) as refused:
        services.process_batch(admin_user, location_id, year, month)
    assert str(refused.value.message) == message
    assert not BatchRun.objects.exists()


def test_a_village_is_not_a_batch_location(world, admin_user):
    with pytest.raises(ValidationFailed) as refused:
        services.process_batch(admin_user, world.village.pk, *APRIL)
    assert str(refused.value.message) == "A batch run is for a region or a district"


def test_with_claim_history_configured_the_previous_states_are_kept(april, admin_user):
    ModuleConfiguration.objects.create(module="claim_batch", layer="be",
                                       config=json.dumps({"batch_run_claim_history": True}))
    claims = april["claims"]
    services.process_batch(admin_user, None, *APRIL)
    c1 = Claim.objects.get(pk=claims["C1"].pk)
    history = Claim.objects.filter(legacy_id=c1.pk).get()
    assert (history.status, history.batch_run_id, history.validity_to) == (8, None, c1.validity_from)
    assert history.uuid != c1.uuid and len(history.uuid) == 36
    assert Claim.objects.filter(validity_to__isnull=False).count() == 3  # C1, C2, C3
    service = current_line(c1, ClaimService)
    old = ClaimService.objects.filter(legacy_id=service.pk).get()
    assert (old.remunerated_amount, service.remunerated_amount) == (Decimal("20.00"), Decimal("8.57"))
    # the P item keeps its amount (15 = its value): not rewritten, no history row
    assert not ClaimItem.objects.filter(legacy_id=current_line(c1, ClaimItem).pk).exists()
