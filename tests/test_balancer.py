"""Two `openimis serve` processes behind a real HAProxy (Debian's package; skipped when it is missing).

HAProxy checks the servers with its default `option httpchk` (`OPTIONS / HTTP/1.0`, no Host header) and
adds `X-Forwarded-For` (`option forwardfor`); the servers run MODE=PROD with TRUSTED_PROXIES naming
HAProxy's address and share the database's cache. Clients connect from different loopback addresses,
so each has its own rate-limit budget and its own lockout, whichever server answers.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import time

import pytest

from tests.live_server import (
    ADMIN,
    TOKEN_AUTH,
    OpenIMISProcess,
    database_env,
    drop_database,
    free_port,
    process_env,
    wait_until_answers,
)

HAPROXY = shutil.which("haproxy") or next(
    (path for path in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if os.path.exists(path)), None)

pytestmark = [pytest.mark.slow,  # starts servers and HAProxy
              pytest.mark.skipif(HAPROXY is None, reason="HAProxy is not installed: apt-get install haproxy")]

DATABASE = f"openimis_balancer_test_{os.getpid()}"
LOCKED_OUT = "Too many failed login attempts, try again later"

HAPROXY_CONFIG = """
global
    stats socket {socket} level admin
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend web
    bind 127.0.0.1:{port}
    default_backend openimis
backend openimis
    balance roundrobin
    option forwardfor
    option httpchk
    server first 127.0.0.1:{first} check inter 300ms fall 2 rise 1
    server second 127.0.0.1:{second} check inter 300ms fall 2 rise 1
"""


def haproxy_states(socket_path) -> dict[str, str]:
    """Server name -> status (UP, DOWN, ...) from HAProxy's stats socket."""
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(str(socket_path))
        sock.sendall(b"show stat\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    lines = data.decode().splitlines()
    header = lines[0].lstrip("# ").split(",")
    rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]
    return {row["svname"]: row["status"] for row in rows if row.get("pxname") == "openimis"
            and row["svname"] not in ("BACKEND", "FRONTEND")}


def wait_for_states(socket_path, expected: dict[str, str], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    states = {}
    while time.monotonic() < deadline:
        states = haproxy_states(socket_path)
        if all(states.get(name, "").startswith(status) for name, status in expected.items()):
            return
        time.sleep(0.1)
    raise AssertionError(f"HAProxy sees {states}, expected {expected}")


@pytest.fixture(scope="module")
def balancer(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("balancer")
    env = process_env(data_dir, {**database_env(DATABASE), "MODE": "PROD", "SECRET_KEY": "balancer-test-key",
                                 "CACHE_BACKEND": "database", "TRUSTED_PROXIES": "127.0.0.1",
                                 "RATELIMIT_RATE": "6/m", "LOGIN_LOCKOUT_ATTEMPTS": "3"})
    servers = []
    haproxy = None
    try:
        for name in ("first", "second"):  # one after the other: the first makes the database
            port = free_port()
            server = OpenIMISProcess(["serve", "--port", str(port), "--threads", "2"], data_dir, env, name)
            servers.append((server, port))
            wait_until_answers(server, f"http://127.0.0.1:{port}")
        port = free_port()
        socket_path = data_dir / "haproxy.sock"
        config = data_dir / "haproxy.cfg"
        config.write_text(HAPROXY_CONFIG.format(socket=socket_path, port=port, first=servers[0][1],
                                                second=servers[1][1]))
        haproxy_log = open(data_dir / "haproxy.log", "wb")  # noqa: SIM115 - closed below
        haproxy = subprocess.Popen([HAPROXY, "-db", "-f", str(config)], stdout=haproxy_log,
                                   stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while not socket_path.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        yield {"port": port, "socket": socket_path, "servers": servers}
    finally:
        if haproxy is not None:
            haproxy.terminate()
            haproxy.wait(timeout=10)
            haproxy_log.close()
        for server, _ in servers:
            server.stop()
        drop_database(DATABASE)


def graphql_from(address: str, port: int, query: str, variables: dict | None = None) -> tuple[int, dict]:
    """POST a GraphQL query to HAProxy from the loopback address `address` (127.0.0.x)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(address, 0))
    try:
        body = json.dumps({"query": query, **({"variables": variables} if variables else {})})
        connection.request("POST", "/api/graphql", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def stay_in_one_rate_window():
    if time.time() % 60 > 50:
        time.sleep(60 - time.time() % 60 + 0.1)


def test_haproxy_default_check_finds_both_servers_up(balancer):
    wait_for_states(balancer["socket"], {"first": "UP", "second": "UP"})


def test_each_client_behind_haproxy_has_its_own_rate_limit_budget(balancer):
    wait_for_states(balancer["socket"], {"first": "UP", "second": "UP"})
    stay_in_one_rate_window()
    port = balancer["port"]
    first = [graphql_from("127.0.0.4", port, "{ passwordPolicy }")[0] for _ in range(7)]
    second = [graphql_from("127.0.0.5", port, "{ passwordPolicy }")[0] for _ in range(6)]
    assert first == [200] * 6 + [429]  # counted across both servers (round robin)
    assert second == [200] * 6


def test_each_client_behind_haproxy_has_its_own_lockout(balancer):
    wait_for_states(balancer["socket"], {"first": "UP", "second": "UP"})
    stay_in_one_rate_window()
    port = balancer["port"]
    for _ in range(3):
        _, result = graphql_from("127.0.0.2", port, TOKEN_AUTH, {"u": ADMIN[0], "p": "wrong-one"})
        assert result["errors"][0]["message"] == "Please enter valid credentials"
    _, result = graphql_from("127.0.0.2", port, TOKEN_AUTH, {"u": ADMIN[0], "p": ADMIN[1]})
    assert result["errors"][0]["message"] == LOCKED_OUT
    status, result = graphql_from("127.0.0.3", port, TOKEN_AUTH, {"u": ADMIN[0], "p": ADMIN[1]})
    assert status == 200 and "errors" not in result, result


def test_a_stopped_server_is_taken_out_and_the_other_answers(balancer):
    wait_for_states(balancer["socket"], {"first": "UP", "second": "UP"})
    server, _ = balancer["servers"][1]
    server.stop()
    wait_for_states(balancer["socket"], {"first": "UP", "second": "DOWN"})
    connection = http.client.HTTPConnection("127.0.0.1", balancer["port"], timeout=10)
    with contextlib.closing(connection):
        for _ in range(4):
            connection.request("GET", "/api/health/ready")
            response = connection.getresponse()
            assert response.status == 200, response.read()
            response.read()
