"""The optional monthly batch run of the scheduler."""

from __future__ import annotations

import datetime
import json

import pytest

from openimis.claim.models import BatchRun
from openimis.claim.tests.claim_fixtures import appendix_b_world
from openimis.claim_batch import schedule
from openimis.core.models import ModuleConfiguration
from openimis.core.scheduler import scheduled_jobs

pytestmark = pytest.mark.django_db


def configure(day) -> None:
    text = json.dumps({"batch_run_day_of_month": day})
    ModuleConfiguration.objects.create(module="claim_batch", layer="be", version="1", config=text)


def test_the_job_is_scheduled_daily():
    assert ("openimis.claim_batch.schedule.daily_job", 24 * 60 * 60) in scheduled_jobs()


def test_off_by_default(db):
    appendix_b_world()
    assert schedule.daily_job(datetime.date(2024, 5, 3)) is None
    assert not BatchRun.objects.exists()


def test_on_the_configured_day_the_previous_month_runs_nationally_once(db):
    appendix_b_world()
    configure(3)
    assert schedule.daily_job(datetime.date(2024, 5, 2)) is None
    run = schedule.daily_job(datetime.date(2024, 5, 3))
    assert (run.location_id, run.run_year, run.run_month) == (None, 2024, 4)
    assert schedule.daily_job(datetime.date(2024, 5, 3)) is None  # already run
    assert schedule.daily_job(datetime.date(2025, 1, 3)).run_month == 12
    assert BatchRun.objects.count() == 2
