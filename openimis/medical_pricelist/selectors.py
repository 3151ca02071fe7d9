"""Reads of the price-list module, with row security: a user who is not an administrator sees the
national lists (no location) and those of their districts and of those districts' regions."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from openimis.location import selectors as location_selectors
from openimis.medical_pricelist.models import (
    ItemsPricelist,
    ItemsPricelistDetail,
    ServicesPricelist,
    ServicesPricelistDetail,
)

PRICELIST_MODELS = {"services": ServicesPricelist, "items": ItemsPricelist}
DETAIL_MODELS = {"services": ServicesPricelistDetail, "items": ItemsPricelistDetail}
DETAIL_LIST_FIELD = {"services": "services_pricelist", "items": "items_pricelist"}
DETAIL_MEDICAL_FIELD = {"services": "service", "items": "item"}


def _visible_to(queryset: QuerySet, user) -> QuerySet:
    if location_selectors.sees_every_location(user):
        return queryset
    districts = location_selectors.districts_of_user(user)
    district_ids = list(districts.values_list("id", flat=True))
    region_ids = list(districts.exclude(parent_id=None).values_list("parent_id", flat=True))
    return queryset.filter(Q(location__isnull=True) | Q(location_id__in=district_ids + region_ids))


def pricelists(kind: str, user, show_history: bool = False, location_uuid: str | None = None) -> QuerySet:
    model = PRICELIST_MODELS[kind]
    queryset = model.objects.all() if show_history else model.objects.current()
    if location_uuid:
        # the lists that apply to a place: national ones, the place's own and its parent's (a district's
        # region)
        queryset = queryset.filter(Q(location__isnull=True) | Q(location__uuid=location_uuid)
                                   | Q(location__children__uuid=location_uuid)).distinct()
    return _visible_to(queryset, user)


def pricelist_name_is_free(kind: str, name: str, exclude_uuid: str | None = None) -> bool:
    queryset = PRICELIST_MODELS[kind].objects.current().filter(name=name)
    if exclude_uuid:
        queryset = queryset.exclude(uuid=exclude_uuid)
    return not queryset.exists()


def current_details(kind: str, pricelist) -> QuerySet:
    return DETAIL_MODELS[kind].objects.current().filter(**{DETAIL_LIST_FIELD[kind]: pricelist})


def compact_prices(kind: str, pricelist_id: int | None) -> list[dict] | None:
    """`[{id, p}]`: the medical item/service ids of a current list and the price that applies (the
    overriding price when there is one, else the item's or service's own price)."""
    if pricelist_id is None:
        return None
    medical = DETAIL_MEDICAL_FIELD[kind]
    rows = (DETAIL_MODELS[kind].objects.current()
            .filter(**{f"{DETAIL_LIST_FIELD[kind]}_id": pricelist_id,
                       f"{DETAIL_LIST_FIELD[kind]}__validity_to__isnull": True})
            .values_list(f"{medical}_id", "price_overrule", f"{medical}__price"))
    return [{"id": medical_id, "p": overrule if overrule is not None else price}
            for medical_id, overrule, price in rows]


def narrow_to_pricelist(kind: str):
    """For the medical module's selectors: items/services on the current list `uuid`."""
    list_field = DETAIL_LIST_FIELD[kind]

    def narrow(queryset: QuerySet, pricelist_uuid: str) -> QuerySet:
        return queryset.filter(pricelist_details__validity_to__isnull=True,
                               **{f"pricelist_details__{list_field}__uuid": pricelist_uuid}).distinct()

    return narrow


def current_pricelists_holding(kind: str, medical_object) -> list[str]:
    """Names of the current lists with a current line for this item or service."""
    medical = DETAIL_MEDICAL_FIELD[kind]
    list_field = DETAIL_LIST_FIELD[kind]
    return list(DETAIL_MODELS[kind].objects.current()
                .filter(**{medical: medical_object, f"{list_field}__validity_to__isnull": True})
                .values_list(f"{list_field}__name", flat=True).distinct())
