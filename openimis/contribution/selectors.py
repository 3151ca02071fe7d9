"""Reads of the contribution module, with row security: a user sees the premiums of the policies they
see (the policy module's rule)."""

from __future__ import annotations

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from openimis.contribution.models import Premium
from openimis.core import selectors as core_selectors
from openimis.policy import selectors as policy_selectors


def current_premiums() -> QuerySet:
    return Premium.objects.current()


def visible_premiums(queryset: QuerySet, user) -> QuerySet:
    if user is not None and not user.is_authenticated:
        return queryset.none()
    return queryset.filter(policy__in=policy_selectors.visible_policy_rows(user))


def premiums(user, show_history: bool = False) -> QuerySet:
    queryset = Premium.objects.all() if show_history else current_premiums()
    return visible_premiums(queryset, user)


def premium_by(user, uuid: str | None = None, pk=None) -> Premium | None:
    queryset = visible_premiums(Premium.objects.all(), user)
    return core_selectors.row_by(queryset, uuid, pk)


def counted_premiums(policy_id, except_premium_id=None) -> QuerySet:
    """The current premiums that count towards the policy value (photo fees do not)."""
    queryset = current_premiums().filter(policy_id=policy_id).filter(Q(is_photo_fee=False)
                                                                      | Q(is_photo_fee__isnull=True))
    return queryset.exclude(pk=except_premium_id) if except_premium_id else queryset


def paid_total(policy_id, except_premium_id=None):
    return counted_premiums(policy_id, except_premium_id).aggregate(total=Sum("amount"))["total"] or 0


def receipt_taken(receipt: str, product_id: int, except_uuid: str | None = None) -> bool:
    """Spec 9.1: receipts are unique among the current premiums of the policies of one product."""
    queryset = current_premiums().filter(receipt=receipt, policy__product_id=product_id)
    if except_uuid:
        queryset = queryset.exclude(uuid=str(except_uuid))
    return queryset.exists()


def annotate_sum_premiums(queryset: QuerySet) -> QuerySet:
    """The policy module's hook: `sum_premiums_total` on every policy, in the same query."""
    total = (counted_premiums(OuterRef("pk")).order_by().values("policy_id")
             .annotate(total=Sum("amount")).values("total"))
    return queryset.annotate(sum_premiums_total=Coalesce(Subquery(total, output_field=DecimalField()),
                                                         Value(0), output_field=DecimalField()))


def annotate_other_premiums(queryset: QuerySet) -> QuerySet:
    """`other_premiums_total` on every premium: its policy's other counted premiums."""
    total = (current_premiums().filter(policy_id=OuterRef("policy_id"))
             .filter(Q(is_photo_fee=False) | Q(is_photo_fee__isnull=True)).exclude(pk=OuterRef("pk"))
             .order_by().values("policy_id").annotate(total=Sum("amount")).values("total"))
    return queryset.annotate(other_premiums_total=Coalesce(Subquery(total, output_field=DecimalField()),
                                                           Value(0), output_field=DecimalField()))
