"""The scaled-out layout of deploy/compose.yaml, checked twice.

- The compose file itself: valid for the compose command found here (`docker compose` or
  `docker-compose config`; no Docker daemon is needed), the services and the wiring the README
  promises, and deploy/haproxy.cfg valid for HAProxy.
- The same layout run on loopback, without containers (slow; run in the PostgreSQL pass, skipped when
  RabbitMQ, Redis or HAProxy is missing): a new PostgreSQL database migrated once by the compose file's
  `migrate` command, two `openimis serve` (MODE=PROD, DJANGO_MIGRATE=false) behind a real HAProxy run with
  deploy/haproxy.cfg's defaults, frontend and backend, a Redis cache, two `openimis worker` on a RabbitMQ
  virtual host of their own, one `openimis scheduler`. A stream of createLocation mutations goes through
  HAProxy while one web process and one worker are killed (SIGKILL).

What is promised for each mutation of the stream:
- answered by a clientMutationId: its log ends at 2, once, and its location exists once;
- failed at the balancer (a 502 for a request the killed server was working on, a reset, a timeout): the
  server may or may not have received it, so its log is absent, at 2 with its location, or at 1
  ("interrupted", nothing applied: the web process died between the log and the hand-off to the broker,
  and the log was resolved as stale).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.live_server import (
    ADMIN,
    MUTATION_LOG,
    HTTPClient,
    OpenIMISProcess,
    database_env,
    drop_database,
    free_port,
    port_open,
    process_env,
    wait_until_answers,
)
from tests.test_balancer import HAPROXY, wait_for_states
from tests.test_crash_recovery import (
    CREATE_LOCATION,
    LOGS_AND_LOCATIONS,
    ServerDatabase,
    check_nothing_lost_nothing_doubled,
    location_input,
    start_worker,
    tasks_in_hand,
    wait_for_output,
)

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "deploy" / "compose.yaml"
HAPROXY_FILE = ROOT / "deploy" / "haproxy.cfg"
# what the compose file's `migrate` service runs: `openimis serve`'s preparation, without serving
MIGRATE_COMMAND = ["python", "-c", "from openimis import cli; cli.setup_django(); cli.prepare_database()"]
OPENIMIS_SERVICES = {"migrate", "web", "worker", "scheduler"}
CURRENT_USER = "/api/core/users/current_user/"
LOGOUT = "mutation { deleteTokenCookie { deleted } }"
STALE_SECONDS = 4  # MUTATION_LOG_STALE_SECONDS of the loopback site


# --- the compose file ---------------------------------------------------------------------------------

def compose_command() -> list[str] | None:
    """`docker compose` (the plugin) or Debian's `docker-compose`; None when neither is there."""
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    standalone = shutil.which("docker-compose")
    return [standalone] if standalone else None


def parse_yaml(text: str) -> dict:
    """PyYAML in this interpreter, else the system Python's (Debian's docker-compose brings python3-yaml)."""
    if importlib.util.find_spec("yaml"):
        import yaml

        return yaml.safe_load(text)
    system_python = shutil.which("python3", path="/usr/bin:/bin")
    if system_python is None:
        pytest.skip("no YAML parser: neither PyYAML nor a system python3")
    finished = subprocess.run(
        [system_python, "-c", "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"],
        input=text, capture_output=True, text=True)
    if finished.returncode != 0:
        pytest.skip(f"no YAML parser: PyYAML is in neither this interpreter nor {system_python}")
    return json.loads(finished.stdout)


def compose_config(command: list[str], extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "COMPOSE_FILE")}
    env.update(extra_env)
    return subprocess.run([*command, "-f", str(COMPOSE_FILE), "config"], cwd=COMPOSE_FILE.parent, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def compose():
    """The compose file as the compose command resolves it (anchors merged, variables interpolated)."""
    command = compose_command()
    if command is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed "
                    "(apt-get install docker-compose)")
    finished = compose_config(command, {"SECRET_KEY": "compose-test-key", "WEB_REPLICAS": "3"})
    assert finished.returncode == 0, finished.stderr
    return {"command": command, "config": parse_yaml(finished.stdout)}


