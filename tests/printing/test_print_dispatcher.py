"""One print dispatcher process serves many printers: a thread per printer with its own
timeouts and backoff, one writer per printer (also across processes on the host), and `--all`
for every printer a kiosk uses."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from kiosk.extensions import db
from kiosk.models import Kiosk, PrintJobStatus
from kiosk.printing.dispatcher import PrintDispatcher
from kiosk.printing.printer_lock import PrinterLock
from kiosk.printing.queue import enqueue_receipt
from kiosk.printing.settings import current_settings
from tests.builders import add_kiosk
from tests.printing.fake_printer import FakePrinter, Mode
from tests.printing.printing_helpers import queue_ticket
from tests.printing.test_print_queue import DEADLINE_SECONDS, job, wait_until


@pytest.fixture
def three_printers() -> Iterator[list[FakePrinter]]:
    printers = [FakePrinter().switch_on() for _ in range(3)]
    yield printers
    for printer in printers:
        printer.switch_off()


def queue_on(kiosk: Kiosk) -> int:
    job = enqueue_receipt(kiosk, queue_ticket())
    db.session.commit()
    return job.id


def queue_for(printer_uri: str) -> int:
    return queue_on(add_kiosk(name=f"kiosk-{printer_uri}", printer_uri=printer_uri))


def test_one_dispatcher_prints_for_every_printer_while_one_of_them_hangs(
    print_app: Flask, three_printers: list[FakePrinter]
) -> None:
    hung, *healthy = three_printers
    hung.mode = Mode.HANG
    print_app.config["PRINT_MAX_ATTEMPTS"] = 1000  # the hung printer's job keeps retrying
    with print_app.app_context():
        hung_job = queue_for(hung.uri)
        healthy_jobs = [queue_for(printer.uri) for printer in healthy]
        dispatcher = PrintDispatcher(print_app, current_settings(), discover=True)
    assert dispatcher.printer_uris == sorted(printer.uri for printer in three_printers)
    stop = threading.Event()
    thread = threading.Thread(target=dispatcher.run, args=(stop,))
    thread.start()
    try:
        with print_app.app_context():
            wait_until(
                lambda: all(job(job_id).status is PrintJobStatus.PRINTED for job_id in healthy_jobs)
            )
            wait_until(lambda: job(hung_job).attempts >= 2)
            assert job(hung_job).status is not PrintJobStatus.PRINTED
    finally:
        stop.set()
        thread.join(DEADLINE_SECONDS)
    assert not thread.is_alive(), "dispatcher did not stop"
    assert [len(printer.wait_for_receipts(1)) for printer in healthy] == [1, 1]
    assert hung.receipts == []


def test_dispatcher_serves_a_printer_once_whatever_its_spelling(print_app: Flask) -> None:
    with print_app.app_context():
        dispatcher = PrintDispatcher(
            print_app,
            current_settings(),
            ["network://10.0.0.5", "network://10.0.0.5:9100/", "dummy://"],
        )
    assert dispatcher.printer_uris == ["dummy://", "network://10.0.0.5:9100"]


def test_dispatcher_with_all_picks_up_the_printer_of_a_kiosk_enrolled_later(
    print_app: Flask, fake_printer: FakePrinter
) -> None:
    print_app.config["PRINT_DISCOVERY_SECONDS"] = 0.05
    with print_app.app_context():
        dispatcher = PrintDispatcher(print_app, current_settings(), discover=True)
    assert dispatcher.printer_uris == []
    stop = threading.Event()
    thread = threading.Thread(target=dispatcher.run, args=(stop,))
    thread.start()
    try:
        with print_app.app_context():
            job_id = queue_for(fake_printer.uri)
            wait_until(lambda: job(job_id).status is PrintJobStatus.PRINTED)
    finally:
        stop.set()
        thread.join(DEADLINE_SECONDS)
    assert dispatcher.printer_uris == [fake_printer.uri]


def test_print_worker_all_once_prints_for_every_kiosk_printer(
    print_app: Flask, print_runner: FlaskCliRunner, three_printers: list[FakePrinter]
) -> None:
    with print_app.app_context():
        job_ids = [queue_for(printer.uri) for printer in three_printers]
    result = print_runner.invoke(args=["print-worker", "--all", "--once"])
    assert result.exit_code == 0, result.output
    assert sorted(result.output.splitlines()) == sorted(
        f"{printer.uri}: 1 job(s) processed." for printer in three_printers
    )
    with print_app.app_context():
        assert {job(job_id).status for job_id in job_ids} == {PrintJobStatus.PRINTED}


def test_print_worker_takes_several_printers(
    print_app: Flask, print_runner: FlaskCliRunner, three_printers: list[FakePrinter]
) -> None:
    first, second, _ = three_printers
    with print_app.app_context():
        queue_for(first.uri)
    args = ["print-worker", "--printer", first.uri, "--printer", second.uri, "--once"]
    result = print_runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert sorted(result.output.splitlines()) == sorted(
        [f"{first.uri}: 1 job(s) processed.", f"{second.uri}: 0 job(s) processed."]
    )


def test_print_worker_without_printers_says_how_to_name_them(
    print_runner: FlaskCliRunner,
) -> None:
    result = print_runner.invoke(args=["print-worker", "--once"])
    assert result.exit_code == 2
    assert "--printer URI (several allowed) or use --all" in result.output


def test_printer_lock_keeps_a_second_writer_off_one_device_until_the_first_lets_go(
    tmp_path: Path,
) -> None:
    first = PrinterLock(tmp_path, "serial:///dev/ttyS0?baudrate=9600")
    same_port = PrinterLock(tmp_path, "serial:///dev/ttyS0?baudrate=19200")
    other_port = PrinterLock(tmp_path, "serial:///dev/ttyS1")
    assert first.try_acquire()
    assert not same_port.try_acquire()
    assert other_port.try_acquire()
    stopped = threading.Event()
    stopped.set()
    assert not same_port.acquire(stopped, retry_seconds=0.01)
    first.release()
    assert same_port.try_acquire()
    same_port.release()
    other_port.release()


def test_a_second_dispatcher_takes_over_a_printer_when_the_first_stops(
    print_app: Flask, fake_printer: FakePrinter
) -> None:
    @contextmanager
    def dispatcher_running() -> Iterator[threading.Event]:
        with print_app.app_context():
            dispatcher = PrintDispatcher(print_app, current_settings(), [fake_printer.uri])
        stop = threading.Event()
        thread = threading.Thread(target=dispatcher.run, args=(stop,))
        thread.start()
        try:
            yield stop
        finally:
            stop.set()
            thread.join(DEADLINE_SECONDS)

    with dispatcher_running() as stop_first, dispatcher_running(), print_app.app_context():
        kiosk = add_kiosk(name=f"kiosk-{fake_printer.uri}", printer_uri=fake_printer.uri)
        first_job = queue_on(kiosk)
        wait_until(lambda: job(first_job).status is PrintJobStatus.PRINTED)
        stop_first.set()
        second_job = queue_on(kiosk)
        wait_until(lambda: job(second_job).status is PrintJobStatus.PRINTED)
        assert {job(first_job).attempts, job(second_job).attempts} == {1}
    assert len(fake_printer.wait_for_receipts(2)) == 2
