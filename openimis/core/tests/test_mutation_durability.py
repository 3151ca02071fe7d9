"""Nothing lost, nothing doubled: a mutation's status 2 commits with its work, a log is run once, logs a
stopped process left at 0 are resolved, and one scheduler runs the jobs at a time."""

from __future__ import annotations

import datetime
import json
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from openimis.core import scheduler, services, stale_mutations, tasks
from openimis.core.errors import ValidationFailed
from openimis.core.models import MutationLog, Role
from openimis.core.scheduler_lock import CacheLease, FileLock, PostgreSQLAdvisoryLock, scheduler_lock
from openimis.graphql.mutations import OpenIMISMutation

RUNS: list[str] = []


class DurabilityProbeMutation(OpenIMISMutation):
    """Registered for these tests only (not part of the schema): writes a role named by the input."""

    rights = ("test",)

    class Input(OpenIMISMutation.Input):
        pass

    @classmethod
    def perform(cls, user, data, log):
        RUNS.append(data["name"])
        services.ensure_reference_data()
        Role.objects.create(name=data["name"])
        if data.get("pause"):
            time.sleep(data["pause"])
        if data.get("fail"):
            raise ValidationFailed("refused", data["name"])


@pytest.fixture(autouse=True)
def no_runs():
    RUNS.clear()


def new_log(**fields) -> MutationLog:
    return MutationLog.objects.create(json_content="{}", **fields)


def run(log, **data):
    return tasks.execute_mutation("DurabilityProbeMutation", log.id, None, {"name": "probe", **data})


def test_success_commits_the_work_and_the_status_together(db):
    log = new_log()
    assert run(log) == MutationLog.SUCCESS
    log.refresh_from_db()
    assert log.status == MutationLog.SUCCESS and log.error is None
    assert Role.objects.filter(name="probe").count() == 1


def test_a_failing_final_status_rolls_the_work_back(db, monkeypatch):
    """The status 2 is written inside the work's transaction: when writing it fails, the work is gone."""
    original_save = MutationLog.save

    def failing_save(self, *args, **kwargs):
        if self.status == MutationLog.SUCCESS:
            raise RuntimeError("disk full")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(MutationLog, "save", failing_save)
    log = new_log()
    assert run(log) == MutationLog.ERROR
    log.refresh_from_db()
    assert log.status == MutationLog.ERROR and "disk full" in log.error
    assert not Role.objects.filter(name="probe").exists()


def test_an_error_leaves_no_rows_and_records_status_1(db):
    log = new_log()
    roles = Role.objects.count()
    assert run(log, fail=True) == MutationLog.ERROR
    log.refresh_from_db()
    assert log.status == MutationLog.ERROR
    assert json.loads(log.error) == [{"message": "refused", "detail": "probe"}]
    assert Role.objects.count() == roles


def test_executing_the_same_log_twice_runs_it_once(db):
    log = new_log()
    assert run(log) == MutationLog.SUCCESS
    assert run(log) == MutationLog.SUCCESS  # a task delivered again: the log is ended, nothing runs
    assert RUNS == ["probe"]
    assert Role.objects.filter(name="probe").count() == 1


def test_an_ended_log_is_not_run_nor_changed(db):
    failed = new_log(status=MutationLog.ERROR, error='[{"message": "interrupted"}]')
    assert run(failed) == MutationLog.ERROR
    assert RUNS == [] and not Role.objects.filter(name="probe").exists()
    failed.refresh_from_db()
    assert failed.error == '[{"message": "interrupted"}]'


