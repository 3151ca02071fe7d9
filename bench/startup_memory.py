"""Start-up time, idle memory and request latency of `openimis serve` (a benchmark, not a test).

    python bench/startup_memory.py [--rounds 200] [--idle 5]

1. cold start: a fresh data folder (SQLite, migrations run, demo administrator created);
2. warm start: the same data folder again;
   each measured from process spawn to the first successful answer of
   POST /api/graphql {"query": "{ moduleConfigurations { module } }"};
3. idle resident memory a few seconds after the warm start: the server process, any forked workers, the sum
   (VmRSS and PSS from /proc on Linux; `ps` RSS elsewhere);
4. latency of sequential requests on one kept-alive connection: anonymous `moduleConfigurations`, and
   `users(first: 10)` as Admin (Bearer token).

The server helpers are shared with bench/run.py (bench/server.py), the fuller benchmark.

It uses the environment it is started with (DB_* variables select another database; then the "cold"
start is only as cold as that database).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import server
from server import PROBE, Client

USERS = {"query": "{ users(first: 10) { totalCount edges { node { id username } } } }"}


def start(data_dir: Path, env: dict[str, str]) -> tuple[server.Server, float, float | None]:
    """`openimis serve` on that data folder; the server, the seconds until the probe query first answered,
    and the CPU seconds the server processes had used by then (which a busy machine does not inflate)."""
    started = server.start(env, data_dir / f"serve-{server.free_port()}.log")
    return started, started.startup_seconds, started.startup_cpu_seconds


def latency(client: Client, body: dict, rounds: int) -> tuple[float, float]:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        answer = client.post(body)
        timings.append((time.perf_counter() - started) * 1000)
        if "errors" in answer:
            raise SystemExit(f"query failed: {answer['errors']}")
    client.close()
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]


def startup_rows(kind: str, runs: list[tuple[float, float | None]]) -> list[tuple[str, str]]:
    wall = [seconds for seconds, _ in runs]
    rows = [(f"start-up to first answer, {kind}: min / median wall time",
             f"{min(wall):.2f} / {statistics.median(wall):.2f} s")]
    cpu = [seconds for _, seconds in runs if seconds is not None]
    if cpu:
        rows.append((f"start-up to first answer, {kind}: min CPU time (server processes)",
                     f"{min(cpu):.2f} s"))
    return rows


def mib(kib: int | None) -> str:
    return "-" if kib is None else f"{kib / 1024:.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200, help="requests per latency figure")
    parser.add_argument("--idle", type=float, default=5, help="seconds to wait before reading memory")
    parser.add_argument("--repeat", type=int, default=3, help="start-ups of each kind (min and median shown)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folders")
    options = parser.parse_args()

    base_dir = Path(tempfile.mkdtemp(prefix="openimis-bench-"))
    rows: list[tuple[str, str]] = []
    try:
        cold: list[tuple[float, float | None]] = []
        for attempt in range(options.repeat):
            data_dir = base_dir / f"data-{attempt}"
            data_dir.mkdir()
            env = {**os.environ, "OPENIMIS_DATA_DIR": str(data_dir), "DEMO_DATASET": "true"}
            running, seconds, cpu = start(data_dir, env)
            server.stop(running)
            cold.append((seconds, cpu))
        rows.extend(startup_rows("cold (fresh data folder, migrations)", cold))

        warm: list[tuple[float, float | None]] = []
        for _ in range(options.repeat - 1):
            running, seconds, cpu = start(data_dir, env)
            server.stop(running)
            warm.append((seconds, cpu))
        running, seconds, cpu = start(data_dir, env)
        warm.append((seconds, cpu))
        try:
            rows.extend(startup_rows("warm (same data folder)", warm))
            time.sleep(options.idle)
            memory = server.server_memory(running.pid)
            workers = memory["processes"] - 1
            rows.append((f"idle RSS, server process (pid {running.pid})", mib(memory["server_rss_kib"])))
            if workers:
                rows.append((f"idle RSS, forked worker processes ({workers})",
                             mib(sum(memory["workers_rss_kib"]))))
            rows.append((f"idle RSS, all {1 + workers} process(es)", mib(memory["rss_kib"])))
            if memory["pss_kib"] is not None:
                rows.append(("idle PSS, all processes (shared pages counted once)", mib(memory["pss_kib"])))

            median, p95 = latency(Client(running.port), PROBE, options.rounds)
            rows.append((f"moduleConfigurations, anonymous, {options.rounds} sequential: median / p95",
                         f"{median:.1f} / {p95:.1f} ms"))
            admin = Client(running.port, server.login(running.port))
            median, p95 = latency(admin, USERS, options.rounds)
            rows.append((f"users(first: 10) as Admin, {options.rounds} sequential: median / p95",
                         f"{median:.1f} / {p95:.1f} ms"))
            after = server.server_memory(running.pid)
            rows.append(("after the latency runs: RSS sum", mib(after["rss_kib"])))
            if after["pss_kib"] is not None:
                rows.append(("after the latency runs: PSS sum", mib(after["pss_kib"])))
        finally:
            server.stop(running)
    finally:
        if options.keep:
            print(f"data folders kept: {base_dir}")
        else:
            shutil.rmtree(base_dir, ignore_errors=True)

    database = os.environ.get("DB_ENGINE") or "sqlite"
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(f"\nopenIMIS Lite start-up and memory — {platform.system()} {platform.machine()}, "
          f"{os.cpu_count()} cores{load}, Python {platform.python_version()}, database {database}\n")
    width = max(len(name) for name, _ in rows)
    print(f"{'measure'.ljust(width)} | value")
    print(f"{'-' * width}-|-{'-' * 20}")
    for name, value in rows:
        print(f"{name.ljust(width)} | {value}")


if __name__ == "__main__":
    main()
