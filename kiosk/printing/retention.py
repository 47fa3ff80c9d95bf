"""Retention of print jobs: a receipt's bytes (~60 kB with a map) are dropped a configurable
number of days (`PRINT_JOB_RETENTION_DAYS`) after the job ended; the row stays, so the job list,
counts and history remain. `kiosk.printing.init_app` registers it with `flask housekeeping`.

Receipts carry no patient data by policy, but they are the bulk of the table: kept forever
they grow the database by gigabytes a year at a busy hospital.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update

from kiosk.extensions import db
from kiosk.models import PrintJob
from kiosk.models.printing import ENDED_PRINT_JOB_STATUSES

RETENTION_DAYS = "PRINT_JOB_RETENTION_DAYS"


def drop_old_receipts(now: datetime, retention_days: float) -> int:
    """Drop the bytes of jobs that ended more than `retention_days` before `now`; commit and
    return how many. Reads only jobs that still keep their receipt (a partial index)."""
    cutoff = now - timedelta(days=retention_days)
    result = db.session.execute(
        update(PrintJob)
        .where(
            PrintJob.payload.is_not(None),
            PrintJob.ended_at < cutoff,
            PrintJob.status.in_(ENDED_PRINT_JOB_STATUSES),
        )
        # Keep updated_at: dropping the bytes is not something that happened to the job.
        .values(payload=None, updated_at=PrintJob.updated_at)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(getattr(result, "rowcount", 0))


def forget_old_receipts(now: datetime) -> str:
    """The `flask housekeeping` task for print jobs: drop old receipts, say how many."""
    days = float(current_app.config[RETENTION_DAYS])
    dropped = drop_old_receipts(now, days)
    return f"{dropped} print receipt(s) older than {days:g} day(s) dropped."
