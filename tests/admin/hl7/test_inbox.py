"""Each message is stored with its outcome before its ACK, applied once through the schedule
store, and a re-send changes nothing — on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from admin.hl7.inbox import Inbox, InboxSettings
from kiosk.extensions import db
from kiosk.models import AppointmentStatus, CheckIn, InboundHl7Message, InboundMessageStatus
from tests.admin.hl7.inbox_helpers import appointment_with, msa_of, patient_with, stored_messages
from tests.admin.hl7.samples import ANA, LIAM, adt, siu, with_field
from tests.builders import NOW, add_department, audit_events

INTERFACE_DOCUMENT = Path(__file__).resolve().parents[3] / "docs" / "hl7-interface.md"
CODE_BLOCK = re.compile(r"```\n(MSH\|.*?)```", re.DOTALL)


@pytest.fixture
def inbox(checkin_app: Flask) -> Iterator[Inbox]:
    """The inbox of a facility in Chicago with Imaging and Cardiology."""
    add_department("imaging", "R")
    add_department("cardiology", "C")
    yield Inbox(InboxSettings.from_app(checkin_app))


def receive(inbox: Inbox, message: str) -> tuple[str, str, str]:
    """Send one message through the inbox: the ACK's (code, control id, text)."""
    ack = msa_of(inbox.receive_message(message.encode("utf-8"), now=NOW).ack)
    return ack.code, ack.control_id, ack.text


def test_a_new_appointment_is_stored_and_acknowledged(inbox: Inbox) -> None:
    assert receive(inbox, siu("S12", "C-1")) == ("AA", "C-1", "")
    appointment = appointment_with("APT-1001")
    assert appointment is not None
    assert appointment.status is AppointmentStatus.BOOKED
    assert appointment.starts_at == datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
    assert appointment.department.code == "imaging"
    assert appointment.clinician_display_name == "DR ELENA RUIZ"
    assert appointment.patient.mrn == ANA.mrn
    (message,) = stored_messages()
    assert (message.status, message.ack_code, message.control_id) == (
        InboundMessageStatus.ACCEPTED,
        "AA",
        "C-1",
    )
    assert (message.sending_facility, message.message_type) == ("SYNTH-HOSP", "SIU^S12")
    assert message.raw == siu("S12", "C-1").encode("utf-8")
    # The schedule store audits the write, naming the patient by id only.
    (event,) = audit_events("schedule_entry")
    assert event.patient_id == appointment.patient_id and event.detail["source"] == "hl7"


def test_reschedule_modify_cancel_update_the_same_appointment(inbox: Inbox) -> None:
    receive(inbox, siu("S12", "C-1"))
    first_id = appointment_with("APT-1001").id  # type: ignore[union-attr]
    assert receive(inbox, siu("S13", "C-2", start="20260310113000"))[0] == "AA"
    assert (
        receive(inbox, siu("S14", "C-3", start="20260310113000", location="cardiology"))[0] == "AA"
    )
    moved = appointment_with("APT-1001")
    assert moved is not None and moved.id == first_id
    assert moved.starts_at == datetime(2026, 3, 10, 16, 30, tzinfo=UTC)
    assert moved.department.code == "cardiology"
    assert receive(inbox, siu("S15", "C-4", location="cardiology"))[0] == "AA"
    assert appointment_with("APT-1001").status is AppointmentStatus.CANCELLED  # type: ignore[union-attr]
    assert db.session.scalar(select(func.count()).select_from(InboundHl7Message)) == 4


def test_a_no_show_and_a_deletion(inbox: Inbox) -> None:
    receive(inbox, siu("S12", "C-1"))
    receive(inbox, siu("S12", "C-2", appointment_id="APT-2"))
    assert receive(inbox, siu("S26", "C-3"))[0] == "AA"
    assert appointment_with("APT-1001").status is AppointmentStatus.NO_SHOW  # type: ignore[union-attr]
    assert receive(inbox, siu("S17", "C-4", appointment_id="APT-2"))[0] == "AA"
    assert appointment_with("APT-2") is None


