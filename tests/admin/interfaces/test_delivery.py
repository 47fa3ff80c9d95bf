"""Delivering the outbox to a real MLLP peer on 127.0.0.1, on SQLite and PostgreSQL: messages
go out, parse, and name the right appointment, MRN and status; they are sent again (same
control id) until the engine acknowledges them, fail visibly after the limit or at once on a
rejection, leave in order per appointment, and two workers at once never send one twice."""

from __future__ import annotations

import os
import signal
import threading
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from admin.interfaces.mllp import DeliveryProblem, acknowledgement, send_message
from admin.interfaces.outbox_queue import backoff_delay
from admin.interfaces.settings import InterfaceSettings, current_settings
from admin.interfaces.worker import InterfaceWorker
from admin.queue.actions import apply_action
from admin.review.card_forms import CardDetails
from admin.review.cards import accept_card
from kiosk.extensions import db
from kiosk.models import Appointment, InsuranceCoverage, OutboundMessage, OutboundState
from kiosk.models import QueueAction as A
from kiosk.models.types import utcnow
from kiosk.outbox.enqueue import enqueue_coverage_accepted
from tests.admin.queue.queue_builders import Queued, coordinator, queue_patient
from tests.admin.review_builders import card_waiting_for_review
from tests.builders import audit_events, book_patient
from tests.interface_engine import (
    SILENCE_TIMEOUT_SECONDS,
    Answer,
    FakeInterfaceEngine,
    closed_port_url,
    deliver_due,
)


