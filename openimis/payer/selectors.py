"""Reads of the payer module, with row security: a user who is not an administrator sees the payers
without a location and those of their districts (and of the regions of their districts), as for
products. Whether a user is restricted at all is the location module's one rule (`sees_every_location`,
which honours ROW_SECURITY)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from openimis.core import inputs
from openimis.core import selectors as core_selectors
from openimis.location import selectors as location_selectors
from openimis.payer.models import Funding, Payer, PayerType
from openimis.product import selectors as product_selectors


def current_payers() -> QuerySet:
    return Payer.objects.current()


def payer_types() -> QuerySet:
    return PayerType.objects.all()


def _in_areas_of(user, field: str) -> Q:
    """The condition "`field` (a location id) is one of the user's districts or one of their regions"."""
    districts = location_selectors.districts_of_user(user)
    return (Q(**{f"{field}__in": districts.values("id")})
            | Q(**{f"{field}__in": districts.values("parent_id")}))


def visible_to(queryset: QuerySet, user) -> QuerySet:
    """Narrow a payer queryset to the rows `user` may see (None: the system itself, which sees all)."""
    if user is not None and not user.is_authenticated:
        return queryset.none()
    if location_selectors.sees_every_location(user):
        return queryset
    return queryset.filter(Q(location__isnull=True) | _in_areas_of(user, "location_id"))


def location_for_payer(user, location_uuid: str):
    """The current location `location_uuid` when the user may place a payer there (one of their districts
    or regions, anywhere without row security); None otherwise."""
    queryset = location_selectors.current_locations().filter(uuid=str(location_uuid))
    if user is not None and not location_selectors.sees_every_location(user):
        queryset = queryset.filter(_in_areas_of(user, "id"))
    return queryset.first()


def payers(user, show_history: bool = False) -> QuerySet:
    queryset = Payer.objects.all() if show_history else current_payers()
    return visible_to(queryset, user)


def payer_by(user, uuid: str | None = None, pk=None) -> Payer | None:
    """One payer by uuid (the current row, else the newest row holding that uuid) or by id."""
    queryset = visible_to(Payer.objects.all(), user).select_related("location__parent")
    return core_selectors.row_by(queryset, uuid, pk)


def fundings_of(payer: Payer) -> QuerySet:
    """The payer's fundings that are not deleted, newest first (by pay date, then by entry), with their
    products (the panel shows each product's name)."""
    return (Funding.objects.filter(payer_id=payer.pk, is_deleted=False)
            .order_by("-pay_date", "-date_created", "-id"))


def current_payer_for(user, pk) -> Payer | None:
    """The current payer `pk` when the user may see it (an id that is not a number is not found)."""
    pk = inputs.id_or_none(pk)
    if pk is None:
        return None
    return visible_to(current_payers(), user).select_related("location").filter(pk=pk).first()


def current_product_for(user, pk):
    """The current product `pk` when the user may see it (the product module's row security)."""
    pk = inputs.id_or_none(pk)
    if pk is None:
        return None
    queryset = product_selectors.visible_to(product_selectors.current_products(), user)
    return queryset.select_related("location").filter(pk=pk).first()


def funding_by(user, pk) -> Funding | None:
    """One funding (not deleted) by primary key, when the user may see its payer."""
    try:
        visible_payers = visible_to(Payer.objects.all(), user)
        return (Funding.objects.filter(pk=pk, is_deleted=False, payer__in=visible_payers)
                .select_related("product").first())
    except (ValueError, ValidationError):  # not a UUID
        return None
