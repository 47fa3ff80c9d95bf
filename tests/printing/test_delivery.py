"""What a kiosk may tell the patient about a receipt: only a proven printout is "take it"."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import update

from kiosk.extensions import db
from kiosk.models import PrintJob, PrintJobStatus
from kiosk.models.types import utcnow
from kiosk.printing.delivery import DeliveryState, delivery_state
from kiosk.printing.queue import enqueue_receipt
from kiosk.printing.settings import current_settings
from kiosk.printing.worker import PrintWorker
from tests.builders import add_kiosk
from tests.printing.fake_printer import FakePrinter, Mode, refused_uri
from tests.printing.printing_helpers import (
    SILENT_PROFILE,
    STATUS_ANSWERING_PROFILE,
    queue_ticket,
)


def queue_one(printer_uri: str, profile: str = STATUS_ANSWERING_PROFILE) -> int:
    job = enqueue_receipt(
        add_kiosk(
            name=f"kiosk-{printer_uri}-{profile}", printer_uri=printer_uri, printer_profile=profile
        ),
        queue_ticket(),
    )
    db.session.commit()
    return job.id


def print_due(printer_uri: str) -> None:
    PrintWorker(printer_uri, current_settings()).process_due_jobs()
    db.session.expire_all()


def test_a_confirmed_printout_is_the_only_take_your_ticket(
    print_app: Flask, fake_printer: FakePrinter
) -> None:
    with print_app.app_context():
        job_id = queue_one(fake_printer.uri)
        assert delivery_state(job_id) is DeliveryState.PRINTING
        assert not delivery_state(job_id).final
        print_due(fake_printer.uri)
        assert delivery_state(job_id) is DeliveryState.PRINTED and delivery_state(job_id).final


def test_a_failed_attempt_is_retrying_and_the_last_one_failed(print_app: Flask) -> None:
    printer_uri = refused_uri()
    # Two attempts, the second only when the test makes it due.
    print_app.config.update(
        PRINT_MAX_ATTEMPTS=2, PRINT_BACKOFF_BASE_SECONDS=3600, PRINT_BACKOFF_CAP_SECONDS=3600
    )
    with print_app.app_context():
        job_id = queue_one(printer_uri)
        print_due(printer_uri)
        assert delivery_state(job_id) is DeliveryState.RETRYING
        db.session.execute(
            update(PrintJob).where(PrintJob.id == job_id).values(next_attempt_at=utcnow())
        )
        db.session.commit()
        print_due(printer_uri)
        assert delivery_state(job_id) is DeliveryState.FAILED
        assert delivery_state(999) is DeliveryState.FAILED


def test_a_printer_that_cannot_confirm_leaves_the_receipt_sent(
    print_app: Flask, fake_printer: FakePrinter
) -> None:
    fake_printer.mode = Mode.SILENT
    with print_app.app_context():
        job_id = queue_one(fake_printer.uri, SILENT_PROFILE)
        print_due(fake_printer.uri)
        assert delivery_state(job_id) is DeliveryState.SENT and delivery_state(job_id).final


def test_sent_to_a_printer_that_can_confirm_waits_for_its_answer_then_is_only_sent(
    print_app: Flask,
) -> None:
    with print_app.app_context():
        job_id = queue_one("network://10.0.0.5:9100")
        just_now = utcnow()
        long_ago = just_now - timedelta(minutes=10)
        for ended_at, expected in (
            (just_now, DeliveryState.PRINTING),
            (long_ago, DeliveryState.SENT),
        ):
            db.session.execute(
                update(PrintJob)
                .where(PrintJob.id == job_id)
                .values(status=PrintJobStatus.SENT, ended_at=ended_at)
            )
            db.session.commit()
            assert delivery_state(job_id) is expected
