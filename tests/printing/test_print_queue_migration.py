"""Upgrading a server keeps queued jobs printable and tells printed jobs from sent ones."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from kiosk.extensions import db
from kiosk.models import PrintJob, PrintJobStatus
from kiosk.printing.settings import current_settings
from kiosk.printing.worker import PrintWorker


def test_jobs_queued_before_the_upgrade_are_due_and_get_printed(print_app: Flask) -> None:
    created = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    with print_app.app_context():
        downgrade(revision="0001_foundation")
        db.session.execute(
            text(
                "INSERT INTO print_jobs (printer_uri, status, payload, attempts, last_error,"
                " created_at, updated_at) VALUES ('dummy://', 'queued', :payload, 0, '',"
                " :created, :created)"
            ),
            {"payload": b"\x1b@\x1bt\x13Hola\n", "created": created},
        )
        db.session.commit()
        upgrade()
        job = db.session.scalar(db.select(PrintJob))
        assert job is not None
        assert (job.next_attempt_at, job.printer_profile, job.purpose) == (created, "TM-T20II", "")
        PrintWorker("dummy://", current_settings()).process_due_jobs()
        db.session.refresh(job)
        assert job.status is PrintJobStatus.PRINTED


def test_jobs_printed_without_the_printers_answer_become_sent_on_upgrade(
    print_app: Flask,
) -> None:
    ended = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
    with print_app.app_context():
        downgrade(revision="0005_session_audience")
        for confirmed in (True, False):
            db.session.execute(
                text(
                    "INSERT INTO print_jobs (printer_uri, printer_profile, purpose, status,"
                    " payload, attempts, last_error, next_attempt_at, confirmed_by_printer,"
                    " created_at, updated_at) VALUES ('dummy://', 'TM-T20II', 'ticket',"
                    " 'printed', :payload, 1, '', :ended, :confirmed, :ended, :ended)"
                ),
                {"payload": b"\x1b@A-042\n", "ended": ended, "confirmed": confirmed},
            )
        db.session.commit()
        upgrade()
        jobs = db.session.scalars(db.select(PrintJob).order_by(PrintJob.id)).all()
        assert [(job.status, job.ended_at) for job in jobs] == [
            (PrintJobStatus.PRINTED, ended),
            (PrintJobStatus.SENT, ended),
        ]
