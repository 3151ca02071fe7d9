"""Start-up time, idle memory and request latency of `openimis serve` (a benchmark, not a test).

    python bench/startup_memory.py [--rounds 200] [--idle 5]

1. cold start: a fresh data folder (SQLite, migrations run, demo administrator created);
2. warm start: the same data folder again;
   each measured from process spawn to the first successful answer of
   POST /api/graphql {"query": "{ moduleConfigurations { module } }"};
3. idle resident memory a few seconds after the warm start: the server process, any forked workers, the sum
   (VmRSS and PSS from /proc on Linux; `ps` RSS elsewhere);
4. latency of sequential requests on one keep-alive-free connection each: anonymous
   `moduleConfigurations`, and `users(first: 10)` as Admin.

It uses the environment it is started with (DB_* variables select another database; then the "cold"
start is only as cold as that database).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

PROBE = {"query": "{ moduleConfigurations { module } }"}
USERS = {"query": "{ users(first: 10) { totalCount edges { node { id username } } } }"}
LOGIN = {"query": 'mutation { tokenAuth(username: "Admin", password: "admin123") { token } }'}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def openimis_command() -> list[str]:
    return [sys.executable, "-m", "openimis.cli"]


class Client:
    def __init__(self, url: str):
        self.url = url
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(cookies)

    def post(self, body: dict, timeout: float = 10) -> dict:
        request = urllib.request.Request(self.url, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with self.opener.open(request, timeout=timeout) as response:
            return json.loads(response.read())


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process and its live children (Linux /proc only)."""
    try:
        total = 0.0
        for each in [pid, *children(pid)]:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total
    except (OSError, ValueError, AttributeError):
        return None


def start(data_dir: Path, port: int, env: dict[str, str]) -> tuple[subprocess.Popen, float, float | None]:
    """Spawn `openimis serve`; return it, the seconds until the probe query first answered, and the CPU
    seconds the server processes had used by then (which a busy machine does not inflate)."""
    client = Client(f"http://127.0.0.1:{port}/api/graphql")
    log = open(data_dir / f"serve-{port}.log", "wb")  # noqa: SIM115 - the process owns it until it ends
    started = time.perf_counter()
    process = subprocess.Popen([*openimis_command(), "serve", "--port", str(port)], cwd=data_dir, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    deadline = started + 120
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"openimis serve exited with {process.returncode}; see {log.name}")
        try:
            answer = client.post(PROBE, timeout=2)
            if "data" in answer and answer["data"].get("moduleConfigurations") is not None:
                return process, time.perf_counter() - started, cpu_seconds(process.pid)
        except (OSError, ValueError):
            pass
        time.sleep(0.01)
    stop(process)
    raise SystemExit("openimis serve did not answer within 120 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    if path.exists():
        return [int(child) for child in path.read_text().split()]
    result = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    if result.returncode != 0:  # BSD ps (macOS)
        result = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(line) for line in result.stdout.split()]


def memory_kib(pid: int) -> tuple[int, int | None]:
    """(RSS, PSS) in KiB; PSS only where /proc/<pid>/smaps_rollup exists."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        rss = next(int(line.split()[1]) for line in status.read_text().splitlines()
                   if line.startswith("VmRSS:"))
        pss = None
        rollup = Path(f"/proc/{pid}/smaps_rollup")
        try:
            pss = next(int(line.split()[1]) for line in rollup.read_text().splitlines()
                       if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
        return rss, pss
    result = subprocess.run(["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, text=True, check=True)
    return int(result.stdout.split()[0]), None


def latency(client: Client, body: dict, rounds: int) -> tuple[float, float]:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        answer = client.post(body)
        timings.append((time.perf_counter() - started) * 1000)
        if "errors" in answer:
            raise SystemExit(f"query failed: {answer['errors']}")
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
            process, seconds, cpu = start(data_dir, free_port(), env)
            stop(process)
            cold.append((seconds, cpu))
        rows.extend(startup_rows("cold (fresh data folder, migrations)", cold))

        warm: list[tuple[float, float | None]] = []
        for _ in range(options.repeat - 1):
            process, seconds, cpu = start(data_dir, free_port(), env)
            stop(process)
            warm.append((seconds, cpu))
        port = free_port()
        process, seconds, cpu = start(data_dir, port, env)
        warm.append((seconds, cpu))
        try:
            rows.extend(startup_rows("warm (same data folder)", warm))
            time.sleep(options.idle)
            workers = children(process.pid)
            master_rss, master_pss = memory_kib(process.pid)
            worker_memory = [memory_kib(pid) for pid in workers]
            worker_rss = sum(rss for rss, _ in worker_memory)
            worker_pss = None if any(pss is None for _, pss in worker_memory) or master_pss is None else (
                sum(pss for _, pss in worker_memory))
            rows.append((f"idle RSS, server process (pid {process.pid})", mib(master_rss)))
            if workers:
                rows.append((f"idle RSS, forked worker processes ({len(workers)})", mib(worker_rss)))
            rows.append((f"idle RSS, all {1 + len(workers)} process(es)", mib(master_rss + worker_rss)))
            if worker_pss is not None:
                rows.append(("idle PSS, all processes (shared pages counted once)",
                             mib(master_pss + worker_pss)))

            url = f"http://127.0.0.1:{port}/api/graphql"
            anonymous = Client(url)
            median, p95 = latency(anonymous, PROBE, options.rounds)
            rows.append((f"moduleConfigurations, anonymous, {options.rounds} sequential: median / p95",
                         f"{median:.1f} / {p95:.1f} ms"))
            admin = Client(url)
            admin.post(LOGIN)
            median, p95 = latency(admin, USERS, options.rounds)
            rows.append((f"users(first: 10) as Admin, {options.rounds} sequential: median / p95",
                         f"{median:.1f} / {p95:.1f} ms"))
            after = [memory_kib(pid) for pid in [process.pid, *workers]]
            rows.append(("after the latency runs: RSS sum", mib(sum(rss for rss, _ in after))))
            if all(pss is not None for _, pss in after):
                rows.append(("after the latency runs: PSS sum", mib(sum(pss for _, pss in after))))
        finally:
            stop(process)
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
