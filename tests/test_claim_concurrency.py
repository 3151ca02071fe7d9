"""Claims submitted and processed by two clients at the same instant are each submitted and processed
once (issue 13): the claim row is locked before its status is checked, so the second request waits for
the first and then finds the claim already past the status it needs.

Like tests/test_concurrency.py, they need concurrent writers: PostgreSQL (the CI's second pass)."""

from __future__ import annotations

from django.db import transaction

from openimis.claim import processing, submission
from openimis.claim.models import Claim, ClaimDedRem, ClaimStatus
from openimis.claim.tests.claim_fixtures import appendix_b_world
from openimis.core import services as core_services
from openimis.graphql.mutations import run_for_each
from tests.test_concurrency import pytestmark, race, refusals, succeeded  # noqa: F401

CLAIMS = 5


def _all_or_nothing(service, actor, uuids):
    """What a bulk claim mutation does: one transaction over every uuid."""
    with transaction.atomic():
        run_for_each(uuids, lambda uuid: service(actor, uuid))
    return len(uuids)


def test_two_clients_submitting_and_processing_the_same_claims_act_once_on_each():
    world = appendix_b_world("RC")
    actor = core_services.create_administrator("claimrace", "Race-pass-1", "Claim", "Race")
    claims = [world.claim(items=[(world.item, 1, 6)], services=[(world.service, 1, 120)])
              for _ in range(CLAIMS)]
    uuids = [claim.uuid for claim in claims]

    outcomes = race(lambda index: _all_or_nothing(submission.submit_claim, actor, uuids), workers=2)
    assert len(succeeded(outcomes)) == 1, outcomes
    assert len(refusals(outcomes)) == 1
    for claim in claims:
        assert Claim.objects.current().get(pk=claim.pk).status == ClaimStatus.CHECKED
        assert Claim.objects.filter(legacy_id=claim.pk).count() == 1  # one submission, one history row
        assert ClaimDedRem.objects.current().filter(claim=claim).count() == 1

    outcomes = race(lambda index: _all_or_nothing(processing.process_claim, actor, uuids), workers=2)
    assert len(succeeded(outcomes)) == 1, outcomes
    for claim in claims:
        current = Claim.objects.current().get(pk=claim.pk)
        assert current.status == ClaimStatus.VALUATED
        assert Claim.objects.filter(legacy_id=claim.pk).count() == 2  # submitted once, processed once
        assert ClaimDedRem.objects.current().filter(claim=claim).count() == 1
