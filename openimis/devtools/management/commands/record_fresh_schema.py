"""`openimis manage record_fresh_schema`: record what the migrations make of a new SQLite database
(`openimis/fresh_schema.sqlite.json`, see `openimis.fresh_schema`). Run it after adding or changing a
migration; `openimis serve` runs the migrations one by one until then."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from openimis import fresh_schema


class Command(BaseCommand):
    help = ("Run the migrations on a new SQLite database (in a temporary folder) and record the result "
            "for `openimis serve` to create new SQLite databases from.")

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(fresh_schema.RECORDING), help="where to write it")

    def handle(self, *args, **options):
        key = fresh_schema.current_key()
        if key is None:
            raise CommandError("a migration has no source file: nothing recorded")
        with tempfile.TemporaryDirectory(prefix="openimis-fresh-schema-") as folder:
            database = Path(folder) / "openimis.sqlite3"
            environment = {name: value for name, value in os.environ.items()
                           if not name.startswith("DB_") and name not in {"NO_DATABASE", "DJANGO_MIGRATE"}}
            environment.update({"OPENIMIS_DATA_DIR": folder, "DB_ENGINE": "sqlite", "DB_NAME": str(database)})
            result = subprocess.run([sys.executable, "-m", "openimis.cli", "manage", "migrate", "-v0"],
                                    cwd=folder, env=environment, capture_output=True, text=True)
            if result.returncode != 0:
                raise CommandError(f"migrate failed:\n{result.stdout}{result.stderr}")
            recording = fresh_schema.record(database, key)
        output = Path(options["output"])
        output.write_text(fresh_schema.dumps(recording), encoding="utf-8")
        self.stdout.write(f"recorded {len(recording['schema'])} tables and indexes, "
                          f"{sum(len(table['rows']) for table in recording['rows'])} rows and "
                          f"{len(recording['migrations'])} migrations in {output}")