def messages() -> list[OutboundMessage]:
    """The outbox, oldest first (inside an app context)."""
    db.session.expire_all()
    return list(db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def arrived_with_hospital_id(app: Flask, number: int = 1) -> Queued:
    """A patient checked in at the desk whose appointment has the hospital's own id."""
    queued = queue_patient(app, number)
    with app.app_context():
        db.session.execute(
            update(Appointment)
            .where(Appointment.id == queued.appointment_id)
            .values(external_id=f"EHR-APPT-{number:04d}")
        )
        db.session.commit()
    return queued


def test_an_arrival_reaches_the_engine_with_appointment_mrn_and_status(
    outbound_app: Flask, engine: FakeInterfaceEngine
) -> None:
    queued = arrived_with_hospital_id(outbound_app)
    assert deliver_due(outbound_app) == 1
    [message] = engine.messages
    assert str(message.segment("MSH")(9)) == "SIU^S14^SIU_S12"
    assert message["SCH.F2"] == "EHR-APPT-0001"
    assert message["SCH.F25"] == "Arrived"
    assert message["PID.F3.R1.C1"] == "TEST-0001"
    assert message["PID.F5.R1.C1"] == "Patient1"
    with outbound_app.app_context():
        [row] = messages()
        assert row.state is OutboundState.SENT and row.acked_at is not None
        assert row.control_id == message["MSH.F10"] and row.attempts == 1
        # Sending the patient's data to the engine is an access to it, audited.
        [audit] = audit_events("hl7_message_sent")
        assert audit.patient_id == queued.patient_id
        assert audit.detail == {"outbound_message": row.id, "reason": "acknowledged"}
    assert deliver_due(outbound_app) == 0


def test_an_accepted_card_reaches_the_engine_as_adt_a08_with_in1(
    outbound_app: Flask, engine: FakeInterfaceEngine
) -> None:
    card_id = card_waiting_for_review(outbound_app, mrn="TEST-0777")
    with outbound_app.app_context():
        accept_card(
            card_id, CardDetails("Example Health", "NEW0001", "G-1"), staff_id=coordinator()
        )
    deliver_due(outbound_app)
    [message] = engine.messages
    assert str(message.segment("MSH")(9)) == "ADT^A08^ADT_A01"
    assert message["PID.F3.R1.C1"] == "TEST-0777"
    assert (message["IN1.F4"], message["IN1.F8"], message["IN1.F36"]) == (
        "Example Health",
        "G-1",
        "NEW0001",
    )


def test_an_error_and_silence_are_retried_with_the_same_control_id_until_accepted(
    outbound_app: Flask, engine: FakeInterfaceEngine
) -> None:
    arrived_with_hospital_id(outbound_app)
    engine.answer_next(Answer.ERROR, Answer.SILENCE)
    assert deliver_due(outbound_app) == 1
    with outbound_app.app_context():
        [row] = messages()
        assert (row.state, row.last_error) == (
            OutboundState.PENDING,
            "negative acknowledgement (AE)",
        )
    outbound_app.config["HL7_TIMEOUT_SECONDS"] = SILENCE_TIMEOUT_SECONDS
    deliver_due(outbound_app)
    with outbound_app.app_context():
        [row] = messages()
        assert row.state is OutboundState.PENDING
        assert row.last_error == f"no acknowledgement within {SILENCE_TIMEOUT_SECONDS:g} s"
    outbound_app.config["HL7_TIMEOUT_SECONDS"] = 5.0
    deliver_due(outbound_app)
    with outbound_app.app_context():
        [row] = messages()
        assert (row.state, row.attempts) == (OutboundState.SENT, 3)
    assert engine.control_ids() == [row.control_id] * 3


def test_a_message_fails_after_the_last_attempt_and_at_once_when_rejected(
    outbound_app: Flask, engine: FakeInterfaceEngine
) -> None:
    arrived_with_hospital_id(outbound_app, 1)
    engine.default = Answer.ERROR
    for _ in range(3):
        deliver_due(outbound_app)
    assert deliver_due(outbound_app) == 0  # failed for good: nothing more is tried
    engine.default = Answer.REJECT
    arrived_with_hospital_id(outbound_app, 2)
    assert deliver_due(outbound_app) == 1
    with outbound_app.app_context():
        worn_out, rejected = messages()
        assert (worn_out.state, worn_out.attempts) == (OutboundState.FAILED, 3)
        assert worn_out.last_error == "negative acknowledgement (AE)"
        assert (rejected.state, rejected.attempts) == (OutboundState.FAILED, 1)
        assert rejected.last_error == "rejected by the interface engine (AR)"
    assert len(engine.messages) == 4


def test_an_engine_that_is_down_costs_an_attempt_and_a_backoff(outbound_app: Flask) -> None:
    outbound_app.config.update(
        HL7_OUTBOUND_URL=closed_port_url(),
        HL7_BACKOFF_BASE_SECONDS=30.0,
        HL7_BACKOFF_CAP_SECONDS=300.0,
    )
    arrived_with_hospital_id(outbound_app)
    deliver_due(outbound_app)
    with outbound_app.app_context():
        [row] = messages()
        assert (row.state, row.last_error) == (OutboundState.PENDING, "connection refused")
        assert row.next_attempt_at - row.updated_at == timedelta(seconds=30)
    assert deliver_due(outbound_app) == 0  # not due again before its backoff


def test_messages_of_one_appointment_leave_in_order_even_across_retries(
    outbound_app: Flask, engine: FakeInterfaceEngine
) -> None:
    queued = arrived_with_hospital_id(outbound_app)
    other = arrived_with_hospital_id(outbound_app, 2)
    with outbound_app.app_context():
        apply_action(queued.ticket_id, A.CALL, staff_id=coordinator(), destination="Desk 1")
        apply_action(queued.ticket_id, A.DONE, staff_id=coordinator())
    engine.answer_next(Answer.ERROR)  # the first arrival must wait for a retry
    deliver_due(outbound_app)
    # The other patient's arrival went ahead; "Complete" waited behind the first "Arrived".
    assert [(m["SCH.F2"], m["SCH.F25"]) for m in engine.messages] == [
        ("EHR-APPT-0001", "Arrived"),
        ("EHR-APPT-0002", "Arrived"),
    ]
    deliver_due(outbound_app)
    deliver_due(outbound_app)
    first_patient = [m["SCH.F25"] for m in engine.messages if m["SCH.F2"] == "EHR-APPT-0001"]
    assert first_patient == ["Arrived", "Arrived", "Complete"]
    assert other.appointment_id != queued.appointment_id


def test_two_workers_at_once_never_send_one_message_twice(
    outbound_app: Flask, engine: FakeInterfaceEngine
) -> None:
    booked = book_patient(outbound_app)
    with outbound_app.app_context():
        for number in range(12):
            card = InsuranceCoverage(
                patient_id=booked.patient_id, payer="Example Health", member_id=f"M{number}"
            )
            db.session.add(card)
            db.session.flush()
            enqueue_coverage_accepted(card)
        db.session.commit()
    start = threading.Barrier(2)
    tried = [0, 0]

    def work(index: int) -> None:
        with outbound_app.app_context():
            worker = InterfaceWorker(current_settings())
            start.wait()
            tried[index] = worker.process_due_messages()
            db.session.remove()

    threads = [threading.Thread(target=work, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = engine.control_ids()
    assert sum(tried) == 12 and len(ids) == 12 and len(set(ids)) == 12
    with outbound_app.app_context():
        assert {row.state for row in messages()} == {OutboundState.SENT}


def test_the_send_command_sends_until_sigterm(
    outbound_app: Flask, engine: FakeInterfaceEngine
) -> None:
    arrived_with_hospital_id(outbound_app)
    reached = threading.Event()

    def stop_once_delivered() -> None:
        with engine.lock:
            if engine.lock.wait_for(lambda: bool(engine.messages), 20):
                reached.set()
        os.kill(os.getpid(), signal.SIGTERM)

    previous_handler = signal.getsignal(signal.SIGTERM)
    stopper = threading.Thread(target=stop_once_delivered)
    stopper.start()
    result = outbound_app.test_cli_runner().invoke(args=["interfaces", "send"])
    stopper.join()
    assert result.exit_code == 0, result.output
    assert "Interface worker stopped." in result.output
    assert reached.is_set() and signal.getsignal(signal.SIGTERM) == previous_handler


def test_the_send_command_sends_what_is_due_and_needs_a_configured_engine(
    outbound_app: Flask, engine: FakeInterfaceEngine
) -> None:
    arrived_with_hospital_id(outbound_app)
    runner = outbound_app.test_cli_runner()
    sent = runner.invoke(args=["interfaces", "send", "--once"])
    assert sent.exit_code == 0 and "1 message(s) processed." in sent.output
    assert len(engine.messages) == 1
    outbound_app.config["HL7_OUTBOUND_URL"] = ""
    refused = runner.invoke(args=["interfaces", "send", "--once"])
    assert refused.exit_code == 1 and "mllp://host:port" in refused.output


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (b"not hl7 at all", "the answer was not an HL7 acknowledgement"),
        (b"MSH|^~\\&|E|F|L|H|20260101||ACK|1|P|2.5\rMSA|ZZ|X\r", "not an HL7 acknowledgement"),
        (b"MSH|^~\\&|E|F|L|H|20260101||ACK|1|P|2.5\rMSA|AA|other\r", None),
    ],
)
def test_an_answer_that_is_no_acknowledgement_is_a_problem_not_a_crash(
    answer: bytes, reason: str | None
) -> None:
    if reason is None:
        assert acknowledgement(answer).control_id == "other"
    else:
        with pytest.raises(DeliveryProblem, match=reason):
            acknowledgement(answer)


def test_an_acknowledgement_for_another_message_is_not_taken_as_ours(
    engine: FakeInterfaceEngine,
) -> None:
    message = "MSH|^~\\&|LOBBY|H|E|F|20260101||ADT^A08^ADT_A01|OURS|P|2.5\r"
    send_message("127.0.0.1", engine.port, message, "OURS", 5.0)
    with pytest.raises(DeliveryProblem, match="another message"):
        send_message("127.0.0.1", engine.port, message, "NOT-OURS", 5.0)


def test_backoff_doubles_up_to_its_cap() -> None:
    settings = InterfaceSettings.from_config(
        {
            "HL7_OUTBOUND_URL": "mllp://engine:2575",
            "HL7_BACKOFF_BASE_SECONDS": 5.0,
            "HL7_BACKOFF_CAP_SECONDS": 30.0,
        }
    )
    delays = [backoff_delay(attempts, settings).total_seconds() for attempts in range(1, 6)]
    assert delays == [5, 10, 20, 30, 30]


def test_housekeeping_deletes_delivered_messages_after_their_retention_only(
    outbound_app: Flask, engine: FakeInterfaceEngine
) -> None:
    arrived_with_hospital_id(outbound_app, 1)
    arrived_with_hospital_id(outbound_app, 2)
    engine.answer_next(Answer.ACCEPT, Answer.REJECT)
    deliver_due(outbound_app)
    arrived_with_hospital_id(outbound_app, 3)
    deliver_due(outbound_app)
    with outbound_app.app_context():
        old_delivered, old_failed, recent = (message.id for message in messages())
        long_ago = utcnow() - timedelta(days=31)
        db.session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id.in_((old_delivered, old_failed)))
            .values(acked_at=long_ago, created_at=long_ago)
        )
        db.session.commit()
    result = outbound_app.test_cli_runner().invoke(args=["housekeeping"])
    assert "1 delivered HL7 message(s) older than 30 day(s) deleted." in result.output
    with outbound_app.app_context():
        assert [(m.id, m.state) for m in messages()] == [
            (old_failed, OutboundState.FAILED),
            (recent, OutboundState.SENT),
        ]
