"""HL7 messages per second through the MLLP listener, ACKs included: Lobby's listener beside a
naive one, on SQLite and on PostgreSQL, in one run.

What is measured. Synthetic SIU messages (four in five book a new appointment with S12, one in
five moves an earlier one with S13) are sent over MLLP on 127.0.0.1 by E engines (threads, one
connection each) in original acknowledgement mode: each engine sends a message and waits for
its ACK before the next, as interface engines do. Reported: messages per second over the whole
run, p50/p99 of the time from sending a message to reading its ACK, and a check afterwards that
every message was acknowledged AA and every appointment is in the database once.

Lobby's way is the production command, `flask hl7 listen`: one asyncio process, pooled
database connections, each message applied through the schedule store in one transaction
(patient, appointment, audit event, appointment code), then stored with its outcome in a
second, before the ACK.

The naive way is the textbook listener (`--serve-naive`, below): the same python-hl7 MLLP
framing, parsing and field mapping, but a new database connection per message (no pool) and
every row written in its own autocommitted statement — the message, then the patient, then the
appointment, then the message's outcome — which is what a listener written row by row without
thinking about transactions does. It writes less than Lobby (no audit event, no code) and still
commits twice as often.

Both listeners run in their own process against a fresh database: SQLite (Lobby's pragmas: WAL,
synchronous=FULL) in a temporary folder, or PostgreSQL database `lobby_bench_hl7` on
127.0.0.1:5432 (user postgres, trust auth), created if missing and emptied. All patients are
made up.

Run:  .venv/bin/python bench/bench_hl7_listener.py                  (about a minute on 2 CPUs)
      .venv/bin/python bench/bench_hl7_listener.py --messages 2000 --engines 1 4
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))  # for the tests' listener process and synthetic messages

from flask_migrate import upgrade  # noqa: E402
from hl7.mllp import start_hl7_server  # noqa: E402
from local_server import empty_postgresql_database  # noqa: E402
from sqlalchemy import create_engine, func, insert, select, update  # noqa: E402
from sqlalchemy.engine import Connection  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from admin.hl7.acks import Receiver, build_ack  # noqa: E402
from admin.hl7.appointments import schedule_entry  # noqa: E402
from admin.hl7.client import mllp_connection  # noqa: E402
from admin.hl7.header import decode_message, parse_message, read_header  # noqa: E402
from admin.schedule.entries import ScheduledPatient, ScheduleEntry  # noqa: E402
from kiosk import create_app  # noqa: E402
from kiosk.checkin.identity import fold_name  # noqa: E402
from kiosk.extensions import db  # noqa: E402
from kiosk.models import Appointment, Department, InboundHl7Message, Patient  # noqa: E402
from kiosk.models.types import utcnow  # noqa: E402
from tests.admin.hl7.listener_process import ListenerProcess  # noqa: E402
from tests.admin.hl7.samples import SyntheticPatient, siu  # noqa: E402

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "lobby_bench_hl7"
FACILITY_ZONE = "America/Chicago"
RECEIVER = Receiver(application="NAIVE", facility="", processing_id="P")
NAIVE_COMMAND = (sys.executable, str(Path(__file__).resolve()), "--serve-naive")


def synthetic_messages(count: int, engine: int) -> list[str]:
    """An engine's messages: S12 for new appointments, every fifth an S13 moving an earlier
    one (made-up patients, ids unique per engine)."""
    messages = []
    for number in range(count):
        patient = SyntheticPatient(f"SYN-{engine}-{number}", f"FAMILY{number}", "GIVEN", "19800101")
        if number % 5 == 4:
            earlier = number - 1
            messages.append(
                siu(
                    "S13",
                    f"B{engine}-{number}",
                    appointment_id=f"APT-{engine}-{earlier}",
                    patient=SyntheticPatient(
                        f"SYN-{engine}-{earlier}", f"FAMILY{earlier}", "GIVEN", "19800101"
                    ),
                    start="20260310143000",
                )
            )
        else:
            messages.append(
                siu(
                    "S12",
                    f"B{engine}-{number}",
                    appointment_id=f"APT-{engine}-{number}",
                    patient=patient,
                )
            )
    return messages


@dataclass(frozen=True)
class Run:
    """One way, one backend, one number of engines."""

    messages: int
    seconds: float
    latencies_ms: list[float]
    not_aa: int
    appointments: int

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def send_all(port: int, messages: list[str]) -> tuple[list[float], int]:
    """One engine: each message, then its ACK. Latencies in ms and how many were not AA."""
    latencies, not_aa = [], 0
    with mllp_connection("127.0.0.1", port, timeout=60) as engine:
        for message in messages:
            started = time.perf_counter()
            ack = engine.send(message)
            latencies.append((time.perf_counter() - started) * 1000)
            not_aa += "\rMSA|AA|" not in ack
    return latencies, not_aa


def fresh_database(backend: str, folder: Path) -> str:
    """An empty, migrated database with the Imaging department."""
    if backend == "sqlite":
        url = f"sqlite:///{folder}/lobby.sqlite"
    else:
        url = empty_postgresql_database(POSTGRES_SERVER, POSTGRES_DATABASE)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-only"})
    with app.app_context():
        upgrade(directory=str(PROJECT / "migrations"))
        db.session.add(
            Department(
                code="imaging",
                names={"en": "Imaging"},
                destination_id="imaging",
                ticket_prefix="R",
            )
        )
        db.session.commit()
        db.engine.dispose()
    return url


def count_appointments(url: str) -> int:
    engine = create_engine(
        url.replace("postgresql://", "postgresql+psycopg://"), poolclass=NullPool
    )
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(Appointment.__table__)) or 0)


def measure(backend: str, naive: bool, engines: int, count: int) -> Run:
    """Start the listener on a fresh database, send every engine's messages at once, stop."""
    with tempfile.TemporaryDirectory(prefix="lobby-bench-hl7-") as folder:
        url = fresh_database(backend, Path(folder))
        listener = ListenerProcess(
            url,
            Path(folder) / "listener",
            **({"command": NAIVE_COMMAND} if naive else {}),
        )
        try:
            batches = [synthetic_messages(count // engines, engine) for engine in range(engines)]
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=engines) as pool:
                results = list(pool.map(lambda batch: send_all(listener.port, batch), batches))
            seconds = time.perf_counter() - started
        finally:
            listener.stop()
        return Run(
            messages=sum(len(batch) for batch in batches),
            seconds=seconds,
            latencies_ms=[latency for latencies, _ in results for latency in latencies],
            not_aa=sum(not_aa for _, not_aa in results),
            appointments=count_appointments(url),
        )


# The naive listener ---------------------------------------------------------------------------


def naive_store(url: str, raw: bytes) -> str:
    """Store and apply one message row by row, each statement committed on its own, on a
    connection opened for this message only; return the ACK."""
    engine = create_engine(
        url.replace("postgresql://", "postgresql+psycopg://"),
        poolclass=NullPool,
        isolation_level="AUTOCOMMIT",
    )
    message = parse_message(decode_message(raw))
    header = read_header(message)
    entry = schedule_entry(
        message, header.trigger_event, facility_zone=ZoneInfo(FACILITY_ZONE), department_codes={}
    )
    with engine.connect() as connection:
        message_id = connection.scalar(
            insert(InboundHl7Message.__table__)
            .values(
                received_at=utcnow(),
                sending_application=header.sending_application,
                sending_facility=header.sending_facility,
                control_id=header.control_id,
                message_type=header.type_and_trigger,
                raw=raw,
                status="accepted",
                ack_code="AA",
                error_location="",
                reason="",
                processed_at=utcnow(),
            )
            .returning(InboundHl7Message.__table__.c.id)
        )
        patient_id = naive_patient(connection, entry.patient)
        naive_appointment(connection, entry, patient_id)
        connection.execute(
            update(InboundHl7Message.__table__)
            .where(InboundHl7Message.__table__.c.id == message_id)
            .values(processed_at=utcnow())
        )
    engine.dispose()
    return build_ack(header, None, ack_control_id=f"N{message_id}", receiver=RECEIVER, now=utcnow())


def naive_patient(connection: Connection, patient: ScheduledPatient) -> int:
    """Find the patient by MRN, then insert or update it (one statement each)."""
    table = Patient.__table__
    values = {
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "last_name_key": fold_name(patient.last_name),
        "date_of_birth": patient.date_of_birth,
        "phone": patient.phone,
    }
    found = connection.scalar(select(table.c.id).where(table.c.mrn == patient.mrn))
    if found is None:
        return int(
            connection.scalar(
                insert(table)
                .values(mrn=patient.mrn, created_at=utcnow(), **values)
                .returning(table.c.id)
            )
        )
    connection.execute(update(table).where(table.c.id == found).values(**values))
    return int(found)


def naive_appointment(connection: Connection, entry: ScheduleEntry, patient_id: int) -> None:
    """Find the department, then the appointment by its id, then insert or update it."""
    table = Appointment.__table__
    department_id = connection.scalar(
        select(Department.__table__.c.id).where(
            Department.__table__.c.code == entry.department_code
        )
    )
    values = {
        "patient_id": patient_id,
        "department_id": department_id,
        "starts_at": entry.starts_at,
        "clinician_display_name": entry.provider,
        "status": "booked",
    }
    found = connection.scalar(select(table.c.id).where(table.c.external_id == entry.external_id))
    if found is None:
        connection.execute(insert(table).values(external_id=entry.external_id, **values))
    else:
        connection.execute(update(table).where(table.c.id == found).values(**values))


def serve_naive() -> None:
    """Run the naive listener on a free port until killed (the bench's --serve-naive)."""
    url = os.environ["LOBBY_DATABASE_URL"]

    async def converse(reader: Any, writer: Any) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                block = await reader.readblock()
                ack = await loop.run_in_executor(None, naive_store, url, block)
                writer.writeblock(ack.encode("utf-8"))
                await writer.drain()
        except asyncio.IncompleteReadError:
            writer.close()

    async def main() -> None:
        server = await start_hl7_server(converse, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        print(f"HL7 listener on 127.0.0.1:{port}: naive", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


# The table ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=600, help="messages per row")
    parser.add_argument("--engines", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--serve-naive", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve_naive:
        serve_naive()
        return
    os.environ["LOBBY_LOG_LEVEL"] = "WARNING"
    rows = []
    for backend in arguments.backends:
        for engines in arguments.engines:
            for name, naive in (
                ("naive: a connection per message, a commit per row", True),
                ("Lobby: `flask hl7 listen`", False),
            ):
                run = measure(backend, naive, engines, arguments.messages)
                rows.append((backend, engines, name, run))
    print(
        f"HL7 SIU messages through the MLLP listener, each ACKed before the next on its "
        f"connection ({arguments.messages} per row, 4 in 5 new appointments, 1 in 5 moved).\n"
    )
    print(
        "| database | engines | listener | messages/s | ACK p50 ms | ACK p99 ms | not AA "
        "| appointments |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for backend, engines, name, run in rows:
        print(
            f"| {backend} | {engines} | {name} | {run.per_second:.0f} | "
            f"{statistics.median(run.latencies_ms):.1f} | {run.percentile(0.99):.1f} | "
            f"{run.not_aa} | {run.appointments} |"
        )


if __name__ == "__main__":
    main()
