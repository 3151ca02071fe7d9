"""One benchmark of `openimis serve`: start-up, memory, single-client latency, throughput, SQL floor.

    python bench/run.py [--db sqlite|postgresql] [--insurees N] [--workers 1,2] [--rounds 50]
                        [--json out.json] [--keep-db] [--db-name NAME | --data-dir DIR]

Standard library only. It starts `openimis serve` (the repository's .venv first) on 127.0.0.1 and free
ports, stops what it started by PID, and removes its temporary folder. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import load
import operations
import postgres
import report
import server
import sqlfloor
from server import BenchError, Client

STRIPPED_VARIABLES = ("OPENIMIS_DATA_DIR", "DEMO_DATASET", "MODE", "CELERY_BROKER_URL", "SCHEDULER_AUTOSTART",
                      "DB_QUERIES_LOG_FILE", "DEBUG_LOG_FILE", "CACHE_BACKEND", "CACHE_URL", "NO_DATABASE")
STRIPPED_PREFIXES = ("DB_", "PSQL_DB_", "MSSQL_DB_", "RATELIMIT_")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--insurees", type=int, help="generate this many insurees first "
                        "(openimis manage generate_data --insurees N --seed 1), server stopped")
    parser.add_argument("--workers", default="1,2", help="server processes to measure throughput with")
    parser.add_argument("--rounds", type=int, default=50, help="timed requests of each operation")
    parser.add_argument("--warmup", type=int, default=3, help="untimed rounds of each operation first")
    parser.add_argument("--starts", type=int, default=3, help="start-ups on the existing data (min, median)")
    parser.add_argument("--idle", type=float, default=3, help="seconds after start-up before reading memory")
    parser.add_argument("--connections", default="8,32", help="wrk connections, one run each")
    parser.add_argument("--load-seconds", type=int, default=10, help="duration of each wrk run")
    parser.add_argument("--seed", type=int, default=1, help="seed of the inputs picked from the database")
    parser.add_argument("--json", type=Path, help="write the results there as JSON")
    parser.add_argument("--keep-db", action="store_true",
                        help="keep the database (PostgreSQL) or the data folder (SQLite) and say where")
    parser.add_argument("--db-name", help="PostgreSQL: use this existing, populated database as it is")
    parser.add_argument("--data-dir", type=Path, help="SQLite: use this existing data folder as it is")
    parser.add_argument("--cache-url", help="a Redis cache for the server (CACHE_BACKEND=redis, CACHE_URL "
                        "this); default: serve's own (per process, the database's with --workers N)")
    options = parser.parse_args()
    options.workers = [int(each) for each in options.workers.split(",") if each.strip()]
    options.connections = [int(each) for each in options.connections.split(",") if each.strip()]
    if options.db_name and options.db != "postgresql":
        parser.error("--db-name needs --db postgresql")
    if options.data_dir and options.db != "sqlite":
        parser.error("--data-dir is for --db sqlite")
    if (options.db_name or options.data_dir) and options.insurees:
        parser.error("--insurees generates into a fresh database; an existing one is used as it is")
    if options.rounds < 1 or options.starts < 1 or not options.workers:
        parser.error("--rounds, --starts and --workers need at least one")
    return options


def base_environment(data_dir: Path) -> dict[str, str]:
    """This process's environment without what would point the server elsewhere; the demo dataset on."""
    env = {key: value for key, value in os.environ.items()
           if key not in STRIPPED_VARIABLES and not key.startswith(STRIPPED_PREFIXES)}
    return {**env, "OPENIMIS_DATA_DIR": str(data_dir), "DEMO_DATASET": "true"}


