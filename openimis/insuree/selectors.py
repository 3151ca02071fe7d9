"""Reads of the insuree module, with row security (spec 1.7) decided by the location selectors.

A user who does not see every location sees the families whose village lies in one of their districts,
and the insurees whose current village or whose family's village lies in one of them. Rows without any
location pass. The funding insurees (config `excluded_insuree_chfids`) and their families are hidden.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q, QuerySet

from openimis.core import inputs
from openimis.core import selectors as core_selectors
from openimis.core.configuration import module_config
from openimis.insuree.models import (
    ConfirmationType,
    Education,
    Family,
    FamilyType,
    Gender,
    IdentificationType,
    Insuree,
    InsureeStatusReason,
    Photo,
    Profession,
    Relation,
)
from openimis.location import selectors as location_selectors


def current_families() -> QuerySet:
    return Family.objects.current()


def current_insurees() -> QuerySet:
    return Insuree.objects.current()


def _excluded_chf_ids() -> list[str]:
    return [str(chf_id) for chf_id in module_config("insuree").get("excluded_insuree_chfids") or []]


def visible_families(queryset: QuerySet, user) -> QuerySet:
    """Narrow a family queryset to the rows `user` may see."""
    if user is not None and not user.is_authenticated:  # None: the system itself
        return queryset.none()
    excluded = _excluded_chf_ids()
    if excluded:
        excluded_heads = Insuree.objects.filter(chf_id__in=excluded).values("id")
        queryset = queryset.exclude(head_insuree_id__in=excluded_heads)
    if location_selectors.sees_every_location(user):
        return queryset
    villages = location_selectors.villages_in(location_selectors.districts_of_user(user))
    return queryset.filter(Q(location__isnull=True) | Q(location_id__in=villages))


def visible_family_rows(user) -> QuerySet:
    """Every family row (history included) that `user` may see: for other modules' row security."""
    return visible_families(Family.objects.all(), user)


def visible_insuree_rows(user) -> QuerySet:
    """Every insuree row (history included) that `user` may see."""
    return visible_insurees(Insuree.objects.all(), user)


def visible_insurees(queryset: QuerySet, user) -> QuerySet:
    """Narrow an insuree queryset to the rows `user` may see."""
    if user is not None and not user.is_authenticated:  # None: the system itself
        return queryset.none()
    excluded = _excluded_chf_ids()
    if excluded:
        queryset = queryset.exclude(chf_id__in=excluded)
    if location_selectors.sees_every_location(user):
        return queryset
    villages = location_selectors.villages_in(location_selectors.districts_of_user(user))
    no_location = Q(current_village__isnull=True) & (
        Q(family__isnull=True) | Q(family__location__isnull=True)
    )
    return queryset.filter(
        no_location | Q(current_village_id__in=villages) | Q(family__location_id__in=villages)
    )


def visible_photos(user) -> QuerySet:
    """Every photo row (history included) of an insuree `user` may see, and those of no insuree."""
    insurees = visible_insuree_rows(user).values("id")
    return Photo.objects.filter(Q(insuree__isnull=True) | Q(insuree_id__in=insurees))


def families(user, show_history: bool = False) -> QuerySet:
    queryset = Family.objects.all() if show_history else current_families()
    return visible_families(queryset, user)


def insurees(user, show_history: bool = False) -> QuerySet:
    queryset = Insuree.objects.all() if show_history else current_insurees()
    return visible_insurees(queryset, user)


def family_by(user, uuid: str | None = None, pk=None) -> Family | None:
    """One family by uuid (the current row, else the newest row holding that uuid) or by id."""
    queryset = visible_families(Family.objects.all(), user)
    return core_selectors.row_by(queryset, uuid, pk)


def insuree_by(user, uuid: str | None = None, pk=None) -> Insuree | None:
    queryset = visible_insurees(Insuree.objects.all(), user)
    return core_selectors.row_by(queryset, uuid, pk)


def family_members(family: Family) -> QuerySet:
    return current_insurees().filter(family=family)


def under_parent_location(path: str, parent_uuid: str | None, parent_level) -> Q | None:
    """`parentLocation` + `parentLocationLevel`: the rows whose village (`path`) lies under that location."""
    if not parent_uuid or parent_level is None:
        return None
    return location_selectors.under_location(path, parent_uuid, int(parent_level), 3)


def chf_id_taken(chf_id: str, except_uuid: str | None = None) -> bool:
    queryset = current_insurees().filter(chf_id=chf_id)
    if except_uuid:
        queryset = queryset.exclude(uuid=str(except_uuid))
    return queryset.exists()


def villages_of_any_officer() -> QuerySet:
    """The current officer-village links (the location module's table)."""
    return apps.get_model("location", "OfficerVillage").objects.current()


def villages_of_officer(officer_uuid: str) -> QuerySet:
    """The ids of the villages an enrolment officer serves (a subquery)."""
    return villages_of_any_officer().filter(officer__uuid=str(officer_uuid)).values("location_id")


def officers(location_id=None) -> QuerySet:
    """The enrolment officers (core's officers) an insuree or a family can be linked to; with a location,
    those who serve it: through their villages, or because their own location contains it."""
    queryset = core_selectors.enrolment_officers()
    if location_id in (None, ""):
        return queryset
    location_id = inputs.id_or_none(location_id)
    if location_id is None:  # not an id: names no location, so no officer serves it
        return queryset.none()
    above = (Q(location_id=location_id) | Q(location__children__id=location_id)
             | Q(location__children__children__id=location_id)
             | Q(location__children__children__children__id=location_id))
    serving = villages_of_any_officer().filter(location_id=location_id).values("officer_id")
    return queryset.filter(above | Q(id__in=serving)).distinct()


# --- code lists ---------------------------------------------------------------------------------


def genders() -> QuerySet:
    return Gender.objects.all()


def family_types() -> QuerySet:
    return FamilyType.objects.all()


def confirmation_types() -> QuerySet:
    return ConfirmationType.objects.all()


def relations() -> QuerySet:
    return Relation.objects.all()


def professions() -> QuerySet:
    return Profession.objects.all()


def educations() -> QuerySet:
    return Education.objects.all()


def identification_types() -> QuerySet:
    return IdentificationType.objects.all()


def status_reasons(search: str | None = None, status_type: str | None = None) -> QuerySet:
    queryset = InsureeStatusReason.objects.current()
    if search:
        queryset = queryset.filter(Q(code__icontains=search) | Q(insuree_status_reason__icontains=search))
    if status_type:
        queryset = queryset.filter(status_type=status_type)
    return queryset.order_by("code")
