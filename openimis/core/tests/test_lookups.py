"""The lookups of `openimis.core.lookups`: the digit prefix bounds of `istartswith` (every database) and
the plan they give PostgreSQL for a page ordered by the searched column."""

from __future__ import annotations

import pytest
from django.db import connection

from openimis.core.lookups import digits_after
from openimis.insuree.models import Insuree

pytestmark = pytest.mark.django_db

NUMBERS = ["0999", "1000", "10000001", "1000999", "10009", "1000A", "1001", "100", "999", "9999", "A1000",
           "a1000", "12-34", "099", "1099", "11"]


def test_digits_after_is_the_smallest_digit_string_above_the_prefix():
    assert digits_after("1000") == "1001"
    assert digits_after("1099") == "11"
    assert digits_after("0") == "1"
    assert digits_after("8") == "9"
    assert digits_after("999") is None


def _insurees(numbers):
    Insuree.objects.bulk_create(
        Insuree(chf_id=number, last_name="Name", other_names="Other", head=False, card_issued=False,
                audit_user_id=0) for number in numbers)


PREFIXES = ["1000", "100", "10", "1", "0", "099", "999", "9", "1099", "12", "a1", "A1"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_istartswith_finds_what_a_prefix_comparison_finds(prefix):
    _insurees(NUMBERS)
    found = sorted(Insuree.objects.filter(chf_id__istartswith=prefix).values_list("chf_id", flat=True))
    assert found == sorted(number for number in NUMBERS if number.upper().startswith(prefix.upper()))


def test_only_a_prefix_of_digits_bounds_the_column():
    digits = str(Insuree.objects.filter(chf_id__istartswith="1099").query)
    assert "\"insuree_insuree\".\"chf_id\" >= 1099" in digits.replace("'", "")
    assert "\"insuree_insuree\".\"chf_id\" < 11" in digits.replace("'", "")
    letters = str(Insuree.objects.filter(chf_id__istartswith="A10").query)
    assert ">=" not in letters and "<" not in letters
    nines = str(Insuree.objects.filter(chf_id__istartswith="99").query)
    assert ">=" in nines and " < " not in nines


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan")
def test_a_page_ordered_by_the_number_starts_reading_at_the_prefix():
    with connection.cursor() as cursor:  # 20,000 numbers 100000000... in order: the walk would be long
        cursor.execute(
            "INSERT INTO insuree_insuree (validity_from, uuid, chf_id, last_name, other_names, head,"
            " card_issued, status, audit_user_id) SELECT now(), gen_random_uuid()::text,"
            " (100000000 + n * 7919)::text, 'Name', 'Other', false, false, 'AC', 0"
            " FROM generate_series(1, 20000) AS n")
        cursor.execute("ANALYZE insuree_insuree")
        current = Insuree.objects.filter(validity_to__isnull=True)
        page = current.filter(chf_id__istartswith="2").order_by("chf_id")[:10]
        sql, params = page.query.sql_with_params()
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0][0]["Plan"]
    assert [insuree.chf_id[0] for insuree in page] == ["2"] * 10

    def rows_read(node):
        own = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
        return own + sum(rows_read(child) for child in node.get("Plans", ()))

    assert rows_read(plan) < 200, plan  # about ten, never the numbers before "2" (about 12,600)
