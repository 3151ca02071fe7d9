"""Several processes and a balancer in front: real `openimis serve` processes over HTTP.

- `--workers 2` (gunicorn) with no cache configured shares the database's cache: a token revoked by
  logging out is refused by every worker and cannot be refreshed; a cache of each process's own refuses
  to start.
- Liveness checks answer within a second, without a Host header, while every request thread of the
  server (waitress, or gunicorn's workers) waits on a database lock the test holds.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

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

pytestmark = pytest.mark.slow  # starts servers

CURRENT_USER = "/api/core/users/current_user/"
PROD = {"MODE": "PROD", "SECRET_KEY": "scaling-out-test-key"}


@contextlib.contextmanager
def running_server(tmp_path_factory, name: str, arguments: list[str], extra_env: dict[str, str]):
    data_dir = tmp_path_factory.mktemp(name)
    database = f"openimis_{name.replace('-', '_')}_{os.getpid()}"
    db_env = database_env(database)
    port = free_port()
    server = OpenIMISProcess(["serve", "--port", str(port), *arguments], data_dir,
                             process_env(data_dir, {**db_env, **extra_env}), name)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_answers(server, url)
        yield {"url": url, "port": port, "data_dir": data_dir, "db_env": db_env, "server": server}
    finally:
        server.stop()
        drop_database(database)


def http(url: str, method: str = "GET", body: dict | None = None, headers: dict | None = None,
         timeout: float = 30) -> tuple[int, bytes, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def graphql(base_url: str, query: str, variables: dict | None = None, headers: dict | None = None) -> dict:
    status, content, _ = http(base_url + "/api/graphql", "POST",
                              {"query": query, **({"variables": variables} if variables else {})}, headers)
    assert status in (200, 400), (status, content[:300])
    return json.loads(content)


def raw_request(port: int, request: bytes, timeout: float) -> bytes:
    """Send `request` as it is (no Host header unless it has one) and read the answer until the server
    closes or `timeout` passes (socket.timeout then)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        received = b""
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                return received
            received += chunk
            if b"\r\n\r\n" in received and b'{"status": "ok"}' in received:
                return received


# --- several workers share the revocations -----------------------------------------------------

@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    with running_server(tmp_path_factory, "two-workers", ["--workers", "2", "--threads", "2"], {}) as server:
        yield server


def test_two_workers_without_a_cache_setting_refuse_a_revoked_token_everywhere(two_workers):
    url = two_workers["url"]
    jar = urllib.request.HTTPCookieProcessor()
    opener = urllib.request.build_opener(jar)
    login = urllib.request.Request(
        url + "/api/graphql", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"query": TOKEN_AUTH, "variables": {"u": ADMIN[0], "p": ADMIN[1]}}).encode())
    with opener.open(login, timeout=30) as response:
        result = json.loads(response.read())
    token = result["data"]["tokenAuth"]["token"]
    cookies = {cookie.name: cookie.value for cookie in jar.cookiejar}
    refresh_cookie = cookies["JWT-refresh-token"]
    bearer = {"Authorization": f"Bearer {token}"}
    for _ in range(10):  # the token works on whichever worker answers
        assert http(url + CURRENT_USER, headers=bearer)[0] == 200

    logout = urllib.request.Request(
        url + "/api/graphql", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"query": "mutation { deleteTokenCookie { deleted } "
                                  "deleteRefreshTokenCookie { deleted } }"}).encode())
    with opener.open(logout, timeout=30) as response:
        assert "errors" not in json.loads(response.read())

    statuses = [http(url + CURRENT_USER, headers=bearer)[0] for _ in range(20)]
    assert statuses == [401] * 20
    for _ in range(20):
        refreshed = graphql(url, "mutation($t: String) { refreshToken(token: $t) { token } }", {"t": token})
        assert refreshed.get("errors") and not (refreshed.get("data") or {}).get("refreshToken"), refreshed
        by_cookie = graphql(url, "mutation { refreshToken { token } }",
                            headers={"Cookie": f"JWT-refresh-token={refresh_cookie}"})
        assert by_cookie.get("errors"), by_cookie


def test_a_cache_of_each_process_refuses_several_workers(tmp_path):
    env = process_env(tmp_path, {"CACHE_BACKEND": "locmem"})
    finished = subprocess.run([sys.executable, "-m", "openimis.cli", "serve", "--workers", "2",
                               "--port", str(free_port())], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=60)
    assert finished.returncode == 2
    [line] = [line for line in finished.stderr.splitlines() if line.strip()]
    assert line.startswith("openimis: CACHE_BACKEND=locmem is a cache of each process"), finished.stderr
    assert "--workers 2" in line


