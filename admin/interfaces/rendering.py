"""Rendering an outbox row into its HL7 message, from the rows as they are at sending time.

The outbox keeps no message text (it would be patient data at rest in one more table): each
attempt renders the message again under the control id the first attempt chose, so a retry is
the same message to the engine. The status reported is the one recorded with the change, not
the appointment's status now, so each change is reported as it happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update

from admin.interfaces.messages import (
    AppointmentFacts,
    CoverageFacts,
    MessageHeader,
    PatientFacts,
    adt_a08,
    adt_a10,
    siu_s14,
)
from admin.interfaces.settings import InterfaceSettings
from kiosk.extensions import db
from kiosk.models import (
    Appointment,
    AppointmentStatus,
    InsuranceCoverage,
    OutboundKind,
    OutboundMessage,
    Patient,
)
from kiosk.outbox.enqueue import ADT_A10


class MessageCannotBeBuilt(Exception):
    """What the message reports is gone (the appointment or card was deleted)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RenderedMessage:
    """The message text, its control id, and whose data it discloses (for the audit)."""

    text: str
    control_id: str
    patient_id: int


def control_id_for(message_id: int) -> str:
    """MSH-10 for an outbox row: unique per row, the same on every retry (at most 20 chars)."""
    return f"LOBBY{message_id:015d}"


def patient_facts(patient: Patient) -> PatientFacts:
    """What PID says about the patient."""
    return PatientFacts(
        patient.id, patient.mrn, patient.last_name, patient.first_name, patient.date_of_birth
    )


def header_for(control_id: str, settings: InterfaceSettings, now: datetime) -> MessageHeader:
    """MSH's parties, time and control id."""
    return MessageHeader(
        sending_application=settings.sending_application,
        sending_facility=settings.sending_facility,
        receiving_application=settings.receiving_application,
        receiving_facility=settings.receiving_facility,
        control_id=control_id,
        created_at=now,
    )


def appointment_message(message: OutboundMessage, header: MessageHeader) -> tuple[str, int]:
    """SIU^S14 or ADT^A10 for an appointment status row, and the patient's id."""
    appointment = (
        db.session.get(Appointment, message.appointment_id) if message.appointment_id else None
    )
    if appointment is None:
        raise MessageCannotBeBuilt("the appointment no longer exists")
    facts = AppointmentFacts(
        appointment_id=appointment.id,
        external_id=appointment.external_id,
        starts_at=appointment.starts_at,
        department_code=appointment.department.code,
        status=AppointmentStatus(message.reported_status),
    )
    build = adt_a10 if message.message_type == ADT_A10 else siu_s14
    return build(header, patient_facts(appointment.patient), facts), appointment.patient_id


def coverage_message(message: OutboundMessage, header: MessageHeader) -> tuple[str, int]:
    """ADT^A08 with IN1 for an accepted card, and the patient's id."""
    coverage = (
        db.session.get(InsuranceCoverage, message.coverage_id) if message.coverage_id else None
    )
    patient = db.session.get(Patient, coverage.patient_id) if coverage is not None else None
    if coverage is None or patient is None:
        raise MessageCannotBeBuilt("the insurance card no longer exists")
    facts = CoverageFacts(
        coverage.payer, coverage.member_id, coverage.group_number, coverage.subscriber_name
    )
    return adt_a08(header, patient_facts(patient), facts), patient.id


def render(message_id: int, settings: InterfaceSettings, now: datetime) -> RenderedMessage:
    """Render the message of outbox row `message_id`, fixing its control id on the first
    attempt (the caller commits). Raises MessageCannotBeBuilt."""
    message = db.session.get(OutboundMessage, message_id, populate_existing=True)
    if message is None:
        raise MessageCannotBeBuilt("the message no longer exists")
    control_id = message.control_id or control_id_for(message.id)
    if message.control_id is None:
        db.session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id == message.id)
            .values(control_id=control_id)
            .execution_options(synchronize_session=False)
        )
    header = header_for(control_id, settings, now)
    if message.kind is OutboundKind.COVERAGE_ACCEPTED:
        text, patient_id = coverage_message(message, header)
    else:
        text, patient_id = appointment_message(message, header)
    return RenderedMessage(text, control_id, patient_id)
