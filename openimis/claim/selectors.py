"""Reads of the claim module: claim administrators, and the deductibles and remunerations of claims
(`ClaimDedRem`) with what they mean for a policy (spec 7.6, 8.5)."""

from __future__ import annotations

from django.db.models import QuerySet, Sum

from openimis.claim.models import ClaimAdmin, ClaimDedRem
from openimis.graphql.loading import prefetched

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
