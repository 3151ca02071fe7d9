"""Reads of the location module, with row security applied.

Row security (specification 1.7; ROW_SECURITY=false switches it off): an IMIS administrator sees
everything. Any other user sees the districts assigned to them (current `UserDistrict` rows), the
regions of those districts and every location below them; and the health facilities located in those
districts, plus their own health facility. A user who may create regions and districts (121906) manages
the whole tree and sees every location.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import F, Q, QuerySet

from openimis.location.models import (
    DISTRICT,
    HealthFacility,
    Location,
    OfficerVillage,
    UserDistrict,
)
from openimis.location.rights import HEALTH_FACILITY_READ, REGION_DISTRICT_EDIT


def current_locations() -> QuerySet:
    return Location.objects.current()


DISTRICT_IDS_ATTRIBUTE = "_openimis_district_ids"


def _assigned_district_ids(user) -> list[int]:
    """The ids of the current districts assigned to the user, read once per request (kept on the user
    object the request authenticated): the lists then filter on a plain list of ids, with no join."""
    ids = getattr(user, DISTRICT_IDS_ATTRIBUTE, None)
    if ids is None:
        assigned = UserDistrict.objects.current().filter(
            user_id=user.i_user_id, location__validity_to__isnull=True, location__type=DISTRICT)
        ids = list(assigned.values_list("location_id", flat=True))
        setattr(user, DISTRICT_IDS_ATTRIBUTE, ids)
    return ids


def forget_districts(user) -> None:
    """Read the user's districts again at the next need (their assignment changed)."""
    if hasattr(user, DISTRICT_IDS_ATTRIBUTE):
        delattr(user, DISTRICT_IDS_ATTRIBUTE)


def sees_every_location(user) -> bool:
    """No row security for this user: the system itself (None), an administrator, or anybody when
    ROW_SECURITY is off. The one place where the rule is decided; every module's selectors ask it."""
    return user is None or not settings.ROW_SECURITY or user.is_imis_admin


def districts_of_user(user) -> QuerySet:
    """The districts a user works in: all of them without row security, else the assigned ones."""
    if sees_every_location(user):
        return current_locations().filter(type=DISTRICT).select_related("parent")
    if not user.i_user_id:
        return Location.objects.none()
    return current_locations().filter(id__in=_assigned_district_ids(user)).select_related("parent")


def location_scope(user) -> Q | None:
    """The condition on `Location` rows the user may see; None when they may see all."""
    if sees_every_location(user):
        return None
    if not user.i_user_id:
        return Q(pk__in=[])
    districts = _assigned_district_ids(user)
    regions = Location.objects.filter(id__in=districts).values("parent_id")
    municipalities = Location.objects.filter(parent_id__in=districts).values("id")
    return (Q(id__in=districts) | Q(id__in=regions) | Q(parent_id__in=districts)
            | Q(parent_id__in=municipalities))


def locations(user, show_history: bool = False, manages_tree: bool | None = None) -> QuerySet:
    """Locations the user may see. `manages_tree`: the user holds 121906 (then no restriction)."""
    queryset = Location.objects.all() if show_history else current_locations()
    if manages_tree is None:
        manages_tree = user is not None and user.has_any_right([REGION_DISTRICT_EDIT])
    scope = None if manages_tree else location_scope(user)
    return queryset if scope is None else queryset.filter(scope)


def under_location(path: str, parent_uuid: str, parent_level: int, location_level: int) -> Q:
    """The `parentLocation` + `parentLocationLevel` filter of the openIMIS searchers: rows whose location
    (reached through `path`, e.g. "location" or "family__location", of level `location_level`: 3 for a
    village) lies under the location `parent_uuid` of level `parent_level` (0 region .. 3 village)."""
    hops = location_level - int(parent_level)
    if hops < 0:
        return Q(pk__in=[])
    below = Location.objects.filter(**{f"{'parent__' * hops}uuid": parent_uuid}).values("id")
    return Q(**{f"{path}_id__in": below})  # a subquery: the list's own statement gains no join


def villages_in(districts: QuerySet) -> QuerySet:
    """The ids of the villages of `districts` (a subquery): village -> municipality -> district."""
    municipalities = Location.objects.filter(parent_id__in=districts.values("id")).values("id")
    return Location.objects.filter(parent_id__in=municipalities).values("id")


def location_code_is_free(code: str, except_location_id=None) -> bool:
    queryset = current_locations().filter(code=code)
    if except_location_id:
        queryset = queryset.exclude(id=except_location_id)
    return not queryset.exists()


def descendant_ids(location: Location) -> list[int]:
    """The ids of the current locations below `location` (at most three levels), top-down."""
    found: list[int] = []
    level = [location.id]
    while level:
        level = list(current_locations().filter(parent_id__in=level).values_list("id", flat=True))
        found.extend(level)
    return found


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


# --- health facilities ---------------------------------------------------------------------

def current_health_facilities() -> QuerySet:
    return HealthFacility.objects.current()


def health_facility_exists(health_facility_id) -> bool:
    return current_health_facilities().filter(id=int(health_facility_id)).exists()


def health_facility_scope(user) -> Q | None:
    """The condition on `HealthFacility` rows the user may see; None when they may see all."""
    if sees_every_location(user):
        return None
    if not user.i_user_id:
        return Q(pk__in=[])
    scope = Q(location_id__in=_assigned_district_ids(user))
    own = user.i_user.health_facility_id
    if own:
        scope |= Q(id=own) | Q(legacy_id=own)
    return scope


def health_facilities(user, show_history: bool = False) -> QuerySet:
    """Health facilities the user may see; with history, current rows come first, then the newest."""
    queryset = HealthFacility.objects.all() if show_history else current_health_facilities()
    scope = health_facility_scope(user)
    if scope is not None:
        queryset = queryset.filter(scope)
    return queryset.order_by("code", F("validity_to").desc(nulls_first=True), "-id")


def readable_health_facilities(user, show_history: bool = False) -> QuerySet:
    """`healthFacilities`: with a facility right, the facilities the user may see; without, only their own
    facility (the claim form reads the claim administrator's)."""
    queryset = health_facilities(user, show_history)
    if user is not None and user.has_any_right(HEALTH_FACILITY_READ):
        return queryset
    own = user.i_user.health_facility_id if user is not None and user.i_user_id else None
    return queryset.filter(id=own) if own else queryset.none()


def health_facility_code_is_free(code: str, except_health_facility_id=None) -> bool:
    queryset = current_health_facilities().filter(code=code)
    if except_health_facility_id:
        queryset = queryset.exclude(id=except_health_facility_id)
    return not queryset.exists()
