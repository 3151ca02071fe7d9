"""Health checks for load balancers and orchestrators.

- Liveness (`/<SITE_ROOT>health`, `/<SITE_ROOT>health/live`, `/health`, and `OPTIONS /`, what HAProxy's
  bare `option httpchk` sends): the process answers. No database work. Behind `openimis serve` it is
  answered in front of Django (no ALLOWED_HOSTS check: a balancer's check often has no Host header or
  the balancer's own address), by a thread of its own, so it answers while every request thread is busy.
- Readiness (`/<SITE_ROOT>health/ready`, `/health/ready`): the database answers and, when
  `CELERY_BROKER_URL` is set, the broker accepts a connection; else 503 with the reasons.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings

logger = logging.getLogger("openimis.health")

LIVENESS_BODY = json.dumps({"status": "ok"}).encode()
LIVENESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READINESS_METHODS = frozenset({"GET", "HEAD"})
BROKER_TIMEOUT_SECONDS = 2.0


def liveness_paths(site_root: str) -> frozenset[str]:
    root = "/" + site_root  # SITE_ROOT is "api/" or ""
    return frozenset({f"{root}health", f"{root}health/live", "/health", "/health/live"})


def readiness_paths(site_root: str) -> frozenset[str]:
    root = "/" + site_root
    return frozenset({f"{root}health/ready", "/health/ready"})


def is_liveness_check(method: str, path: str, paths: frozenset[str]) -> bool:
    """A liveness check: GET, HEAD or OPTIONS of a liveness path, or `OPTIONS /` (HAProxy's default)."""
    if method not in LIVENESS_METHODS:
        return False
    return path in paths or (method == "OPTIONS" and path in ("/", "*"))


def check_database() -> str | None:
    """None when the database answers `SELECT 1`, else the reason."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # the point of a health check is to report, not to raise
        logger.warning("readiness: the database does not answer: %s", error)
        return f"the database does not answer ({type(error).__name__})"
    return None


def check_broker() -> str | None:
    """None when CELERY_BROKER_URL is unset or its broker accepts a connection, else the reason."""
    url = getattr(settings, "CELERY_BROKER_URL", None)
    if not url:
        return None
    try:
        from kombu import Connection
    except ImportError:
        return "the broker cannot be checked: kombu is not installed (the celery extra)"
    try:
        options = {"max_retries": 0, "socket_timeout": BROKER_TIMEOUT_SECONDS}
        with Connection(url, connect_timeout=BROKER_TIMEOUT_SECONDS, transport_options=options) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0,
                                     timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as error:
        logger.warning("readiness: the broker does not answer: %s", error)
        return f"the broker does not answer ({type(error).__name__})"
    return None


def readiness() -> tuple[int, dict]:
    """(HTTP status, JSON body): 200 when the database and the broker (if any) answer, else 503."""
    database = check_database()
    broker = check_broker()
    body = {"status": "ok" if not (database or broker) else "unavailable",
            "database": database or "ok",
            "broker": broker or ("ok" if getattr(settings, "CELERY_BROKER_URL", None) else "not used")}
    reasons = [reason for reason in (database, broker) if reason]
    if reasons:
        body["reason"] = "; ".join(reasons)
        return 503, body
    return 200, body
