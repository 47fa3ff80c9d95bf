"""Schedule entries as the hospital's systems send them, for the store and importer tests.

The patients are synthetic; their MRNs start with "SYN-" so they can never be mistaken for
real records.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from admin.schedule.entries import ScheduledPatient, ScheduleEntry, ScheduleStatus
from admin.schedule.store import new_patient
from kiosk.extensions import db
from kiosk.models import Appointment, Patient
from tests.builders import NOW, minutes

SCHEDULE = "/staff/schedule/"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
# Half an hour after the tests' fixed clock: 10:30 in the Chicago test facility.
LATER_TODAY = NOW + minutes(30)
ANA = ScheduledPatient(
    mrn="SYN-1001",
    first_name="Ana",
    last_name="Núñez",
    date_of_birth=date(1984, 3, 12),
    phone="5550100101",
    preferred_language="es",
)
LIAM = ScheduledPatient(
    mrn="SYN-1002", first_name="Liam", last_name="O'Brien", date_of_birth=date(1979, 11, 2)
)


def entry(
    external_id: str = "A-1",
    *,
    patient: ScheduledPatient = ANA,
    starts_at: datetime = LATER_TODAY,
    department_code: str = "imaging",
    provider: str = "Dr. Example",
    status: ScheduleStatus = ScheduleStatus.BOOKED,
) -> ScheduleEntry:
    """One appointment of a synthetic patient, by default booked in Imaging later today."""
    return ScheduleEntry(
        external_id=external_id,
        patient=patient,
        starts_at=starts_at,
        department_code=department_code,
        provider=provider,
        status=status,
    )


@contextmanager
def rival_creates_first(patient: ScheduledPatient) -> Iterator[None]:
    """Another writer (the HL7 listener, a second import) commits this new patient in its own
    transaction just before each flush of ours: between our lookup and our commit."""

    def rival_commits_first(session: Session, _context: object, _instances: object) -> None:
        if session.info.get("rival"):
            return  # the rival's own flush
        with Session(db.engine, info={"rival": True}) as other:
            if other.scalar(select(Patient).where(Patient.mrn == patient.mrn)) is None:
                other.add(new_patient(patient))
                other.commit()

    event.listen(Session, "before_flush", rival_commits_first)
    try:
        yield
    finally:
        event.remove(Session, "before_flush", rival_commits_first)


def appointment(external_id: str) -> Appointment | None:
    """The stored appointment with the hospital's id (inside an app context)."""
    db.session.expire_all()
    return db.session.scalar(select(Appointment).where(Appointment.external_id == external_id))


def fhir_patient(
    number: int, *, birth_date: str = "1984-03-12", language: str = "es-US"
) -> dict[str, Any]:
    """A Bundle entry with a synthetic Patient (MRN "SYN-<number>"), at urn:uuid:…<number>."""
    return {
        "fullUrl": patient_url(number),
        "resource": {
            "resourceType": "Patient",
            "identifier": [
                {"use": "secondary", "value": f"OTHER-{number}"},
                {
                    "type": {"coding": [{"system": V2_0203, "code": "MR"}]},
                    "value": f"SYN-{number}",
                },
            ],
            "name": [
                {"use": "nickname", "family": "Nick", "given": ["Nicky"]},
                {"use": "official", "family": "Núñez", "given": ["Ana", "María"]},
            ],
            "birthDate": birth_date,
            "telecom": [
                {"system": "email", "value": "ana@example.org"},
                {"system": "phone", "value": "555-0101"},
            ],
            "communication": [{"language": {"coding": [{"code": language}]}, "preferred": True}],
        },
    }


def patient_url(number: int) -> str:
    """The fullUrl of the synthetic Patient with this number."""
    return f"urn:uuid:7d3c5a10-0000-4000-8000-{number:012d}"


def fhir_appointment(
    appointment_id: str,
    patient_number: int,
    *,
    status: str = "booked",
    start: str = "2026-03-10T09:30:00-05:00",
    department: str = "imaging",
) -> dict[str, Any]:
    """A Bundle entry with an Appointment of the synthetic Patient in a department."""
    return {
        "resource": {
            "resourceType": "Appointment",
            "identifier": [{"use": "official", "value": appointment_id}],
            "status": status,
            "start": start,
            "participant": [
                {"actor": {"reference": patient_url(patient_number)}, "status": "accepted"},
                {
                    "actor": {
                        "type": "HealthcareService",
                        "identifier": {"value": department},
                    },
                    "status": "accepted",
                },
                {
                    "actor": {"type": "Practitioner", "display": "Dr. Example"},
                    "status": "accepted",
                },
            ],
        }
    }


def fhir_bundle(*entries: dict[str, Any]) -> bytes:
    """A collection Bundle of the entries, as a file's bytes."""
    return json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}).encode()
