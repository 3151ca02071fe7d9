"""Module skeletons from the templates in `templates/`: `common/` for every module, then `business/` or
`calculation/`, and `github/` for the CI and publish workflows.

A template file ends in `.tmpl`; `{{key}}` in its text or path is replaced by the module's value, and a
path component `dot-x` becomes `.x` (so that packaging keeps the hidden files)."""

from __future__ import annotations

import datetime
import keyword
import re
import zlib
from pathlib import Path

from graphene.utils.str_converters import to_camel_case

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_CHOICES = ("business", "calculation")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


class ScaffoldError(Exception):
    pass


def check_name(name: str) -> None:
    if not NAME_PATTERN.match(name) or keyword.iskeyword(name):
        raise ScaffoldError(f"module name {name!r}: use lower-case letters, digits and single underscores "
                            "(a Python package name, e.g. my_module)")


def distribution_name(name: str) -> str:
    return "openimis-be-" + name.replace("_", "-")


def module_folder(name: str, base: Path) -> Path:
    return base / distribution_name(name)


def context(name: str, author: str, email: str, template: str) -> dict[str, str]:
    kind = "calculation rule" if template == "calculation" else "module"
    return {
        "module": name,
        "Module": "".join(part.capitalize() for part in name.split("_")),
        "moduleCamel": to_camel_case(name),
        "distribution": distribution_name(name),
        "description": f"openIMIS Lite {kind} {name}",
        "author": author,
        "email": email,
        "year": str(datetime.date.today().year),
        # a block of 100 right codes of its own, from the name (9xxx00..9xxx99: outside openIMIS's)
        "right_base": str(9000 + zlib.crc32(name.encode()) % 1000),
    }


def render(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def _target_path(relative: Path, values: dict[str, str]) -> Path:
    parts = [render(part, values) for part in relative.parts]
    parts = ["." + part[len("dot-"):] if part.startswith("dot-") else part for part in parts]
    parts[-1] = parts[-1].removesuffix(".tmpl")
    return Path(*parts)


def write_template(template: str, folder: Path, values: dict[str, str],
                   overwrite: bool = False) -> list[Path]:
    written = []
    source_root = TEMPLATES / template
    for source in sorted(source_root.rglob("*.tmpl")):
        target = folder / _target_path(source.relative_to(source_root), values)
        if target.exists() and not overwrite:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(source.read_text(encoding="utf-8"), values), encoding="utf-8")
        written.append(target)
    return written


def create_module(name: str, author: str, email: str, base: Path, template: str = "business",
                  github: bool = False) -> Path:
    """Write the module folder `<base>/openimis-be-<name>`; refuse to overwrite an existing one."""
    check_name(name)
    if template not in TEMPLATE_CHOICES:
        raise ScaffoldError(f"unknown template {template!r} (choose {', '.join(TEMPLATE_CHOICES)})")
    folder = module_folder(name, base)
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists")
    values = context(name, author, email, template)
    write_template("common", folder, values)
    write_template(template, folder, values)
    if github:
        write_template("github", folder, values)
    return folder


def add_github_files(folder: Path, name: str) -> list[Path]:
    """CI and publish workflows and a `.gitignore` in an existing module folder (existing files kept)."""
    if not folder.is_dir():
        raise ScaffoldError(f"no module folder {folder}")
    return write_template("github", folder, context(name, "", "", "business"))