def test_a_resent_message_is_answered_as_before_and_changes_nothing(inbox: Inbox) -> None:
    receive(inbox, siu("S12", "C-1"))
    receive(inbox, siu("S15", "C-2"))
    # The engine re-sends the booking it never saw acknowledged: still cancelled.
    assert receive(inbox, siu("S12", "C-1")) == ("AA", "C-1", "")
    assert appointment_with("APT-1001").status is AppointmentStatus.CANCELLED  # type: ignore[union-attr]
    statuses = [(m.control_id, m.status, m.duplicate_of_id) for m in stored_messages()]
    first = stored_messages()[0].id
    assert statuses[-1] == ("C-1", InboundMessageStatus.DUPLICATE, first)


def test_a_resent_refusal_is_refused_again_with_the_same_reason(inbox: Inbox) -> None:
    refused = receive(inbox, siu("S12", "C-1", location="nowhere"))
    assert refused[0] == "AE" and refused[2].startswith("AIL-3:")
    add_department("nowhere", "N")
    # Same control id: the original outcome, not a second try.
    assert receive(inbox, siu("S12", "C-1", location="nowhere")) == refused
    assert appointment_with("APT-1001") is None


def test_an_unknown_department_is_an_error_and_books_nothing(inbox: Inbox) -> None:
    code, control_id, text = receive(inbox, siu("S12", "C-1", location="xray-annex"))
    assert (code, control_id) == ("AE", "C-1")
    assert text == "AIL-3: the location is not a department Lobby knows"
    assert appointment_with("APT-1001") is None
    (message,) = stored_messages()
    assert (message.status, message.error_condition, message.error_location) == (
        InboundMessageStatus.REJECTED,
        "103",
        "AIL-3",
    )


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (
            siu("S12", "C-1", processing_id="T"),
            "MSH-11: this interface accepts processing id P only",
        ),
        (
            with_field(siu("S12", "C-1"), "MSH", 9, "ORU^R01^ORU_R01"),
            "MSH-9: this interface accepts SIU and ADT messages only",
        ),
        (siu("S16", "C-1"), "MSH-9: this interface does not take SIU with this trigger event"),
        (
            with_field(siu("S12", "C-1"), "MSH", 12, "3.0"),
            "MSH-12: this interface accepts HL7 v2 only",
        ),
    ],
)
def test_what_lobby_never_processes_is_rejected(inbox: Inbox, message: str, reason: str) -> None:
    assert receive(inbox, message) == ("AR", "C-1", reason)
    assert appointment_with("APT-1001") is None
    assert stored_messages()[0].status is InboundMessageStatus.REJECTED


def test_a_field_longer_than_lobby_stores_is_an_error_naming_it(inbox: Inbox) -> None:
    long_mrn = ANA.__class__("SYN-" + "9" * 30, "NÚÑEZ", "ANA", "19840312")
    code, _, text = receive(inbox, siu("S12", "C-1", patient=long_mrn))
    assert (code, text) == ("AE", "PID-3: the field is empty or longer than Lobby stores")
    assert long_mrn.mrn not in text and patient_with(long_mrn.mrn) is None


TRIGGERS = st.sampled_from(["S12", "S13", "S14", "S15", "S26", "S17"])
STARTS = st.sampled_from(["20260310103000", "20260310113000", "20260310140000"])
# The database is emptied after a test, not between Hypothesis examples: each example books
# an appointment id (and control ids) of its own.
runs = iter(range(10**6))


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(st.tuples(TRIGGERS, STARTS), min_size=1, max_size=5))
def test_resending_any_sequence_changes_nothing(inbox: Inbox, steps: list[tuple[str, str]]) -> None:
    """Whatever an appointment went through, the engine re-sending all of it again (the same
    control ids) gets the same answers and leaves the appointment as it was."""
    run = next(runs)
    messages = [
        siu(trigger, f"P{run}-{n}", appointment_id=f"APT-P{run}", start=start)
        for n, (trigger, start) in enumerate(steps)
    ]
    answers = [receive(inbox, message) for message in messages]
    appointment = appointment_with(f"APT-P{run}")
    before = appointment and (appointment.status, appointment.starts_at, appointment.department_id)
    assert [receive(inbox, message) for message in messages] == answers
    appointment = appointment_with(f"APT-P{run}")
    assert (
        appointment and (appointment.status, appointment.starts_at, appointment.department_id)
    ) == before


