"""What the filter declarations of the modules' GraphQL types share: the history columns every
versioned type shows, the lookup lists of the openIMIS API, and reaching a related type's filters."""

from __future__ import annotations

# the columns of a versioned row's history, shown by every versioned type
HISTORY_FIELDS = ("validity_from", "validity_to", "legacy_id", "audit_user_id")

# the lookups the openIMIS API offers on a column (the filter arguments `code_Istartswith`, ...)
EXACT_OR_CONTAINS = ["exact", "icontains"]
TEXT_LOOKUPS = ["exact", "icontains", "istartswith"]
SEARCH_LOOKUPS = ["exact", "istartswith", "icontains", "iexact"]  # the pickers' searches too
RANGE_LOOKUPS = ["exact", "lt", "lte", "gt", "gte"]


def prefixed(prefix: str, filter_fields: dict) -> dict:
    """The filters of a related type, reached through the relation `prefix` (e.g. "location__")."""
    return {f"{prefix}{name}": lookups for name, lookups in filter_fields.items()}
