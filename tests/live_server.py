"""Real `openimis` processes for end-to-end tests: start, talk HTTP to, and always stop them.

The processes get their own data folder and, on PostgreSQL, their own database (dropped and created
here), so they never touch the database pytest-django made for the test run.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ADMIN = ("Admin", "admin123")
CREATE_USER = """mutation($input: CreateUserMutationInput!) {
  createUser(input: $input) { clientMutationId internalId }
}"""
TOKEN_AUTH = """mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) { token } }"""
MUTATION_LOG = """query($id: String!) {
  mutationLogs(clientMutationId: $id) { edges { node { status error } } }
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False


def database_env(database_name: str) -> dict[str, str]:
    """The DB_* variables that point a subprocess at the same server as this test run.

    SQLite: none (the database file lives in OPENIMIS_DATA_DIR). PostgreSQL: the same server, the
    database `database_name`, dropped and created fresh.
    """
    from django.conf import settings

    default = settings.DATABASES["default"]
    engine = default["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return {}
    if engine != "django.db.backends.postgresql":
        raise RuntimeError(f"end-to-end tests support SQLite and PostgreSQL, not {engine}")
    import psycopg

    connection_args = {"host": default["HOST"] or "127.0.0.1", "port": int(default["PORT"] or 5432),
                       "user": default["USER"] or None, "password": default["PASSWORD"] or None}
    with psycopg.connect(dbname="postgres", autocommit=True, **connection_args) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database_name}"')
    return {"DB_ENGINE": "postgresql", "DB_HOST": connection_args["host"],
            "DB_PORT": str(connection_args["port"]), "DB_USER": default["USER"] or "",
            "DB_PASSWORD": default["PASSWORD"] or "", "DB_NAME": database_name}


def drop_database(database_name: str) -> None:
    from django.conf import settings

    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        return
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, host=default["HOST"] or "127.0.0.1",
                         port=int(default["PORT"] or 5432), user=default["USER"] or None,
                         password=default["PASSWORD"] or None) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)')


def process_env(data_dir: Path, extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without any database/broker/cache choice, plus `extra`."""
    prefixes = ("DB_", "PSQL_", "MSSQL_", "CELERY_", "CACHE_", "OPENIMIS_")
    names = {"NO_DATABASE", "DJANGO_SETTINGS_MODULE", "DEMO_DATASET", "MODE", "SCHEDULER_AUTOSTART"}
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(prefixes) and key not in names}
    env.update({"OPENIMIS_DATA_DIR": str(data_dir), "DEMO_DATASET": "true", "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


class OpenIMISProcess:
    """One `python -m openimis.cli ...` subprocess, its output in a log file in the data folder."""

    def __init__(self, arguments: list[str], data_dir: Path, env: dict[str, str], name: str):
        self.log_path = data_dir / f"{name}.log"
        self.log_file = open(self.log_path, "wb")  # closed in stop()
        self.process = subprocess.Popen([sys.executable, "-m", "openimis.cli", *arguments], cwd=data_dir,
                                        env=env, stdout=self.log_file, stderr=subprocess.STDOUT,
                                        start_new_session=os.name != "nt")

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        self.log_file.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-6000:]

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Terminate the process (by its PID; its own children follow it) and wait for it."""
        if self.running():
            self.process.terminate()  # SIGTERM on POSIX: gunicorn and Celery shut down gracefully
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                if os.name != "nt":
                    os.killpg(self.process.pid, signal.SIGKILL)  # the group we created: our children
                else:
                    self.process.kill()
                self.process.wait(timeout=10)
        self.log_file.close()


class HTTPClient:
    """urllib with a cookie jar: what a browser would keep (the JWT cookies) between requests."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, method: str, path: str, body: dict | None = None, timeout: float = 30):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def get(self, path: str):
        status, content = self.request("GET", path)
        return status, (json.loads(content) if content[:1] in (b"{", b"[") else content)

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        status, content = self.request("POST", "/api/graphql",
                                       {"query": query, **({"variables": variables} if variables else {})})
        assert status in (200, 400), (status, content[:500])
        return json.loads(content)

    def login(self, username: str, password: str) -> dict:
        return self.graphql(TOKEN_AUTH, {"u": username, "p": password})

    def cookie(self, name: str) -> str | None:
        return next((cookie.value for cookie in self.cookies if cookie.name == name), None)


def wait_until_answers(server: OpenIMISProcess, base_url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    client = HTTPClient(base_url)
    while time.monotonic() < deadline:
        if not server.running():
            code = server.process.returncode
            raise AssertionError(f"openimis serve exited with {code}:\n{server.output()}")
        try:
            if client.request("GET", "/api/health", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"openimis serve did not answer within {timeout}s:\n{server.output()}")


def wait_for_log(client: HTTPClient, client_mutation_id: str, timeout: float = 30) -> dict:
    """Poll `mutationLogs` until the log of that mutation is no longer 0 (received)."""
    deadline = time.monotonic() + timeout
    node = None
    while time.monotonic() < deadline:
        result = client.graphql(MUTATION_LOG, {"id": client_mutation_id})
        assert "errors" not in result, result
        edges = result["data"]["mutationLogs"]["edges"]
        node = edges[0]["node"] if edges else None
        if node and node["status"] != 0:
            return node
        time.sleep(0.2)
    raise AssertionError(f"mutation {client_mutation_id} still not done after {timeout}s: {node}")


def user_input(client_mutation_id: str, username: str) -> dict:
    return {"clientMutationId": client_mutation_id, "username": username, "lastName": "Tester",
            "otherNames": "End To End", "language": "en", "userTypes": ["INTERACTIVE"],
            "password": "Secret123", "roles": []}
