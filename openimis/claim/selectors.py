"""Reads of the claim module: claims with the row security of §1.7 (a user bound to a health
facility, such as a claim administrator, sees that facility's claims; others the facilities of their
districts), claim administrators, and the deductibles and remunerations of claims (`ClaimDedRem`) with
what they mean for a policy (spec 7.6, 8.5)."""

from __future__ import annotations

from django.db.models import Q, QuerySet, Sum

from openimis.claim.models import Claim, ClaimAdmin, ClaimDedRem
from openimis.graphql.loading import prefetched
from openimis.location import selectors as location_selectors

# the attribute under which a list of policies or insurees carries its current rows
DED_REMS_ATTRIBUTE = "current_claim_ded_rems"
# what a policy consumed, as the policy module's consumption hook names it -> the summed column
CONSUMPTION_COLUMNS = {"ded": "ded_g", "ded_ip": "ded_ip", "ded_op": "ded_op",
                       "rem": "rem_g", "rem_ip": "rem_ip", "rem_op": "rem_op"}


def current_claim_admins() -> QuerySet:
    return ClaimAdmin.objects.current()


def current_ded_rems() -> QuerySet:
    return ClaimDedRem.objects.current()


def ded_rems_of(row) -> QuerySet | list:
    """The current rows of a policy or an insuree: the prefetched ones when the list query fetched them."""
    rows = prefetched(row, DED_REMS_ATTRIBUTE)
    if rows is not None:
        return rows
    return row.claim_ded_rems.current().order_by("id")


def consumption(policy_ids: list[int]) -> dict:
    """{policy id: {"ded", "ded_ip", "ded_op", "rem", "rem_ip", "rem_op"}}: the sums of the current rows,
    for the policies that have any."""
    if not policy_ids:
        return {}
    sums = (current_ded_rems().filter(policy_id__in=policy_ids).values("policy_id")
            .annotate(**{key: Sum(column) for key, column in CONSUMPTION_COLUMNS.items()}))
    return {row.pop("policy_id"): row for row in sums}


def policy_in_use(policy) -> bool:
    """True when claims consumed the policy (a current deductible/remuneration row points at it)."""
    return current_ded_rems().filter(policy_id=policy.pk).exists()


def current_claims() -> QuerySet:
    return Claim.objects.current()


def own_health_facility_id(user) -> int | None:
    """The facility a user acts for: a claim administrator's, else the one set on the interactive user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "claim_admin_id", None):
        found = (ClaimAdmin.objects.filter(pk=user.claim_admin_id)
                 .values_list("health_facility_id", flat=True).first())
        if found:
            return found
    if getattr(user, "i_user_id", None):
        return user.i_user.health_facility_id
    return None


def claim_scope(user) -> Q | None:
    """The condition on claims a user may see and act on; None when every claim."""
    own = own_health_facility_id(user)
    if own:
        return Q(health_facility_id=own)
    scope = location_selectors.health_facility_scope(user)
    if scope is None:
        return None
    visible = location_selectors.current_health_facilities().filter(scope).values("id")
    return Q(health_facility_id__in=visible)


def claims(user, show_history: bool = False) -> QuerySet:
    """The claims a user may see (current ones unless `show_history`)."""
    queryset = Claim.objects.all() if show_history else current_claims()
    scope = claim_scope(user)
    return queryset if scope is None else queryset.filter(scope)


def claim_by(user, uuid=None, pk=None) -> Claim | None:
    """One current claim the user may see, by uuid or id (None when unknown or out of reach)."""
    queryset = claims(user)
    if uuid is not None:
        return queryset.filter(uuid=str(uuid)).first()
    if pk is not None:
        return queryset.filter(pk=pk).first()
    return None


def health_facility_allowed(user, health_facility_id: int) -> bool:
    """May the user enter claims for this facility (their own one, or one of their districts)?"""
    own = own_health_facility_id(user)
    if own:
        return int(own) == int(health_facility_id)
    scope = location_selectors.health_facility_scope(user)
    found = location_selectors.current_health_facilities().filter(pk=health_facility_id)
    return (found if scope is None else found.filter(scope)).exists()
