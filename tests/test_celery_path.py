"""The Celery path end to end: `openimis serve` hands mutations to a real `openimis worker` over a broker.

Skipped unless a broker answers on 127.0.0.1 (RabbitMQ on 5672, else Redis on 6379) and celery is
installed. The mutation log goes 0 -> 2 (or 1) in the worker while the client polls `mutationLogs`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from tests.live_server import (
    ADMIN,
    CREATE_USER,
    HTTPClient,
    OpenIMISProcess,
    database_env,
    drop_database,
    free_port,
    port_open,
    process_env,
    user_input,
    wait_for_log,
    wait_until_answers,
)

DATABASE = f"openimis_celery_test_{os.getpid()}"


def broker_url() -> str | None:
    if port_open("127.0.0.1", 5672):
        return "amqp://guest:guest@127.0.0.1:5672//"
    if port_open("127.0.0.1", 6379) and importlib.util.find_spec("redis"):
        return "redis://127.0.0.1:6379/15"
    return None


def skip_reason() -> str | None:
    if importlib.util.find_spec("celery") is None:
        return "celery is not installed (pip install -e .[celery])"
    if broker_url() is None:
        return "no broker: neither RabbitMQ (127.0.0.1:5672) nor Redis (127.0.0.1:6379) accepts a connection"
    return None


pytestmark = [pytest.mark.slow,  # starts a broker client and workers
              pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")]


@contextlib.contextmanager
def broker_to_ourselves(timeout: float = 180):
    """Test runs on one machine share the broker's default queue, so one run's worker could take
    another run's task (and fail it against the wrong database). Take turns: a lock file held while
    our worker lives. POSIX only; elsewhere the runs are not serialised."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(Path(tempfile.gettempdir()) / "openimis-celery-test.lock", "w") as lock:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("another Celery end-to-end test kept the broker for too long")
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="module")
def celery_site(tmp_path_factory):
    """`openimis serve` + `openimis worker` on one broker, one data folder and one database."""
    data_dir = tmp_path_factory.mktemp("celery-e2e")
    port = free_port()
    started: list[OpenIMISProcess] = []

    def stop_all() -> None:
        for process in reversed(started):
            process.stop()

    with contextlib.ExitStack() as stack:  # on the way out: stop the processes, drop the database, unlock
        stack.enter_context(broker_to_ourselves())
        stack.callback(drop_database, DATABASE)
        env = process_env(data_dir, {**database_env(DATABASE), "CELERY_BROKER_URL": broker_url()})
        stack.callback(stop_all)
        server = OpenIMISProcess(["serve", "--port", str(port), "--threads", "4"], data_dir, env, "serve")
        started.append(server)
        url = f"http://127.0.0.1:{port}"
        wait_until_answers(server, url)  # migrations are applied before the worker starts
        started.append(OpenIMISProcess(["worker", "--pool", "solo", "--without-mingle", "--without-gossip"],
                                       data_dir, env, "worker"))
        yield url, started


def test_mutations_run_in_the_celery_worker(celery_site):
    base_url, processes = celery_site
    admin = HTTPClient(base_url)
    login = admin.login(*ADMIN)
    assert "errors" not in login, login
    assert admin.cookie("JWT")

    username = f"celery{uuid.uuid4().hex[:8]}"
    mutation_id = str(uuid.uuid4())
    result = admin.graphql(CREATE_USER, {"input": user_input(mutation_id, username)})
    assert "errors" not in result, result
    try:
        log = wait_for_log(admin, mutation_id, timeout=30)
    except AssertionError as error:
        raise AssertionError(f"{error}\n--- worker ---\n{processes[-1].output()}") from None
    assert log == {"status": 2, "error": None}
    assert "openimis.execute_mutation" in processes[-1].output(), "the worker did not run the mutation"

    newcomer = HTTPClient(base_url)
    assert "errors" not in newcomer.login(username, "Secret123")
    status, body = newcomer.get("/api/core/users/current_user/")
    assert status == 200 and body["username"] == username, body

    duplicate_id = str(uuid.uuid4())
    result = admin.graphql(CREATE_USER, {"input": user_input(duplicate_id, username)})
    assert "errors" not in result, result
    log = wait_for_log(admin, duplicate_id, timeout=30)
    assert log["status"] == 1
    assert username in log["error"]
    users = admin.graphql("{ users(first: 100) { edges { node { username } } } }")
    assert [edge["node"]["username"] for edge in users["data"]["users"]["edges"]].count(username) == 1
