"""The claims of the demo dataset and the rules their tables keep (the claim entry comes later)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from openimis.claim.models import Claim, ClaimItem, ClaimService, ClaimStatus, Feedback
from openimis.core.legacy_import.demo import load_demo_dataset


@pytest.fixture
def demo(db):
    load_demo_dataset()


def test_the_demo_brings_its_ten_claims_with_their_lines(demo):
    current = Claim.objects.current()
    assert current.count() == 10
    assert Claim.objects.count() == 24
    claim = Claim.objects.get(code="CID00001", validity_to__isnull=True)
    assert claim.status == ClaimStatus.ENTERED
    assert claim.health_facility_id == 18 and claim.insuree_id == 47 and claim.icd_id == 4
    assert claim.admin_id == 16
    assert str(claim.claimed) == "1670.00"
    assert ClaimItem.objects.filter(claim=claim).exists()
    assert ClaimService.objects.filter(claim=claim).exists()
    assert set(current.values_list("status", flat=True)) <= {status.value for status in ClaimStatus}


def test_a_code_is_unique_among_the_current_claims_of_a_facility(demo):
    claim = Claim.objects.get(code="CID00001", validity_to__isnull=True)
    copy = Claim.objects.get(pk=claim.pk)
    copy.pk = None
    copy.uuid = "00000000-0000-0000-0000-000000000001"
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    copy.validity_to = claim.validity_from  # a history row may repeat it
    copy.save()


def test_a_feedback_belongs_to_its_claim_and_the_claim_points_at_it(demo):
    claim = Claim.objects.get(code="CID00001", validity_to__isnull=True)
    assert not Feedback.objects.exists()  # the demo has none
    feedback = Feedback.objects.create(claim=claim, care_rendered=True, payment_asked=False, asessment=4,
                                       officer_id=1)
    claim.feedback = feedback
    claim.feedback_available = True
    claim.save()
    claim.refresh_from_db()
    assert claim.feedback.asessment == 4 and list(claim.feedbacks.all()) == [feedback]
