"""SIU messages become the schedule entries they ask for, or an AE naming the field."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import hl7
import pytest

from admin.hl7.appointments import schedule_entry
from admin.hl7.refusals import AckCode, Refusal
from admin.schedule.entries import ScheduleEntry, ScheduleStatus
from tests.admin.hl7.samples import ANA, siu, with_field, without_segment

CHICAGO = ZoneInfo("America/Chicago")


def entry_of(message: str, trigger: str = "S12", **codes: str) -> ScheduleEntry:
    return schedule_entry(
        hl7.parse(message), trigger, facility_zone=CHICAGO, department_codes=codes
    )


def refusal_of(message: str) -> Refusal:
    with pytest.raises(Refusal) as refused:
        entry_of(message)
    assert refused.value.ack_code is AckCode.ERROR
    return refused.value


@pytest.mark.parametrize(
    ("trigger", "status"),
    [
        ("S12", ScheduleStatus.BOOKED),
        ("S13", ScheduleStatus.BOOKED),
        ("S14", ScheduleStatus.BOOKED),
        ("S15", ScheduleStatus.CANCELLED),
        ("S17", ScheduleStatus.DELETED),
        ("S26", ScheduleStatus.NO_SHOW),
    ],
)
def test_each_trigger_sets_the_appointment_status(trigger: str, status: ScheduleStatus) -> None:
    entry = entry_of(siu(trigger, "C1"), trigger)
    assert entry.status is status
    assert entry.external_id == "APT-1001"


def test_a_new_appointment_carries_time_department_provider_and_patient() -> None:
    entry = entry_of(siu("S12", "C1"))
    # 10:30 in Chicago on 10 March 2026 (daylight saving time) is 15:30 UTC.
    assert entry.starts_at == datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
    assert entry.department_code == "imaging"
    assert entry.provider == "DR ELENA RUIZ"
    assert entry.patient.mrn == ANA.mrn  # the identifier typed MR, not the first one
    assert (entry.patient.first_name, entry.patient.last_name) == ("ANA", "NÚÑEZ")
    assert entry.patient.date_of_birth == date(1984, 3, 12)
    assert entry.patient.phone == "555-010-0101"
    assert entry.patient.preferred_language == "es"


def test_a_time_with_its_own_offset_keeps_it() -> None:
    message = with_field(siu("S13", "C1"), "SCH", 11, "^^30^202603101030-0500")
    assert entry_of(message).starts_at == datetime(2026, 3, 10, 15, 30, tzinfo=UTC)


def test_timing_and_location_fall_back_to_the_resource_segments() -> None:
    message = with_field(siu("S12", "C1"), "SCH", 11, "")
    message += "AIS|1||XR-CHEST^Chest X-ray|202603101100\r"
    message = without_segment(message, "AIL") + "PV1|1|O|RAD^^^SYNTH-HOSP\r"
    entry = entry_of(message, RAD="imaging")
    assert entry.starts_at == datetime(2026, 3, 10, 16, 0, tzinfo=UTC)
    assert entry.department_code == "imaging"


def test_the_filler_id_wins_and_the_placer_id_is_the_fallback() -> None:
    message = with_field(siu("S12", "C1"), "SCH", 2, "")
    message = with_field(message, "SCH", 1, "PLACER-9^EHR")
    assert entry_of(message).external_id == "PLACER-9"


def test_a_resource_group_names_the_provider_when_no_person_does() -> None:
    message = without_segment(siu("S12", "C1"), "AIP") + "AIG|1||77^Sleep lab team\r"
    assert entry_of(message).provider == "Sleep lab team"


@pytest.mark.parametrize(
    ("segment", "number", "value", "location"),
    [
        ("SCH", 11, "^^30^2026-03-10 10:30", "SCH-11"),
        ("SCH", 11, "^^30^20260231103000", "SCH-11"),
        ("PID", 7, "19841332", "PID-7"),
        ("PID", 7, "", "PID-7"),
        ("PID", 5, "", "PID-5"),
        ("PID", 3, "", "PID-3"),
        ("AIL", 3, "", "AIL-3"),
    ],
)
def test_a_missing_or_invalid_field_is_an_error_naming_it_not_its_value(
    segment: str, number: int, value: str, location: str
) -> None:
    refusal = refusal_of(with_field(siu("S12", "C1"), segment, number, value))
    assert refusal.location == location
    for patient_value in (ANA.mrn, ANA.family, ANA.given, ANA.birth, value or "\x00"):
        assert patient_value not in refusal.reason


def test_a_message_without_pid_is_an_error() -> None:
    assert refusal_of(without_segment(siu("S12", "C1"), "PID")).location == "PID"


def test_a_message_without_any_appointment_id_is_an_error() -> None:
    message = with_field(with_field(siu("S12", "C1"), "SCH", 1, ""), "SCH", 2, "")
    assert refusal_of(message).location == "SCH-2"
