"""Claims submitted and processed in one batch (`submit_claims`, `process_claims`, what `submitClaims` and
`processClaims` call): the same results as one claim after the other, the claims of the batch counting
for the limits and ceilings of the ones after them; all or nothing, with every refusal reported; a
number of SQL statements that does not grow with the claims."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from openimis.claim import submission
from openimis.claim.models import Claim, ClaimDedRem, ClaimItem, ClaimService, FeedbackPrompt
from openimis.claim.processing import process_claim, process_claims
from openimis.claim.submission import submit_claim, submit_claims
from openimis.claim.tests.claim_fixtures import VISIT, active_policy, appendix_b_world, insuree_of
from openimis.core.errors import ValidationFailed
from openimis.core.tasks import ServiceErrors

pytestmark = pytest.mark.django_db
D = datetime.date
LATER = VISIT + datetime.timedelta(days=10)
# what changes with the moment of the run, not with its result
MOMENTS = {"validity_from", "validity_to", "submit_stamp", "process_stamp"}


@pytest.fixture
def world():
    return appendix_b_world()


def _values(queryset, exclude=()) -> list[dict]:
    return [{key: value for key, value in row.items() if key not in MOMENTS and key not in exclude}
            for row in queryset.values()]


def outcome(claims: list[Claim]) -> list:
    """Everything submission or processing left on these claims: the claim row, its current lines, its
    current ClaimDedRem rows, how many history rows the claim and its lines have, its feedback prompts."""
    found = []
    for claim in claims:
        found.append((
            _values(Claim.objects.filter(pk=claim.pk)),
            _values(ClaimItem.objects.current().filter(claim=claim).order_by("id")),
            _values(ClaimService.objects.current().filter(claim=claim).order_by("id")),
            _values(ClaimDedRem.objects.current().filter(claim=claim).order_by("policy_id"), exclude={"id"}),
            Claim.objects.filter(legacy_id=claim.pk).count(),
            ClaimItem.objects.filter(claim=claim, legacy_id__isnull=False).count(),
            ClaimService.objects.filter(claim=claim, legacy_id__isnull=False).count(),
            _values(FeedbackPrompt.objects.filter(claim=claim).order_by("id")),
        ))
    return found


def one_by_one_and_batch(actor, claims: list[Claim], one, batch) -> tuple[list, list]:
    """The outcome of `one(actor, uuid)` for each claim in turn (then rolled back), and the outcome of
    `batch(actor, uuids)` on the same claims."""
    uuids = [claim.uuid for claim in claims]
    with transaction.atomic():
        for value in uuids:
            one(actor, value)
        expected = outcome(claims)
        transaction.set_rollback(True)
    assert {claim.status for claim in Claim.objects.filter(pk__in=[claim.pk for claim in claims])} <= {2, 4}
    written = batch(actor, uuids)
    assert [claim.uuid for claim in written] == uuids
    return expected, outcome(claims)


def assert_batch_as_one_by_one(actor, claims: list[Claim]) -> list:
    """Submission then processing in a batch give what they give one claim after the other."""
    expected, found = one_by_one_and_batch(actor, claims, submit_claim, submit_claims)
    assert found == expected
    submitted = found
    checked = [claim for claim in claims if Claim.objects.get(pk=claim.pk).status == 4]
    expected, found = one_by_one_and_batch(actor, checked, process_claim, process_claims)
    assert found == expected
    return submitted


def line_state(claims: list[Claim], model) -> list[tuple]:
    return [tuple(model.objects.current().filter(claim=claim).order_by("id")
                  .values_list("status", "rejection_reason", "qty_provided"))
            for claim in claims]


# --- the claims of a batch count for the ones after them ---------------------------------------------

def test_a_frequency_rule_within_one_batch(world, admin_user):
    monthly = world.add_service("S7", frequency=30)
    claims = [world.claim(services=[(monthly, 1, 100)]),
              world.claim(services=[(monthly, 1, 100), (world.service, 1, 100)], date_from=LATER),
              world.claim(services=[(monthly, 1, 100)], date_from=VISIT + datetime.timedelta(days=31))]
    assert_batch_as_one_by_one(admin_user, claims)
    assert line_state(claims, ClaimService) == [((1, 0, Decimal("1.00")),),
                                                ((2, 5, Decimal("1.00")), (1, 0, Decimal("1.00"))),
                                                ((1, 0, Decimal("1.00")),)]


def test_the_maximum_provision_within_one_batch(world, admin_user):
    world.product_item.limit_no_adult = 5
    world.product_item.save()
    claims = [world.claim(items=[(world.item, 4, 5)]), world.claim(items=[(world.item, 3, 5)]),
              world.claim(items=[(world.item, 2, 5)], services=[(world.service, 1, 100)])]
    assert_batch_as_one_by_one(admin_user, claims)
    # 4 used, the second cut to 1, the third refused (16)
    assert line_state(claims, ClaimItem) == [((1, 0, Decimal("4.00")),), ((1, 0, Decimal("1.00")),),
                                             ((2, 16, Decimal("2.00")),)]


def test_a_category_maximum_within_one_batch(world, admin_user):
    world.update_product(max_no_consultation=1)
    claims = [world.claim(services=[(world.service, 1, 100)]),
              world.claim(items=[(world.item, 1, 5)], services=[(world.service, 1, 100)], date_from=LATER)]
    assert_batch_as_one_by_one(admin_user, claims)
    assert line_state(claims[1:], ClaimService) == [((2, 13, Decimal("1.00")),)]


def test_the_deductible_and_the_ceiling_within_one_batch(world, admin_user):
    world.update_product(ceiling=Decimal("100"), max_amount_consultation=Decimal("150"))
    claims = [world.appendix_b_claim(), world.claim(services=[(world.service, 1, 100)], date_from=LATER),
              world.claim(items=[(world.item, 2, 5)], services=[(world.service, 2, 100)], date_from=LATER)]
    assert_batch_as_one_by_one(admin_user, claims)
    # 50 deducted on the first claim only; the ceiling of 100 paid 64, then 36, then nothing
    remunerated = Claim.objects.filter(pk__in=[claim.pk for claim in claims]).order_by("id")
    assert list(remunerated.values_list("remunerated", flat=True)) == [Decimal("64.00"), Decimal("36.00"),
                                                                      Decimal("0.00")]
    assert sum(row.rem_g for row in ClaimDedRem.objects.current()) == Decimal("100.00")


def test_a_mixed_batch_of_insurees_facilities_and_rejections(world, admin_user):
    child, family = insuree_of(world.village, "080808080", dob=D(2015, 5, 5))
    active_policy(family, world.product, [child])
    second_product = world.product.__class__.objects.create(
        code="P2", name="P2", date_from=world.product.date_from, date_to=world.product.date_to,
        ceiling_type="I", ceiling=Decimal("90"))
    world.cover_service(world.service, product=second_product, limitation_type="F", limit_adult=Decimal("90"))
    active_policy(world.family, second_product, [world.insuree])
    outside = world.add_item("I3", in_price_list=False)
    claims = [world.appendix_b_claim(),
              world.claim(services=[(world.service, 1, 100)], insuree=child),
              world.claim(items=[(outside, 1, 5)], services=[(world.service, 1, 100)], date_from=LATER),
              world.claim(services=[(world.service, 1, 100)], date_claimed=D(2024, 3, 1)),  # 9
              world.claim(items=[(outside, 1, 5)]),  # no line passes
              world.claim(services=[(world.service, 1, 100)], date_from=D(2024, 3, 11)),  # 7
              world.claim(services=[(world.service, 2, 100)], date_to=D(2024, 4, 5), review_status=4,
                          feedback_status=4),
              world.claim(services=[(world.service, 1, 100)], insuree=child, date_from=LATER)]
    FeedbackPrompt.objects.create(claim=claims[6], feedback_prompt_date=VISIT)
    assert_batch_as_one_by_one(admin_user, claims)
    statuses = list(Claim.objects.filter(pk__in=[c.pk for c in claims]).order_by("id")
                    .values_list("status", "rejection_reason"))
    assert statuses == [(16, 0), (16, 0), (16, 0), (1, 9), (1, 1), (1, 7), (16, 0), (16, 0)]


# --- all or nothing -------------------------------------------------------------------------------------

def _nothing_written(claims: list[Claim]) -> None:
    for claim in claims:
        assert Claim.objects.get(pk=claim.pk).status == 2
        assert not Claim.objects.filter(legacy_id=claim.pk).exists()
    assert not ClaimDedRem.objects.exists()


def test_one_refusal_refuses_the_batch_and_says_why(world, admin_user):
    claims = [world.appendix_b_claim(), world.claim(services=[(world.service, 1, 100)])]
    missing = str(uuid.uuid4())
    with pytest.raises(ServiceErrors) as raised:
        submit_claims(admin_user, [claims[0].uuid, missing, claims[1].uuid])
    assert raised.value.as_dicts() == [{"message": "Claim not found", "detail": missing}]
    _nothing_written(claims)


def test_every_refusal_is_reported(world, admin_user):
    claims = [world.appendix_b_claim(), world.claim(services=[(world.service, 1, 100)])]
    submit_claim(admin_user, claims[1].uuid)
    missing = str(uuid.uuid4())
    uuids = [claims[0].uuid, missing, claims[1].uuid, "not-a-uuid", claims[0].uuid]
    with pytest.raises(ServiceErrors) as raised:
        submit_claims(admin_user, uuids)
    code = claims[1].code
    assert raised.value.as_dicts() == [
        {"message": "4 of 5 failed", "detail": ""},
        {"title": missing, "list": [{"message": "Claim not found", "detail": missing}]},
        {"title": claims[1].uuid, "list": [{"message": "Only an entered claim can be submitted",
                                            "detail": f"claim {code} has status 4"}]},
        {"title": "not-a-uuid",
         "list": [{"message": "not-a-uuid is not a valid id", "detail": "not-a-uuid"}]},
        # the same claim twice: the second time it is no longer Entered
        {"title": claims[0].uuid, "list": [{"message": "Only an entered claim can be submitted",
                                            "detail": f"claim {claims[0].code} has status 4"}]}]
    assert Claim.objects.get(pk=claims[0].pk).status == 2
    assert not Claim.objects.filter(legacy_id=claims[0].pk).exists()
    assert not ClaimDedRem.objects.filter(claim=claims[0]).exists()


def test_a_processing_refusal_refuses_the_batch(world, admin_user):
    claims = [world.appendix_b_claim(), world.claim(services=[(world.service, 1, 100)])]
    submit_claim(admin_user, claims[0].uuid)
    with pytest.raises(ServiceErrors) as raised:
        process_claims(admin_user, [claims[0].uuid, claims[1].uuid])
    assert raised.value.as_dicts() == [{"message": "Only a checked claim can be processed",
                                        "detail": f"claim {claims[1].code} has status 2"}]
    assert Claim.objects.get(pk=claims[0].pk).status == 4
    assert Claim.objects.filter(legacy_id=claims[0].pk).count() == 1


def test_a_single_claim_is_refused_with_its_own_error(admin_user):
    missing = str(uuid.uuid4())
    with pytest.raises(ValidationFailed) as raised:
        process_claim(admin_user, missing)
    assert raised.value.detail == missing


def test_an_older_sqlite_writes_the_same_through_django_bulk_update(world, admin_user, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite releases before UPDATE ... FROM")
    claims = [world.appendix_b_claim(), world.claim(services=[(world.service, 1, 100)], date_from=LATER)]
    with transaction.atomic():
        submit_claims(admin_user, [claim.uuid for claim in claims])
        expected = outcome(claims)
        transaction.set_rollback(True)
    monkeypatch.setattr(submission.sqlite3, "sqlite_version_info", (3, 31, 1))
    submit_claims(admin_user, [claim.uuid for claim in claims])
    assert outcome(claims) == expected


# --- cost -------------------------------------------------------------------------------------------------

def _statements(action) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def test_a_batch_costs_the_same_statements_for_few_claims_and_for_many(world, admin_user):
    other = world.add_item("I7")
    counts = {}
    for size in (2, 10):
        claims = [world.claim(items=[(world.item, 2, 6), (other, 1, 5)], services=[(world.service, 1, 120)])
                  for _ in range(size)]
        uuids = [claim.uuid for claim in claims]
        counts[size] = (_statements(lambda uuids=uuids: submit_claims(admin_user, uuids)),
                        _statements(lambda uuids=uuids: process_claims(admin_user, uuids)))
        assert Claim.objects.filter(uuid__in=uuids, status=16).count() == size
    submitting, processing = counts[10]
    assert submitting <= 30 and processing <= 24, counts
    # the size 2 batch read the actor's rights once more (kept for the next one)
    assert counts[2][0] <= submitting + 1 and counts[2][1] == processing, counts
