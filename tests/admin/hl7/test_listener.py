"""Real HL7 v2.5 messages through a real MLLP socket to `flask hl7 listen` in its own process:
ACKs, stored appointments and messages, several engines at once, the size and idle limits — on
SQLite and PostgreSQL. (The clean stop and kill -9 are in test_listener_crash.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime

import psycopg
import pytest
from flask import Flask
from sqlalchemy import make_url

from admin.hl7.client import mllp_connection
from kiosk.models import AppointmentStatus, InboundMessageStatus
from tests.admin.hl7.inbox_helpers import appointment_with, msa_of, patient_with, stored_messages
from tests.admin.hl7.listener_process import ListenerProcess
from tests.admin.hl7.samples import ANA, LIAM, adt, siu
from tests.builders import add_department

HOST = "127.0.0.1"


@pytest.fixture
def departments(app: Flask) -> None:
    with app.app_context():
        add_department("imaging", "R")
        add_department("cardiology", "C")


def test_an_engines_day_of_messages_is_acknowledged_and_stored(
    app: Flask, departments: None, shared_listener: ListenerProcess
) -> None:
    listener = shared_listener
    renamed = ANA.__class__(ANA.mrn, "NÚÑEZ-RÍOS", "ANA", "19840312")
    with mllp_connection(HOST, listener.port) as engine:
        acks = [
            msa_of(engine.send(message))
            for message in (
                siu("S12", "M-1"),
                siu("S12", "M-2", appointment_id="APT-2", patient=LIAM),
                siu("S13", "M-3", start="20260310140000"),
                siu("S15", "M-4", appointment_id="APT-2", patient=LIAM),
                adt("A08", "M-5", patient=renamed),
                siu("S12", "M-6", location="nowhere"),
                "MSH|^~\\&|broken",
                siu("S12", "M-1"),
            )
        ]
    assert [(ack.code, ack.control_id) for ack in acks] == [
        ("AA", "M-1"),
        ("AA", "M-2"),
        ("AA", "M-3"),
        ("AA", "M-4"),
        ("AA", "M-5"),
        ("AE", "M-6"),
        ("AR", ""),
        ("AA", "M-1"),
    ]
    with app.app_context():
        moved = appointment_with("APT-1001")
        assert moved is not None and moved.status is AppointmentStatus.BOOKED
        assert moved.starts_at == datetime(2026, 3, 10, 19, 0, tzinfo=UTC)
        assert appointment_with("APT-2").status is AppointmentStatus.CANCELLED  # type: ignore[union-attr]
        assert patient_with(ANA.mrn).last_name == "NÚÑEZ-RÍOS"  # type: ignore[union-attr]
        assert appointment_with("APT-1001") is not None and appointment_with("APT-3") is None
        statuses = [message.status for message in stored_messages()]
    assert statuses.count(InboundMessageStatus.ACCEPTED) == 5
    assert statuses.count(InboundMessageStatus.REJECTED) == 2
    assert statuses[-1] is InboundMessageStatus.DUPLICATE
    # The log names control ids and outcomes, never a patient.
    log = listener.log
    assert "M-6 (SIU^S12) rejected: AE 103" in log
    for patient in (ANA, LIAM):
        for value in (patient.mrn, patient.family, patient.given, patient.birth):
            assert value not in log


def test_several_engines_at_once_each_get_their_acks(
    app: Flask, departments: None, shared_listener: ListenerProcess
) -> None:
    listener = shared_listener

    def engine(number: int) -> list[str]:
        with mllp_connection(HOST, listener.port) as client:
            return [
                msa_of(
                    client.send(siu("S12", f"E{number}-{n}", appointment_id=f"A{number}-{n}"))
                ).code
                for n in range(5)
            ]

    with ThreadPoolExecutor(max_workers=3) as engines:
        results = list(engines.map(engine, range(3)))
    assert results == [["AA"] * 5] * 3
    with app.app_context():
        assert len(stored_messages()) == 15
        assert all(appointment_with(f"A{e}-{n}") for e in range(3) for n in range(5))


def test_an_oversized_message_is_rejected_and_its_connection_closed(
    app: Flask, departments: None, shared_listener: ListenerProcess
) -> None:
    listener = shared_listener
    padded = siu("S12", "BIG-1") + "NTE|1||" + "x" * 4000 + "\r"
    with mllp_connection(HOST, listener.port) as engine:
        ack = msa_of(engine.send(padded))
        assert ack.code == "AR" and "longer than 4000 bytes" in ack.text
        with pytest.raises(ConnectionError):
            engine.read_frame()
    with mllp_connection(HOST, listener.port) as engine:
        assert msa_of(engine.send(siu("S12", "SMALL-1"))).code == "AA"
    with app.app_context():
        assert [m.raw for m in stored_messages()][0] == b""


def test_an_idle_connection_is_closed(app: Flask, shared_listener: ListenerProcess) -> None:
    listener = shared_listener
    with mllp_connection(HOST, listener.port) as engine:
        # recv returns b"" once the listener hangs up (the client's own timeout is 10 s).
        assert engine.socket.recv(1) == b""
    assert "idle for too long" in listener.log


@contextmanager
def database_refusing_connections(database_url: str) -> Iterator[None]:
    """The test database cut off: every session to it ended and no new one allowed, until the
    block ends (a database server restarting, as the listener would meet it)."""
    url = make_url(database_url)
    name = url.database
    maintenance = url.set(drivername="postgresql", database="postgres")
    conninfo = maintenance.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_message_the_database_could_not_take_gets_no_ack_and_is_stored_once_when_resent(
    app: Flask, database_url: str, departments: None, shared_listener: ListenerProcess
) -> None:
    message = siu("S12", "DOWN-1")
    with database_refusing_connections(database_url):
        with mllp_connection(HOST, shared_listener.port) as engine:
            with pytest.raises(ConnectionError):
                engine.send(message)
    assert "HL7 message not stored (OperationalError): connection closed without an ACK" in (
        shared_listener.log
    )
    # The engine re-sends the message it has no ACK for, once the database is back.
    with mllp_connection(HOST, shared_listener.port) as engine:
        assert msa_of(engine.send(message)).code == "AA"
    with app.app_context():
        assert [(m.control_id, m.status) for m in stored_messages()] == [
            ("DOWN-1", InboundMessageStatus.ACCEPTED)
        ]
        assert appointment_with("APT-1001") is not None
