"""Behind a balancer: the client's address through trusted proxies (rate limit, lockout), the health
checks answered in front of Django, and waitress's queue warnings folded."""

from __future__ import annotations

import io
import ipaddress
import json
import logging
import time

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from openimis.core.proxies import FORWARDING_HEADERS, RESOLVED_ADDRESS, forwarded_client, resolve_environ
from openimis.environment import ConfigurationError, load_environment
from openimis.gateway import Gateway
from openimis.liveness import (
    QueueDepthWarnings,
    liveness_dispatcher,
    liveness_request_head,
    liveness_response,
)
from openimis.testing.client import PASSWORD, GraphQLClient

LOCAL_PROXY = (ipaddress.ip_network("127.0.0.1/32"),)
LOCKED_OUT = "Too many failed login attempts, try again later"


def networks(*texts: str) -> tuple:
    return tuple(ipaddress.ip_network(text) for text in texts)


# --- the client's address -------------------------------------------------------------------------

@pytest.mark.parametrize(("peer", "forwarded_for", "expected"), [
    ("10.0.0.2", "203.0.113.7", "203.0.113.7"),  # one trusted proxy
    ("10.0.0.2", "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the left part is the client's to forge
    ("10.0.0.2", "203.0.113.7, 10.0.0.9", "203.0.113.7"),  # two trusted proxies in a row
    ("10.0.0.2", "", "10.0.0.2"),  # no header: the proxy itself (its own check)
    ("10.0.0.2", "203.0.113.7:5123", "203.0.113.7"),
    ("10.0.0.2", "[2001:db8::5]:443", "2001:db8::5"),
    ("10.0.0.2", "203.0.113.7, not-an-address", "10.0.0.2"),  # malformed: believe nothing left of it
    ("192.0.2.50", "203.0.113.7", "192.0.2.50"),  # an untrusted peer's header is ignored
])
def test_the_client_is_read_from_the_right_through_trusted_proxies_only(peer, forwarded_for, expected):
    assert forwarded_client(peer, forwarded_for, networks("10.0.0.0/24")) == expected


def test_without_trusted_proxies_forwarded_for_is_ignored():
    assert forwarded_client("127.0.0.1", "203.0.113.7", ()) == "127.0.0.1"


def test_the_gateway_drops_forwarding_headers_of_an_untrusted_peer_and_resolves_a_trusted_one():
    environ = {"REMOTE_ADDR": "192.0.2.50", "HTTP_X_FORWARDED_FOR": "203.0.113.7",
               "HTTP_X_FORWARDED_PROTO": "https", "HTTP_FORWARDED": "for=1.2.3.4"}
    resolve_environ(environ, networks("10.0.0.0/24"))
    assert environ["REMOTE_ADDR"] == environ[RESOLVED_ADDRESS] == "192.0.2.50"
    assert not any(header in environ for header in FORWARDING_HEADERS)

    environ = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.7",
               "HTTP_X_FORWARDED_PROTO": "https"}
    resolve_environ(environ, networks("10.0.0.0/24"))
    assert environ["REMOTE_ADDR"] == environ[RESOLVED_ADDRESS] == "203.0.113.7"
    assert environ["HTTP_X_FORWARDED_PROTO"] == "https"  # believed: SECURE_PROXY_SSL_HEADER may use it


def test_trusted_proxies_are_read_from_the_environment():
    env = load_environment({"TRUSTED_PROXIES": "10.0.0.0/24, 192.0.2.7,::1"})
    assert env.trusted_proxies == networks("10.0.0.0/24", "192.0.2.7/32", "::1/128")
    assert load_environment({}).trusted_proxies == ()
    with pytest.raises(ConfigurationError, match="^TRUSTED_PROXIES: .*'10.0.0.0/33'"):
        load_environment({"TRUSTED_PROXIES": "10.0.0.0/33"})


def test_serve_with_several_workers_and_no_cache_setting_gets_the_database_cache():
    assert load_environment({"OPENIMIS_SERVE_WORKERS": "2"}).cache_backend.endswith("DatabaseCache")
    assert load_environment({"OPENIMIS_SERVE_WORKERS": "1"}).cache_backend.endswith("LocMemCache")
    configured = load_environment({"OPENIMIS_SERVE_WORKERS": "2", "CACHE_URL": "redis://127.0.0.1:6379/1"})
    assert configured.cache_backend.endswith("RedisCache") and configured.cache_configured


