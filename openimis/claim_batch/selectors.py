"""Reads of the claim_batch module, row security applied: a user who does not see every location sees
the national relative indexes and those of their districts and of the regions of their districts."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from openimis.claim_batch.models import MONTHLY, QUARTERLY, RelativeIndex
from openimis.location import selectors as location_selectors


def _scope(user) -> Q | None:
    if location_selectors.sees_every_location(user):
        return None
    districts = location_selectors.districts_of_user(user)
    return (Q(location__isnull=True) | Q(location_id__in=districts.values("pk"))
            | Q(location_id__in=districts.values("parent_id")))


def relative_indexes(user) -> QuerySet:
    """The current relative indexes the user may see."""
    queryset = RelativeIndex.objects.current()
    scope = _scope(user)
    return queryset if scope is None else queryset.filter(scope)


def month_q(month: int) -> Q:
    """The indexes whose period ends with `month`: that month, its quarter when it closes one, the year
    in December."""
    found = Q(type=MONTHLY, period=month)
    if month % 3 == 0:
        found |= Q(type=QUARTERLY, period=month // 3)
    if month == 12:
        found |= Q(type=1, period=1)
    return found


def batch_run_summaries(user, account_type: int | None = None, year: int | None = None,
                        month: int | None = None, region_id: int | None = None,
                        district_id: int | None = None, product_id: int | None = None,
                        care_type: str | None = None) -> QuerySet:
    """The relative indexes as the batch run searcher lists them, newest period first."""
    queryset = relative_indexes(user).select_related("product")
    if account_type is not None:
        queryset = queryset.filter(type=account_type)
    if year is not None:
        queryset = queryset.filter(year=year)
    if month is not None:
        queryset = queryset.filter(month_q(month))
    if district_id is not None:
        queryset = queryset.filter(location_id=district_id)
    elif region_id is not None:
        queryset = queryset.filter(Q(location_id=region_id) | Q(location__parent_id=region_id))
    if product_id is not None:
        queryset = queryset.filter(product_id=product_id)
    if care_type:
        queryset = queryset.filter(care_type=care_type)
    return queryset.order_by("-year", "-period", "-id")
