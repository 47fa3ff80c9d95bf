"""`flask print-worker` and `flask print-jobs` as staff and scripts use them."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import PrintJob, PrintJobStatus
from kiosk.printing.queue import enqueue_receipt
from tests.builders import add_kiosk
from tests.printing.fake_printer import refused_uri
from tests.printing.printing_helpers import spanish_directions_receipt


def queue_directions(app: Flask, printer_uri: str = "dummy://") -> int:
    with app.app_context():
        job = enqueue_receipt(
            add_kiosk(name=f"kiosk-{printer_uri}", printer_uri=printer_uri),
            spanish_directions_receipt(),
        )
        db.session.commit()
        return job.id


def receipts_folder(app: Flask) -> Path:
    return Path(app.config["PRINT_RECEIPTS_FOLDER"])


def test_worker_once_prints_due_jobs_on_the_dummy_printer(
    print_app: Flask, print_runner: FlaskCliRunner
) -> None:
    job_id = queue_directions(print_app)
    result = print_runner.invoke(args=["print-worker", "--printer", "dummy://", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 job(s) processed" in result.output
    with print_app.app_context():
        job = db.session.get(PrintJob, job_id)
        assert job is not None and job.status is PrintJobStatus.PRINTED
        assert (receipts_folder(print_app) / f"job-{job_id:06d}.bin").read_bytes() == job.payload
    assert (receipts_folder(print_app) / f"job-{job_id:06d}.png").is_file()


def test_worker_refuses_an_ill_formed_printer_uri(print_runner: FlaskCliRunner) -> None:
    result = print_runner.invoke(args=["print-worker", "--printer", "lpt1", "--once"])
    assert result.exit_code == 2
    assert "unsupported printer URI" in result.output


def test_worker_prints_until_sigterm(print_app: Flask, print_runner: FlaskCliRunner) -> None:
    job_id = queue_directions(print_app)
    printed_file = receipts_folder(print_app) / f"job-{job_id:06d}.bin"

    def stop_once_printed() -> None:
        deadline = time.monotonic() + 20
        while not printed_file.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGTERM)

    previous_handler = signal.getsignal(signal.SIGTERM)
    stopper = threading.Thread(target=stop_once_printed)
    stopper.start()
    result = print_runner.invoke(args=["print-worker", "--printer", "dummy://"])
    stopper.join()
    assert result.exit_code == 0, result.output
    assert "dummy:// stopped" in result.output
    assert printed_file.exists()
    assert signal.getsignal(signal.SIGTERM) == previous_handler


def test_print_jobs_lists_status_attempts_and_last_error(
    print_app: Flask, print_runner: FlaskCliRunner
) -> None:
    print_app.config["PRINT_MAX_ATTEMPTS"] = 1
    printer_uri = refused_uri()
    job_id = queue_directions(print_app, printer_uri)
    print_runner.invoke(args=["print-worker", "--printer", printer_uri, "--once"])
    result = print_runner.invoke(args=["print-jobs"])
    assert result.exit_code == 0
    header, row = result.output.splitlines()
    assert header.split()[:6] == ["id", "printer", "purpose", "status", "attempts", "created"]
    assert row.split()[:5] == [str(job_id), printer_uri, "directions", "failed", "1"]
    assert row.endswith("connection refused")


def test_print_jobs_says_when_there_are_none(print_runner: FlaskCliRunner) -> None:
    assert print_runner.invoke(args=["print-jobs"]).output == "No print jobs.\n"


def test_show_prints_the_receipt_text_with_its_accents(
    print_app: Flask, print_runner: FlaskCliRunner
) -> None:
    job_id = queue_directions(print_app)
    result = print_runner.invoke(args=["print-jobs", "--show", str(job_id)])
    assert result.exit_code == 0
    assert "Radiología" in result.output and "Usted está aquí" in result.output
    assert "[QR: https://lobby.example.org/d/" in result.output


def test_reprint_queues_a_copy_and_prints_it_now(
    print_app: Flask, print_runner: FlaskCliRunner
) -> None:
    job_id = queue_directions(print_app)
    result = print_runner.invoke(args=["print-jobs", "--reprint", str(job_id)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith(": printed.")
    with print_app.app_context():
        copy = db.session.scalar(select(PrintJob).where(PrintJob.reprint_of_id == job_id))
        original = db.session.get(PrintJob, job_id)
        assert copy is not None and original is not None
        assert copy.status is PrintJobStatus.PRINTED and copy.payload == original.payload
        assert original.status is PrintJobStatus.QUEUED  # the original is left to its worker
    assert (receipts_folder(print_app) / f"job-{copy.id:06d}.png").is_file()


def test_unknown_job_ids_get_a_clear_message(print_runner: FlaskCliRunner) -> None:
    for option in ("--show", "--reprint"):
        result = print_runner.invoke(args=["print-jobs", option, "999"])
        assert result.exit_code == 1
        assert "there is no print job 999" in result.output
