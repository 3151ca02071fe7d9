"""How long one `submitClaims` of 100 claims takes, and one `processClaims` of the same 100.

    python bench/claim_submission.py [--db sqlite|postgresql] [--claims 100] [--rounds 3]

It builds the world of spec Appendix B in a fresh database (a facility with price lists, a product with
a deductible and a ceiling, an insured family with an active policy); each round enters `--claims`
claims of two item lines and one service line each, then sends the two mutations as fe-claim does,
through the whole Django stack (middleware, JWT, GraphQL, mutation log, services, one transaction), in
this process, and times each from the request to its answer (the work runs before the answer in embedded
mode). It prints the figures and removes what it created.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import string
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import postgres  # noqa: E402


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--claims", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args()


def configure(database: str, work_dir: Path) -> str | None:
    """Point Django at a fresh database; the PostgreSQL database's name (to drop) or None."""
    for key in [key for key in os.environ if key.startswith(("DB_", "PSQL_DB_", "MSSQL_DB_"))]:
        del os.environ[key]
    os.environ.update({"OPENIMIS_DATA_DIR": str(work_dir), "DJANGO_SETTINGS_MODULE": "openimis.settings",
                       "MODE": "DEV", "RATELIMIT_ENABLE": "false"})
    if database != "postgresql":
        return None
    name = f"openimis_claims_{os.getpid()}_{''.join(random.choices(string.ascii_lowercase, k=4))}"
    postgres.create_database(name)
    os.environ.update(postgres.server_env(name))
    return name


def mutation(name: str, uuids: list[str]) -> str:
    listed = ", ".join(f'"{value}"' for value in uuids)
    return (f'mutation {{ {name}(input: {{ clientMutationId: "{uuid.uuid4()}", '
            f'clientMutationLabel: "bench {name}", uuids: [{listed}] }}) '
            "{ clientMutationId internalId } }")


def build_world():
    from openimis.claim.tests.claim_fixtures import appendix_b_world
    from openimis.core import services as core_services

    world = appendix_b_world("BN")
    world.second_item = world.add_item("I2", price="7")
    core_services.create_administrator("benchadmin", "Bench-pass-1", "Bench", "Admin")
    return world


def one_round(world, count: int) -> dict:
    """`count` new claims of the insuree (earlier rounds' claims consume the same ceiling), submitted and
    processed."""
    from django.test import Client

    from openimis.claim.models import Claim, ClaimStatus
    from openimis.core.models import MutationLog

    claims = [world.claim(items=[(world.item, 2, 6), (world.second_item, 1, 7)],
                          services=[(world.service, 1, 120)]) for _ in range(count)]
    uuids = [claim.uuid for claim in claims]
    client = Client()
    login = client.post("/api/graphql", json.dumps({
        "query": 'mutation { tokenAuth(username: "benchadmin", password: "Bench-pass-1") { token } }'}),
        content_type="application/json").json()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {login['data']['tokenAuth']['token']}"}
    figures = {}
    for name, expected in (("submitClaims", ClaimStatus.CHECKED), ("processClaims", ClaimStatus.VALUATED)):
        started = time.perf_counter()
        answer = client.post("/api/graphql", json.dumps({"query": mutation(name, uuids)}),
                             content_type="application/json", **headers).json()
        figures[name] = time.perf_counter() - started
        log = MutationLog.objects.get(pk=answer["data"][name]["internalId"])
        if log.status != MutationLog.SUCCESS:
            raise SystemExit(f"{name} failed: {log.error}")
        reached = Claim.objects.current().filter(uuid__in=uuids, status=expected).count()
        if reached != count:
            raise SystemExit(f"{name}: {reached} of {count} claims reached status {expected}")
    return figures


def main() -> None:
    options = parse_arguments()
    with tempfile.TemporaryDirectory(prefix="openimis-claims-bench-") as folder:
        created = configure(options.db, Path(folder))
        try:
            import django

            django.setup()
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            world = build_world()
            rounds = [one_round(world, options.claims) for _ in range(options.rounds)]
        finally:
            if created:
                from django.db import connections

                connections.close_all()
                postgres.drop_database(created)
    print(f"database: {options.db}, {options.claims} claims (2 items + 1 service each), "
          f"{options.rounds} rounds")
    print(f"{'mutation':<16}{'median s':>10}{'min s':>9}{'max s':>9}")
    for name in ("submitClaims", "processClaims"):
        values = [figures[name] for figures in rounds]
        print(f"{name:<16}{statistics.median(values):>10.3f}{min(values):>9.3f}{max(values):>9.3f}")


if __name__ == "__main__":
    main()
