from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from openimis.devtools import translations


class Command(BaseCommand):
    help = ("Collect the translatable messages of every enabled module (or of --module) into the module's "
            "locale/<language>/LC_MESSAGES/django.po; --compile also writes the .mo files")

    def add_arguments(self, parser):
        parser.add_argument("--module", action="append", dest="modules", help="a module's logical name "
                            "(repeatable; default: every enabled module)")
        parser.add_argument("--locale", action="append", dest="languages",
                            help="a language code (repeatable; default: en and fr)")
        parser.add_argument("--compile", action="store_true", help="then compile the catalogues (.mo)")

    def handle(self, *args, **options):
        verbosity = max(options["verbosity"] - 1, 0)
        try:
            done = translations.extract(options["modules"], options["languages"], verbosity)
            for name, locale_dir in done.items():
                self.stdout.write(f"{name}: {locale_dir}")
            if options["compile"]:
                for path in translations.compile_catalogues(options["modules"], verbosity):
                    self.stdout.write(f"compiled {path}")
        except translations.TranslationError as error:
            raise CommandError(str(error)) from error
