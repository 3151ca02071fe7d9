"""Reading and writing `openimis.json`: the file named by OPENIMIS_CONF_JSON, else `./openimis.json`,
created from the built-in module list when absent."""

from __future__ import annotations

import json
import os
from pathlib import Path

from openimis.modules import BUILT_IN_MODULES, ModuleError, read_module_list


def conf_path() -> Path:
    configured = os.environ.get("OPENIMIS_CONF_JSON")
    return Path(configured) if configured else Path.cwd() / "openimis.json"


def load(path: Path | None = None) -> list[dict]:
    path = path or conf_path()
    if not path.exists():
        return [{"name": name, "pip": None} for name in BUILT_IN_MODULES]
    return [dict(entry) for entry in read_module_list(str(path))]


def save(entries: list[dict], path: Path | None = None) -> Path:
    path = path or conf_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    content = {"modules": [{"name": entry["name"], "pip": entry.get("pip")} for entry in entries]}
    path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
    return path


def register(name: str, pip: str | None, path: Path | None = None, replaces: str | None = None) -> Path:
    """Add the module (or update its `pip`); an entry named `replaces` (a swapped built-in) is dropped,
    the new entry taking its place."""
    entries = load(path)
    names = [entry["name"] for entry in entries]
    new_entry = {"name": name, "pip": pip}
    if name in names:
        entries[names.index(name)] = new_entry
    elif replaces and replaces in names:
        entries[names.index(replaces)] = new_entry
    else:
        entries.append(new_entry)
    return save(entries, path)


def entry(name: str, path: Path | None = None) -> dict:
    for candidate in load(path):
        if candidate["name"] == name:
            return candidate
    raise ModuleError(f"module '{name}' is not listed in {path or conf_path()}")
