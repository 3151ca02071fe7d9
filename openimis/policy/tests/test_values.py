"""Spec 8.3 (start and expiry dates) and 8.4 (policy value): the examples of the spec, through the
computation and through `policyValues` as fe-policy asks it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from openimis.insuree.models import Insuree
from openimis.insuree.tests.helpers import add_member
from openimis.policy import values
from openimis.policy.tests.helpers import policy_values_query, world
from openimis.product.models import Product

pytestmark = pytest.mark.django_db


def _member(age: int, other: bool = False) -> Insuree:
    today = datetime.date.today()
    return Insuree(dob=datetime.date(today.year - age, 1, 1) - datetime.timedelta(days=1),
                   relationship_id=7 if other else 4)


def test_worked_example_value_185():
    product = Product(lump_sum=100, threshold=4, premium_adult=20, premium_child=10, general_assembly_fee=5,
                      registration_lump_sum=10, max_members=10, insurance_period=12)
    members = [_member(40), _member(38), _member(20), _member(10), _member(8), _member(3), _member(60, True)]
    day = datetime.date(2024, 1, 15)
    value, warnings = values.policy_value(product, "N", day, day, members)
    assert value == Decimal("185.00")
    assert warnings == []


def test_renewal_has_no_registration_and_members_above_max_are_warned():
    product = Product(lump_sum=0, premium_adult=20, premium_child=10, registration_fee=3, max_members=2,
                      insurance_period=12)
    members = [_member(40), _member(10), _member(5)]
    day = datetime.date(2024, 1, 1)
    value, warnings = values.policy_value(product, "N", day, day, members)
    assert value == Decimal("36.00")  # 20 + 10 + 2 x 3: the third member is not counted
    assert len(warnings) == 1
    renewal, _ = values.policy_value(product, "R", day, day, members)
    assert renewal == Decimal("30.00")


@pytest.mark.parametrize(("enrolled", "start", "expiry"), [
    ("2024-01-15", "2024-01-01", "2024-12-31"),
    ("2024-02-15", "2025-01-01", "2025-12-31"),
])
def test_cycle_dates_of_the_spec(enrolled, start, expiry):
    product = Product(start_cycle_1="01-01", grace_period_enrolment=1, insurance_period=12)
    found = values.start_date(product, "N", datetime.date.fromisoformat(enrolled))
    assert found == datetime.date.fromisoformat(start)
    assert values.expiry_date(product, found) == datetime.date.fromisoformat(expiry)


def test_free_cycle_with_administration_period_and_second_cycle():
    product = Product(administration_period=1, insurance_period=6)
    assert values.start_date(product, "N", datetime.date(2024, 1, 31)) == datetime.date(2024, 2, 29)
    assert values.start_date(product, "R", datetime.date(2024, 1, 31)) == datetime.date(2024, 1, 31)
    cycles = Product(start_cycle_1="01-01", start_cycle_2="01-07", grace_period_enrolment=0,
                     insurance_period=12)
    assert values.start_date(cycles, "N", datetime.date(2024, 3, 3)) == datetime.date(2024, 7, 1)


def test_enrolment_discount_for_early_enrolment():
    product = Product(start_cycle_1="01-07", premium_adult=100, lump_sum=0, enrolment_discount_perc=10,
                      enrolment_discount_period=2, insurance_period=12)
    early, _ = values.policy_value(product, "N", datetime.date(2024, 4, 1), datetime.date(2024, 7, 1),
                                   [_member(30)])
    late, _ = values.policy_value(product, "N", datetime.date(2024, 6, 1), datetime.date(2024, 7, 1),
                                  [_member(30)])
    assert (early, late) == (Decimal("90.00"), Decimal("100.00"))


def test_policy_values_of_appendix_b(admin_gql):
    data = world(admin_gql, "AB", "070707070", max_members=6)
    result = admin_gql(policy_values_query("N", datetime.date(2024, 3, 10), data["product"], data["family"]))
    assert "errors" not in result, result
    assert result["data"]["policyValues"] == {
        "policy": {"startDate": "2024-03-10", "expiryDate": "2025-03-09", "value": "20.00"}, "warnings": []}


def test_policy_values_counts_the_family_members(admin_gql):
    data = world(admin_gql, "PV", "200000011", max_members=1)
    add_member(admin_gql, data["family"], "200000012")
    result = admin_gql(policy_values_query("N", datetime.date(2024, 3, 10), data["product"], data["family"]))
    answer = result["data"]["policyValues"]
    assert answer["policy"]["value"] == "20.00"  # only the head counts: the product takes one member
    assert len(answer["warnings"]) == 1
