"""Reads of the claim module: claim administrators."""

from __future__ import annotations

from django.db.models import QuerySet

from openimis.claim.models import ClaimAdmin


def current_claim_admins() -> QuerySet:
    return ClaimAdmin.objects.current()
