"""Desk check-ins while the hospital's interface engine is slow or silent: Lobby queues the HL7
message in the check-in's transaction (outbox) and a worker sends it; the naive way sends it
inside the request and waits for the engine's ACK before answering the coordinator.

A fake engine on 127.0.0.1 answers AA after a delay (an engine that stores before it
acknowledges), or never answers (then the sender's timeout decides). Both ways use the same
code for the check-in, the message and the MLLP exchange, on one SQLite database, in one run;
the figures are the check-in's own time, then how long the worker took to deliver the queued
messages afterwards.

Run: `.venv/bin/python bench/bench_outbox.py` (`--check-ins N`, `--ack-ms MS`).
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import hl7
from flask import Flask
from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from admin.interfaces.settings import current_settings  # noqa: E402
from admin.interfaces.worker import InterfaceWorker  # noqa: E402
from admin.queue.desk_checkin import check_in_at_desk  # noqa: E402
from kiosk import create_app  # noqa: E402
from kiosk.extensions import db  # noqa: E402
from kiosk.models import Appointment, Department, Patient  # noqa: E402
from kiosk.models.types import utcnow  # noqa: E402

START_BLOCK, END_BLOCK = b"\x0b", b"\x1c\x0d"
SILENT_TIMEOUT_SECONDS = 1.0


class DelayedEngine:
    """An MLLP peer that acknowledges each message after `delay` seconds (None: never)."""

    def __init__(self, delay: float | None) -> None:
        self.delay = delay
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"mllp://127.0.0.1:{self.server.getsockname()[1]}"
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self.answer, args=(client,), daemon=True).start()

    def answer(self, client: socket.socket) -> None:
        received = bytearray()
        while END_BLOCK not in received:
            chunk = client.recv(65536)
            if not chunk:
                return
            received += chunk
        if self.delay is None:
            return  # the socket stays open; the sender's timeout ends the exchange
        time.sleep(self.delay)  # the engine storing the message before its ACK
        text = bytes(received[1 : received.index(END_BLOCK)]).decode()
        ack = str(hl7.parse(text).create_ack("AA")).encode()
        client.sendall(START_BLOCK + ack + END_BLOCK)
        client.close()

    def stop(self) -> None:
        self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()


def bench_app(folder: str, engine_url: str) -> Flask:
    """Lobby on a fresh SQLite database, sending to `engine_url`."""
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
            "LOG_LEVEL": "WARNING",
            "FACILITY_NAME": "Synthetic General (benchmark)",
            "HL7_OUTBOUND_URL": engine_url,
            "HL7_TIMEOUT_SECONDS": SILENT_TIMEOUT_SECONDS,
            "HL7_MAX_ATTEMPTS": 1,
        }
    )
    with app.app_context():
        upgrade()
    return app


def book_synthetic_patients(app: Flask, count: int) -> list[int]:
    """`count` synthetic patients with one appointment each, starting soon (their ids)."""
    with app.app_context():
        department = Department(
            code="imaging", names={"en": "Imaging"}, destination_id="imaging", ticket_prefix="R"
        )
        db.session.add(department)
        db.session.flush()
        ids = []
        for number in range(count):
            patient = Patient(
                mrn=f"BENCH-{number:05d}",
                first_name="Synthetic",
                last_name=f"Patient{number}",
                last_name_key=f"patient{number}",
                date_of_birth=date(1980, 1, 1),
            )
            db.session.add(patient)
            db.session.flush()
            appointment = Appointment(
                patient_id=patient.id,
                department_id=department.id,
                starts_at=utcnow() + timedelta(minutes=10),
                external_id=f"EHR-{number:05d}",
            )
            db.session.add(appointment)
            db.session.flush()
            ids.append(appointment.id)
        db.session.commit()
    return ids


def time_check_ins(app: Flask, appointment_ids: list[int], send_inline: bool) -> list[float]:
    """Milliseconds per desk check-in; `send_inline` also sends the message before returning."""
    timings = []
    with app.app_context():
        worker = InterfaceWorker(current_settings())
        for appointment_id in appointment_ids:
            started = time.perf_counter()
            check_in_at_desk(appointment_id, staff_id=None)
            if send_inline:
                worker.process_due_messages()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def drain(app: Flask) -> float:
    """Seconds the worker takes to send everything queued."""
    started = time.perf_counter()
    with app.app_context():
        InterfaceWorker(current_settings()).process_due_messages()
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1]


def run_case(
    label: str, engine_delay: float | None, check_ins: int, send_inline: bool
) -> tuple[str, str, float, float, str]:
    engine = DelayedEngine(engine_delay)
    try:
        with tempfile.TemporaryDirectory() as folder:
            app = bench_app(folder, engine.url)
            ids = book_synthetic_patients(app, check_ins)
            timings = time_check_ins(app, ids, send_inline)
            afterwards = "-" if send_inline else f"{drain(app):.1f} s"
            with app.app_context():
                db.engine.dispose()
    finally:
        engine.stop()
    engine_words = (
        f"ACK after {engine_delay * 1000:.0f} ms"
        if engine_delay is not None
        else f"silent ({SILENT_TIMEOUT_SECONDS:g} s timeout)"
    )
    return (
        label,
        engine_words,
        statistics.median(timings),
        percentile(timings, 0.99),
        afterwards,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check-ins", type=int, default=100)
    parser.add_argument("--silent-check-ins", type=int, default=10)
    parser.add_argument("--ack-ms", type=float, default=50.0)
    options = parser.parse_args()
    delay = options.ack_ms / 1000
    cases: list[Callable[[], tuple[str, str, float, float, str]]] = [
        lambda: run_case("Lobby: outbox + worker", delay, options.check_ins, False),
        lambda: run_case("naive: send in the request", delay, options.check_ins, True),
        lambda: run_case("Lobby: outbox + worker", None, options.silent_check_ins, False),
        lambda: run_case("naive: send in the request", None, options.silent_check_ins, True),
    ]
    print("| way | engine | check-in p50 ms | check-in p99 ms | worker pass afterwards |")
    print("|---|---|---:|---:|---:|")
    for case in cases:
        label, engine, p50, p99, afterwards = case()
        print(f"| {label} | {engine} | {p50:.1f} | {p99:.1f} | {afterwards} |")


if __name__ == "__main__":
    main()
