"""SQL statement counts of the claim_batch lists with what fe-claim_batch selects: the same number of
statements over a few rows and over many (no N+1), and exactly the baseline of query_counts.json."""

from __future__ import annotations

import datetime
import itertools
from pathlib import Path

import pytest

from openimis.claim_batch import rights
from openimis.claim_batch.models import RelativeIndex
from openimis.claim_batch.tests.test_gql import INDEXES, SUMMARIES
from openimis.core.legacy_import.demo import DEMO_LOGIN, load_demo_dataset
from openimis.location.models import Location, UserDistrict
from openimis.product.models import Product
from openimis.testing.client import PASSWORD, make_user
from openimis.testing.query_counts import Baselines, check_list

pytestmark = pytest.mark.django_db
BASELINES = Baselines(Path(__file__).with_name("query_counts.json"))
_sequence = itertools.count(1)


@pytest.fixture
def demo(db):
    load_demo_dataset()


def add_indexes(count: int) -> None:
    """Relative indexes of the demo products, some national, some of a district."""
    products = list(Product.objects.current().order_by("id")[:3])
    district = Location.objects.current().filter(type="D").order_by("id").first()
    rows = []
    for _ in range(count):
        number = next(_sequence)
        rows.append(RelativeIndex(product=products[number % len(products)], type=12, care_type="B",
                                  year=2000 + number // 12, period=number % 12 + 1, rel_index="1.2345",
                                  calc_date=datetime.datetime(2024, 1, 31, tzinfo=datetime.UTC),
                                  location=district if number % 2 else None))
    RelativeIndex.objects.bulk_create(rows)


CASES = {
    "batchRunsSummaries (searcher)": (SUMMARIES, "batchRunsSummaries"),
    "relativeIndexes": (INDEXES, "relativeIndexes"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_list_costs_no_query_per_row(demo, gql, name):
    query, root = CASES[name]
    assert "errors" not in gql.login(*DEMO_LOGIN)
    check_list(BASELINES, name, gql, query, add_indexes, (root, "edges"),
               {"first": 50} if "Summ" in name else None)


@pytest.mark.parametrize("name", list(CASES))
def test_a_restricted_users_list_costs_no_query_per_row(demo, gql, name):
    query, root = CASES[name]
    user = make_user(f"qc_{root}", [rights.BATCH_RUN_SEARCH])
    district = Location.objects.current().filter(type="D").order_by("id").first()
    UserDistrict.objects.create(user=user.i_user, location=district)
    assert "errors" not in gql.login(f"qc_{root}", PASSWORD)
    check_list(BASELINES, f"restricted: {name}", gql, query, add_indexes, (root, "edges"),
               {"first": 50} if "Summ" in name else None)