def test_the_compose_file_wants_a_secret_key(compose):
    finished = compose_config(compose["command"], {})
    assert finished.returncode != 0
    assert "SECRET_KEY" in finished.stderr, finished.stderr


def test_the_compose_file_has_the_scaled_out_layout(compose):
    services = compose["config"]["services"]
    assert {"db", "cache", "broker", "balancer", *OPENIMIS_SERVICES} <= set(services)
    assert services["migrate"]["command"] == MIGRATE_COMMAND
    assert services["web"]["command"][:4] == ["openimis", "serve", "--host", "0.0.0.0"]
    assert services["worker"]["command"][:2] == ["openimis", "worker"]
    assert services["scheduler"]["command"] == ["openimis", "scheduler"]
    assert int(services["web"]["deploy"]["replicas"]) == 3  # WEB_REPLICAS
    assert int(services["worker"]["deploy"]["replicas"]) >= 2
    assert int(services["scheduler"]["deploy"]["replicas"]) == 1
    balancer_address = services["balancer"]["networks"]["edge"]["ipv4_address"]
    for name in OPENIMIS_SERVICES:
        service = services[name]
        assert service["build"]["context"] == str(ROOT), name  # the image of ../Dockerfile
        env = service["environment"]
        assert env["MODE"] == "PROD" and env["SECRET_KEY"] == "compose-test-key", name
        assert env["DB_ENGINE"] == "postgresql" and env["DB_HOST"] == "db", name
        assert env["CACHE_URL"].startswith("redis://cache:"), name
        assert env["CELERY_BROKER_URL"].startswith("amqp://") and "@broker:" in env["CELERY_BROKER_URL"], name
        assert env["TRUSTED_PROXIES"] == balancer_address, name
        assert env["SCHEDULER_AUTOSTART"] == "false", name
        if name != "migrate":
            # migrations run once, in `migrate`, before any of them starts
            assert env["DJANGO_MIGRATE"] == "false", name
            depends = service["depends_on"]
            assert depends["migrate"]["condition"] == "service_completed_successfully", name
    assert services["migrate"]["environment"]["DEMO_DATASET"] == "true"
    assert services["web"]["environment"]["DEMO_DATASET"] == "false"  # replicas never race to load it
    for name in ("worker", "scheduler", "migrate"):  # the image's check asks an HTTP port they do not open
        check = services[name]["healthcheck"]
        assert check.get("disable") is True or check.get("test") == ["NONE"], (name, check)
    mounted = {(volume["source"], volume["target"]) if isinstance(volume, dict)
               else tuple(volume.split(":")[:2]) for volume in services["balancer"]["volumes"]}
    assert (str(HAPROXY_FILE), "/usr/local/etc/haproxy/haproxy.cfg") in mounted, mounted
    assert services["balancer"]["ports"], "the balancer publishes no port"


def test_the_haproxy_config_is_valid_and_checks_liveness():
    text = HAPROXY_FILE.read_text()
    assert "option httpchk GET /api/health" in text
    assert "balance roundrobin" in text and "option forwardfor" in text
    if HAPROXY is None:
        pytest.skip("HAProxy is not installed: apt-get install haproxy")
    finished = subprocess.run([HAPROXY, "-c", "-f", str(HAPROXY_FILE)], capture_output=True, text=True,
                              timeout=30)
    assert finished.returncode == 0, finished.stdout + finished.stderr


def health_check_request() -> bytes:
    """The request HAProxy's `option httpchk <method> <path>` line of deploy/haproxy.cfg sends."""
    [line] = [line.split() for line in HAPROXY_FILE.read_text().splitlines()
              if line.split()[:2] == ["option", "httpchk"]]
    method, path = line[2], line[3]
    return f"{method} {path} HTTP/1.0\r\n\r\n".encode()


