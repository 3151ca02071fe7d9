"""Start and stop `openimis serve` for the benchmarks, read its memory, and talk GraphQL to it.

Standard library only: the benchmark driver runs with the project's virtualenv python or any python3.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
GRAPHQL_PATH = "/api/graphql"
PROBE = {"query": "{ moduleConfigurations { module } }"}


class BenchError(Exception):
    """A request that did not answer as expected (HTTP error, GraphQL errors, missing data)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def openimis_command() -> list[str]:
    """The project's `openimis` command: the repository's virtualenv first, then PATH, then this python."""
    for candidate in (REPOSITORY / ".venv" / "bin" / "openimis",
                      REPOSITORY / ".venv" / "Scripts" / "openimis.exe"):
        if candidate.exists():
            return [str(candidate)]
    found = shutil.which("openimis")
    return [found] if found else [sys.executable, "-m", "openimis.cli"]


def openimis_python() -> str:
    """The interpreter the `openimis` command runs with (to read package versions)."""
    for candidate in (REPOSITORY / ".venv" / "bin" / "python",
                      REPOSITORY / ".venv" / "Scripts" / "python.exe"):
        if candidate.exists():
            return str(candidate)
    return sys.executable


class Client:
    """One keep-alive HTTP connection to the GraphQL endpoint, optionally with a Bearer token."""

    def __init__(self, port: int, token: str | None = None, timeout: float = 60):
        self.port = port
        self.token = token
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def post(self, body: dict) -> dict:
        """POST one GraphQL body; the decoded answer (it may hold `errors`)."""
        data = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        for attempt in (1, 2):  # a kept-alive connection the server closed is opened again once
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                self.connection.request("POST", GRAPHQL_PATH, data, headers)
                response = self.connection.getresponse()
                payload = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
        if response.status != 200:
            raise BenchError(f"HTTP {response.status}: {payload[:300].decode(errors='replace')}")
        return json.loads(payload)

    def data(self, query: str) -> dict:
        """The `data` of a query that must answer without errors."""
        answer = self.post({"query": query})
        if answer.get("errors"):
            raise BenchError(f"GraphQL errors: {json.dumps(answer['errors'])[:400]}")
        return answer["data"]


def login(port: int, username: str = "Admin", password: str = "admin123") -> str:
    """A token from `tokenAuth`."""
    query = f'mutation {{ tokenAuth(username: "{username}", password: "{password}") {{ token }} }}'
    client = Client(port)
    try:
        return client.data(query)["tokenAuth"]["token"]
    finally:
        client.close()


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    workers: int
    log_path: Path
    startup_seconds: float
    startup_cpu_seconds: float | None

    @property
    def pid(self) -> int:
        return self.process.pid


def start(env: dict[str, str], log_path: Path, workers: int = 1, timeout: float = 300) -> Server:
    """Spawn `openimis serve` on 127.0.0.1 and a free port; return once `moduleConfigurations` answers,
    with the seconds from spawn to that answer and the CPU seconds the server processes had used."""
    port = free_port()
    command = [*openimis_command(), "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers)]
    log = open(log_path, "ab")  # noqa: SIM115 - the server process writes to it until it ends
    started = time.perf_counter()
    try:
        process = subprocess.Popen(command, env=env, cwd=log_path.parent, stdout=log,
                                   stderr=subprocess.STDOUT)
    finally:
        log.close()
    probe = Client(port, timeout=5)
    deadline = started + timeout
    try:
        while time.perf_counter() < deadline:
            if process.poll() is not None:
                raise BenchError(f"openimis serve exited with {process.returncode}; see {log_path}:\n"
                                 + tail(log_path))
            try:
                answer = probe.post(PROBE)
                if (answer.get("data") or {}).get("moduleConfigurations") is not None:
                    seconds = time.perf_counter() - started
                    return Server(process, port, workers, log_path, seconds, cpu_seconds(process.pid))
            except (OSError, ValueError, BenchError):
                probe.close()
            time.sleep(0.01)
    except BaseException:
        stop_process(process)
        raise
    finally:
        probe.close()
    stop_process(process)
    raise BenchError(f"openimis serve did not answer within {timeout:.0f} s; see {log_path}")


def stop(server: Server) -> None:
    stop_process(server.process)


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM to the process we started (gunicorn's master stops its own workers), SIGKILL after 20 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    if path.exists():
        return [int(child) for child in path.read_text().split()]
    result = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    if result.returncode != 0:  # BSD ps (macOS)
        result = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(line) for line in result.stdout.split()]


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


def server_memory(pid: int) -> dict:
    """RSS and PSS (KiB) of the server process and of its forked workers, and their sums."""
    workers = children(pid)
    master_rss, master_pss = memory_kib(pid)
    worker_memory = [memory_kib(each) for each in workers]
    rss = master_rss + sum(each_rss for each_rss, _ in worker_memory)
    known = master_pss is not None and all(each_pss is not None for _, each_pss in worker_memory)
    pss = master_pss + sum(each_pss for _, each_pss in worker_memory) if known else None
    return {"processes": 1 + len(workers), "server_rss_kib": master_rss, "server_pss_kib": master_pss,
            "workers_rss_kib": [each_rss for each_rss, _ in worker_memory], "rss_kib": rss, "pss_kib": pss}
