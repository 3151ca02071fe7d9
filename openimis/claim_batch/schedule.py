"""The optional monthly batch run: a daily job that, on the configured day of the month (module config
`batch_run_day_of_month`, None: off), runs the previous month nationally unless it was run already."""

from __future__ import annotations

import logging

from django.utils import timezone

from openimis.claim_batch import services, tables
from openimis.core.configuration import module_config

logger = logging.getLogger("openimis.claim_batch")


def previous_month(day) -> tuple[int, int]:
    return (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)


def daily_job(today=None):
    """Run the previous month nationally when today is the configured day; returns the run, if any."""
    day = module_config("claim_batch").get("batch_run_day_of_month")
    today = today or timezone.localdate()
    if not day or int(day) != today.day:
        return None
    year, month = previous_month(today)
    if tables.batch_run_model().objects.filter(validity_to__isnull=True, location__isnull=True,
                                               run_year=year, run_month=month).exists():
        return None
    run = services.process_batch(None, None, year, month)
    logger.info("batch run %s-%02d done (run %s)", year, month, run.pk)
    return run