def loopback_haproxy_config(port: int, servers: list[int], stats_socket: Path) -> str:
    """deploy/haproxy.cfg for loopback: its defaults, frontend and backend as they are, but no DNS
    resolvers and no log target, bound to 127.0.0.1:`port`, with `servers` in place of the template."""
    lines, section = [], None
    for line in HAPROXY_FILE.read_text().splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if not line[0].isspace():
            section = words[0]
            if section != "resolvers":
                lines.append(line)
            if section == "global":
                lines.append(f"    stats socket {stats_socket} level admin")
            continue
        if section == "resolvers" or words[0] == "log" or words[:2] == ["option", "httplog"]:
            continue
        if section == "frontend" and words[0] == "bind":
            line = f"    bind 127.0.0.1:{port}"
        if section == "backend" and words[0] in ("server-template", "default-server"):
            continue
        lines.append(line)
    assert section == "backend", "deploy/haproxy.cfg should end with its backend"
    lines += [f"    server web{number} 127.0.0.1:{server_port} check inter 300ms fall 2 rise 1"
              for number, server_port in enumerate(servers, start=1)]
    return "\n".join(lines) + "\n"


# --- the layout on loopback ---------------------------------------------------------------------------

def loopback_skip_reason() -> str | None:
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "the scaled-out layout runs in the PostgreSQL pass (DB_ENGINE=postgresql)"
    for package, extra in (("celery", "celery"), ("redis", "celery"), ("psycopg", "postgresql")):
        if importlib.util.find_spec(package) is None:
            return f"{package} is not installed (pip install -e .[{extra}])"
    if not port_open("127.0.0.1", 5672):
        return "RabbitMQ does not accept a connection on 127.0.0.1:5672"
    if not port_open("127.0.0.1", 6379):
        return "Redis does not accept a connection on 127.0.0.1:6379"
    if HAPROXY is None:
        return "HAProxy is not installed: apt-get install haproxy"
    return None


def rabbitmqctl(*arguments: str) -> bool:
    command = shutil.which("rabbitmqctl") or shutil.which("rabbitmqctl", path="/usr/sbin")
    if command is None:
        return False
    return subprocess.run([command, *arguments], capture_output=True, timeout=60).returncode == 0


@contextlib.contextmanager
def broker_of_our_own():
    """A RabbitMQ virtual host of this run, so no other test run's worker takes our tasks. Without
    `rabbitmqctl` (or its rights): the default one, taking turns with the other Celery tests."""
    vhost = f"openimis_scale_out_{os.getpid()}"
    if rabbitmqctl("add_vhost", vhost) and rabbitmqctl("set_permissions", "-p", vhost, "guest",
                                                       ".*", ".*", ".*"):
        try:
            yield f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
        finally:
            rabbitmqctl("delete_vhost", vhost)
        return
    from tests.test_celery_path import broker_to_ourselves

    with broker_to_ourselves():
        yield "amqp://guest:guest@127.0.0.1:5672//"


CLAIM_KEY = "openimis-test:scale-out-loopback"


@contextlib.contextmanager
def cache_of_our_own():
    """An empty Redis database (2..14), claimed with a key so another run of this test takes another one;
    emptied when done."""
    import redis

    for number in range(14, 1, -1):
        client = redis.Redis(host="127.0.0.1", port=6379, db=number)
        if client.dbsize() == 0 and client.set(CLAIM_KEY, str(os.getpid()), nx=True, ex=900):
            try:
                yield f"redis://127.0.0.1:6379/{number}"
            finally:
                client.flushdb()
                client.close()
            return
        client.close()
    pytest.skip("no empty Redis database among 2..14 for this test's cache")


