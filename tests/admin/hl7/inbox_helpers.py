"""What the inbox and listener tests read back: stored messages and appointments by the
hospital's ids, and the ACK's MSA fields."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import Appointment, InboundHl7Message, Patient


@dataclass(frozen=True)
class AckFields:
    """MSA-1, MSA-2 and MSA-3 of an ACK."""

    code: str
    control_id: str
    text: str


def msa_of(ack: str) -> AckFields:
    """The MSA fields of an ACK's text."""
    msa = next(segment for segment in ack.split("\r") if segment.startswith("MSA|"))
    fields = msa.split("|") + ["", "", ""]
    return AckFields(fields[1], fields[2], fields[3])


def stored_messages() -> list[InboundHl7Message]:
    """Every stored message, oldest first (inside an app context)."""
    db.session.expire_all()
    return list(db.session.scalars(select(InboundHl7Message).order_by(InboundHl7Message.id)))


def appointment_with(external_id: str) -> Appointment | None:
    """The appointment with the hospital's id, read fresh (inside an app context)."""
    db.session.expire_all()
    return db.session.scalar(select(Appointment).where(Appointment.external_id == external_id))


def patient_with(mrn: str) -> Patient | None:
    """The patient with this MRN, read fresh (inside an app context)."""
    db.session.expire_all()
    return db.session.scalar(select(Patient).where(Patient.mrn == mrn))