def versions(database: str, db_name: str | None) -> dict:
    code = ("import json, platform, sqlite3\nfrom importlib import metadata\nfound = {}\n"
            "for name in ('openimis-lite', 'Django', 'graphene', 'graphene-django', 'graphql-core', "
            "'psycopg', 'waitress', 'gunicorn'):\n    try:\n        found[name] = metadata.version(name)\n"
            "    except metadata.PackageNotFoundError:\n        pass\n"
            "found['python'] = platform.python_version()\nfound['sqlite'] = sqlite3.sqlite_version\n"
            "print(json.dumps(found))")
    result = subprocess.run([server.openimis_python(), "-c", code], capture_output=True, text=True)
    found = json.loads(result.stdout) if result.returncode == 0 else {}
    if database == "postgresql" and db_name:
        found["postgresql"] = postgres.server_version(db_name)
    found["wrk"] = load.wrk_version()
    head = subprocess.run(["git", "-C", str(server.REPOSITORY), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True)
    changed = subprocess.run(["git", "-C", str(server.REPOSITORY), "status", "--porcelain",
                              "--untracked-files=no"], capture_output=True, text=True)
    if head.returncode == 0:
        found["commit"] = head.stdout.strip()
        found["uncommitted_changes"] = len(changed.stdout.splitlines())
    return found


def machine() -> dict:
    load_average = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"system": f"{platform.system()} {platform.machine()}", "cores": os.cpu_count(),
            "load_average_at_start": load_average, "driver_python": platform.python_version()}


def check_generate_data(env: dict[str, str], work_dir: Path) -> None:
    result = subprocess.run([*server.openimis_command(), "manage", "help", "generate_data"], env=env,
                            cwd=work_dir, capture_output=True, text=True)
    if result.returncode != 0:
        said = (result.stderr or result.stdout).strip()[-200:]
        raise BenchError("--insurees needs `openimis manage generate_data --insurees N --seed 1`, which "
                         f"this installation does not have yet ({said})")


