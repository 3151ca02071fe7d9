"""Reads of the payment module, with row security.

A user who is not an administrator (the location module's `sees_every_location`) sees:
- the payments with a current detail tied to a premium they see (the rule of the contribution and policy
  modules: the premiums of the policies of the families they see, those of their districts), and
- the payments without any current detail (not matched to a contribution yet): they belong to no area,
  and the officers who hold the search right must find them to match them. Holding the search right
  (checked by the queries) is what lets them see these.
A payment whose details all point to premiums of other districts is hidden."""

from __future__ import annotations

from django.db.models import BigIntegerField, DecimalField, Exists, F, OuterRef, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from openimis.core import selectors as core_selectors
from openimis.insuree import selectors as insuree_selectors
from openimis.location import selectors as location_selectors
from openimis.payment.models import MATCHED, Payment, PaymentDetail


def current_payments() -> QuerySet:
    return Payment.objects.current()


def current_details() -> QuerySet:
    return PaymentDetail.objects.current()


def _restricted(user) -> bool:
    return user is not None and not location_selectors.sees_every_location(user)


def visible_payments(queryset: QuerySet, user) -> QuerySet:
    """Narrow a payment queryset to the rows `user` may see (None: the system itself, which sees all).
    A history row is seen when its current row is (the details hang on the current row's id)."""
    if user is not None and not user.is_authenticated:
        return queryset.none()
    if not _restricted(user):
        return queryset
    # a history row answers for its current row (`legacy_id`), which holds the details
    owner = Coalesce(F("legacy_id"), F("pk"), output_field=BigIntegerField())
    any_detail = current_details().filter(payment_id=OuterRef("owner_id"))
    seen_detail = any_detail.filter(premium__policy__family__in=insuree_selectors.visible_family_rows(user))
    return (queryset.alias(owner_id=owner)
            .filter(~Exists(any_detail) | Exists(seen_detail)))


def payments(user, show_history: bool = False) -> QuerySet:
    queryset = Payment.objects.all() if show_history else current_payments()
    return visible_payments(queryset, user)


def payment_by(user, uuid: str | None = None, pk=None) -> Payment | None:
    """One payment by uuid (the current row, else the newest row holding that uuid) or by id."""
    return core_selectors.row_by(visible_payments(Payment.objects.all(), user), uuid, pk)


def details(user) -> QuerySet:
    """The current details of the current payments `user` sees."""
    return current_details().filter(payment__in=payments(user))


def detail_by(user, pk=None) -> PaymentDetail | None:
    return core_selectors.row_by(details(user), None, pk)


def details_of(payment: Payment) -> QuerySet:
    """The current details of a payment (a history row has none: they hang on the current row)."""
    return current_details().filter(payment_id=payment.pk).order_by("id")


def details_of_premium(premium) -> QuerySet:
    """The current details tied to a contribution (those of current payments: a deleted payment's
    details are ended with it)."""
    return current_details().filter(premium_id=premium.pk).order_by("id")


def payments_of_premiums(user, premium_uuids: list[str]) -> QuerySet:
    """The current payments `user` sees with a current detail tied to one of the premiums."""
    linked = current_details().filter(premium__uuid__in=premium_uuids).values("payment_id")
    return payments(user).filter(pk__in=linked)


def matched_total(policy_id: int):
    """What the current matched payments paid for the current premiums of a policy."""
    total = (current_details()
             .filter(premium__policy_id=policy_id, premium__validity_to__isnull=True,
                     payment__validity_to__isnull=True, payment__status=MATCHED)
             .aggregate(total=Coalesce(Sum("amount"), Value(0), output_field=DecimalField()))["total"])
    return total
