"""HL7 v2.5 messages for the hospital's interface engine, built from plain facts.

- SIU^S14 (appointment modification): SCH with the appointment's id (the hospital's own
  external id where it has one) and its filler status, PID, RGS and AIL with the department.
- ADT^A10 (patient arriving, tracking): EVN, PID, PV1 with the department and the appointment
  as visit number.
- ADT^A08 (update patient information): EVN, PID, PV1 and IN1 with the insurance card a
  coordinator accepted (payer, group number, member id as policy number).

The builders take values, not database rows, so every field they write can be checked by
parsing the result; `rendering` reads the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from admin.interfaces.hl7_text import (
    ENCODING_CHARACTERS,
    FIELD_SEPARATOR,
    escape,
    field,
    hl7_date,
    hl7_timestamp,
    message_text,
    numbered_fields,
    segment,
)
from kiosk.models import AppointmentStatus

HL7_VERSION = "2.5"
CHARACTER_SET = "UNICODE UTF-8"
# Namespace of ids that are Lobby's own (an appointment booked in Lobby has no hospital id).
LOBBY_NAMESPACE = "LOBBY"
# SCH-25 filler status, HL7 table 0278 where it has the word; "Arrived" is the common local
# extension for a checked-in patient (0278 jumps from Booked to Started).
FILLER_STATUS: dict[AppointmentStatus, str] = {
    AppointmentStatus.BOOKED: "Booked",
    AppointmentStatus.ARRIVED: "Arrived",
    AppointmentStatus.IN_ROOM: "Started",
    AppointmentStatus.DONE: "Complete",
    AppointmentStatus.CANCELLED: "Cancelled",
    AppointmentStatus.NO_SHOW: "Noshow",
}
# MSH-9: message code, trigger event, message structure.
MESSAGE_STRUCTURES = {"SIU^S14": "SIU_S12", "ADT^A10": "ADT_A09", "ADT^A08": "ADT_A01"}


@dataclass(frozen=True)
class MessageHeader:
    """Who sends to whom, when, under which control id (MSH-10, the same on every retry)."""

    sending_application: str
    sending_facility: str
    receiving_application: str
    receiving_facility: str
    control_id: str
    created_at: datetime


@dataclass(frozen=True)
class PatientFacts:
    """The patient as PID names them."""

    patient_id: int
    mrn: str | None
    last_name: str
    first_name: str
    date_of_birth: date


@dataclass(frozen=True)
class AppointmentFacts:
    """The appointment and the status to report."""

    appointment_id: int
    external_id: str | None
    starts_at: datetime
    department_code: str
    status: AppointmentStatus


@dataclass(frozen=True)
class CoverageFacts:
    """An insurance card as a coordinator accepted it."""

    payer: str
    member_id: str
    group_number: str
    subscriber_name: str


def msh(header: MessageHeader, message_type: str) -> str:
    """MSH; field 1 is the separator itself and field 2 the encoding characters, unescaped."""
    code, trigger = message_type.split("^")
    fields = numbered_fields(
        {
            3: field(header.sending_application),
            4: field(header.sending_facility),
            5: field(header.receiving_application),
            6: field(header.receiving_facility),
            7: hl7_timestamp(header.created_at),
            9: field(code, trigger, MESSAGE_STRUCTURES[message_type]),
            10: field(header.control_id),
            11: "P",
            12: HL7_VERSION,
            18: escape(CHARACTER_SET),
        }
    )
    # MSH-1 is the separator after "MSH" itself and MSH-2 the encoding characters, so the
    # numbered fields are written from MSH-3 on.
    return FIELD_SEPARATOR.join(["MSH", ENCODING_CHARACTERS, *fields[2:]])


def pid(patient: PatientFacts) -> str:
    """PID: the MRN (or Lobby's own patient id for a person without one), name and birth."""
    if patient.mrn:
        identifier = field(patient.mrn, "", "", "", "MR")
    else:
        identifier = field(str(patient.patient_id), "", "", LOBBY_NAMESPACE, "PI")
    return segment(
        "PID",
        numbered_fields(
            {
                1: "1",
                3: identifier,
                5: field(patient.last_name, patient.first_name),
                7: hl7_date(patient.date_of_birth),
            }
        ),
    )


def appointment_identifier(appointment: AppointmentFacts) -> tuple[str, ...]:
    """The hospital's id for the appointment, else Lobby's own in Lobby's namespace."""
    if appointment.external_id:
        return (appointment.external_id,)
    return (str(appointment.appointment_id), LOBBY_NAMESPACE)


def location(appointment: AppointmentFacts, facility: str) -> str:
    """PL: the department as point of care, at the facility."""
    return field(appointment.department_code, "", "", facility)


def evn(trigger: str, header: MessageHeader) -> str:
    """EVN: the trigger event and when it was recorded."""
    return segment("EVN", [trigger, hl7_timestamp(header.created_at)])


def siu_s14(header: MessageHeader, patient: PatientFacts, appointment: AppointmentFacts) -> str:
    """SIU^S14: the appointment's new filler status (SCH-25), with PID and the location."""
    status = FILLER_STATUS[appointment.status]
    identifier = field(*appointment_identifier(appointment))
    schedule = segment(
        "SCH",
        numbered_fields(
            {
                1: identifier,
                2: identifier,
                6: field(appointment.status.value.upper(), status),
                11: field("", "", "", hl7_timestamp(appointment.starts_at)),
                25: field(status),
            }
        ),
    )
    place = segment(
        "AIL",
        numbered_fields(
            {
                1: "1",
                3: location(appointment, header.sending_facility),
                6: hl7_timestamp(appointment.starts_at),
            }
        ),
    )
    return message_text(
        [msh(header, "SIU^S14"), schedule, pid(patient), segment("RGS", ["1"]), place]
    )


def adt_a10(header: MessageHeader, patient: PatientFacts, appointment: AppointmentFacts) -> str:
    """ADT^A10: the patient arrived for the appointment (PV1-19, the visit number)."""
    identifier = appointment_identifier(appointment)
    visit_number = field(identifier[0], "", "", *identifier[1:])
    visit = segment(
        "PV1",
        numbered_fields(
            {
                1: "1",
                2: "O",
                3: location(appointment, header.sending_facility),
                19: visit_number,
            }
        ),
    )
    return message_text([msh(header, "ADT^A10"), evn("A10", header), pid(patient), visit])


def adt_a08(header: MessageHeader, patient: PatientFacts, coverage: CoverageFacts) -> str:
    """ADT^A08 with IN1: the accepted card for the billing office (PV1 class N: no visit)."""
    insurance = segment(
        "IN1",
        numbered_fields(
            {
                1: "1",
                2: field("", coverage.payer),
                4: field(coverage.payer),
                8: field(coverage.group_number),
                16: field(coverage.subscriber_name),
                36: field(coverage.member_id),
            }
        ),
    )
    visit = segment("PV1", ["1", "N"])
    return message_text(
        [msh(header, "ADT^A08"), evn("A08", header), pid(patient), visit, insurance]
    )
