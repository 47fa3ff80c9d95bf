"""Print history does not weigh on the server: old receipts' bytes are dropped by
`flask housekeeping`, and `/healthz` counts pending jobs from an index, not the table."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import text, update

from kiosk.extensions import db
from kiosk.models import Kiosk, PrintJob, PrintJobStatus
from kiosk.models.types import utcnow
from kiosk.printing.queue import enqueue_receipt
from kiosk.shell.health import pending_print_jobs_query
from tests.builders import add_kiosk
from tests.printing.printing_helpers import queue_ticket

PENDING_INDEX = "ix_print_jobs_status_printer_due"
DAY = timedelta(days=1)


def add_job(kiosk: Kiosk, status: PrintJobStatus, ended_days_ago: float | None) -> int:
    """A job in `status` that ended that many days ago (None: not ended)."""
    job = enqueue_receipt(kiosk, queue_ticket())
    db.session.flush()
    ended_at = None if ended_days_ago is None else utcnow() - ended_days_ago * DAY
    db.session.execute(
        update(PrintJob).where(PrintJob.id == job.id).values(status=status, ended_at=ended_at)
    )
    db.session.commit()
    return job.id


def receipt_kept(job_id: int) -> bool:
    db.session.expire_all()
    job = db.session.get(PrintJob, job_id)
    assert job is not None
    return job.payload is not None


def test_housekeeping_drops_receipts_of_jobs_ended_longer_ago_than_the_retention(
    print_app: Flask, print_runner: FlaskCliRunner
) -> None:
    print_app.config["PRINT_JOB_RETENTION_DAYS"] = 7
    with print_app.app_context():
        kiosk = add_kiosk()
        old = [
            add_job(kiosk, status, ended_days_ago=8)
            for status in (PrintJobStatus.PRINTED, PrintJobStatus.SENT, PrintJobStatus.FAILED)
        ]
        recent = add_job(kiosk, PrintJobStatus.PRINTED, ended_days_ago=6)
        waiting = add_job(kiosk, PrintJobStatus.QUEUED, ended_days_ago=None)
    result = print_runner.invoke(args=["housekeeping"])
    assert result.exit_code == 0, result.output
    assert "3 print receipt(s) older than 7 day(s) dropped." in result.output
    with print_app.app_context():
        assert [receipt_kept(job_id) for job_id in old] == [False, False, False]
        assert receipt_kept(recent) and receipt_kept(waiting)
        assert db.session.get(PrintJob, old[0]) is not None  # the history row stays
    again = print_runner.invoke(args=["housekeeping"])
    assert "0 print receipt(s) older than 7 day(s) dropped." in again.output


def query_plan(sql: str) -> str:
    """The database's plan for `sql`, as one text."""
    if db.engine.dialect.name == "sqlite":
        rows = db.session.execute(text("EXPLAIN QUERY PLAN " + sql)).all()
        return "\n".join(str(row[-1]) for row in rows)
    # A test table is tiny, so PostgreSQL would rightly scan it; forbid that to see whether an
    # index-only plan exists at all.
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    db.session.execute(text("SET LOCAL enable_bitmapscan = off"))
    return "\n".join(row[0] for row in db.session.execute(text("EXPLAIN " + sql)))


def test_health_counts_pending_jobs_from_the_index_alone(print_app: Flask) -> None:
    with print_app.app_context():
        kiosk = add_kiosk()
        for days in range(20):
            add_job(kiosk, PrintJobStatus.PRINTED, ended_days_ago=days)
        add_job(kiosk, PrintJobStatus.QUEUED, ended_days_ago=None)
        assert db.session.scalar(pending_print_jobs_query()) == 1
        sql = str(
            pending_print_jobs_query().compile(
                dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}
            )
        )
        plan = query_plan(sql)
        db.session.rollback()
        dialect = db.engine.dialect.name
    if dialect == "sqlite":
        # SEARCH with (status=?) reads only the pending entries; SCAN would read them all.
        assert f"SEARCH print_jobs USING COVERING INDEX {PENDING_INDEX} (status=?)" in plan
    else:
        assert f"Index Only Scan using {PENDING_INDEX}" in plan
