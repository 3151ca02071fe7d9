"""Installing modules: editable from a local folder or a git clone, or a release from a package index;
each time the module's entry in `openimis.json` is updated."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from openimis.devtools import conf
from openimis.devtools.scaffold import distribution_name, module_folder
from openimis.modules import BUILT_IN_MODULES

GITHUB_URL = "https://github.com/openimis/openimis-be-{name}_py.git"


class InstallError(Exception):
    pass


def run(command: list[str], echo=print) -> None:
    """Run a command (pip, git) in the foreground; a failure stops with its exit code."""
    echo("$ " + " ".join(command))
    result = subprocess.run(command)
    if result.returncode != 0:
        raise InstallError(f"{command[0] if command[0] != sys.executable else 'pip'} failed "
                           f"(exit code {result.returncode}): {' '.join(command)}")


def pip(*arguments: str, echo=print) -> None:
    """pip of the running interpreter, so that the module lands where openIMIS runs."""
    run([sys.executable, "-m", "pip", *arguments], echo=echo)


def pip_install_editable(folder: Path, echo=print) -> None:
    pip("install", "-e", str(folder), echo=echo)


def pip_uninstall(distribution: str, echo=print) -> None:
    pip("uninstall", "-y", distribution, echo=echo)


def project_name(folder: Path) -> str | None:
    pyproject = folder / "pyproject.toml"
    if not pyproject.exists():
        return None
    return tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {}).get("name")


def installed_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def is_editable(distribution: str) -> bool:
    try:
        direct_url = metadata.distribution(distribution).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return False
    return bool(direct_url) and json.loads(direct_url).get("dir_info", {}).get("editable", False)


def external_modules() -> list[str]:
    """`all`: the modules of openimis.json that are not built in (built-ins come with openimis-lite)."""
    return [entry["name"] for entry in conf.load() if entry["name"] not in BUILT_IN_MODULES
            or entry.get("pip")]


def module_names(name: str) -> list[str]:
    return external_modules() if name == "all" else [name]


def install_locally(name: str, base: Path, url: str | None = None, branch: str | None = None,
                    path: Path | None = None, echo=print) -> Path:
    """Use `path` (an existing checkout) or clone `url` (branch `branch`) into `<base>/openimis-be-<name>`,
    install it editable and point the openimis.json entry at it."""
    if path is not None:
        folder = Path(path).resolve()
        if not folder.is_dir():
            raise InstallError(f"module '{name}': no folder {folder}")
    else:
        folder = module_folder(name, base)
        if folder.exists():
            echo(f"{folder} exists: installing it as it is")
        else:
            command = ["git", "clone"]
            if branch:
                command += ["--branch", branch]
            run([*command, url or GITHUB_URL.format(name=name), str(folder)], echo=echo)
    pip_install_editable(folder, echo=echo)
    conf.register(name, f"-e {folder}")
    return folder


def pypi_requirement(name: str, target_version: str | None, library_name: str | None) -> tuple[str, str]:
    library = library_name or _library_from_conf(name) or distribution_name(name)
    return library, f"{library}=={target_version}" if target_version else library


def _library_from_conf(name: str) -> str | None:
    for entry in conf.load():
        pip_spec = (entry.get("pip") or "").strip()
        if entry["name"] == name and pip_spec and not pip_spec.startswith("-e"):
            for separator in ("==", ">=", "<=", "~=", "!=", ">", "<", "["):
                pip_spec = pip_spec.split(separator)[0]
            return pip_spec.strip() or None
    return None


def install_from_index(name: str, target_version: str | None = None, library_name: str | None = None,
                       check_only: bool = False, find_links: str | None = None, echo=print) -> str:
    """pip install the release (replacing an editable install) and record it in openimis.json."""
    library, requirement = pypi_requirement(name, target_version, library_name)
    current = installed_version(library)
    entry_now = next((entry for entry in conf.load() if entry["name"] == name), None)
    if check_only:
        editable = " (editable: would be uninstalled first)" if is_editable(library) else ""
        echo(f"module '{name}': installed {library} {current or '(not installed)'}{editable}; would run "
             f"pip install {requirement}")
        echo(f"module '{name}': openimis.json entry {entry_now} would become "
             f"{{'name': '{name}', 'pip': '{requirement}'}} in {conf.conf_path()}")
        return requirement
    if is_editable(library):  # pip would keep a local checkout of the same version: remove it first
        echo(f"module '{name}': replacing the editable install of {library}")
        pip_uninstall(library, echo=echo)
    arguments = ["install", requirement]
    if find_links:
        arguments += ["--no-index", "--find-links", find_links]
    pip(*arguments, echo=echo)
    conf.register(name, requirement)
    echo(f"module '{name}': {library} {installed_version(library)} installed; openimis.json updated")
    return requirement
