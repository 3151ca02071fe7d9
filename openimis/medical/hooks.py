"""The hooks of the medical module (see `openimis.core.hook_registry`)."""

from __future__ import annotations

from openimis.core.hook_registry import declare

ITEM_DELETING = declare(
    "medical.item_deleting", ("actor", "item"),
    "before a medical item is deleted: a handler raises a ServiceError when something still uses it")
SERVICE_DELETING = declare(
    "medical.service_deleting", ("actor", "service"),
    "before a medical service is deleted: a handler raises a ServiceError when something still uses it")
