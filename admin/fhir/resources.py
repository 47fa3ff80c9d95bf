"""Lobby's rows as FHIR R4 resources: an appointment with its arrival, and an insurance card a
coordinator accepted.

Built with `fhir.resources.R4B` models, so a resource exists only once it validates (R4B
changed nothing in Appointment, Coverage, Bundle or OperationOutcome since R4 4.0.1, which
is the version the API declares). The choices, written out in docs/fhir-api.md:

- `Appointment.id` is Lobby's own id: always there, always a valid FHIR id, never reused.
  The hospital's id (`Appointment.external_id`) goes in `identifier`, under its system.
- Status follows FHIR R4's AppointmentStatus value set. A patient in a room is `checked-in`
  ("all pre-encounter administrative work is complete, and the encounter may begin"), which
  tells the EHR the moment they were roomed; waiting patients are `arrived`.
- The patient is referred to by MRN identifier only (Lobby serves no Patient resource), or
  by Lobby's patient id where the record has no MRN; never by name.
- Lobby stores no appointment length, so `end` is `start` plus the department's minutes per
  patient (FHIR asks for both or neither).
- The arrival (when, and at a kiosk or the desk) is the extension `ARRIVAL_EXTENSION`:
  `meta.lastUpdated` means when the resource last changed, which a call or a room also does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.coverage import Coverage as FhirCoverage

from kiosk.models import Appointment, AppointmentStatus, CheckIn, InsuranceCoverage, Patient

FHIR_VERSION = "4.0.1"
STATUS_CODES: dict[AppointmentStatus, str] = {
    AppointmentStatus.BOOKED: "booked",
    AppointmentStatus.ARRIVED: "arrived",
    AppointmentStatus.IN_ROOM: "checked-in",
    AppointmentStatus.DONE: "fulfilled",
    AppointmentStatus.NO_SHOW: "noshow",
    AppointmentStatus.CANCELLED: "cancelled",
}
ARRIVAL_EXTENSION = "urn:lobby:fhir:StructureDefinition:arrival"
COVERAGE_CLASS_SYSTEM = "http://terminology.hl7.org/CodeSystem/coverage-class"
# Cards that go out as Coverage: those a coordinator accepted as read or corrected.
SHARED_REVIEW_OUTCOMES = ("accepted", "corrected")


@dataclass(frozen=True)
class IdentifierSystems:
    """The identifier systems of the hospital's MRNs, appointment ids, department codes, and of
    Lobby's own patient ids (`FHIR_IDENTIFIER_SYSTEMS`)."""

    mrn: str
    appointment: str
    department: str
    patient: str

    @classmethod
    def from_config(cls, systems: Mapping[str, str]) -> IdentifierSystems:
        """Read them from the configured mapping."""
        return cls(
            mrn=systems["mrn"],
            appointment=systems["appointment"],
            department=systems["department"],
            patient=systems["patient"],
        )


def patient_reference(patient: Patient, systems: IdentifierSystems) -> dict[str, Any]:
    """A reference to the patient by MRN (by Lobby's id where there is none): no name."""
    if patient.mrn:
        identifier = {"system": systems.mrn, "value": patient.mrn}
    else:
        identifier = {"system": systems.patient, "value": str(patient.id)}
    return {"type": "Patient", "identifier": identifier}


def arrival_extension(check_in: CheckIn) -> dict[str, Any]:
    """When and where (kiosk or desk) the patient checked in."""
    return {
        "url": ARRIVAL_EXTENSION,
        "extension": [
            {"url": "time", "valueInstant": check_in.checked_in_at},
            {"url": "channel", "valueCode": check_in.channel.value},
        ],
    }


def appointment_resource(
    appointment: Appointment, check_in: CheckIn | None, systems: IdentifierSystems
) -> FhirAppointment:
    """The appointment as a FHIR R4 Appointment; raises pydantic's ValidationError when a stored
    value cannot be one (its message quotes the value: never log it)."""
    department = appointment.department
    participants: list[dict[str, Any]] = [
        {"actor": patient_reference(appointment.patient, systems), "status": "accepted"},
        {
            "actor": {
                "type": "HealthcareService",
                "identifier": {"system": systems.department, "value": department.code},
                "display": department.name_in("en"),
            },
            "status": "accepted",
        },
    ]
    if appointment.clinician_display_name:
        participants.append(
            {
                "actor": {"type": "Practitioner", "display": appointment.clinician_display_name},
                "status": "accepted",
            }
        )
    resource: dict[str, Any] = {
        "id": str(appointment.id),
        "status": STATUS_CODES[appointment.status],
        "start": appointment.starts_at,
        "end": appointment.starts_at + timedelta(minutes=department.minutes_per_patient),
        "participant": participants,
    }
    if appointment.external_id is not None:
        resource["identifier"] = [{"system": systems.appointment, "value": appointment.external_id}]
    if check_in is not None:
        resource["extension"] = [arrival_extension(check_in)]
    return FhirAppointment.model_validate(resource)


def coverage_resource(
    coverage: InsuranceCoverage, patient: Patient, systems: IdentifierSystems
) -> FhirCoverage:
    """An accepted or corrected card as a FHIR R4 Coverage for the billing office: payer,
    member ID, group, the patient by MRN; `meta.lastUpdated` is when it was decided. Raises
    pydantic's ValidationError like `appointment_resource`, and ValueError for a card that was
    not accepted (a programming error: such cards never leave Lobby)."""
    if coverage.review_outcome not in SHARED_REVIEW_OUTCOMES:
        raise ValueError("only accepted or corrected cards become a Coverage")
    resource: dict[str, Any] = {
        "id": str(coverage.id),
        "status": "active",
        "beneficiary": patient_reference(patient, systems),
        "payor": [{"display": coverage.payer}],
        "subscriberId": coverage.member_id,
    }
    if coverage.reviewed_at is not None:
        resource["meta"] = {"lastUpdated": coverage.reviewed_at}
    if coverage.group_number:
        resource["class"] = [
            {
                "type": {"coding": [{"system": COVERAGE_CLASS_SYSTEM, "code": "group"}]},
                "value": coverage.group_number,
            }
        ]
    return FhirCoverage.model_validate(resource)
