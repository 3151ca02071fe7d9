"""SQL statement counts of the claim module's list queries with what fe-claim 1.10 selects: the same
number of statements over a few claims and over many (no N+1), and exactly the baseline of
query_counts.json (openimis/testing/query_counts.py)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from openimis.claim import rights
from openimis.claim.models import Claim, ClaimAdmin
from openimis.claim.tests.test_queries import CLAIM_FORM, searcher
from openimis.core.legacy_import.demo import DEMO_LOGIN, load_demo_dataset
from openimis.testing.client import PASSWORD, make_user
from openimis.testing.query_counts import Baselines, check_list

pytestmark = pytest.mark.django_db
BASELINES = Baselines(Path(__file__).with_name("query_counts.json"))
_sequence = itertools.count(1)


def add_claims(count: int) -> None:
    """Copies of a demo claim with its lines (new codes), in its facility."""
    model = Claim.objects.current().filter(items__isnull=False, services__isnull=False).order_by("id").first()
    items = list(model.items.current())
    services = list(model.services.current())
    for _ in range(count):
        claim = Claim.objects.get(pk=model.pk)
        claim.pk = None
        claim.uuid = f"00000000-0000-4000-8000-{next(_sequence):012d}"
        claim.code = f"QC{claim.uuid[-8:]}"
        claim.save()
        for line in items + services:
            line.pk = None
            line.claim = claim
            line.save()


CASES = {
    "claims (searcher)": searcher('orderBy: ["-dateClaimed"], first: 100'),
    "claims (with lines)": f'{{ claims(first: 100) {{ edges {{ node {{ {CLAIM_FORM} }} }} }} }}',
}


@pytest.fixture
def demo(db):
    load_demo_dataset()


@pytest.mark.parametrize("name", sorted(CASES))
def test_claim_list_query_count_does_not_grow_with_rows(name, demo, gql):
    assert "errors" not in gql.login(*DEMO_LOGIN)
    check_list(BASELINES, name, gql, CASES[name], add_claims, ("claims", "edges"))


def test_a_claim_administrators_list_costs_no_query_per_row(demo, gql):
    model = Claim.objects.current().filter(items__isnull=False).order_by("id").first()
    admin = ClaimAdmin.objects.current().filter(health_facility=model.health_facility).first()
    user = make_user("qc_admin", [rights.CLAIM_SEARCH])
    user.claim_admin = admin
    user.save(update_fields=["claim_admin"])
    assert "errors" not in gql.login("qc_admin", PASSWORD)
    check_list(BASELINES, "restricted: claims (searcher)", gql, CASES["claims (searcher)"], add_claims,
               ("claims", "edges"))