def test_an_overlong_control_id_is_rejected_and_its_resend_recognised(inbox: Inbox) -> None:
    message = siu("S12", "X" * 250)
    first, again = receive(inbox, message), receive(inbox, message)
    assert first[0] == "AR" and first[2] == "MSH-10: the message control id is too long"
    assert again == first
    assert [m.status for m in stored_messages()] == [
        InboundMessageStatus.REJECTED,
        InboundMessageStatus.DUPLICATE,
    ]


def test_garbage_is_stored_and_rejected(inbox: Inbox) -> None:
    raw = b"\x00\xff garbage \x1b"
    reply = inbox.receive_message(raw, now=NOW)
    assert msa_of(reply.ack).code == "AR"
    (message,) = stored_messages()
    assert message.raw == raw and message.control_id is None


def test_demographics_updates_reach_a_scheduled_patient(inbox: Inbox) -> None:
    receive(inbox, siu("S12", "C-1"))
    renamed = ANA.__class__(ANA.mrn, "NÚÑEZ-RÍOS", "ANA", "19840312", local_number="0109999")
    assert receive(inbox, adt("A08", "C-2", patient=renamed)) == ("AA", "C-2", "")
    patient = patient_with(ANA.mrn)
    assert patient is not None
    assert (patient.last_name, patient.phone) == ("NÚÑEZ-RÍOS", "555-010-9999")
    assert patient.date_of_birth == date(1984, 3, 12)


def test_a_message_that_names_no_language_keeps_the_one_on_record(inbox: Inbox) -> None:
    receive(inbox, siu("S12", "C-1"))  # PID-15: Spanish
    assert receive(inbox, with_field(siu("S14", "C-2"), "PID", 15, "")) == ("AA", "C-2", "")
    patient = patient_with(ANA.mrn)
    assert patient is not None and patient.preferred_language == "es"


def test_demographics_of_a_patient_lobby_does_not_know_change_nothing(inbox: Inbox) -> None:
    code, _, text = receive(inbox, adt("A31", "C-1", patient=LIAM))
    assert code == "AA" and "nothing to update" in text
    assert patient_with(LIAM.mrn) is None


def test_one_patients_data_never_appears_in_anothers_error(inbox: Inbox) -> None:
    """Ana is booked and checked in; a message for her appointment id now names Liam. The
    refusal must name neither of them, nor anything else from either record."""
    receive(inbox, siu("S12", "C-1"))
    appointment = appointment_with("APT-1001")
    assert appointment is not None
    appointment.status = AppointmentStatus.ARRIVED
    db.session.commit()
    reply = inbox.receive_message(siu("S13", "C-2", patient=LIAM).encode("utf-8"), now=NOW)
    assert msa_of(reply.ack).code == "AE"
    stored = stored_messages()[-1]
    for patient in (ANA, LIAM):
        for value in (
            patient.mrn,
            patient.family,
            patient.given,
            patient.birth,
            patient.local_number,
        ):
            assert value not in reply.ack and value not in stored.reason
    assert appointment_with("APT-1001").patient.mrn == ANA.mrn  # type: ignore[union-attr]
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_the_documented_sample_messages_do_what_the_document_says(inbox: Inbox) -> None:
    blocks = CODE_BLOCK.findall(INTERFACE_DOCUMENT.read_text())
    samples = [
        block.strip().replace("\n", "\r") + "\r"
        for block in blocks
        if "|SIU^" in block or "|ADT^" in block
    ]
    assert len(samples) == 4
    assert [receive(inbox, sample)[0] for sample in samples] == ["AA"] * 4
    appointment = appointment_with("APT-1001")
    assert appointment is not None and appointment.status is AppointmentStatus.CANCELLED
    assert appointment.starts_at == datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
    assert appointment.patient.last_name == "NUNEZ-RIOS"
