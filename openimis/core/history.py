"""openIMIS record history, in one place.

The current row keeps its id (and uuid) forever. An update first copies the old state into a new
history row (`validity_to` = now, `legacy_id` = id of the current row), then overwrites the current row
with `validity_from` = now. A delete copies the state too, then sets `validity_from = validity_to = now`
on the current row. Current rows are those with `validity_to` null.
"""

from __future__ import annotations

import uuid as uuid_module

from django.db import models
from django.utils import timezone


def new_uuid() -> str:
    return str(uuid_module.uuid4())


class HistoricalRecordError(Exception):
    """Raised when code tries to change a history row."""


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
        copy = self.__class__.objects.get(pk=self.pk)
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