class Site:
    """The processes of the loopback site, each started by this test and stopped by its PID."""

    def __init__(self, data_dir: Path, env: dict[str, str]):
        self.data_dir, self.env = data_dir, env
        self.started: list[OpenIMISProcess] = []
        self.web_ports = [free_port(), free_port()]
        self.webs: list[OpenIMISProcess] = []
        self.workers: list[OpenIMISProcess] = []

    def start(self, arguments: list[str], name: str) -> OpenIMISProcess:
        process = OpenIMISProcess(arguments, self.data_dir, self.env, name)
        self.started.append(process)
        return process

    def start_web(self, index: int, name: str) -> OpenIMISProcess:
        return self.start(["serve", "--port", str(self.web_ports[index]), "--threads", "8"], name)

    def web_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.web_ports[index]}"

    def stop(self) -> None:
        for process in reversed(self.started):
            process.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    reason = loopback_skip_reason()
    if reason:
        pytest.skip(reason)
    data_dir = tmp_path_factory.mktemp("scale-out")
    database = f"openimis_scale_out_test_{os.getpid()}"
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        broker = stack.enter_context(broker_of_our_own())
        cache = stack.enter_context(cache_of_our_own())
        stack.callback(drop_database, database)
        env = process_env(data_dir, {
            **database_env(database), "MODE": "PROD", "SECRET_KEY": "scale-out-loopback-key",
            "TRUSTED_PROXIES": "127.0.0.1", "CACHE_URL": cache, "CELERY_BROKER_URL": broker,
            "SCHEDULER_AUTOSTART": "false", "DJANGO_MIGRATE": "false", "DEMO_DATASET": "false",
            "MUTATION_LOG_STALE_SECONDS": str(STALE_SECONDS),
            "RATELIMIT_RATE": "100000/m"})  # the test's polling counts too: not what is tested here
        # migrations once, before any other process: the compose file's `migrate` service
        migrate_env = {**env, "DJANGO_MIGRATE": "true", "DEMO_DATASET": "true"}
        migrated = subprocess.run([sys.executable, *MIGRATE_COMMAND[1:]], cwd=data_dir, env=migrate_env,
                                  capture_output=True, text=True, timeout=180)
        assert migrated.returncode == 0, migrated.stdout + migrated.stderr
        migrated_in = time.monotonic() - started
        site = Site(data_dir, env)
        stack.callback(site.stop)
        # everything at once, as compose starts the replicas
        site.webs = [site.start_web(0, "web-1"), site.start_web(1, "web-2")]
        site.workers = [start_worker(data_dir, env, "worker-1"), start_worker(data_dir, env, "worker-2")]
        site.started.extend(site.workers)
        site.scheduler = site.start(["scheduler"], "scheduler")
        port = free_port()
        stats_socket = data_dir / "haproxy.sock"
        config = data_dir / "haproxy.cfg"
        config.write_text(loopback_haproxy_config(port, site.web_ports, stats_socket))
        haproxy_log = stack.enter_context(open(data_dir / "haproxy.log", "wb"))
        haproxy = subprocess.Popen([HAPROXY, "-db", "-f", str(config)], stdout=haproxy_log,
                                   stderr=subprocess.STDOUT)

        def stop_haproxy() -> None:
            haproxy.terminate()  # the HAProxy we started, by its PID
            haproxy.wait(timeout=10)

        stack.callback(stop_haproxy)
        for index, web in enumerate(site.webs):
            wait_until_answers(web, site.web_url(index), timeout=60)
        for worker in site.workers:
            wait_for_output(worker, "ready.", 60)
        wait_for_output(site.scheduler, "scheduler: lock taken", 60)
        deadline = time.monotonic() + 10
        while not stats_socket.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        wait_for_states(stats_socket, {"web1": "UP", "web2": "UP"})
        site.balancer_url = f"http://127.0.0.1:{port}"
        site.stats_socket = stats_socket
        site.database = ServerDatabase(data_dir, env)
        print(f"\nloopback site: migrated in {migrated_in:.1f}s, "
              f"up in {time.monotonic() - started:.1f}s")
        yield site


@pytest.mark.slow  # starts servers, workers and HAProxy
def test_the_health_check_of_deploy_haproxy_cfg_answers_200_on_each_server(site):
    import socket

    for port in site.web_ports:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(health_check_request())
            answer = b""
            while chunk := sock.recv(4096):
                answer += chunk
        assert answer.split(b" ", 2)[1] == b"200", answer[:300]
    wait_for_states(site.stats_socket, {"web1": "UP", "web2": "UP"})  # HAProxy's own checks agree