def test_an_error_does_not_overwrite_a_log_another_execution_ended(db):
    log = new_log(status=MutationLog.SUCCESS)
    assert tasks.end_with_error(log.id, '[{"message": "late"}]') == MutationLog.SUCCESS
    log.refresh_from_db()
    assert log.status == MutationLog.SUCCESS and log.error is None


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_executions_run_the_work_once():
    """Two workers given the same task at once: the second waits for the first's lock, then finds the
    log ended. PostgreSQL only (SQLite's test database in memory does not wait for locks)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks between connections: PostgreSQL (the SQLite test database is in memory)")
    log = new_log()
    answers = []

    def execute():
        try:
            answers.append(run(log, pause=0.5))
        finally:
            connection.close()

    threads = [threading.Thread(target=execute) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert answers == [MutationLog.SUCCESS, MutationLog.SUCCESS]
    assert RUNS == ["probe"]
    assert Role.objects.filter(name="probe").count() == 1


# --- stale logs ---------------------------------------------------------------------------------------

def aged(seconds: float, **fields) -> MutationLog:
    log = new_log(**fields)
    MutationLog.objects.filter(id=log.id).update(request_date_time=timezone.now() - datetime.timedelta(
        seconds=seconds))
    return log


def test_stale_logs_are_marked_interrupted(db, settings):
    settings.MUTATION_LOG_STALE_SECONDS = 120
    old, young = aged(600), aged(10)
    done, failed = aged(600, status=MutationLog.SUCCESS), aged(600, status=MutationLog.ERROR, error="[]")
    assert stale_mutations.resolve_stale_logs() == 1
    for log in (old, young, done, failed):
        log.refresh_from_db()
    assert old.status == MutationLog.ERROR
    message = json.loads(old.error)[0]["message"]
    assert message == "Interrupted: the server stopped before this mutation finished"
    assert young.status == MutationLog.RECEIVED
    assert (done.status, done.error) == (MutationLog.SUCCESS, None)
    assert (failed.status, failed.error) == (MutationLog.ERROR, "[]")
    # a resolved log is not run by a task delivered late
    assert run(old) == MutationLog.ERROR and RUNS == []


@pytest.mark.django_db(transaction=True)
def test_a_stale_log_whose_work_is_running_is_left_alone(settings):
    """A mutation still running after the stale age (its log row locked by the work) is not marked
    interrupted; it ends at 2 when its work commits."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks between connections: PostgreSQL (the SQLite test database is in memory)")
    settings.MUTATION_LOG_STALE_SECONDS = 1
    log = aged(5)
    answers = []

    def execute():
        try:
            answers.append(run(log, pause=1.0))
        finally:
            connection.close()

    worker = threading.Thread(target=execute)
    worker.start()
    deadline = time.monotonic() + 10
    while not RUNS and time.monotonic() < deadline:  # the work has begun: the log is locked
        time.sleep(0.02)
    asked = time.monotonic()
    assert stale_mutations.resolve_stale_logs() == 0
    assert time.monotonic() - asked < 0.8  # skipped, not waited for: the work is still running
    assert MutationLog.objects.get(id=log.id).status == MutationLog.RECEIVED
    worker.join(20)
    log.refresh_from_db()
    assert answers == [MutationLog.SUCCESS] and log.status == MutationLog.SUCCESS


def test_the_interrupted_message_is_in_the_users_language(db, user_factory):
    user = user_factory("francophone")
    profile = user.i_user
    profile.language_id = "fr"
    profile.save(update_fields=["language"])
    log = aged(3600, user=user)
    stale_mutations.resolve_stale_logs()
    log.refresh_from_db()
    assert json.loads(log.error)[0]["message"].startswith("Interrompue")


def test_the_stale_age_comes_from_the_environment(tmp_path):
    from openimis.environment import ConfigurationError, load_environment

    def stale_age(**values):
        return load_environment(values=values, base_dir=tmp_path).mutation_log_stale_seconds

    assert stale_age() == 300
    assert stale_age(MUTATION_LOG_STALE_SECONDS="45") == 45
    for wrong in ("soon", "-1"):
        with pytest.raises(ConfigurationError, match="MUTATION_LOG_STALE_SECONDS"):
            stale_age(MUTATION_LOG_STALE_SECONDS=wrong)


def test_at_start_of_the_embedded_server_every_older_log_is_stale(db, settings):
    settings.MUTATION_LOG_STALE_SECONDS = 3600
    settings.CELERY_BROKER_URL = None
    before_start, after_start = aged(5), None
    started = timezone.now()
    after_start = new_log()
    resolved = stale_mutations.resolve_at_start(started)
    before_start.refresh_from_db()
    after_start.refresh_from_db()
    if connection.vendor == "sqlite":  # embedded: no other process runs mutations
        assert resolved == 1 and before_start.status == MutationLog.ERROR
    else:  # another process may be running it: only age counts
        assert resolved == 0 and before_start.status == MutationLog.RECEIVED
    assert after_start.status == MutationLog.RECEIVED


