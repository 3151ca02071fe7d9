"""Writes of the location module used so far: the districts and health facility of a user, the villages
of an officer."""

from __future__ import annotations

from django.utils import timezone

from openimis.core.errors import ValidationFailed
from openimis.location import selectors
from openimis.location.models import DISTRICT, VILLAGE, Location, OfficerVillage, UserDistrict


def _replace_links(model, owner_field: str, owner_id: int, location_ids, audit_user_id: int) -> None:
    wanted = {int(location_id) for location_id in location_ids}
    current = model.objects.current().filter(**{owner_field: owner_id})
    current.exclude(location_id__in=wanted).update(validity_to=timezone.now())
    kept = set(current.values_list("location_id", flat=True))
    model.objects.bulk_create(
        model(**{owner_field: owner_id}, location_id=location_id, audit_user_id=audit_user_id)
        for location_id in wanted - kept)


def _check_type(location_ids, location_type: str, label: str) -> None:
    wanted = {int(location_id) for location_id in location_ids}
    found = set(Location.objects.current().filter(id__in=wanted, type=location_type)
                .values_list("id", flat=True))
    if wanted - found:
        raise ValidationFailed(f"Unknown {label}: {', '.join(str(i) for i in sorted(wanted - found))}")


def save_user_locations(actor, user, data: dict) -> None:
    """Hook `core.user_saved`: the districts and health facility of an interactive user, the villages of
    an officer."""
    audit_user_id = (actor.id_for_audit if actor else None) or 0
    health_facility_id = data.get("health_facility_id")
    if user.i_user_id and health_facility_id not in (None, "") \
            and not selectors.health_facility_exists(health_facility_id):
        raise ValidationFailed(f"Unknown health facility: {health_facility_id}")
    if user.i_user_id and data.get("districts") is not None:
        _check_type(data["districts"], DISTRICT, "district")
        _replace_links(UserDistrict, "user_id", user.i_user_id, data["districts"], audit_user_id)
    if user.officer_id and data.get("location_id") is not None:
        location_id = int(data["location_id"])
        if not Location.objects.current().filter(id=location_id).exists():
            raise ValidationFailed(f"Unknown location: {location_id}")
    if user.officer_id and data.get("village_ids") is not None:
        _check_type(data["village_ids"], VILLAGE, "village")
        _replace_links(OfficerVillage, "officer_id", user.officer_id, data["village_ids"], audit_user_id)


def end_user_locations(actor, user) -> None:
    """Hook `core.user_deleted`."""
    now = timezone.now()
    if user.i_user_id:
        UserDistrict.objects.current().filter(user_id=user.i_user_id).update(validity_to=now)
    if user.officer_id:
        OfficerVillage.objects.current().filter(officer_id=user.officer_id).update(validity_to=now)
