"""The durable print queue against a fake network printer that hangs, resets and refuses.

Each test runs on SQLite and PostgreSQL. Timeouts and backoffs are tiny (see
FAST_QUEUE_CONFIG); tests wait for outcomes with a generous deadline and never assert on speed.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select, update

from kiosk.extensions import db
from kiosk.models import PrinterState, PrintJob, PrintJobStatus
from kiosk.models.types import utcnow
from kiosk.printing.queue import ABANDONED_ERROR, backoff_delay, enqueue_receipt
from kiosk.printing.settings import current_settings
from kiosk.printing.status import printer_is_offline, printer_status
from kiosk.printing.worker import NOT_CONFIRMED_ERROR, PrintWorker
from tests.builders import add_kiosk
from tests.printing.fake_printer import QUERY_PRINTER_STATUS, FakePrinter, Mode, refused_uri
from tests.printing.printing_helpers import (
    SILENT_PROFILE,
    STATUS_ANSWERING_PROFILE,
    queue_ticket,
    spanish_directions_receipt,
)

# SENT is left out: for a printer that can confirm it only lasts until the printer answers.
FINAL_STATUSES = (PrintJobStatus.PRINTED, PrintJobStatus.FAILED)
DEADLINE_SECONDS = 20.0


def queue_receipts(printer_uri: str, count: int = 1) -> list[int]:
    """Queue Spanish directions with a map (tens of kilobytes, like real receipts)."""
    kiosk = add_kiosk(name=f"kiosk-{printer_uri}", printer_uri=printer_uri)
    jobs = [enqueue_receipt(kiosk, spanish_directions_receipt()) for _ in range(count)]
    db.session.commit()
    return [job.id for job in jobs]


def queue_tickets(
    printer_uri: str, count: int = 1, profile: str = STATUS_ANSWERING_PROFILE
) -> list[int]:
    """Queue short, text-only receipts (a few hundred bytes, like a queue ticket)."""
    kiosk = add_kiosk(
        name=f"kiosk-{printer_uri}-{profile}", printer_uri=printer_uri, printer_profile=profile
    )
    jobs = [enqueue_receipt(kiosk, queue_ticket()) for _ in range(count)]
    db.session.commit()
    return [job.id for job in jobs]


def job(job_id: int) -> PrintJob:
    """The job as stored now (ending this session's snapshot, which SQLite would keep)."""
    db.session.commit()
    db.session.expire_all()
    found = db.session.get(PrintJob, job_id)
    assert found is not None
    return found


def wait_until(condition: Callable[[], bool], step: Callable[[], object] | None = None) -> None:
    """Run `step` until `condition` holds; fail after the deadline (a hang, not slowness)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        if step is not None:
            step()
        time.sleep(0.01)


def work_until_final(worker: PrintWorker, job_ids: list[int]) -> None:
    wait_until(
        lambda: all(job(job_id).status in FINAL_STATUSES for job_id in job_ids),
        worker.process_due_jobs,
    )


@contextmanager
def worker_running(app: Flask, printer_uri: str) -> Iterator[PrintWorker]:
    """One worker loop in a background thread, as `flask print-worker` runs it."""
    stop = threading.Event()
    with app.app_context():
        worker = PrintWorker(printer_uri, current_settings())

    def run() -> None:
        with app.app_context():
            worker.run(stop)
            db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        yield worker
    finally:
        stop.set()
        thread.join(DEADLINE_SECONDS)
        assert not thread.is_alive(), "worker did not stop"


def test_enqueue_never_touches_the_printer_even_when_it_hangs(
    print_app: Flask, fake_printer: FakePrinter
) -> None:
    fake_printer.mode = Mode.HANG
    with print_app.app_context():
        (job_id,) = queue_receipts(fake_printer.uri)
        assert fake_printer.connections == 0
        queued = job(job_id)
        assert (queued.status, queued.attempts, queued.purpose) == (
            PrintJobStatus.QUEUED,
            0,
            "directions",
        )


def test_job_is_part_of_the_callers_transaction(print_app: Flask) -> None:
    with print_app.app_context():
        kiosk = add_kiosk()
        enqueue_receipt(kiosk, spanish_directions_receipt())
        db.session.rollback()
        assert db.session.scalar(select(func.count(PrintJob.id))) == 0


def test_hanging_printer_times_out_retries_with_backoff_then_fails(
    print_app: Flask, fake_printer: FakePrinter
) -> None:
    fake_printer.mode = Mode.HANG
    with print_app.app_context():
        settings = current_settings()
        (job_id,) = queue_receipts(fake_printer.uri)
        worker = PrintWorker(fake_printer.uri, settings)
        assert worker.process_due_jobs() == 1
        first = job(job_id)
        assert (first.status, first.attempts) == (PrintJobStatus.QUEUED, 1)
        assert "timeout" in first.last_error
        assert first.next_attempt_at - first.updated_at == backoff_delay(1, settings)
        assert printer_is_offline(fake_printer.uri)
        work_until_final(worker, [job_id])
        failed = job(job_id)
        assert (failed.status, failed.attempts) == (PrintJobStatus.FAILED, settings.max_attempts)
        assert fake_printer.connections == settings.max_attempts


def test_printer_resetting_mid_job_gets_the_job_again_and_it_prints(
    print_app: Flask, fake_printer: FakePrinter
) -> None:
    fake_printer.mode = Mode.RESET
    with print_app.app_context():
        (job_id,) = queue_receipts(fake_printer.uri)
        worker = PrintWorker(fake_printer.uri, current_settings())
        worker.process_due_jobs()
        assert job(job_id).last_error == "connection dropped by the printer"
        fake_printer.mode = Mode.PRINT
        work_until_final(worker, [job_id])
        printed = job(job_id)
        assert (printed.status, printed.attempts) == (PrintJobStatus.PRINTED, 2)
        assert printed.printed_at is not None and printed.ended_at == printed.printed_at
        assert fake_printer.wait_for_receipts(1) == [printed.payload]


def test_refusing_printer_fails_jobs_visibly_after_the_last_attempt(print_app: Flask) -> None:
    printer_uri = refused_uri()
    with print_app.app_context():
        job_ids = queue_receipts(printer_uri, count=2)
        work_until_final(PrintWorker(printer_uri, current_settings()), job_ids)
        for job_id in job_ids:
            failed = job(job_id)
            assert (failed.status, failed.last_error) == (
                PrintJobStatus.FAILED,
                "connection refused",
            )
        status = printer_status(printer_uri)
        assert status is not None and status.state is PrinterState.OFFLINE
        assert status.last_error == "connection refused"


def test_worker_loop_recovers_when_the_printer_comes_back_and_loses_nothing(
    print_app: Flask, fake_printer: FakePrinter
) -> None:
    print_app.config["PRINT_MAX_ATTEMPTS"] = 1000  # keep retrying while the printer is off
    fake_printer.switch_off()
    with print_app.app_context():
        job_ids = queue_receipts(fake_printer.uri, count=4)
        payloads = {job(job_id).payload for job_id in job_ids}
    with worker_running(print_app, fake_printer.uri), print_app.app_context():
        wait_until(lambda: all(job(job_id).attempts >= 2 for job_id in job_ids))
        assert printer_is_offline(fake_printer.uri)
        fake_printer.switch_on()  # same port, same worker loop
        wait_until(lambda: all(job(job_id).status in FINAL_STATUSES for job_id in job_ids))
        assert {job(job_id).status for job_id in job_ids} == {PrintJobStatus.PRINTED}
        assert not printer_is_offline(fake_printer.uri)
    assert set(fake_printer.wait_for_receipts(4)) == payloads
    assert len(fake_printer.receipts) == 4


def test_idle_worker_notices_an_offline_printer_is_back(
    print_app: Flask, fake_printer: FakePrinter
) -> None:
    fake_printer.switch_off()
    with print_app.app_context():
        print_app.config["PRINT_MAX_ATTEMPTS"] = 1
        (job_id,) = queue_receipts(fake_printer.uri)
        worker = PrintWorker(fake_printer.uri, current_settings())
        work_until_final(worker, [job_id])
        assert printer_is_offline(fake_printer.uri)
        fake_printer.switch_on()
        assert worker.process_due_jobs() == 0  # nothing to print, so it asks the printer
        status = printer_status(fake_printer.uri)
        assert status is not None and status.state is PrinterState.ONLINE
        assert not printer_is_offline(fake_printer.uri)


def test_one_pass_tries_each_due_job_once_even_when_its_retry_is_due_at_once(
    print_app: Flask,
) -> None:
    # A backoff shorter than one attempt (a busy machine, or a zero backoff) made the retry due
    # inside the same pass, so one pass spent several attempts of a job in a row.
    print_app.config.update(PRINT_BACKOFF_BASE_SECONDS=0, PRINT_BACKOFF_CAP_SECONDS=0)
    printer_uri = refused_uri()
    with print_app.app_context():
        job_ids = queue_receipts(printer_uri, count=2)
        assert PrintWorker(printer_uri, current_settings()).process_due_jobs() == 2
        assert [(job(job_id).status, job(job_id).attempts) for job_id in job_ids] == [
            (PrintJobStatus.QUEUED, 1),
            (PrintJobStatus.QUEUED, 1),
        ]


def test_offline_check_accepts_any_spelling_of_the_printer_uri(print_app: Flask) -> None:
    printer_uri = refused_uri()
    with print_app.app_context():
        (job_id,) = queue_receipts(printer_uri.removesuffix(":9100"))
        PrintWorker(printer_uri, current_settings()).process_due_jobs()
        assert job(job_id).attempts == 1
        assert printer_is_offline(printer_uri + "/")
        assert printer_is_offline("not a printer")  # no worker could ever print there
        assert not printer_is_offline("dummy://")  # never tried: not known to be failing


def test_printer_out_of_paper_keeps_the_job_queued(
    print_app: Flask, fake_printer: FakePrinter
) -> None:
    fake_printer.mode = Mode.PAPER_OUT
    with print_app.app_context():
        (job_id,) = queue_receipts(fake_printer.uri)
        PrintWorker(fake_printer.uri, current_settings()).process_due_jobs()
        retried = job(job_id)
        assert (retried.status, retried.last_error) == (
            PrintJobStatus.QUEUED,
            "printer reports paper out",
        )
        assert printer_is_offline(fake_printer.uri)


def test_printer_that_accepts_but_never_reads_never_gets_a_ticket_marked_printed(
    print_app: Flask, fake_printer: FakePrinter
) -> None:
    # A short ticket fits in the socket buffers, so sending it "succeeds" on a hung printer.
    fake_printer.mode = Mode.HANG
    with print_app.app_context():
        settings = current_settings()
        (job_id,) = queue_tickets(fake_printer.uri)
        worker = PrintWorker(fake_printer.uri, settings)
        worker.process_due_jobs()
        retried = job(job_id)
        assert (retried.status, retried.last_error) == (PrintJobStatus.QUEUED, NOT_CONFIRMED_ERROR)
        assert printer_is_offline(fake_printer.uri)
        work_until_final(worker, [job_id])
        failed = job(job_id)
        assert (failed.status, failed.attempts) == (PrintJobStatus.FAILED, settings.max_attempts)
        assert failed.printed_at is None and failed.ended_at is not None
    assert fake_printer.receipts == []


def test_silent_printer_whose_model_answers_status_is_retried_not_called_printed(
    print_app: Flask, fake_printer: FakePrinter
) -> None:
    fake_printer.mode = Mode.SILENT
    with print_app.app_context():
        (job_id,) = queue_tickets(fake_printer.uri, profile=STATUS_ANSWERING_PROFILE)
        PrintWorker(fake_printer.uri, current_settings()).process_due_jobs()
        assert job(job_id).status is PrintJobStatus.QUEUED
        assert job(job_id).last_error == NOT_CONFIRMED_ERROR


def test_printer_whose_model_cannot_answer_leaves_the_job_sent_not_printed(
    print_app: Flask, fake_printer: FakePrinter
) -> None:
    fake_printer.mode = Mode.SILENT
    with print_app.app_context():
        (job_id,) = queue_tickets(fake_printer.uri, profile=SILENT_PROFILE)
        outcome = PrintWorker(fake_printer.uri, current_settings()).process_due_jobs()
        sent = job(job_id)
        assert outcome == 1 and sent.status is PrintJobStatus.SENT
        assert sent.printed_at is None and sent.ended_at is not None and sent.attempts == 1
        status = printer_status(fake_printer.uri)
        assert status is not None and status.state is PrinterState.UNKNOWN
        assert not printer_is_offline(fake_printer.uri)
    assert len(fake_printer.wait_for_receipts(1)) == 1


def test_job_is_sent_while_the_printer_is_asked_and_printed_once_it_answers(
    print_app: Flask, fake_printer: FakePrinter
) -> None:
    seen_while_asking: list[PrintJobStatus] = []
    original_answer = fake_printer.answer_status

    def answer_after_looking(client: socket.socket, received: bytearray, mode: Mode) -> None:
        if received.endswith(QUERY_PRINTER_STATUS):
            with print_app.app_context():
                seen_while_asking.append(job(job_id).status)
        original_answer(client, received, mode)

    fake_printer.answer_status = answer_after_looking  # type: ignore[method-assign]
    with print_app.app_context():
        (job_id,) = queue_tickets(fake_printer.uri)
        PrintWorker(fake_printer.uri, current_settings()).process_due_jobs()
        assert job(job_id).status is PrintJobStatus.PRINTED
    assert seen_while_asking == [PrintJobStatus.SENT]


def test_two_workers_on_one_printer_print_each_job_once(
    print_app: Flask, fake_printer: FakePrinter
) -> None:
    with print_app.app_context():
        job_ids = queue_receipts(fake_printer.uri, count=6)
    with (
        worker_running(print_app, fake_printer.uri),
        worker_running(print_app, fake_printer.uri),
        print_app.app_context(),
    ):
        wait_until(lambda: all(job(job_id).status in FINAL_STATUSES for job_id in job_ids))
        assert {job(job_id).attempts for job_id in job_ids} == {1}
    assert len(fake_printer.wait_for_receipts(6)) == 6


def test_job_abandoned_by_a_crashed_worker_is_printed_after_its_lease(print_app: Flask) -> None:
    with print_app.app_context():
        settings = current_settings()
        stuck, fresh, exhausted = queue_receipts("dummy://", count=3)
        long_ago = utcnow() - timedelta(seconds=settings.lease_seconds + 1)
        for job_id, claimed_at, attempts in (
            (stuck, long_ago, 1),
            (fresh, utcnow(), 1),
            (exhausted, long_ago, settings.max_attempts),
        ):
            db.session.execute(
                update(PrintJob)
                .where(PrintJob.id == job_id)
                .values(status=PrintJobStatus.PRINTING, claimed_at=claimed_at, attempts=attempts)
            )
        db.session.commit()
        PrintWorker("dummy://", settings).process_due_jobs()
        assert (job(stuck).status, job(stuck).last_error) == (
            PrintJobStatus.PRINTED,
            ABANDONED_ERROR,
        )
        assert job(fresh).status is PrintJobStatus.PRINTING  # its worker may still be on it
        assert (job(exhausted).status, job(exhausted).last_error) == (
            PrintJobStatus.FAILED,
            ABANDONED_ERROR,
        )


def test_backoff_doubles_up_to_the_cap(print_app: Flask) -> None:
    with print_app.app_context():
        settings = current_settings()
    delays = [backoff_delay(attempts, settings).total_seconds() for attempts in range(1, 6)]
    assert delays == [0.05, 0.1, 0.2, 0.2, 0.2]
