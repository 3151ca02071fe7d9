"""Claim processing (spec 11.8 in processing mode) through `process_claim`, on a real database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openimis.claim.models import ClaimDedRem
from openimis.claim.processing import process_claim
from openimis.claim.submission import submit_claim
from openimis.claim.tests.claim_fixtures import appendix_b_world

pytestmark = pytest.mark.django_db


def test_appendix_b(admin_user):
    world = appendix_b_world()
    claim = world.appendix_b_claim()
    submit_claim(admin_user, claim.uuid)
    claim.refresh_from_db()
    assert claim.status == 4
    assert claim.approved == Decimal("150")
    [row] = ClaimDedRem.objects.current().filter(claim=claim)
    assert (row.ded_g, row.rem_g) == (Decimal("50"), Decimal("64"))
    process_claim(admin_user, claim.uuid)
    claim.refresh_from_db()
    assert claim.status == 16
