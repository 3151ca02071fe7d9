"""SQL statement counts of the payment module's list queries with what fe-payment selects: the same number
of statements over a few payments and over many (no N+1), and exactly the baseline of query_counts.json
(openimis/testing/query_counts.py)."""

from __future__ import annotations

import datetime
import itertools
from pathlib import Path

import pytest

from openimis.contribution.models import Premium
from openimis.core.legacy_import.demo import DEMO_LOGIN, load_demo_dataset
from openimis.location.models import UserDistrict
from openimis.payment import rights
from openimis.payment.models import MATCHED, Payment, PaymentDetail
from openimis.payment.tests.helpers import FULL, SUMMARY, payments_query
from openimis.testing.client import PASSWORD, make_user
from openimis.testing.query_counts import Baselines, check_list

pytestmark = pytest.mark.django_db
BASELINES = Baselines(Path(__file__).with_name("query_counts.json"))
_sequence = itertools.count(1)


def _premium() -> Premium:
    return Premium.objects.current().select_related("policy__family__head_insuree", "policy__product") \
        .order_by("id").first()


def add_payments(count: int) -> None:
    """Matched payments of one demo contribution, each with its detail (as ORM rows)."""
    premium = _premium()
    policy = premium.policy
    for _ in range(count):
        number = next(_sequence)
        day = datetime.date(2024, 1, 1)
        payment = Payment.objects.create(received_amount=premium.amount, received_date=day,
                                         status=MATCHED, matched_date=day,
                                         receipt_no=f"QC{number:05d}", type_of_payment="M")
        PaymentDetail.objects.create(payment=payment, premium=premium, product_code=policy.product.code,
                                     insurance_number=policy.family.head_insuree.chf_id,
                                     policy_stage=policy.stage, amount=premium.amount,
                                     expected_amount=premium.amount, enrollment_date=policy.enroll_date)


DETAILS = ("{ paymentDetails(first: 100) { totalCount edges { node { id productCode insuranceNumber amount "
           "payment { uuid status receivedAmount } premium { uuid amount receipt payDate } } } } }")
CASES = {
    "payments (searcher)": (payments_query('orderBy: ["-receivedDate"], first: 100'), "payments"),
    "payments (overview)": (payments_query("first: 100", FULL), "payments"),
    "payments (with details)": (payments_query("first: 100", f"{SUMMARY} paymentDetails {{ edges {{ node {{ "
                                                             "amount premium { uuid receipt } } } }"),
                                "payments"),
    "paymentDetails": (DETAILS, "paymentDetails"),
    "premiumsByPolicies (payment details)": (
        lambda: f'{{ premiumsByPolicies(policyUuids: ["{_premium().policy.uuid}"], first: 100) {{ edges {{ '
                "node { uuid receipt paymentDetails { totalCount edges { node { amount payment { uuid "
                "status } } } } } } } }",
        ("premiumsByPolicies", "edges", 0, "node", "paymentDetails", "edges")),
    "paymentsByPremiums": (lambda: payments_query(f'premiumUuids: ["{_premium().uuid}"], '
                                                  'orderBy: "-receivedDate", first: 100',
                                                  root="paymentsByPremiums"), "paymentsByPremiums"),
}


@pytest.fixture
def demo(db):
    load_demo_dataset()


@pytest.mark.parametrize("name", sorted(CASES))
def test_payment_list_query_count_does_not_grow_with_rows(name, demo, gql):
    assert "errors" not in gql.login(*DEMO_LOGIN)
    query, root = CASES[name]
    path = root if isinstance(root, tuple) else (root, "edges")  # a tuple: the rows are nested
    check_list(BASELINES, name, gql, query() if callable(query) else query, add_payments, path)


def test_a_district_users_payments_cost_no_query_per_row(demo, gql):
    user = make_user("qc_payments", [rights.PAYMENT_SEARCH, 101301])
    district = _premium().policy.family.location.parent.parent
    UserDistrict.objects.create(user_id=user.i_user_id, location=district)
    assert "errors" not in gql.login("qc_payments", PASSWORD)
    check_list(BASELINES, "restricted: payments (searcher)", gql, CASES["payments (searcher)"][0],
               add_payments, ("payments", "edges"))
