"""totalCount kept per state of the tables a list reads: exact after every committed write, and never
kept inside a transaction. These tests commit for real (transactional database)."""

from __future__ import annotations

import pytest
from django.db import transaction

from openimis.core.models import Language
from openimis.graphql.counting import exact_count
from openimis.location.models import Location

pytestmark = pytest.mark.django_db(transaction=True)


def _regions():
    return Location.objects.filter(type="R", validity_to__isnull=True, code__startswith="CNT")


def test_a_committed_write_is_counted_at_once():
    assert exact_count(_regions()) == 0
    Location.objects.create(code="CNT1", name="One", type="R")
    assert exact_count(_regions()) == 1
    Location.objects.create(code="CNT2", name="Two", type="R")
    assert exact_count(_regions()) == 2
    Location.objects.filter(code="CNT1").update(validity_to="2024-01-01T00:00:00Z")
    assert exact_count(_regions()) == 1
    Location.objects.filter(code="CNT2").delete()
    assert exact_count(_regions()) == 0


def test_a_write_in_a_transaction_counts_once_committed_and_not_when_rolled_back():
    assert exact_count(_regions()) == 0
    with transaction.atomic():
        Location.objects.create(code="CNT3", name="Three", type="R")
        assert exact_count(_regions()) == 1  # its own transaction sees it: counted, not kept
    assert exact_count(_regions()) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        Location.objects.create(code="CNT4", name="Four", type="R")
        raise RuntimeError("rolled back")
    assert exact_count(_regions()) == 1


def test_a_write_to_a_table_of_a_subquery_counts_again():
    english = Location.objects.filter(type="R", code__startswith="CNT",
                                      code__in=Language.objects.filter(code__startswith="CNT").values("code"))
    Location.objects.create(code="CNT5", name="Five", type="R")
    assert exact_count(english) == 0
    Language.objects.create(code="CNT5", name="Five", sort_order=99)
    assert exact_count(english) == 1


def test_a_kept_count_answers_without_counting(django_assert_num_queries):
    Location.objects.create(code="CNT6", name="Six", type="R")
    assert exact_count(_regions()) == 1
    with django_assert_num_queries(0):
        assert exact_count(_regions()) == 1


def test_a_filter_matching_nothing_counts_zero():
    assert exact_count(_regions().filter(id__in=[])) == 0
