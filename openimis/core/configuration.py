"""A module's configuration: its declared defaults, overridden by the stored backend configuration.

The stored rows are read once and kept for `CACHE_SECONDS` (lists read the insuree module's hidden
insurance numbers on every request): a change made in this process is seen at once (the rows' save and
delete signals forget them), one made by another process of the site within that time. Inside a
transaction (a mutation's service) they are always read, and never kept: that transaction may write
them, or be rolled back."""

from __future__ import annotations

import json
import threading
import time

from django.db import connection
from django.db.models.signals import post_delete, post_save

from openimis.core.models import ModuleConfiguration
from openimis.modules import module_configs

CACHE_SECONDS = 30.0
_stored: dict[str, tuple[float, list[str]]] = {}
_lock = threading.Lock()


def _stored_texts(module_name: str) -> list[str]:
    in_transaction = connection.in_atomic_block
    now = time.monotonic()
    found = None if in_transaction else _stored.get(module_name)
    if found is not None and now - found[0] < CACHE_SECONDS:
        return found[1]
    texts = list(ModuleConfiguration.objects.filter(module=module_name, layer="be")
                 .values_list("config", flat=True))
    if not in_transaction:
        with _lock:
            _stored[module_name] = (now, texts)
    return texts


def forget_stored_configurations(**_ignored) -> None:
    with _lock:
        _stored.clear()


post_save.connect(forget_stored_configurations, sender=ModuleConfiguration,
                  dispatch_uid="openimis.core.configuration.saved")
post_delete.connect(forget_stored_configurations, sender=ModuleConfiguration,
                    dispatch_uid="openimis.core.configuration.deleted")


def module_config(module_name: str) -> dict:
    defaults = next((dict(config.default_config) for config in module_configs()
                     if config.logical_name == module_name), None)
    if defaults is None:
        raise LookupError(f"module '{module_name}' is not enabled")
    for text in _stored_texts(module_name):
        try:
            defaults.update(json.loads(text or "{}"))
        except json.JSONDecodeError:
            raise ValueError(f"module '{module_name}': the stored configuration is not valid JSON") from None
    return defaults
