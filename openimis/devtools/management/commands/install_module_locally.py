from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from openimis.devtools import installer
from openimis.devtools.management.commands._base import DevtoolsErrors, default_base_folder


class Command(BaseCommand):
    help = ("Replace an installed module by an editable local checkout (an existing folder, or a git clone "
            "next to the project) and update openimis.json")

    def add_arguments(self, parser):
        parser.add_argument("name", help="a module name, or all (every non-built-in module of openimis.json)")
        parser.add_argument("--url", help="git URL to clone (default: the openIMIS GitHub repository)")
        parser.add_argument("--branch", help="git branch or tag to clone")
        parser.add_argument("--path", help="an existing checkout to install instead of cloning")

    def handle(self, *args, **options):
        names = installer.module_names(options["name"])
        if options["name"] == "all" and (options["url"] or options["path"]):
            raise CommandError("--url and --path name one module; not usable with all")
        if not names:
            self.stdout.write("no module to install: openimis.json lists built-in modules only")
        with DevtoolsErrors():
            for name in names:
                path = Path(options["path"]) if options["path"] else None
                folder = installer.install_locally(name, default_base_folder(), options["url"],
                                                   options["branch"], path, echo=self.stdout.write)
                self.stdout.write(self.style.SUCCESS(f"module '{name}' installed from {folder}"))
