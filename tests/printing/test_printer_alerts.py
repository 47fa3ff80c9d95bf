"""A printer that fails a kiosk's job alerts the front desk, on SQLite and PostgreSQL: the job's
kiosk gets one "printer offline" alert with the printer's error (out of paper, refused) however
many attempts fail, and a "receipt could not be printed" alert once the job fails for good."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import KioskAlert, KioskAlertKind
from kiosk.printing.settings import current_settings
from kiosk.printing.worker import PrintWorker
from tests.printing.fake_printer import FakePrinter, Mode, refused_uri
from tests.printing.test_print_queue import queue_receipts, work_until_final


def open_alerts() -> list[tuple[KioskAlertKind, str]]:
    """The open alerts' kinds and details."""
    db.session.expire_all()
    return [
        (alert.kind, alert.detail)
        for alert in db.session.scalars(
            select(KioskAlert).where(KioskAlert.resolved_at.is_(None)).order_by(KioskAlert.id)
        )
    ]


def test_a_refusing_printer_alerts_its_kiosk_once_and_the_failed_job_once(
    print_app: Flask,
) -> None:
    printer_uri = refused_uri()
    with print_app.app_context():
        job_ids = queue_receipts(printer_uri, count=2)
        work_until_final(PrintWorker(printer_uri, current_settings()), job_ids)
        assert open_alerts() == [
            (KioskAlertKind.PRINTER_OFFLINE, "connection refused"),
            (KioskAlertKind.PRINT_FAILED, "connection refused"),
        ]


def test_a_printer_out_of_paper_alerts_its_kiosk(
    print_app: Flask, fake_printer: FakePrinter
) -> None:
    fake_printer.mode = Mode.PAPER_OUT
    with print_app.app_context():
        queue_receipts(fake_printer.uri)
        PrintWorker(fake_printer.uri, current_settings()).process_due_jobs()
        assert open_alerts() == [(KioskAlertKind.PRINTER_OFFLINE, "printer reports paper out")]
