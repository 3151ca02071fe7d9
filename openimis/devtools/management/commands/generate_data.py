"""`openimis manage generate_data [--insurees N] [--claims M] [--seed 1] [--batch 5000]`: a synthetic
population over the villages, products and officers of the database (see openimis/devtools/generator.py),
then claims of its health facilities for its insurees (openimis/devtools/claims.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from openimis.devtools.generator import GenerationRefused, generate


def _count(text: str) -> int:
    number = int(text)
    if number < 0:
        raise ValueError(text)
    return number


def _positive(text: str) -> int:
    number = int(text)
    if number <= 0:
        raise ValueError(text)
    return number


class Command(BaseCommand):
    help = ("Generate about N insurees in families of 1 to 7 over the existing villages, with policies on "
            "the existing products, their coverage and contributions, and/or M claims with their item and "
            "service lines over the existing health facilities and insurees (load the demo dataset first). "
            "Bulk writes, one transaction per batch; the same seed gives the same data.")

    def add_arguments(self, parser):
        parser.add_argument("--insurees", type=_count, default=0, help="how many insurees (about)")
        parser.add_argument("--claims", type=_count, default=0,
                            help="how many claims, made after the insurees (default none)")
        parser.add_argument("--seed", type=int, default=1, help="seed of the random draws (default 1)")
        parser.add_argument("--batch", type=_positive, default=5000,
                            help="insurees, or claims, written per transaction (default 5000)")
        parser.add_argument("--reference-checks", action="store_true",
                            help="PostgreSQL: check every foreign key as rows are written, even when "
                                 "connected as a superuser, who by default skips these triggers as "
                                 "pg_restore --disable-triggers does (slower)")

    def handle(self, *args, **options):
        if not options["insurees"] and not options["claims"]:
            raise CommandError("say how many rows to generate: --insurees N and/or --claims M")
        common = {"seed": options["seed"], "batch": options["batch"],
                  "reference_checks": options["reference_checks"], "progress": self.stdout.write}
        try:
            if options["insurees"]:
                report = generate(options["insurees"], **common)
                self.stdout.write(f"generated {report.summary()}")
            if options["claims"]:
                from openimis.devtools.claims import generate_claims

                report = generate_claims(options["claims"], **common)
                self.stdout.write(f"generated {report.summary()}")
        except GenerationRefused as error:
            raise CommandError(str(error)) from error
