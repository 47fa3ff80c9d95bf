"""What the staff "Printers" screen calls: job lists, one job's text, reprints and printer
states, as values (the CLI only formats them)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import update

from kiosk.extensions import db
from kiosk.models import PrinterState, PrintJob, PrintJobStatus
from kiosk.printing.connections import PrinterUriError
from kiosk.printing.jobs import (
    job_text,
    known_printer_uris,
    printer_states,
    recent_jobs,
    reprint_now,
)
from kiosk.printing.queue import PrintJobNotFound, ReceiptDropped, enqueue_receipt
from kiosk.printing.settings import current_settings
from kiosk.printing.worker import PrintWorker
from tests.builders import add_kiosk
from tests.printing.fake_printer import refused_uri
from tests.printing.printing_helpers import queue_ticket, spanish_directions_receipt


def queue_on(printer_uri: str, count: int = 1) -> list[int]:
    kiosk = add_kiosk(name=f"kiosk-{printer_uri}", printer_uri=printer_uri)
    jobs = [enqueue_receipt(kiosk, queue_ticket()) for _ in range(count)]
    db.session.commit()
    return [job.id for job in jobs]


def test_recent_jobs_are_values_newest_first_for_any_spelling_of_a_printer(
    print_app: Flask,
) -> None:
    with print_app.app_context():
        printer_uri = refused_uri()
        failing = queue_on(printer_uri)[0]
        other = queue_on("dummy://")[0]
        print_app.config["PRINT_MAX_ATTEMPTS"] = 1
        PrintWorker(printer_uri, current_settings()).process_due_jobs()
        assert [job.id for job in recent_jobs()] == [other, failing]
        (summary,) = recent_jobs(printer_uri=printer_uri + "/")
        assert (summary.id, summary.status, summary.attempts, summary.last_error) == (
            failing,
            PrintJobStatus.FAILED,
            1,
            "connection refused",
        )
        assert summary.purpose == "ticket" and summary.receipt_kept
        assert [job.id for job in recent_jobs(limit=1)] == [other]
        with pytest.raises(PrinterUriError):
            recent_jobs(printer_uri="lpt1")


def test_job_text_reads_the_receipt_or_says_why_it_cannot(print_app: Flask) -> None:
    with print_app.app_context():
        kiosk = add_kiosk()
        job = enqueue_receipt(kiosk, spanish_directions_receipt())
        db.session.commit()
        assert "Radiología" in job_text(job.id)
        with pytest.raises(PrintJobNotFound, match="there is no print job 999"):
            job_text(999)
        db.session.execute(update(PrintJob).where(PrintJob.id == job.id).values(payload=None))
        db.session.commit()
        with pytest.raises(ReceiptDropped):
            job_text(job.id)
        with pytest.raises(ReceiptDropped):
            reprint_now(job.id, current_settings())


def test_reprint_now_returns_the_copy_and_its_outcome(print_app: Flask) -> None:
    with print_app.app_context():
        (original,) = queue_on("dummy://")
        result = reprint_now(original, current_settings())
        assert (result.original_id, result.printer_uri, result.outcome) == (
            original,
            "dummy://",
            PrintJobStatus.PRINTED,
        )
        copy = db.session.get(PrintJob, result.copy_id)
        assert copy is not None and copy.reprint_of_id == original


def test_printer_states_list_every_known_printer_with_its_queue_and_kiosks(
    print_app: Flask,
) -> None:
    # One attempt each: the retries wait longer than the test.
    print_app.config.update(PRINT_BACKOFF_BASE_SECONDS=3600, PRINT_BACKOFF_CAP_SECONDS=3600)
    with print_app.app_context():
        printer_uri = refused_uri()
        queue_on(printer_uri, count=2)
        queue_on("dummy://")
        PrintWorker(printer_uri, current_settings()).process_due_jobs()
        states = {printer.printer_uri: printer for printer in printer_states()}
        assert set(states) == {printer_uri, "dummy://"} == set(known_printer_uris())
        failing, never_tried = states[printer_uri], states["dummy://"]
        assert (failing.state, failing.last_error, failing.waiting_jobs) == (
            PrinterState.OFFLINE,
            "connection refused",
            2,
        )
        assert failing.checked_at is not None and failing.kiosks == (f"kiosk-{printer_uri}",)
        assert (never_tried.state, never_tried.checked_at, never_tried.waiting_jobs) == (
            PrinterState.UNKNOWN,
            None,
            1,
        )


def test_print_jobs_lists_the_printers(print_app: Flask, print_runner: FlaskCliRunner) -> None:
    assert print_runner.invoke(args=["print-jobs", "--printers"]).output == "No printers.\n"
    with print_app.app_context():
        queue_on("dummy://")
    result = print_runner.invoke(args=["print-jobs", "--printers"])
    header, row = result.output.splitlines()
    assert header.split()[:3] == ["printer", "state", "waiting"]
    assert row.split()[:3] == ["dummy://", "unknown", "1"]
