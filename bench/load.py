"""Throughput under concurrent load with wrk: POSTs of the insuree prefix search, several prefixes in turn,
as the logged-in Admin. wrk is the Debian package `wrk` (apt-get install wrk)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from server import GRAPHQL_PATH, BenchError, Client

INSTALL_HINT = ("wrk is not installed: apt-get install wrk (Debian/Ubuntu) or brew install wrk; "
                "throughput skipped")
MARKER = "BENCH-JSON "

# Each wrk thread runs this script in its own Lua state; `done` runs in the main one and reads the
# threads' counters. Every answer is checked for HTTP 200 and for a GraphQL `errors` member.
SCRIPT = r"""
local bodies = { %(bodies)s }
local threads = {}
graphql_errors = 0
not_ok = 0
checked = 0
local turn = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"

function setup(thread)
  table.insert(threads, thread)
end

function request()
  turn = turn %% #bodies + 1
  return wrk.format(nil, nil, nil, bodies[turn])
end

function response(status, headers, body)
  checked = checked + 1
  if status ~= 200 then
    not_ok = not_ok + 1
  elseif string.find(body, '"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
  end
end

function done(summary, latency, requests)
  local errors, bad, seen = 0, 0, 0
  for _, thread in ipairs(threads) do
    errors = errors + thread:get("graphql_errors")
    bad = bad + thread:get("not_ok")
    seen = seen + thread:get("checked")
  end
  io.write(string.format(
    '%(marker)s{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, ' ..
    '"max_us": %%d, "connect_errors": %%d, "read_errors": %%d, "write_errors": %%d, "timeouts": %%d, ' ..
    '"status_errors": %%d, "not_200": %%d, "graphql_errors": %%d, "checked": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status, bad, errors, seen))
end
"""


def wrk_path() -> str | None:
    return shutil.which("wrk") or (Path("/usr/bin/wrk").exists() and "/usr/bin/wrk") or None


def wrk_version() -> str | None:
    path = wrk_path()
    if not path:
        return None
    result = subprocess.run([path, "-v"], capture_output=True, text=True)
    first = (result.stdout or result.stderr).strip().splitlines()
    return first[0] if first else None


def lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def check_bodies(port: int, token: str, bodies: list[dict]) -> None:
    """Each body once, before the load: it must answer with rows and without errors."""
    client = Client(port, token)
    try:
        for body in bodies:
            data = client.data(body["query"])
            if not data["insurees"]["edges"]:
                raise BenchError(f"no insuree found by {body['query'][:120]}...")
    finally:
        client.close()


def run_wrk(port: int, token: str, bodies: list[dict], connections: int, seconds: int,
            threads: int = 2) -> dict:
    """One wrk run; requests/s, latency percentiles (ms) and every kind of error it counted."""
    path = wrk_path()
    if not path:
        raise BenchError(INSTALL_HINT)
    script = SCRIPT % {"bodies": ", ".join(lua_string(json.dumps(body)) for body in bodies),
                       "token": token, "marker": MARKER}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="openimis-bench-") as file:
        file.write(script)
        file.flush()
        command = [path, f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds}s",
                   "--timeout", "30s", "-s", file.name, f"http://127.0.0.1:{port}{GRAPHQL_PATH}"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    lines = [line for line in result.stdout.splitlines() if line.startswith(MARKER)]
    if result.returncode != 0 or not lines:
        raise BenchError(f"wrk failed ({result.returncode}): {result.stderr.strip() or result.stdout[-500:]}")
    raw = json.loads(lines[-1][len(MARKER):])
    seconds_measured = raw["duration_us"] / 1e6
    return {
        "connections": connections,
        "threads": min(threads, connections),
        "seconds": round(seconds_measured, 2),
        "requests": raw["requests"],
        "requests_per_second": round(raw["requests"] / seconds_measured, 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "socket_errors": raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"],
        "non_2xx": raw["not_200"],
        "graphql_errors": raw["graphql_errors"],
        "checked": raw["checked"],
    }
