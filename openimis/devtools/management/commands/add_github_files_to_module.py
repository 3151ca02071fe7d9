from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from openimis.devtools import scaffold
from openimis.devtools.management.commands._base import DevtoolsErrors, base_folder


class Command(BaseCommand):
    help = "Add .github/workflows/ci.yml, publish.yml and .gitignore to a module folder (existing files kept)"

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--path", help="the module folder (default: openimis-be-<name> next to the "
                                                   "project)")

    def handle(self, *args, **options):
        name = options["name"]
        folder = Path(options["path"]).resolve() if options["path"] else \
            scaffold.module_folder(name, base_folder(None))
        with DevtoolsErrors():
            written = scaffold.add_github_files(folder, name)
        for path in written:
            self.stdout.write(f"wrote {path}")
        if not written:
            self.stdout.write("nothing to add: the files exist")
