"""What a hospital's schedule says about one appointment, whatever it came in as.

The CSV and FHIR importers and the HL7 listener each turn their input into `ScheduleEntry`s, and
`admin.schedule.store.apply_entries` is the one place that writes them into the database. The
entry is plain data: it knows nothing about rows, bundles or messages.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

# Column widths of the tables the entries land in (kiosk/models/patients.py): a longer value
# is refused with a reason rather than cut short or left for the database to reject.
MAX_EXTERNAL_ID = 64
MAX_MRN = 20
MAX_NAME = 80
MAX_PHONE = 30
MAX_PROVIDER = 80
MAX_DEPARTMENT_CODE = 40
MAX_PAYER = 120
MAX_MEMBER_ID = 40
MAX_GROUP_NUMBER = 40
# Appointment years Lobby takes: far enough from datetime's limits that converting between time
# zones and finding the end of the day can never overflow.
APPOINTMENT_YEARS = range(1900, 9000)


class ScheduleStatus(enum.StrEnum):
    """What the hospital's system says about an appointment: still on (booked), called off
    (cancelled), missed (no_show), or never meant to exist (deleted, entered in error)."""

    BOOKED = "booked"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    DELETED = "deleted"


@dataclass(frozen=True)
class ScheduledCoverage:
    """The patient's insurance as the hospital's record holds it (FHIR Coverage, HL7 IN1):
    what the kiosk offers as "same as last time"."""

    payer: str
    member_id: str
    group_number: str = ""


@dataclass(frozen=True)
class ScheduledPatient:
    """The patient as the hospital's records name them; the MRN is their identity. An empty
    `phone` or `preferred_language` means the sender did not say, and an existing record keeps
    its own; pass "en" or "es" when the hospital's record names the language. Without
    `coverage` the insurance on file is left as it is."""

    mrn: str
    first_name: str
    last_name: str
    date_of_birth: date
    phone: str = ""
    preferred_language: str = "en"
    coverage: ScheduledCoverage | None = None


@dataclass(frozen=True)
class ScheduleEntry:
    """One appointment as the hospital's system holds it; `external_id` is the hospital's
    appointment id, which makes every later import of it an update. `starts_at` is aware (UTC
    by convention; any offset is converted)."""

    external_id: str
    patient: ScheduledPatient
    starts_at: datetime
    department_code: str
    provider: str
    status: ScheduleStatus


def patient_fields(patient: ScheduledPatient) -> dict[str, tuple[str, int]]:
    """The patient's text fields by name, each with the longest value the database keeps."""
    coverage = patient.coverage or ScheduledCoverage("", "")
    return {
        "mrn": (patient.mrn, MAX_MRN),
        "first_name": (patient.first_name, MAX_NAME),
        "last_name": (patient.last_name, MAX_NAME),
        "phone": (patient.phone, MAX_PHONE),
        "insurance_payer": (coverage.payer, MAX_PAYER),
        "insurance_member_id": (coverage.member_id, MAX_MEMBER_ID),
        "insurance_group": (coverage.group_number, MAX_GROUP_NUMBER),
    }


def limited_fields(entry: ScheduleEntry) -> dict[str, tuple[str, int]]:
    """The entry's text fields by name, each with the longest value the database keeps."""
    return {
        "external_id": (entry.external_id, MAX_EXTERNAL_ID),
        **patient_fields(entry.patient),
        "provider": (entry.provider, MAX_PROVIDER),
        "department_code": (entry.department_code, MAX_DEPARTMENT_CODE),
    }


PATIENT_REQUIRED_FIELDS = ("mrn", "first_name", "last_name")
REQUIRED_FIELDS = ("external_id", *PATIENT_REQUIRED_FIELDS, "department_code")
# A coverage names at least its payer and member ID.
REQUIRED_COVERAGE_FIELDS = ("insurance_payer", "insurance_member_id")


def required_fields(entry: ScheduleEntry) -> tuple[str, ...]:
    """The fields the entry must not leave empty."""
    if entry.patient.coverage is None:
        return REQUIRED_FIELDS
    return REQUIRED_FIELDS + REQUIRED_COVERAGE_FIELDS


def field_defect(fields: dict[str, tuple[str, int]], required: tuple[str, ...]) -> str | None:
    """The first of `fields` that is too long, or of `required` that is empty, or None."""
    for field_name, (value, limit) in fields.items():
        if len(value) > limit:
            return field_name
    for field_name in required:
        if not fields[field_name][0].strip():
            return field_name
    return None


def patient_defect(patient: ScheduledPatient) -> str | None:
    """Why the patient's demographics cannot be stored as they are (the field at fault), or
    None: `entry_defect` for a demographics update that comes without an appointment."""
    required: tuple[str, ...] = PATIENT_REQUIRED_FIELDS
    if patient.coverage is not None:
        required += REQUIRED_COVERAGE_FIELDS
    return field_defect(patient_fields(patient), required)


def entry_defect(entry: ScheduleEntry) -> str | None:
    """Why the entry cannot be stored as it is (the name of the first field at fault, such as
    "mrn" or "starts_at"), or None when it can. Importers check their input with better
    messages first (`admin.schedule.fields`); this guards the store against anything that
    reaches it directly."""
    defect = field_defect(limited_fields(entry), required_fields(entry))
    if defect is not None:
        return defect
    if entry.starts_at.utcoffset() is None or entry.starts_at.year not in APPOINTMENT_YEARS:
        return "starts_at"
    return None
