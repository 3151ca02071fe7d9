"""Management commands (createsuperuser, changepassword), the `openimis` console script, and the
scheduler."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from openimis.core import scheduler, services
from openimis.core.errors import ValidationFailed
from openimis.core.models import User
from openimis.testing.client import GraphQLClient


def login(username: str, password: str) -> dict:
    return GraphQLClient(Client()).login(username, password)


def test_createsuperuser_makes_an_imis_administrator(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Boss12345")
    call_command("createsuperuser", "--noinput", "--username", "boss", verbosity=0)
    boss = User.objects.get(username="boss", validity_to__isnull=True)
    assert boss.is_imis_admin and boss.is_superuser and boss.is_staff
    assert boss.i_user.last_name == "boss" and boss.i_user.language_id == "en"
    result = login("boss", "Boss12345")
    assert "errors" not in result, result

    # the username is taken: refused loudly (Django only checks itself when the column is unique)
    with pytest.raises((CommandError, ValidationFailed), match="already taken"):
        call_command("createsuperuser", "--noinput", "--username", "boss", verbosity=0)
    assert User.objects.filter(username="boss").count() == 1


def test_changepassword_command(db, monkeypatch):
    services.create_administrator("boss", "Boss12345", "Boss", "Boss")
    answers = iter(["Changed123", "Changed123"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("changepassword", "boss", stdout=open(os.devnull, "w"))
    assert "errors" in login("boss", "Boss12345")
    assert "errors" not in login("boss", "Changed123")


def test_changepassword_ignores_deleted_namesakes(db, monkeypatch):
    old = services.create_plain_user("boss", "Boss12345")
    services.delete_user(None, old.id)
    services.create_administrator("boss", "Boss12345", "Boss", "Boss")
    answers = iter(["Changed123", "Changed123"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("changepassword", "boss", stdout=open(os.devnull, "w"))
    assert "errors" not in login("boss", "Changed123")


def openimis_script() -> Path:
    script = Path(sys.executable).with_name("openimis")
    if not script.exists():
        pytest.skip("the openimis console script is not installed next to the interpreter")
    return script


@pytest.mark.slow
def test_console_script_runs_manage_check(tmp_path):
    env = {**os.environ, "OPENIMIS_DATA_DIR": str(tmp_path), "MODE": "DEV"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    completed = subprocess.run([str(openimis_script()), "manage", "check"], env=env, capture_output=True,
                               text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert "ERROR" not in completed.stderr and "Traceback" not in completed.stderr


@pytest.mark.slow
def test_console_script_reports_an_unknown_command(tmp_path):
    env = {**os.environ, "OPENIMIS_DATA_DIR": str(tmp_path)}
    completed = subprocess.run([str(openimis_script()), "no-such-command"], env=env, capture_output=True,
                               text=True, timeout=60)
    assert completed.returncode != 0 and "invalid choice" in completed.stderr


# --- scheduler -------------------------------------------------------------------------------------

CALLS: list[str] = []


def good_job():
    CALLS.append("good")


def bad_job():
    CALLS.append("bad")
    raise RuntimeError("job failed")


def other_job():
    CALLS.append("other")


@pytest.fixture
def jobs(monkeypatch):
    from django.apps import apps

    CALLS.clear()
    config = apps.get_app_config("core")
    monkeypatch.setattr(config, "scheduled_jobs", [(f"{__name__}.good_job", 60), (f"{__name__}.bad_job", 60)])
    location = apps.get_app_config("location")
    monkeypatch.setattr(location, "scheduled_jobs", [(f"{__name__}.other_job", 3600)])
    return config


def test_scheduler_runs_due_jobs_and_survives_failures(jobs):
    paths = [path for path, _seconds in scheduler.scheduled_jobs()]
    assert f"{__name__}.good_job" in paths and f"{__name__}.other_job" in paths
    next_runs: dict[str, float] = {}
    scheduler.run_due_jobs(next_runs, now=1000.0)
    assert sorted(CALLS) == ["bad", "good", "other"]
    assert next_runs[f"{__name__}.good_job"] == 1060.0 and next_runs[f"{__name__}.other_job"] == 4600.0

    CALLS.clear()
    scheduler.run_due_jobs(next_runs, now=1030.0)  # nothing due yet
    assert CALLS == []
    scheduler.run_due_jobs(next_runs, now=1060.0)  # the minute jobs again, the hourly one not
    assert sorted(CALLS) == ["bad", "good"]


def test_scheduler_survives_a_job_that_cannot_be_imported(jobs, monkeypatch):
    monkeypatch.setattr(jobs, "scheduled_jobs", [("no.such.module.job", 60), (f"{__name__}.good_job", 60)])
    scheduler.run_due_jobs({}, now=0.0)
    assert "good" in CALLS


def test_scheduler_thread_stops(jobs, transactional_db):
    stop = scheduler.start_in_thread()
    stop.set()
    # the thread may be taking the scheduler lock (a database connection): it ends within this test
    for thread in threading.enumerate():
        if thread.name == "openimis-scheduler":
            thread.join(10)
            assert not thread.is_alive()
