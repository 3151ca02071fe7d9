from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from openimis.devtools import translations


class Command(BaseCommand):
    help = "Compile the .po catalogues of every enabled module (or of --module) into .mo files"

    def add_arguments(self, parser):
        parser.add_argument("--module", action="append", dest="modules")

    def handle(self, *args, **options):
        try:
            for path in translations.compile_catalogues(options["modules"], max(options["verbosity"] - 1, 0)):
                self.stdout.write(f"compiled {path}")
        except translations.TranslationError as error:
            raise CommandError(str(error)) from error
