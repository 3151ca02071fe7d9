"""Reads of the controls module. The controls are configuration, the same for every user: no row
security applies."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from openimis.controls.models import Control


def controls(search: str | None = None) -> QuerySet:
    """Every control by name; with `search`, those whose name, adjustability or usage holds it."""
    queryset = Control.objects.order_by("name")
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(adjustability__icontains=search)
                                   | Q(usage__icontains=search))
    return queryset
