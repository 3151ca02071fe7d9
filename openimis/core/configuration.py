"""A module's configuration: its declared defaults, overridden by the stored backend configuration."""

from __future__ import annotations

import json

from openimis.core.models import ModuleConfiguration
from openimis.modules import module_configs


def module_config(module_name: str) -> dict:
    defaults = next((dict(config.default_config) for config in module_configs()
                     if config.logical_name == module_name), None)
    if defaults is None:
        raise LookupError(f"module '{module_name}' is not enabled")
    stored = ModuleConfiguration.objects.filter(module=module_name, layer="be")
    for text in stored.values_list("config", flat=True):
        try:
            defaults.update(json.loads(text or "{}"))
        except json.JSONDecodeError:
            raise ValueError(f"module '{module_name}': the stored configuration is not valid JSON") from None
    return defaults
