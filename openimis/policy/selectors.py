"""Reads of the policy module, with row security: a user sees the policies of the families they see
(the insuree module's rule: the family village's district), and the insuree-policies of the insurees
they see."""

from __future__ import annotations

from django.db.models import QuerySet

from openimis.core import hook_registry
from openimis.core import selectors as core_selectors
from openimis.insuree import selectors as insuree_selectors
from openimis.location import selectors as location_selectors
from openimis.policy.hooks import ANNOTATE_POLICIES
from openimis.policy.models import ACTIVE, EXPIRED, InsureePolicy, Policy


def current_policies() -> QuerySet:
    return Policy.objects.current()


def current_insuree_policies() -> QuerySet:
    return InsureePolicy.objects.current()


def visible_policy_rows(user) -> QuerySet:
    """Every policy row (history included) that `user` may see: for other modules' row security."""
    return visible_policies(Policy.objects.all(), user)


def visible_policies(queryset: QuerySet, user) -> QuerySet:
    if user is not None and not user.is_authenticated:
        return queryset.none()
    if user is None or location_selectors.sees_every_location(user):
        return queryset
    return queryset.filter(family__in=insuree_selectors.visible_family_rows(user))


def visible_insuree_policies(queryset: QuerySet, user) -> QuerySet:
    if user is not None and not user.is_authenticated:
        return queryset.none()
    if user is None or location_selectors.sees_every_location(user):
        return queryset
    return queryset.filter(insuree__in=insuree_selectors.visible_insuree_rows(user))


def annotated(queryset: QuerySet) -> QuerySet:
    for handler in hook_registry.handlers(ANNOTATE_POLICIES):
        queryset = handler(queryset)
    return queryset


def policies(user, show_history: bool = False) -> QuerySet:
    queryset = Policy.objects.all() if show_history else current_policies()
    return visible_policies(queryset, user)


def policy_by(user, uuid: str | None = None, pk=None) -> Policy | None:
    queryset = visible_policies(Policy.objects.all(), user)
    return core_selectors.row_by(queryset, uuid, pk)


def insuree_policies(user) -> QuerySet:
    return visible_insuree_policies(current_insuree_policies(), user)


def family_policies(family) -> QuerySet:
    return current_policies().filter(family=family)


def covered_members(policy) -> QuerySet:
    return current_insuree_policies().filter(policy=policy)


def members_in_order(family) -> list:
    """The current members of a family in creation order (the order that decides who is counted)."""
    return list(insuree_selectors.family_members(family).order_by("validity_from", "id"))


def covering(insuree, day) -> QuerySet:
    """Spec 8.6: the current insuree-policies that cover `insuree` on `day`: the coverage and its policy
    both run that day, and the policy is Active or Expired (an expired policy still covers its period)."""
    return current_insuree_policies().filter(
        insuree=insuree, effective_date__lte=day, expiry_date__gte=day, policy__validity_to__isnull=True,
        policy__status__in=[ACTIVE, EXPIRED], policy__effective_date__lte=day, policy__expiry_date__gte=day)
