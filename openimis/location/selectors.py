"""Reads of the location module: the districts a user may see, an officer's locations."""

from __future__ import annotations

from django.db.models import QuerySet

from openimis.location.models import DISTRICT, HealthFacility, Location, OfficerVillage, UserDistrict


def current_locations() -> QuerySet:
    return Location.objects.current()


def districts_of_user(user) -> QuerySet:
    """The districts a user works in: all of them for an administrator, else the assigned ones."""
    if user.is_imis_admin:
        return current_locations().filter(type=DISTRICT).select_related("parent")
    if not user.i_user_id:
        return Location.objects.none()
    district_ids = UserDistrict.objects.current().filter(user_id=user.i_user_id).values("location_id")
    return current_locations().filter(id__in=district_ids, type=DISTRICT).select_related("parent")


def officer_locations(officer_code: str, location_type: str | None = None) -> QuerySet:
    village_ids = OfficerVillage.objects.current().filter(
        officer__code=officer_code, officer__validity_to__isnull=True).values("location_id")
    villages = current_locations().filter(id__in=village_ids)
    if not location_type or location_type == "V":
        return villages
    # walk up the tree from the villages to the requested level
    level_ids = set(villages.values_list("id", flat=True))
    for _ in range(3):
        parents = current_locations().filter(children__id__in=level_ids).distinct()
        level_ids = set(parents.values_list("id", flat=True))
        if parents.filter(type=location_type).exists():
            return parents.filter(type=location_type)
    return Location.objects.none()


def current_health_facilities() -> QuerySet:
    return HealthFacility.objects.current()


def health_facility_exists(health_facility_id) -> bool:
    return current_health_facilities().filter(id=int(health_facility_id)).exists()