# --- liveness while every thread is busy ---------------------------------------------------------

@contextlib.contextmanager
def database_locked(server):
    """Hold a lock that the server's logins wait for: SQLite's write lock (a login records itself), or on
    PostgreSQL an exclusive lock on the users table."""
    db_env = server["db_env"]
    if not db_env:
        database_file = server["data_dir"] / "openimis.sqlite3"
        connection = sqlite3.connect(database_file, isolation_level=None, timeout=30)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return
    import psycopg

    from openimis.core.models import User

    arguments = {"host": db_env["DB_HOST"], "port": int(db_env["DB_PORT"]), "dbname": db_env["DB_NAME"],
                 "user": db_env["DB_USER"] or None, "password": db_env["DB_PASSWORD"] or None}
    with psycopg.connect(**arguments) as connection:
        connection.execute(f'LOCK TABLE "{User._meta.db_table}" IN ACCESS EXCLUSIVE MODE')
        try:
            yield
        finally:
            connection.rollback()


LIVENESS_CHECKS = [
    b"OPTIONS / HTTP/1.0\r\n\r\n",  # HAProxy's `option httpchk` without arguments
    b"GET /api/health HTTP/1.0\r\n\r\n",
    b"GET /api/health HTTP/1.1\r\nHost: 10.9.8.7\r\nConnection: close\r\n\r\n",  # the balancer's address
    b"HEAD /health HTTP/1.1\r\nHost: 10.9.8.7:8000\r\nConnection: close\r\n\r\n",
    b"GET /api/health/live HTTP/1.1\r\nHost: backend-1\r\nConnection: close\r\n\r\n",
]


def slow_logins(url: str, count: int) -> list[concurrent.futures.Future]:
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=count)
    futures = [pool.submit(graphql, url, TOKEN_AUTH, {"u": ADMIN[0], "p": ADMIN[1]}) for _ in range(count)]
    pool.shutdown(wait=False)
    return futures


def assert_liveness_answers_quickly(port: int, rounds: int) -> None:
    for _ in range(rounds):
        for check in LIVENESS_CHECKS:
            started = time.monotonic()
            answer = raw_request(port, check, timeout=1.0)
            elapsed = time.monotonic() - started
            assert answer.split(b"\r\n", 1)[0].split(b" ")[1] == b"200", answer
            assert elapsed < 1.0, (check, elapsed)


@pytest.fixture(scope="module")
def one_process(tmp_path_factory):
    with running_server(tmp_path_factory, "liveness-waitress", ["--threads", "2"], PROD) as server:
        yield server


def test_liveness_answers_while_every_waitress_thread_waits(one_process):
    port = one_process["port"]
    with database_locked(one_process):
        logins = slow_logins(one_process["url"], 4)  # 2 threads busy, 2 requests queued
        time.sleep(0.5)
        with pytest.raises(TimeoutError):  # an ordinary request waits its turn: the threads are all busy
            raw_request(port, b"GET /api/health/ready HTTP/1.1\r\nHost: localhost\r\n\r\n", timeout=1.0)
        assert_liveness_answers_quickly(port, rounds=2)
        assert not any(login.done() for login in logins)
    for login in logins:
        assert "errors" not in login.result(timeout=60)


@pytest.fixture(scope="module")
def forked_workers(tmp_path_factory):
    with running_server(tmp_path_factory, "liveness-gunicorn", ["--workers", "2", "--threads", "1"],
                        PROD) as server:
        yield server


def test_liveness_answers_while_every_gunicorn_thread_waits(forked_workers):
    port = forked_workers["port"]
    with database_locked(forked_workers):
        logins = slow_logins(forked_workers["url"], 8)  # more than the 2 workers x 1 thread
        time.sleep(0.5)
        assert_liveness_answers_quickly(port, rounds=3)
        assert not any(login.done() for login in logins)
    for login in logins:
        assert "errors" not in login.result(timeout=60)


def test_readiness_answers_without_the_allowed_host(one_process):
    status, content, _ = http(one_process["url"] + "/api/health/ready", headers={"Host": "10.9.8.7"})
    assert status == 200
    assert json.loads(content) == {"status": "ok", "database": "ok", "broker": "not used"}
    # every other path still checks ALLOWED_HOSTS
    assert http(one_process["url"] + CURRENT_USER, headers={"Host": "10.9.8.7"})[0] == 400
