"""The module registry: which openIMIS modules are enabled, where they come from, what they give.

The enabled set comes from `openimis.json` (path in `OPENIMIS_CONF_JSON`; the built-in list when
unset), entries `{"name": ..., "pip": ...}`. A name is resolved, in order, to a built-in module
(`openimis.<name>`), a package that declares the entry point `openimis.modules` under that name, or an
importable package of that name. A module that cannot be found, fails to import, or lacks a module it
`requires` stops start-up with a `ModuleError` naming the module and the reason: never a silent skip.

Swapping an implementation: every module has a logical name (its config's `module_name`). A module
whose logical name is the one of a built-in replaces that built-in, which is then not installed: list it
in `openimis.json` under the built-in's name with the entry point `openimis.modules` of that name (the
entry point wins over the built-in), or under its own name. Two non-built-in entries claiming the same
logical name stop start-up with a `ModuleError` naming both. `requires` lists logical names.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from django.apps import AppConfig

BUILT_IN_MODULES = ["core", "location", "medical", "medical_pricelist", "product", "insuree", "payer",
                    "policy", "contribution", "controls", "claim", "payment", "claim_batch"]
ENTRY_POINT_GROUP = "openimis.modules"


class ModuleError(Exception):
    """A module that cannot be loaded. The message names the module and the reason."""


class OpenIMISModuleConfig(AppConfig):
    """What a module declares about itself. Subclass it in the module's `apps.py`.

    - `module_name`: the logical openIMIS name (`core`, `location`, ...);
    - `requires`: logical names of the modules this one imports;
    - `default_config`: the module's configuration defaults (merged with the stored configuration);
    - `rights`: configuration key -> numeric right code (listed by `modulesPermissions`);
    - `queries` / `mutations`: dotted paths of the GraphQL `Query` / `Mutation` classes;
    - `types`: dotted path of the module holding the GraphQL object types, imported before the schema
      is built so that relations from other modules find them (a module without root fields yet);
    - `urls`: dotted path of a URL module mounted at `/<SITE_ROOT><module_name>/`;
    - `root_urls`: dotted path of a URL module mounted at the site root, for the few paths a frontend
      asks outside the module's prefix (the insuree photos at `/photos/...`);
    - `scheduled_jobs`: list of `(dotted function path, cron-like spec)`;
    - `exception_handler`: dotted path of the REST exception handler for this module's URLs;
    - `frontend_config`: `fe-<module>` -> configuration served by `moduleConfigurations` (a stored
      frontend configuration of the same module replaces it); see `frontend_configuration()`.
    - `legacy_tables`: dotted path of the module's list of legacy openIMIS table mappings (`Table`, and
      `AfterLoad` steps, of `openimis.core.legacy_import`), loaded by the importer in module order.
    """

    default_auto_field = "django.db.models.BigAutoField"
    module_name: str = ""
    requires: list[str] = []
    default_config: dict = {}
    rights: dict[str, int] = {}
    queries: str | None = None
    mutations: str | None = None
    types: str | None = None
    urls: str | None = None
    root_urls: str | None = None
    scheduled_jobs: list[tuple[str, str]] = []
    exception_handler: str | None = None
    frontend_config: dict[str, dict] = {}
    legacy_tables: str | None = None

    @property
    def logical_name(self) -> str:
        return self.module_name or self.label

    @property
    def url_prefix(self) -> str:
        from django.conf import settings

        return f"/{settings.SITE_ROOT}{self.logical_name}/"

    def frontend_configuration(self) -> dict[str, dict]:
        return dict(self.frontend_config)

    def ready(self):
        if self.exception_handler:
            from openimis.core import rest_errors

            rest_errors.register(self.url_prefix, import_string_or_none(self.exception_handler))


@dataclass(frozen=True)
class ModuleEntry:
    name: str
    pip: str | None
    package: str  # the importable Python package that holds the app


def read_module_list(conf_json: str | None, conf_text: str | None = None) -> list[dict]:
    """The module entries of `openimis.json`: from the file `OPENIMIS_CONF_JSON`, else from the JSON
    text in `OPENIMIS_CONF`, else the built-in list."""
    if conf_json:
        variable, path = "OPENIMIS_CONF_JSON", Path(conf_json)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ModuleError(f"OPENIMIS_CONF_JSON: file not found: {path}") from None
    elif conf_text:
        variable, path, text = "OPENIMIS_CONF", "the variable", conf_text
    else:
        return [{"name": name, "pip": None} for name in BUILT_IN_MODULES]
    try:
        content = json.loads(text)
    except json.JSONDecodeError as error:
        raise ModuleError(f"{variable}: malformed JSON in {path} ({error.msg})") from None
    modules = content.get("modules") if isinstance(content, dict) else None
    if not isinstance(modules, list) or not all(isinstance(m, dict) and m.get("name") for m in modules):
        raise ModuleError(f"{variable}: {path} must hold {{\"modules\": [{{\"name\": ...}}]}}")
    return modules


_entry_point_table: dict[str, str] | None = None  # set while `enabled_modules` runs


def _read_entry_points() -> dict[str, str]:
    """name -> package of every installed `openimis.modules` entry point (the first one of a name wins).
    Reading them scans every installed distribution, a few milliseconds each time."""
    table: dict[str, str] = {}
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        table.setdefault(entry_point.name, entry_point.value)
    return table


def _entry_point_package(name: str) -> str | None:
    table = _entry_point_table if _entry_point_table is not None else _read_entry_points()
    return table.get(name)


def is_built_in(entry: ModuleEntry) -> bool:
    return entry.package in {f"openimis.{name}" for name in BUILT_IN_MODULES}


def resolve(name: str, pip: str | None = None) -> ModuleEntry:
    candidates = []
    from_entry_point = _entry_point_package(name)
    if from_entry_point:  # an installed distribution that declares this name replaces a built-in
        candidates.append(from_entry_point)
    if name in BUILT_IN_MODULES:
        candidates.append(f"openimis.{name}")
    candidates.append(name)
    last_error: Exception | None = None
    for package in candidates:
        try:
            importlib.import_module(package)
        except ModuleNotFoundError as error:
            if error.name and package.startswith(error.name):
                last_error = error
                continue
            raise ModuleError(f"module '{name}': import of {package} failed: {error}") from error
        except Exception as error:  # a broken module must stop start-up, loudly
            raise ModuleError(f"module '{name}': import of {package} failed: {error!r}") from error
        return ModuleEntry(name=name, pip=pip, package=package)
    hint = f" (install it: pip install {pip})" if pip else ""
    raise ModuleError(f"module '{name}' is listed in openimis.json but cannot be found{hint}: {last_error}")


def module_config_class(entry: ModuleEntry) -> type[OpenIMISModuleConfig]:
    try:
        apps_module = importlib.import_module(f"{entry.package}.apps")
    except Exception as error:
        raise ModuleError(f"module '{entry.name}': cannot import {entry.package}.apps: {error!r}") from error
    for value in vars(apps_module).values():
        if (isinstance(value, type) and issubclass(value, OpenIMISModuleConfig)
                and value is not OpenIMISModuleConfig and value.__module__ == apps_module.__name__):
            return value
    raise ModuleError(f"module '{entry.name}': {entry.package}.apps defines no OpenIMISModuleConfig")


def logical_name(entry: ModuleEntry) -> str:
    config_class = module_config_class(entry)
    return config_class.module_name or entry.name


def _describe(entry: ModuleEntry) -> str:
    return f"'{entry.name}' ({entry.package})"


def apply_swaps(entries: list[ModuleEntry]) -> list[ModuleEntry]:
    """One module per logical name: a non-built-in module replaces the built-in of the same logical
    name (at the built-in's place in the list); two others claiming one name are an error."""
    claims: dict[str, list[ModuleEntry]] = {}
    for entry in entries:
        claims.setdefault(logical_name(entry), []).append(entry)
    kept: list[ModuleEntry] = []
    placed: set[str] = set()
    for entry in entries:
        name = logical_name(entry)
        if name in placed:
            continue
        claimants = claims[name]
        replacements = [claimant for claimant in claimants if not is_built_in(claimant)]
        if len(claimants) > 1 and len(replacements) != 1:
            raise ModuleError(f"modules {' and '.join(_describe(c) for c in claimants)} claim the same "
                              f"logical name '{name}': keep one of them in openimis.json")
        kept.append(replacements[0] if len(claimants) > 1 else entry)
        placed.add(name)
    return kept


def enabled_modules(conf_json: str | None, conf_text: str | None = None) -> list[ModuleEntry]:
    """Resolve the enabled modules, apply the swaps and check that every `requires` is met."""
    global _entry_point_table
    module_list = read_module_list(conf_json, conf_text)
    _entry_point_table = _read_entry_points()  # once for all the names, not once per name
    try:
        entries = [resolve(item["name"], item.get("pip")) for item in module_list]
    finally:
        _entry_point_table = None
    entries = apply_swaps(entries)
    names = {logical_name(entry) for entry in entries}
    if "core" not in names:
        raise ModuleError("module 'core' is required and missing from openimis.json")
    for entry in entries:
        config_class = module_config_class(entry)
        missing = [required for required in config_class.requires if required not in names]
        if missing:
            raise ModuleError(f"module '{entry.name}' requires {', '.join(missing)}, which is not enabled")
    return entries


def installed_app_paths(entries: list[ModuleEntry]) -> list[str]:
    return [f"{entry.package}.apps.{module_config_class(entry).__name__}" for entry in entries]


def module_configs() -> list[OpenIMISModuleConfig]:
    """The loaded openIMIS module configs, in the order of `openimis.json`."""
    from django.apps import apps

    return [config for config in apps.get_app_configs() if isinstance(config, OpenIMISModuleConfig)]


def import_string_or_none(path: str | None):
    if not path:
        return None
    module_path, _, attribute = path.rpartition(".")
    return getattr(importlib.import_module(module_path), attribute)
