"""Shared pieces of the module developer commands."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from openimis.devtools.installer import InstallError
from openimis.devtools.scaffold import ScaffoldError


def default_base_folder() -> Path:
    """Next to the project: the parent of the source checkout, else the working directory."""
    root = Path(settings.BASE_DIR)
    if (root / "pyproject.toml").exists() and (root / ".git").exists():
        return root.parent
    return Path.cwd()


def base_folder(option: str | None) -> Path:
    return Path(option).resolve() if option else default_base_folder()


class DevtoolsErrors:
    """Context manager: scaffold and install errors become CommandError (message, exit code 1)."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if isinstance(error, ScaffoldError | InstallError):
            raise CommandError(str(error)) from error
        return False