def backend_counters(stats_socket: Path) -> dict[str, str]:
    """HAProxy's counters of the backend: retries (wretr), redispatches (wredis), 5xx answers."""
    import socket

    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(str(stats_socket))
        sock.sendall(b"show stat\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    lines = data.decode().splitlines()
    header = lines[0].lstrip("# ").split(",")
    for line in lines[1:]:
        row = dict(zip(header, line.split(","), strict=False))
        if row.get("pxname") == "openimis" and row.get("svname") == "BACKEND":
            return {name: row.get(name, "") for name in ("wretr", "wredis", "hrsp_5xx")}
    return {}


def bearer_client(base_url: str, token: str) -> HTTPClient:
    """An HTTPClient that sends the token as a Bearer header: MODE=PROD's cookies are Secure, and plain
    HTTP does not send them back."""
    client = HTTPClient(base_url)
    client.opener.addheaders = [("Authorization", f"Bearer {token}")]
    return client


def send_stream(base_url: str, token: str, prefix: str, outcomes: dict[str, str], clients: int,
                per_client: int, pause: float) -> list[threading.Thread]:
    """`clients` threads each sending `per_client` createLocation mutations, one after the other; each
    outcome is recorded: "answered" (the clientMutationId came back) or why not."""

    def send(client_number: int) -> None:
        client = bearer_client(base_url, token)
        for number in range(per_client):
            code = f"SO{client_number}{number:02d}"
            mutation_id = f"{prefix}{code}"
            try:
                result = client.graphql(CREATE_LOCATION, {"input": location_input(mutation_id, code)})
            except Exception as error:  # a 502/503 from HAProxy, a reset, a timeout
                outcomes[mutation_id] = f"failed: {type(error).__name__}: {str(error)[:120]}"
            else:
                answer = (result.get("data") or {}).get("createLocation") or {}
                if "errors" not in result and answer.get("clientMutationId") == mutation_id:
                    outcomes[mutation_id] = "answered"
                else:
                    outcomes[mutation_id] = f"failed: {json.dumps(result)[:200]}"
            time.sleep(pause)

    threads = [threading.Thread(target=send, args=(number,), daemon=True) for number in range(clients)]
    for thread in threads:
        thread.start()
    return threads


@pytest.mark.slow  # starts servers, workers and HAProxy, and kills some
def test_mutations_through_haproxy_survive_a_killed_web_process_and_a_killed_worker(site):
    started = time.monotonic()
    admin = HTTPClient(site.balancer_url)
    login = admin.login(*ADMIN)
    assert "errors" not in login, login
    token = login["data"]["tokenAuth"]["token"]
    prefix, code_prefix = "scale-out-", "SO"

    outcomes: dict[str, str] = {}
    threads = send_stream(site.balancer_url, token, prefix, outcomes, clients=4, per_client=10, pause=0.15)
    deadline = time.monotonic() + 30
    while len(outcomes) < 10 and time.monotonic() < deadline:
        time.sleep(0.01)
    killed_web = site.webs[0]
    os.kill(killed_web.pid, signal.SIGKILL)  # the web process we started, by its PID
    killed_at = time.monotonic()
    killed_web.process.wait(10)
    while len(outcomes) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    killed_worker = site.workers[0]
    # best when it has a task in hand (received, not finished, read from its log): tasks are short
    while tasks_in_hand(killed_worker) == 0 and len(outcomes) < 36 and time.monotonic() < deadline:
        time.sleep(0.005)
    os.killpg(killed_worker.pid, signal.SIGKILL)  # the worker we started and its pool, by its PID
    killed_worker.process.wait(10)
    for thread in threads:
        thread.join(60)
    stream_seconds = time.monotonic() - started
    assert len(outcomes) == 40, f"{len(outcomes)} of 40 mutations sent"
    answered = sorted(mutation_id for mutation_id, outcome in outcomes.items() if outcome == "answered")
    failed = {mutation_id: outcome for mutation_id, outcome in outcomes.items() if outcome != "answered"}
    assert len(answered) >= 30, f"only {len(answered)} of 40 answered: {failed}"

    def logs() -> list[tuple]:
        return site.database.rows(LOGS_AND_LOCATIONS, {"prefix": prefix + "%"})

    # every answered mutation ends at 2 in the surviving worker (the killed one's tasks come back to it)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = {row[0]: row[1] for row in logs()}
        if all(status.get(mutation_id) == 2 for mutation_id in answered):
            break
        time.sleep(0.2)
    # the killed web process comes back; at its start it resolves the logs it left at 0 (older than
    # MUTATION_LOG_STALE_SECONDS: the site's other processes may be running a younger one)
    time.sleep(max(0.0, killed_at + STALE_SECONDS + 1 - time.monotonic()))
    site.webs[0] = site.start_web(0, "web-1-again")
    wait_until_answers(site.webs[0], site.web_url(0), timeout=60)
    deadline = time.monotonic() + 30
    while any(row[1] == 0 for row in logs()) and time.monotonic() < deadline:
        time.sleep(0.2)
    rows = logs()
    survivor = site.workers[1].output()
    assert [row for row in rows if row[1] == 0] == [], f"logs left at 0: {rows}\n--- worker ---\n{survivor}"

    outcome = check_nothing_lost_nothing_doubled(site.database, prefix, code_prefix)
    by_id: dict[str, list[tuple]] = {}
    for row in rows:
        by_id.setdefault(row[0], []).append(row)
    assert set(by_id) <= set(outcomes), "a log of a mutation nobody sent"
    for mutation_id in answered:
        [(_, status, code)] = by_id.get(mutation_id, [(mutation_id, "absent", None)])
        assert status == 2 and code == mutation_id[len(prefix):], (mutation_id, by_id.get(mutation_id))
    interrupted = []
    for mutation_id in failed:
        found = by_id.get(mutation_id, [])
        assert len(found) <= 1, found
        if found and found[0][1] == 1:
            interrupted.append(mutation_id)
            assert found[0][2] is None  # nothing of it applied
    # the client's view: mutationLogs through HAProxy
    client = bearer_client(site.balancer_url, token)
    for mutation_id in answered:
        result = client.graphql(MUTATION_LOG, {"id": mutation_id})
        assert "errors" not in result, result
        assert [edge["node"] for edge in result["data"]["mutationLogs"]["edges"]] == [
            {"status": 2, "error": None}], mutation_id
    failed_at_2 = sum(1 for mutation_id in failed if by_id.get(mutation_id, [(0, 0)])[0][1] == 2)
    print(f"40 mutations through HAProxy in {stream_seconds:.1f}s, one web process and one worker killed: "
          f"{len(answered)} answered, all at 2 once; {len(failed)} failed at the balancer "
          f"({failed_at_2} at 2 nonetheless, {len(interrupted)} interrupted at 1, "
          f"{len(failed) - failed_at_2 - len(interrupted)} absent); locations: {outcome['success']}; "
          f"tasks the killed worker had in hand: {tasks_in_hand(killed_worker)}; "
          f"HAProxy backend counters: {backend_counters(site.stats_socket)}; "
          f"test {time.monotonic() - started:.1f}s")
    for mutation_id, why in sorted(failed.items()):
        print(f"  {mutation_id}: {why}")

    # one logout through HAProxy: the token is refused by both web processes, asked directly
    for index in range(2):
        status, _ = bearer_client(site.web_url(index), token).request("GET", CURRENT_USER)
        assert status == 200, (index, status)
    result = client.graphql(LOGOUT)
    assert "errors" not in result, result
    for index in range(2):
        for _ in range(3):
            status, _ = bearer_client(site.web_url(index), token).request("GET", CURRENT_USER)
            assert status == 401, (index, status)