def test_with_celery_only_age_counts_at_start(db, settings):
    settings.MUTATION_LOG_STALE_SECONDS = 3600
    settings.CELERY_BROKER_URL = "memory://"
    log = aged(5)
    assert stale_mutations.resolve_at_start(timezone.now()) == 0
    log.refresh_from_db()
    assert log.status == MutationLog.RECEIVED


def test_the_core_module_schedules_the_stale_logs_job():
    assert ("openimis.core.stale_mutations.scheduled_job", 60) in scheduler.scheduled_jobs()


# --- one scheduler at a time -----------------------------------------------------------------------------

def test_a_second_file_lock_waits_for_the_first(tmp_path):
    first, second = FileLock(tmp_path / "db.scheduler-lock"), FileLock(tmp_path / "db.scheduler-lock")
    assert first.acquire()
    assert not second.acquire()
    first.release()  # a process that dies closes its files: the same
    assert second.acquire()
    second.release()


def test_a_second_cache_lease_waits_until_the_first_ends_or_expires(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "scheduler-lock-test"}}
    first, second = CacheLease(lease_seconds=1), CacheLease(lease_seconds=1)
    assert first.acquire() and first.still_held()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    time.sleep(1.2)  # the holder died without renewing: its lease expires
    assert not second.still_held()
    assert first.acquire()
    first.release()


@pytest.mark.django_db(transaction=True)
def test_the_postgresql_lock_is_held_by_one_session_and_freed_with_it():
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    first, second = PostgreSQLAdvisoryLock(), PostgreSQLAdvisoryLock()
    try:
        assert first.acquire() and first.still_held()
        assert not second.acquire()
        with first.wrapper.cursor() as its_cursor:
            its_cursor.execute("SELECT pg_backend_pid()")
            pid = its_cursor.fetchone()[0]
        with connection.cursor() as cursor:  # the first scheduler's session ends (its process died)
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 5
        while not second.acquire() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert second.still_held()
        assert not first.still_held()  # its connection is gone: it knows it lost the lock
    finally:
        first.release()
        second.release()


JOB_RUNS: list[str] = []


def counted_job():
    JOB_RUNS.append(threading.current_thread().name)


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_run_the_jobs_one_at_a_time(monkeypatch):
    from django.apps import apps

    JOB_RUNS.clear()
    for config in apps.get_app_configs():
        if hasattr(config, "scheduled_jobs"):
            monkeypatch.setattr(config, "scheduled_jobs", [])
    monkeypatch.setattr(apps.get_app_config("core"), "scheduled_jobs", [(f"{__name__}.counted_job", 1)])

    stops = {name: threading.Event() for name in ("first", "second")}

    def scheduler_thread(name):
        try:
            scheduler.run_forever(stops[name], tick=0.05, lock=scheduler_lock())
        finally:
            connection.close()

    threads = {name: threading.Thread(target=scheduler_thread, args=(name,), name=name) for name in stops}
    threads["first"].start()
    deadline = time.monotonic() + 10
    while not JOB_RUNS and time.monotonic() < deadline:
        time.sleep(0.05)
    threads["second"].start()
    time.sleep(1.3)  # the job is due every second: the first runs it again, the second waits
    assert set(JOB_RUNS) == {"first"} and len(JOB_RUNS) >= 2

    stops["first"].set()  # the first stops: its lock is freed and the second takes over
    threads["first"].join(10)
    deadline = time.monotonic() + 10
    while "second" not in JOB_RUNS and time.monotonic() < deadline:
        time.sleep(0.05)
    stops["second"].set()
    threads["second"].join(10)
    assert "second" in JOB_RUNS
    last_of_first = max(index for index, name in enumerate(JOB_RUNS) if name == "first")
    assert JOB_RUNS.index("second") > last_of_first  # never both at once
