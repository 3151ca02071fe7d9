"""openIMIS record history, in one place.

The current row keeps its id (and uuid) forever. An update first copies the old state into a new
history row (`validity_to` = now, `legacy_id` = id of the current row), then overwrites the current row
with `validity_from` = now. A delete copies the state too, then sets `validity_from = validity_to = now`
on the current row. Current rows are those with `validity_to` null.

The history copy is made from the stored row read under a row lock (`SELECT ... FOR NO KEY UPDATE` on
PostgreSQL, held until the transaction ends): concurrent updates of one record queue on it, and each
copies the state the one before it committed, so every history row is a distinct earlier state. A record
that a concurrent transaction deleted meanwhile is refused (`HistoricalRecordError`), not brought back.
SQLite has no row locks; there a transaction that writes holds the whole database (the project opens them
IMMEDIATE), which serialises them as well. `lock(record)` reads a record again under the same lock, for a
service whose decision depends on the state (a policy activated once).
"""

from __future__ import annotations

import uuid as uuid_module

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_noop

from openimis.core.errors import ValidationFailed


def new_uuid() -> str:
    return str(uuid_module.uuid4())


class HistoricalRecordError(ValidationFailed):
    """Raised when code tries to change a history row: a record another request deleted or replaced
    meanwhile. The message is the user's, in their language (the services' errors are translated)."""

    def __init__(self, detail: str = ""):
        super().__init__(RECORD_ENDED_MEANWHILE, detail)


RECORD_ENDED_MEANWHILE = gettext_noop("This record was deleted or changed by someone else: reload it")


def _locking(queryset: models.QuerySet) -> models.QuerySet:
    """`queryset` reading its rows under a row lock held until the transaction ends; as it is where the
    database has no row locks (SQLite: a transaction that writes holds the whole database) or outside a
    transaction (a lock would end with the statement). On PostgreSQL the lock is FOR NO KEY UPDATE: it
    queues the writers of the row without holding up the inserts of rows that refer to it."""
    features = connection.features
    if not (features.has_select_for_update and connection.in_atomic_block):
        return queryset
    return queryset.select_for_update(no_key=features.has_select_for_no_key_update)


def lock(record: models.Model) -> models.Model:
    """Read `record` again under a row lock: its fields become the state committed last, and no other
    transaction changes the row before this one ends. A check or a state change made after it (is the
    policy still idle?) sees what any concurrent writer has done."""
    record.refresh_from_db(from_queryset=_locking(type(record)._base_manager.all()))
    return record


class VersionedQuerySet(models.QuerySet):
    def current(self):
        return self.filter(validity_to__isnull=True)

    def history_of(self, record):
        return self.filter(legacy_id=record.pk).order_by("-validity_to")

    def valid_on(self, moment):
        return self.filter(validity_from__lte=moment).filter(
            models.Q(validity_to__isnull=True) | models.Q(validity_to__gte=moment))


class VersionedModel(models.Model):
    validity_from = models.DateTimeField(default=timezone.now)
    validity_to = models.DateTimeField(null=True, blank=True)
    legacy_id = models.IntegerField(null=True, blank=True)
    audit_user_id = models.IntegerField(null=True, blank=True)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_current(self) -> bool:
        return self.validity_to is None

    def _history_copy(self, now):
        copy = _locking(self.__class__._base_manager.all()).get(pk=self.pk)
        if copy.validity_to is not None:
            raise HistoricalRecordError("cannot update historical data")
        copy.pk = None
        copy.id = None
        copy._state.adding = True
        if hasattr(copy, "uuid"):
            copy.uuid = new_uuid()
        copy.validity_to = now
        copy.legacy_id = self.pk
        copy.save()
        return copy

    def save_history(self, audit_user_id: int | None = None):
        """Copy the stored state into a history row; the caller then saves the new state."""
        if self.pk is None:
            return None
        if not self.is_current:
            raise HistoricalRecordError("cannot update historical data")
        now = timezone.now()
        copy = self._history_copy(now)
        self.validity_from = now
        if audit_user_id is not None:
            self.audit_user_id = audit_user_id
        return copy

    def delete_history(self, audit_user_id: int | None = None):
        """Soft delete: keep a history copy, mark the current row as ended now."""
        if not self.is_current:
            raise HistoricalRecordError("cannot delete historical data")
        now = timezone.now()
        self._history_copy(now)
        self.validity_from = now
        self.validity_to = now
        if audit_user_id is not None:
            self.audit_user_id = audit_user_id
        self.save()
