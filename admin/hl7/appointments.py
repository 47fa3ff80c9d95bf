"""The appointment in an HL7 v2 SIU message, as a schedule entry for the schedule store.

Triggers: S12 (new), S13 (rescheduled), S14 (modified) book the appointment with the time,
department and provider the message gives; S15 cancels, S17 deletes (entered in error), S26
records a no-show. Fields read, first found wins (docs/hl7-interface.md has samples):

- appointment id: SCH-2.1 (filler appointment id, the scheduling system's own), else SCH-1.1
- start: SCH-11.4 (TQ start), else TQ1-7, AIS-4, AIL-6, AIG-8, AIP-6; an HL7 time without a UTC
  offset is in the facility's time zone
- department: AIL-3.1 (point of care), else PV1-3.1, translated by `HL7_DEPARTMENT_CODES` when
  the site's codes differ from Lobby's department codes
- provider: AIP-3 (given, family, prefix), else AIG-3.2 (resource name), else PV1-7
- patient: PID (admin/hl7/patients.py)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from admin.hl7.header import field_text
from admin.hl7.patients import scheduled_patient
from admin.hl7.values import missing, parse_timestamp, person_name
from admin.schedule.entries import ScheduleEntry, ScheduleStatus

STATUS_BY_TRIGGER = {
    "S12": ScheduleStatus.BOOKED,
    "S13": ScheduleStatus.BOOKED,
    "S14": ScheduleStatus.BOOKED,
    "S15": ScheduleStatus.CANCELLED,
    "S17": ScheduleStatus.DELETED,
    "S26": ScheduleStatus.NO_SHOW,
}
APPOINTMENT_ID_FIELDS = (("SCH.F2.R1.C1", "SCH-2"), ("SCH.F1.R1.C1", "SCH-1"))
START_FIELDS = (
    ("SCH.F11.R1.C4", "SCH-11"),
    ("TQ1.F7.R1.C1", "TQ1-7"),
    ("AIS.F4.R1.C1", "AIS-4"),
    ("AIL.F6.R1.C1", "AIL-6"),
    ("AIG.F8.R1.C1", "AIG-8"),
    ("AIP.F6.R1.C1", "AIP-6"),
)
DEPARTMENT_FIELDS = (("AIL.F3.R1.C1", "AIL-3"), ("PV1.F3.R1.C1", "PV1-3"))


def first_present(message: Any, fields: tuple[tuple[str, str], ...]) -> tuple[str, str] | None:
    """The first non-empty field of `fields` (accessor path, name) as (value, name)."""
    for path, name in fields:
        value = field_text(message, path).strip()
        if value:
            return value, name
    return None


def appointment_id(message: Any) -> str:
    """The hospital's appointment id (SCH-2.1, else SCH-1.1)."""
    found = first_present(message, APPOINTMENT_ID_FIELDS)
    if found is None:
        raise missing("SCH-2", "the appointment id (SCH-2 or SCH-1)")
    return found[0]


def appointment_start(message: Any, facility_zone: ZoneInfo) -> datetime:
    """When the appointment starts, from the first timing field the message fills."""
    found = first_present(message, START_FIELDS)
    if found is None:
        raise missing("SCH-11", "the start time (SCH-11, TQ1-7, AIS-4 or AIL-6)")
    value, name = found
    return parse_timestamp(value, name, facility_zone)


def department_code(message: Any, department_codes: Mapping[str, str]) -> str:
    """Lobby's department code for the appointment's location."""
    found = first_present(message, DEPARTMENT_FIELDS)
    if found is None:
        raise missing("AIL-3", "the location (AIL-3 or PV1-3)")
    return department_codes.get(found[0], found[0])


def clinician_name(message: Any, path: str) -> str:
    """An XCN field's person as "Dr. Ana Ruiz" (prefix, given, family), or ""."""
    return person_name(
        field_text(message, f"{path}.R1.C3"),
        field_text(message, f"{path}.R1.C2"),
        field_text(message, f"{path}.R1.C6"),
    )


def provider_name(message: Any) -> str:
    """The clinician's display name (AIP-3, else AIG-3's name, else PV1-7), or "" when the
    message names none."""
    return (
        clinician_name(message, "AIP.F3")
        or field_text(message, "AIG.F3.R1.C2").strip()
        or clinician_name(message, "PV1.F7")
    )


def schedule_entry(
    message: Any, trigger: str, *, facility_zone: ZoneInfo, department_codes: Mapping[str, str]
) -> ScheduleEntry:
    """The schedule entry an SIU message of this trigger (S12 ... S26) asks for, or an AE
    naming the first field that is missing or invalid."""
    return ScheduleEntry(
        external_id=appointment_id(message),
        patient=scheduled_patient(message),
        starts_at=appointment_start(message, facility_zone),
        department_code=department_code(message, department_codes),
        provider=provider_name(message),
        status=STATUS_BY_TRIGGER[trigger],
    )
