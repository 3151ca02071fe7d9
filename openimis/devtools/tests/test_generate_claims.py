"""`openimis manage generate_data --claims M`: claims with their lines over the demo dataset, consistent
with what the claim module stores (totals, statuses, dates, the policies that cover them)."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Sum

from openimis.claim import printing
from openimis.claim.models import Claim, ClaimItem, ClaimService, ClaimStatus
from openimis.core import services
from openimis.core.legacy_import.demo import load_demo_dataset
from openimis.devtools.tests.test_generate_data import dangling_references
from openimis.insuree.models import Insuree
from openimis.policy.models import InsureePolicy

GENERATED = (Claim, ClaimItem, ClaimService)


@pytest.fixture
def demo(db):
    services.ensure_reference_data()
    load_demo_dataset()
    return {model: set(model._base_manager.values_list("pk", flat=True)) for model in GENERATED}


def generate(**options) -> str:
    output = StringIO()
    call_command("generate_data", stdout=output, **{"claims": 300, "seed": 1, **options})
    return output.getvalue()


def new_rows(before: dict, model):
    return model._base_manager.exclude(pk__in=before[model])


@pytest.fixture
def generated(demo):
    output = generate(batch=70)  # several batches
    assert "300 claims" in output and "claims/s" in output
    return {model: new_rows(demo, model) for model in GENERATED}


def test_claims_have_the_status_mix_and_their_lines(generated):
    claims = generated[Claim]
    assert claims.count() == 300
    statuses = Counter(claims.values_list("status", flat=True))
    assert set(statuses) <= {status.value for status in ClaimStatus}
    common = (ClaimStatus.VALUATED, ClaimStatus.CHECKED, ClaimStatus.ENTERED)
    assert sum(statuses[status] for status in common) > 200
    assert statuses[ClaimStatus.VALUATED] > statuses[ClaimStatus.REJECTED]
    for model in GENERATED:
        assert dangling_references(model) == []
        assert not generated[model].filter(validity_to__isnull=False).exists()
    codes = list(claims.values_list("code", flat=True))
    assert len(set(codes)) == len(codes) and all(code.startswith("GEN") and len(code) <= 20 for code in codes)
    uuids = list(claims.values_list("uuid", flat=True))
    assert len(set(uuids)) == len(uuids)
    lines = generated[ClaimItem].count() + generated[ClaimService].count()
    assert 2 <= lines / 300 <= 5
    assert not claims.filter(services__isnull=True).exists()  # every claim has a service line


def test_totals_dates_and_coverage_agree(generated):
    today = datetime.date.today()
    for claim in generated[Claim].prefetch_related("items", "services"):
        lines = [*claim.items.all(), *claim.services.all()]
        assert claim.claimed == sum(line.price_asked * line.qty_provided for line in lines)
        assert claim.date_from <= claim.date_to <= claim.date_claimed < today
        assert claim.validity_from.date() < today + datetime.timedelta(days=1)
        passed = [line for line in lines if line.status == 1]
        if claim.status == ClaimStatus.REJECTED:
            assert not passed and claim.rejection_reason == 1 and claim.approved == 0
            assert all(line.rejection_reason for line in lines)
            continue
        if claim.status == ClaimStatus.ENTERED:
            assert claim.submit_stamp is None and claim.approved == claim.claimed
            assert all(line.rejection_reason is None and line.policy_id is None for line in lines)
            continue
        assert passed and claim.submit_stamp is not None and claim.category
        assert claim.approved == sum(line.price_asked * line.qty_provided for line in passed)
        assert all(line.rejection_reason for line in lines if line.status == 2)
        for line in passed:  # the patient's policy, covering the visit
            covering = InsureePolicy.objects.filter(insuree_id=claim.insuree_id,
                                                    policy_id=line.policy_id).first()
            assert covering is not None and line.product_id == covering.policy.product_id
            assert covering.effective_date <= claim.date_from <= covering.expiry_date
        if claim.status == ClaimStatus.VALUATED:
            assert claim.valuated == claim.approved == claim.remunerated
            assert claim.valuated == sum(line.price_valuated for line in passed)
            assert claim.date_processed is not None and claim.process_stamp > claim.submit_stamp
        if claim.status == ClaimStatus.CHECKED:
            assert claim.valuated is None and claim.date_processed is None
    # patients are mostly of the facility's district
    claims = generated[Claim].select_related("health_facility", "insuree__family__location__parent__parent")
    near = sum(claim.insuree.family.location.parent.parent_id == claim.health_facility.location_id
               for claim in claims)
    assert near / claims.count() > 0.8


def test_a_generated_claim_prints(generated):
    claim = generated[Claim].filter(status=ClaimStatus.VALUATED).first()
    content = printing.claim_pdf(printing.printable_claim(claim.pk))
    assert content.startswith(b"%PDF")
    total = ClaimService.objects.filter(claim=claim).aggregate(Sum("price_valuated"))["price_valuated__sum"]
    assert total is None or total >= Decimal(0)


def test_insurees_then_claims_in_one_command(demo):
    insurees_before = Insuree.objects.count()
    output = generate(insurees=60, claims=40)
    assert "insurees/s" in output and "claims/s" in output
    assert Insuree.objects.count() >= insurees_before + 60
    assert new_rows(demo, Claim).count() == 40


def test_the_database_accepts_every_reference(demo):
    generate(claims=30, reference_checks=True)
    connection.check_constraints()
    assert new_rows(demo, Claim).count() == 30


def test_the_same_seed_gives_the_same_claims(demo):
    def claims():
        rows = new_rows(demo, Claim).order_by("id")
        return list(rows.values_list("uuid", "status", "insuree_id", "health_facility_id", "date_from",
                                     "claimed"))

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        generate(claims=25, seed=4)
        first = claims()
        raise Undo
    generate(claims=25, seed=4)
    assert [row[1:] for row in claims()] == [row[1:] for row in first]


def test_nothing_to_generate_is_refused(demo):
    with pytest.raises(CommandError, match="--claims"):
        call_command("generate_data", stdout=StringIO())


def test_an_empty_database_is_refused(db):
    with pytest.raises(CommandError, match="load the demo dataset"):
        generate()
    assert not Claim.objects.exists()
