from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from openimis.devtools import installer
from openimis.devtools.management.commands._base import DevtoolsErrors


class Command(BaseCommand):
    help = "Install a module release from the package index (replacing a local one) and update openimis.json"

    def add_arguments(self, parser):
        parser.add_argument("name", help="a module name, or all (every non-built-in module of openimis.json)")
        parser.add_argument("--target-version", help="the version to install (default: the latest)")
        parser.add_argument("--library-name", help="the distribution name (default: from openimis.json, "
                                                   "else openimis-be-<name>)")
        parser.add_argument("--check-only", action="store_true", help="report what would change")
        parser.add_argument("--find-links", help="install from this folder of wheels/sdists only (no index)")

    def handle(self, *args, **options):
        names = installer.module_names(options["name"])
        if options["name"] == "all" and options["library_name"]:
            raise CommandError("--library-name names one module; not usable with all")
        if not names:
            self.stdout.write("no module to install: openimis.json lists built-in modules only")
        with DevtoolsErrors():
            for name in names:
                installer.install_from_index(name, options["target_version"], options["library_name"],
                                             options["check_only"], options["find_links"],
                                             echo=self.stdout.write)
