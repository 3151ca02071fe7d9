"""Reads of the medical module: items, services, diagnoses. They have no location, hence no row security
beyond the rights of the caller (checked by the API layer)."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from openimis.medical.models import Diagnosis, Item, Service

# Price-list membership is owned by the medical_pricelist module; it registers here how to narrow a
# queryset of items/services to the current content of a price list (see `register_pricelist_filter`).
_pricelist_filters: dict[str, object] = {}


def register_pricelist_filter(kind: str, narrow) -> None:
    """`kind` is "items" or "services"; `narrow(queryset, pricelist_uuid) -> queryset`."""
    _pricelist_filters[kind] = narrow


def _in_pricelist(kind: str, queryset: QuerySet, pricelist_uuid) -> QuerySet:
    if not pricelist_uuid:
        return queryset
    narrow = _pricelist_filters.get(kind)
    return narrow(queryset, str(pricelist_uuid)) if narrow else queryset.none()


def _valid_on(queryset: QuerySet, date: datetime.date | None) -> QuerySet:
    """Current rows, or the versions valid on `date` (the state a claim of that date refers to)."""
    if date is None:
        return queryset.current()
    end_of_day = timezone.make_aware(datetime.datetime.combine(date, datetime.time.max))
    start_of_day = timezone.make_aware(datetime.datetime.combine(date, datetime.time.min))
    return queryset.filter(validity_from__lte=end_of_day).filter(
        Q(validity_to__isnull=True) | Q(validity_to__gte=start_of_day))


def _matching_text(queryset: QuerySet, text: str | None) -> QuerySet:
    if not text:
        return queryset
    return queryset.filter(Q(code__icontains=text) | Q(name__icontains=text))


def _mutation_filter(queryset: QuerySet, client_mutation_id: str | None) -> QuerySet:
    if not client_mutation_id:
        return queryset
    return queryset.filter(mutations__mutation__client_mutation_id=client_mutation_id).distinct()


def items(show_history: bool = False, pricelist_uuid=None,
          client_mutation_id: str | None = None) -> QuerySet:
    queryset = Item.objects.all() if show_history else Item.objects.current()
    queryset = _in_pricelist("items", queryset, pricelist_uuid)
    return _mutation_filter(queryset, client_mutation_id)


def items_matching(text: str | None, date: datetime.date | None = None, pricelist_uuid=None) -> QuerySet:
    queryset = _valid_on(Item.objects.all(), date)
    return _matching_text(_in_pricelist("items", queryset, pricelist_uuid), text)


def services(show_history: bool = False, pricelist_uuid=None,
             client_mutation_id: str | None = None) -> QuerySet:
    queryset = Service.objects.all() if show_history else Service.objects.current()
    queryset = _in_pricelist("services", queryset, pricelist_uuid)
    return _mutation_filter(queryset, client_mutation_id)


def services_matching(text: str | None, date: datetime.date | None = None, pricelist_uuid=None) -> QuerySet:
    queryset = _valid_on(Service.objects.all(), date)
    return _matching_text(_in_pricelist("services", queryset, pricelist_uuid), text)


def diagnoses() -> QuerySet:
    return Diagnosis.objects.current()


def diagnoses_matching(text: str | None) -> QuerySet:
    return _matching_text(diagnoses(), text)


def item_code_is_free(code: str, exclude_uuid: str | None = None) -> bool:
    queryset = Item.objects.current().filter(code=code)
    if exclude_uuid:
        queryset = queryset.exclude(uuid=exclude_uuid)
    return not queryset.exists()


def service_code_is_free(code: str, exclude_uuid: str | None = None) -> bool:
    queryset = Service.objects.current().filter(code=code)
    if exclude_uuid:
        queryset = queryset.exclude(uuid=exclude_uuid)
    return not queryset.exists()


def current_items_by_uuid(uuids) -> dict[str, Item]:
    return {item.uuid: item for item in Item.objects.current().filter(uuid__in=[str(u) for u in uuids])}


def current_services_by_uuid(uuids) -> dict[str, Service]:
    return {service.uuid: service
            for service in Service.objects.current().filter(uuid__in=[str(u) for u in uuids])}


def current_item(item_id) -> Item | None:
    return Item.objects.current().filter(id=item_id).first()


def current_service(service_id) -> Service | None:
    return Service.objects.current().filter(id=service_id).first()


