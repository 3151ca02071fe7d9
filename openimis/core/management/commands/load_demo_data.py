"""`openimis manage load_demo_data [--folder DIR]`: the openIMIS demo dataset into an empty database."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from openimis.core import services
from openimis.core.legacy_import import LegacyImportError, load_tables
from openimis.core.legacy_import.demo import DEMO_DATA, DEMO_LOGIN


class Command(BaseCommand):
    help = ("Load the official openIMIS demo dataset (or the legacy tables exported as CSV in --folder) "
            "into an empty database. A database that already holds users or data is refused: there is "
            "no merge and no overwrite.")

    def add_arguments(self, parser):
        parser.add_argument("--folder", help="a folder with one CSV per legacy table (default: the demo)")

    def handle(self, *args, **options):
        folder = Path(options["folder"]).resolve() if options["folder"] else DEMO_DATA
        if not folder.is_dir():
            raise CommandError(f"no such folder: {folder}")
        services.ensure_reference_data()
        try:
            report = load_tables(folder)
        except LegacyImportError as error:
            raise CommandError(f"nothing loaded: {error}") from error
        services.ensure_reference_data()
        self.stdout.write(f"loaded {report.summary()}")
        if folder == DEMO_DATA:
            self.stdout.write(f"log in as {DEMO_LOGIN[0]} / {DEMO_LOGIN[1]}")