def generate_data(env: dict[str, str], work_dir: Path, insurees: int) -> float:
    log_path = work_dir / "generate_data.log"
    started = time.perf_counter()
    with open(log_path, "wb") as log:
        command = [*server.openimis_command(), "manage", "generate_data", "--insurees", str(insurees),
                   "--seed", "1"]
        result = subprocess.run(command, env=env, cwd=work_dir, stdout=log, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise BenchError(f"generate_data failed ({result.returncode}):\n{server.tail(log_path)}")
    return time.perf_counter() - started


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: with 50 values, p90 is the 45th and p99 the 50th, the worst."""
    rank = max(1, min(len(sorted_values), math.ceil(fraction * len(sorted_values) - 1e-9)))
    return sorted_values[rank - 1]


def time_operations(port: int, token: str, chosen: list[operations.Operation], rounds: int,
                    warmup: int) -> list[dict]:
    admin, anonymous = Client(port, token), Client(port)
    rows = []
    try:
        for operation in chosen:
            client = anonymous if operation.anonymous else admin
            timings = []
            try:
                for round_ in range(warmup):
                    operation.perform(client, rounds + round_)
                for round_ in range(rounds):
                    started = time.perf_counter()
                    operation.perform(client, round_)
                    timings.append((time.perf_counter() - started) * 1000)
            except (BenchError, OSError, ValueError, KeyError, TypeError) as error:
                rows.append({"operation": operation.name, "error": str(error)[:300]})
                print(f"  {operation.name}: FAILED {str(error)[:200]}", flush=True)
                continue
            timings.sort()
            row = {"operation": operation.name, "rounds": rounds,
                   "median_ms": round(statistics.median(timings), 2),
                   "p90_ms": round(percentile(timings, 0.90), 2),
                   "p99_ms": round(percentile(timings, 0.99), 2),
                   "min_ms": round(timings[0], 2), "max_ms": round(timings[-1], 2)}
            rows.append(row)
            print(f"  {operation.name}: median {row['median_ms']} ms", flush=True)
    finally:
        admin.close()
        anonymous.close()
    return rows


def sql_floor(port: int, token: str, chosen: list[operations.Operation], query_log: sqlfloor.QueryLog,
              database: str, db_name: str | None, sqlite_file: Path) -> dict[str, dict]:
    """One request of each operation (after an untimed one), its statements, EXPLAIN on PostgreSQL."""
    admin, anonymous = Client(port, token), Client(port)
    floors = {}
    try:
        for operation in chosen:
            client = anonymous if operation.anonymous else admin
            try:
                operation.perform(client, 1000)
                time.sleep(0.05)
                mark = query_log.mark()
                operation.perform(client, 1001)
                time.sleep(0.2)  # the file handler has flushed by the answer; leave it a moment anyway
                statements = query_log.statements_since(mark)
                if database == "postgresql":
                    timed, planner = sqlfloor.explain(db_name, statements), True
                else:
                    timed, planner = sqlfloor.time_sqlite(sqlite_file, statements), False
                floors[operation.name] = sqlfloor.summarize(statements, timed, planner)
            except (BenchError, OSError, ValueError, KeyError, TypeError) as error:
                floors[operation.name] = {"error": str(error)[:300]}
                print(f"  SQL of {operation.name}: FAILED {str(error)[:200]}", flush=True)
    finally:
        admin.close()
        anonymous.close()
    return floors


class Bench:
    """The servers started, the results gathered; `stop_all` on the way out."""

    def __init__(self, options: argparse.Namespace, work_dir: Path, env: dict[str, str]):
        self.options = options
        self.work_dir = work_dir
        self.env = env
        self.running: list[server.Server] = []
        self.results: dict = {"startup": [], "memory": [], "throughput": [], "operations": [], "sql": {}}
        self.starts = 0

    def start(self, kind: str, workers: int = 1, extra_env: dict[str, str] | None = None,
              record: bool = True) -> server.Server:
        self.starts += 1
        log_path = self.work_dir / f"serve-{self.starts}.log"
        print(f"starting openimis serve ({kind}, --workers {workers}) ...", flush=True)
        started = server.start({**self.env, **(extra_env or {})}, log_path, workers)
        self.running.append(started)
        if record:
            self.results["startup"].append({"kind": kind, "workers": workers,
                                            "seconds": round(started.startup_seconds, 3),
                                            "cpu_seconds": started.startup_cpu_seconds})
        print(f"  answered after {started.startup_seconds:.2f} s", flush=True)
        return started

    def stop(self, running: server.Server) -> None:
        server.stop(running)
        self.running.remove(running)

    def stop_all(self) -> None:
        for running in list(self.running):
            self.stop(running)

    def memory(self, running: server.Server, moment: str) -> None:
        self.results["memory"].append({"workers": running.workers, "moment": moment,
                                       **server.server_memory(running.pid)})

    def throughput(self, running: server.Server, token: str, bodies: list[dict]) -> None:
        if not load.wrk_path():
            print(load.INSTALL_HINT, flush=True)
            return
        load.check_bodies(running.port, token, bodies)
        for connections in self.options.connections:
            print(f"  wrk: {connections} connections, {self.options.load_seconds} s ...", flush=True)
            try:
                figures = load.run_wrk(running.port, token, bodies, connections, self.options.load_seconds)
            except BenchError as error:
                figures = {"connections": connections, "error": str(error)[:300]}
                print(f"  FAILED {error}", flush=True)
            self.results["throughput"].append({"workers": running.workers, **figures})


def run(options: argparse.Namespace, work_dir: Path) -> dict:
    database = options.db
    fresh = not (options.db_name or options.data_dir)
    data_dir = options.data_dir.resolve() if options.data_dir else work_dir / "data"
    data_dir.mkdir(exist_ok=True)
    env = base_environment(data_dir)
    if options.cache_url:
        env.update({"CACHE_BACKEND": "redis", "CACHE_URL": options.cache_url})
    db_name = options.db_name
    if database == "postgresql":
        if fresh:
            db_name = f"openimis_bench_{os.getpid()}_{''.join(random.choices(string.ascii_lowercase, k=4))}"
        elif not postgres.database_exists(db_name):
            raise BenchError(f"no database {db_name}")
        env.update(postgres.server_env(db_name))
    bench = Bench(options, work_dir, env)
    bench.results["settings"] = {"db": database, "insurees": options.insurees, "rounds": options.rounds,
                                 "warmup": options.warmup, "workers": options.workers,
                                 "connections": options.connections, "load_seconds": options.load_seconds,
                                 "seed": options.seed, "fresh": fresh, "db_name": db_name,
                                 "data_dir": str(data_dir) if database == "sqlite" else None}
    if options.insurees:
        check_generate_data(env, work_dir)
    created = False
    try:
        if database == "postgresql" and fresh:
            postgres.create_database(db_name)
            created = True
        if fresh:
            bench.stop(bench.start("fresh (migrations, demo dataset)"))
        if options.insurees:
            print(f"generating {options.insurees} insurees (server stopped) ...", flush=True)
            bench.results["generate_data_seconds"] = round(generate_data(env, work_dir, options.insurees), 1)
            said = server.tail(work_dir / "generate_data.log", 1)
            bench.results["generate_data_said"] = said
        for _ in range(options.starts - 1):
            bench.stop(bench.start("existing data"))
        measure(bench, bench.start("existing data"), database, db_name)
        return bench.results
    finally:
        bench.stop_all()
        if created and not options.keep_db:
            postgres.drop_database(db_name)
        elif created:
            print(f"database kept: {db_name} (reuse it with --db postgresql --db-name {db_name})", flush=True)


def measure(bench: Bench, running: server.Server, database: str, db_name: str | None) -> None:
    options = bench.options
    time.sleep(options.idle)
    bench.memory(running, "idle")
    server.login(running.port)  # the first login after the demo load re-hashes the stored password
    token = server.login(running.port)
    picker = Client(running.port, token)
    try:
        inputs = operations.pick_inputs(picker, options.seed)
    finally:
        picker.close()
    tag = "".join(random.choices(string.ascii_uppercase + string.digits, k=3))
    chosen = operations.operations(inputs, tag)
    bench.results["inputs"] = {"prefixes": inputs.prefixes, "families": inputs.families,
                               "policy_holders": inputs.policy_holders}
    print(f"timing {len(chosen)} operations, {options.rounds} rounds each ...", flush=True)
    bench.results["operations"] = time_operations(running.port, token, chosen, options.rounds, options.warmup)
    bench.memory(running, "after the latency rounds")
    bodies = [{"query": operations.prefix_search(prefix)} for prefix in inputs.prefixes[:8]]
    for workers in options.workers:
        if workers != running.workers:
            bench.stop(running)
            running = bench.start("existing data", workers)
            time.sleep(options.idle)
            bench.memory(running, "idle")
            token = server.login(running.port)
        bench.throughput(running, token, bodies)
        if load.wrk_path():
            bench.memory(running, "after the load")
    bench.stop(running)
    bench.results["versions"] = versions(database, db_name)
    query_log = sqlfloor.QueryLog(bench.work_dir / "queries.log")
    running = bench.start("existing data, SQL logged", 1, {"DB_QUERIES_LOG_FILE": str(query_log.path)},
                          record=False)
    print("reading the SQL of each operation ...", flush=True)
    sqlite_file = Path(bench.env["OPENIMIS_DATA_DIR"]) / "openimis.sqlite3"
    bench.results["sql"] = sql_floor(running.port, server.login(running.port), chosen, query_log, database,
                                     db_name, sqlite_file)
    bench.stop(running)


def main() -> None:
    options = parse_arguments()
    work_dir = Path(tempfile.mkdtemp(prefix="openimis-bench-"))
    started = datetime.now(timezone.utc)  # noqa: UP017 - runs on any python3
    where = machine()
    results: dict = {}
    try:
        results = run(options, work_dir)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        raise SystemExit(1)
    except KeyboardInterrupt:
        raise SystemExit(130)
    finally:
        if options.keep_db and options.db == "sqlite" and not options.data_dir:
            kept = work_dir.parent / f"{work_dir.name}-data"
            if (work_dir / "data").exists():
                shutil.move(str(work_dir / "data"), kept)
                print(f"data folder kept: {kept} (reuse it with --data-dir {kept})", flush=True)
        shutil.rmtree(work_dir, ignore_errors=True)
    results["date"] = started.isoformat(timespec="seconds")
    results["machine"] = where
    if hasattr(os, "getloadavg"):
        where["load_average_at_end"] = os.getloadavg()[0]
    report.print_report(results)
    if options.json:
        options.json.write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nresults written to {options.json}")


if __name__ == "__main__":
    main()
