"""A listener killed with kill -9 between messages loses no acknowledged message: after a
restart every acknowledged message is stored and applied, the message in flight is taken
again when the engine re-sends it, and a re-sent acknowledged message changes nothing. Then
SIGTERM stops the restarted listener cleanly. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from admin.hl7.client import mllp_connection
from kiosk.models import AppointmentStatus, InboundMessageStatus
from tests.admin.hl7.inbox_helpers import appointment_with, msa_of, stored_messages
from tests.admin.hl7.listener_process import ListenerProcess
from tests.admin.hl7.samples import siu
from tests.builders import add_department

HOST = "127.0.0.1"
MESSAGES = 12
KILLED_AFTER = 7


def booking(number: int) -> str:
    """The engine's message `number`: a new appointment of its own, or (every third one) a
    cancellation of the one before it."""
    if number % 3 == 2:
        return siu("S15", f"K-{number}", appointment_id=f"APT-{number - 1}")
    return siu("S12", f"K-{number}", appointment_id=f"APT-{number}")


def test_kill_9_between_messages_loses_no_acknowledged_message(
    app: Flask, start_listener: Callable[..., ListenerProcess]
) -> None:
    with app.app_context():
        add_department("imaging", "R")
    listener = start_listener()
    acknowledged: list[int] = []
    with mllp_connection(HOST, listener.port) as engine:
        for number in range(KILLED_AFTER):
            assert msa_of(engine.send(booking(number))).code == "AA"
            acknowledged.append(number)
        # The next message is on the wire when the listener dies: no ACK comes back for it.
        engine.send_frame(booking(KILLED_AFTER).encode("utf-8"))
        listener.kill()
    with app.app_context():
        stored = {message.control_id for message in stored_messages()}
        assert {f"K-{number}" for number in acknowledged} <= stored
        before_restart = {
            number: (appointment.status, appointment.starts_at)
            for number in acknowledged
            if (appointment := appointment_with(f"APT-{number}"))
        }

    restarted = start_listener()
    with mllp_connection(HOST, restarted.port) as engine:
        # The engine re-sends what it has no ACK for, then carries on; and, to be sure, one
        # message it had an ACK for.
        resent = [msa_of(engine.send(booking(n))) for n in range(KILLED_AFTER, MESSAGES)]
        assert [ack.code for ack in resent] == ["AA"] * (MESSAGES - KILLED_AFTER)
        again = msa_of(engine.send(booking(3)))
        assert (again.code, again.control_id) == ("AA", "K-3")

    with app.app_context():
        messages = stored_messages()
        accepted = [m.control_id for m in messages if m.status is InboundMessageStatus.ACCEPTED]
        assert sorted(accepted) == sorted(f"K-{number}" for number in range(MESSAGES))
        assert messages[-1].status is InboundMessageStatus.DUPLICATE
        for number in range(MESSAGES):
            appointment = appointment_with(f"APT-{number}")
            if number % 3 == 2:
                continue
            assert appointment is not None
            cancelled = number + 1 < MESSAGES and (number + 1) % 3 == 2
            expected = AppointmentStatus.CANCELLED if cancelled else AppointmentStatus.BOOKED
            assert appointment.status is expected
        for number, state in before_restart.items():
            appointment = appointment_with(f"APT-{number}")
            assert appointment is not None and (appointment.status, appointment.starts_at) == state

    assert restarted.stop() == 0
    assert "HL7 listener stopped." in restarted.stdout_path.read_text()