def ratelimit(rate: str) -> dict:
    return {"cache": "default", "key": "ip", "rate": rate, "method": ["POST"], "group": "graphql",
            "skip_timeout": False, "enabled": True}


@pytest.fixture
def prod(db):
    cache.clear()
    lockout = {"ATTEMPTS": 3, "SECONDS": 60, "ENABLED": True}
    with override_settings(OPENIMIS_MODE="PROD", LOGIN_LOCKOUT=lockout, RATELIMIT=ratelimit("3/m")):
        yield
    cache.clear()


def post_query(client: Client, forwarded_for: str):
    return client.post("/api/graphql", json.dumps({"query": "{ passwordPolicy }"}),
                       content_type="application/json", HTTP_X_FORWARDED_FOR=forwarded_for)


def stay_in_one_rate_window():
    if time.time() % 60 > 57:
        time.sleep(60 - time.time() % 60 + 0.1)


def test_behind_a_trusted_proxy_each_client_has_its_own_rate_limit_budget(prod):
    stay_in_one_rate_window()
    client = Client()  # REMOTE_ADDR 127.0.0.1: the proxy
    with override_settings(TRUSTED_PROXIES=LOCAL_PROXY):
        assert [post_query(client, "203.0.113.7").status_code for _ in range(4)] == [200, 200, 200, 429]
        assert [post_query(client, "203.0.113.8").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_without_trusted_proxies_forwarded_for_does_not_open_a_new_budget(prod):
    stay_in_one_rate_window()
    client = Client()
    statuses = [post_query(client, f"203.0.113.{number}").status_code for number in range(1, 5)]
    assert statuses == [200, 200, 200, 429]


def login(forwarded_for: str, password: str = PASSWORD) -> dict:
    client = GraphQLClient(Client(HTTP_X_FORWARDED_FOR=forwarded_for))
    mutation = "mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) { token } }"
    return client.post(mutation, {"u": "bob", "p": password}).json()


def test_behind_a_trusted_proxy_a_lockout_is_the_guessing_clients_own(prod, user_factory):
    user_factory("bob", [121701])
    with override_settings(TRUSTED_PROXIES=LOCAL_PROXY, RATELIMIT=ratelimit("1000/m")):
        for _ in range(3):
            login("203.0.113.66", "wrong-one")
        assert login("203.0.113.66")["errors"][0]["message"] == LOCKED_OUT
        assert "errors" not in login("203.0.113.10")  # bob at his own address logs in


def test_without_trusted_proxies_a_forwarded_address_does_not_escape_the_lockout(prod, user_factory):
    user_factory("bob", [121701])
    with override_settings(RATELIMIT=ratelimit("1000/m")):
        for number in range(3):
            login(f"203.0.113.{number}", "wrong-one")
        assert login("203.0.113.99")["errors"][0]["message"] == LOCKED_OUT


# --- health checks ---------------------------------------------------------------------------------

def call(application, method: str, path: str, **environ) -> tuple[str, dict, bytes]:
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, dict(headers)

    body = b"".join(application({"REQUEST_METHOD": method, "PATH_INFO": path, "wsgi.input": io.BytesIO(),
                                 "SERVER_NAME": "backend", "SERVER_PORT": "8000", "REMOTE_ADDR": "10.0.0.2",
                                 "wsgi.url_scheme": "http", **environ}, start_response))
    return answer["status"], answer["headers"], body


def refusing_application(environ, start_response):
    raise AssertionError("a health check reached Django")


@pytest.mark.parametrize(("method", "path"), [("GET", "/api/health"), ("HEAD", "/api/health"),
                                              ("GET", "/health"), ("GET", "/api/health/live"),
                                              ("OPTIONS", "/")])
def test_liveness_is_answered_in_front_of_django_without_a_host(method, path):
    status, headers, body = call(Gateway(refusing_application, "api/"), method, path)
    assert status == "200 OK"
    assert headers["Content-Type"] == "application/json"
    assert body == (b"" if method == "HEAD" else b'{"status": "ok"}')


# transactional_db: readiness closes an unusable connection as Django does around a request, and a
# connection inside the test's transaction would count as one

def test_readiness_is_answered_in_front_of_django(transactional_db):
    gateway = Gateway(refusing_application, "api/")
    status, _, body = call(gateway, "GET", "/api/health/ready", HTTP_HOST="10.0.0.1")
    assert status == "200 OK", body
    assert json.loads(body) == {"status": "ok", "database": "ok", "broker": "not used"}


def test_readiness_is_503_with_a_reason_when_the_broker_does_not_answer(transactional_db):
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        status, _, body = call(Gateway(refusing_application, "api/"), "GET", "/api/health/ready")
    assert status == "503 Service Unavailable"
    answer = json.loads(body)
    assert answer["status"] == "unavailable" and answer["database"] == "ok"
    assert answer["reason"].startswith("the broker does not answer")


def test_readiness_is_503_with_a_reason_when_the_database_does_not_answer(transactional_db, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        from django.db import OperationalError

        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", broken_cursor)
        status, _, body = call(Gateway(refusing_application, "api/"), "GET", "/api/health/ready")
    assert status == "503 Service Unavailable"
    assert json.loads(body)["reason"] == "the database does not answer (OperationalError)"


def test_other_requests_pass_through_the_gateway(db):
    seen = {}

    def application(environ, start_response):
        seen.update(environ)
        start_response("204 No Content", [])
        return [b""]

    gateway = Gateway(application, "api/", networks("10.0.0.0/24"))
    assert call(gateway, "GET", "/api/graphql", HTTP_X_FORWARDED_FOR="203.0.113.7")[0] == "204 No Content"
    assert seen["REMOTE_ADDR"] == "203.0.113.7"
    assert call(gateway, "POST", "/api/health")[0] == "204 No Content"  # not a check: Django answers


def test_the_django_views_answer_too(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/api/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert client.get("/api/health/ready").json()["database"] == "ok"


def test_a_whole_liveness_request_is_recognised_from_its_bytes():
    gateway = Gateway(refusing_application, "api/")
    assert liveness_request_head(b"OPTIONS / HTTP/1.0\r\n\r\n", gateway) == b"OPTIONS / HTTP/1.0\r\n\r\n"
    request = b"GET /api/health?full=1 HTTP/1.1\r\nHost: x\r\n\r\n"
    assert liveness_request_head(request, gateway) == request
    assert liveness_request_head(b"GET /api/health HTTP/1.1\r\nHost: x\r\n", gateway) is None  # not whole yet
    assert liveness_request_head(b"GET /api/graphql HTTP/1.1\r\n\r\n", gateway) is None
    with_body = b"GET /api/health HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
    assert liveness_request_head(with_body, gateway) is None
    assert liveness_response(b"HEAD /health HTTP/1.1\r\n\r\n").endswith(b"\r\n\r\n")
    assert liveness_response(b"GET /health HTTP/1.1\r\n\r\n").endswith(b'\r\n\r\n{"status": "ok"}')


# --- waitress's queue warnings ----------------------------------------------------------------------

def test_queue_depth_warnings_are_folded_into_one_line_a_minute(caplog):
    now = [1000.0]
    warnings = QueueDepthWarnings(logging.getLogger("waitress.queue"), interval=60, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="waitress.queue"):
        for depth in [1, 2, 3, 9, 4] * 20:
            warnings.warning("Task queue depth is %d", depth)
            now[0] += 0.1
        assert [record.getMessage() for record in caplog.records] == ["Task queue depth is 1"]
        now[0] += 60
        warnings.warning("Task queue depth is %d", 2)
    assert caplog.records[1].getMessage() == (
        "Task queue depth is up to 9 (100 requests waited for a thread in the last 60 s)")
    assert len(caplog.records) == 2


def test_the_dispatcher_of_serve_folds_waitress_queue_warnings(caplog):
    class Task:
        requests: list = []

        def service(self):
            pass

        def cancel(self):
            pass

    dispatcher = liveness_dispatcher(Gateway(refusing_application, "api/"))  # no thread: every task waits
    try:
        with caplog.at_level(logging.WARNING, logger="waitress.queue"):
            for _ in range(50):
                dispatcher.add_task(Task())
        assert [record.getMessage() for record in caplog.records] == ["Task queue depth is 1"]
    finally:
        dispatcher.shutdown(cancel_pending=True, timeout=1)
