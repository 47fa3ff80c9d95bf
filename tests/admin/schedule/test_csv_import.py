"""Reading a schedule CSV: the documented columns in any order, local start times, every
unreadable row reported by its number with the field at fault (never its value), the rest
read; files that are not CSV text refused as a whole with a clear message."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admin.schedule import csv_import
from admin.schedule.csv_import import read_schedule_csv
from admin.schedule.entries import ScheduledCoverage, ScheduleStatus
from admin.schedule.problems import RowProblem, ScheduleFileError

CHICAGO = ZoneInfo("America/Chicago")
TODAY = date(2026, 3, 10)
HEADER = (
    "appointment_id,mrn,first_name,last_name,date_of_birth,phone,start,department,provider,status"
)


def read(text: str | bytes) -> tuple[list[str], list[RowProblem]]:
    """The appointment ids read from a CSV, and its problems."""
    data = text.encode() if isinstance(text, str) else text
    parsed = read_schedule_csv(data, timezone=CHICAGO, today=TODAY)
    return [entry.external_id for entry in parsed.entries], parsed.problems


def test_a_row_is_read_into_an_entry_with_the_start_in_the_facility_zone(english: None) -> None:
    data = (
        "\ufeffStatus,Start,Department,Appointment ID,MRN,First name,Last name,Date of birth,"
        "Phone,Provider,Language\n"
        "Cancelled,2026-03-10 09:30,imaging,A-1,SYN-1,Ana,Núñez,1984-03-12,555 0101,Dr. X,es\n"
        "booked,2026-03-10T09:30:00Z,laboratory,A-2,SYN-2,Liam,O'Brien,1979-11-02,,,\n"
    ).encode()
    parsed = read_schedule_csv(data, timezone=CHICAGO, today=TODAY)

    assert parsed.problems == [] and parsed.rows == [2, 3]
    first, second = parsed.entries
    assert first.starts_at == datetime(2026, 3, 10, 14, 30, tzinfo=UTC)  # 09:30 CDT
    assert first.status is ScheduleStatus.CANCELLED and first.patient.preferred_language == "es"
    assert first.patient.last_name == "Núñez" and first.provider == "Dr. X"
    assert second.starts_at == datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    assert second.status is ScheduleStatus.BOOKED and second.patient.preferred_language == ""


def test_bad_rows_are_reported_by_row_with_the_field_and_the_good_rows_read(
    english: None,
) -> None:
    rows = [
        HEADER,
        "A-1,SYN-1,Ana,Núñez,1984-03-12,5550101,2026-03-10 09:30,imaging,,booked",
        "A-2,SYN-2,Liam,O'Brien,12/03/1984,,2026-03-10 09:30,imaging,,booked",
        "A-3,SYN-3,Zoë,Testsson,2031-01-01,,2026-03-10 09:30,imaging,,booked",
        "A-4,SYN-4,Björn,Testsson,1949-06-15,,tomorrow,imaging,,booked",
        "A-5,,Chloé,Mockford,2001-02-28,,2026-03-10 09:30,imaging,,booked",
        "A-6,SYN-6,Lily,Dummy,2019-08-08,,2026-03-10 09:30,imaging,,maybe",
        "A-1,SYN-1,Ana,Núñez,1984-03-12,5550101,2026-03-10 10:30,imaging,,booked",
        "A-8,SYN-8,Noah,Demoff,1990-09-09,call me,2026-03-10 09:30,imaging,,booked",
        "A-9,SYN-9,Grace",
        "",
        "A-10,SYN-10,Héctor,Muestra,1988-10-10,,2026-03-10 11:00,imaging,,",
    ]
    ids, problems = read("\r\n".join(rows))

    assert ids == ["A-1", "A-10"]
    assert problems == [
        RowProblem(3, "date of birth is not a date (expected YYYY-MM-DD)"),
        RowProblem(4, "date of birth is in the future"),
        RowProblem(5, "start is not a date and time (expected YYYY-MM-DD HH:MM)"),
        RowProblem(6, "MRN is missing"),
        RowProblem(7, "status is not one of booked, cancelled, no_show, deleted"),
        RowProblem(8, "the appointment id is already in row 2; this row was not imported"),
        RowProblem(9, "phone has characters a phone number does not have"),
        RowProblem(10, "the row has 3 fields; the first row has 10"),
    ]
    assert not any(value in p.reason for p in problems for value in ("12/03", "SYN-", "call"))


def test_problems_are_worded_in_spanish_for_a_spanish_reader(spanish: None) -> None:
    _, problems = read(HEADER + "\nA-1,SYN-1,Ana,Núñez,1984-13-12,,2026-03-10 09:30,imaging,,")

    assert problems[0].row == 2 and "fecha de nacimiento" in problems[0].reason


def test_a_file_without_the_required_columns_is_refused_naming_them(english: None) -> None:
    with pytest.raises(ScheduleFileError, match="lacks the columns: mrn, date_of_birth"):
        read("appointment_id,first_name,last_name,start,department\nA-1,Ana,N,2026-03-10 09:00,x")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf \r\n", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        (HEADER.encode() + b"\nA-1,SYN-1,Jos\xe9,Ficticio", "not UTF-8 text"),
        (b"a" * (33 * 1024 * 1024), "larger than 32 MB"),
    ],
)
def test_what_is_not_csv_text_is_refused_as_a_whole(
    english: None, data: bytes, message: str
) -> None:
    with pytest.raises(ScheduleFileError, match=message):
        read(data)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.binary(max_size=400) | st.text(max_size=400).map(lambda t: (HEADER + "\n" + t).encode())
)
def test_any_bytes_are_read_or_refused_with_a_message_never_an_error(
    english: None, data: bytes
) -> None:
    try:
        ids, problems = read(data)
    except ScheduleFileError as refused:
        assert str(refused)
    else:
        assert all(problem.row >= 2 and problem.reason for problem in problems)
        assert len(ids) == len(set(ids))


def test_a_file_with_more_rows_than_the_limit_is_refused_as_a_whole(
    english: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_import, "MAX_ROWS", 3)
    row = "A-{n},SYN-{n},Ana,Núñez,1984-03-12,,2026-03-10 09:30,imaging,,booked"

    ids, _ = read("\n".join([HEADER, *(row.format(n=n) for n in range(3))]))
    with pytest.raises(ScheduleFileError, match="more than 3 rows"):
        read("\n".join([HEADER, *(row.format(n=n) for n in range(4))]))

    assert ids == ["A-0", "A-1", "A-2"]


def test_insurance_columns_give_the_patient_a_coverage_and_half_of_one_is_reported(
    english: None,
) -> None:
    data = (
        "appointment_id,mrn,first_name,last_name,date_of_birth,start,department,"
        "insurance_payer,insurance_member_id,insurance_group\n"
        "A-1,SYN-1,Ana,Núñez,1984-03-12,2026-03-10 09:30,imaging,Example Health,XKZ1234,G-7\n"
        "A-2,SYN-2,Liam,O'Brien,1979-11-02,2026-03-10 09:30,imaging,Example Health,,\n"
        "A-3,SYN-3,Zoë,Testsson,1971-12-24,2026-03-10 09:30,imaging,,,G-9\n"
    ).encode()
    parsed = read_schedule_csv(data, timezone=CHICAGO, today=TODAY)

    assert [entry.patient.coverage for entry in parsed.entries] == [
        ScheduledCoverage("Example Health", "XKZ1234", "G-7"),
        None,
    ]
    assert parsed.problems == [RowProblem(3, "insurance member ID is missing")]


@pytest.mark.parametrize(
    "start", ["9999-12-31 23:00", "0001-01-01T00:00+05:00", "1899-12-31 10:00"]
)
def test_a_start_at_the_ends_of_the_calendar_is_reported_not_an_error(
    english: None, start: str
) -> None:
    ids, problems = read(f"{HEADER}\nA-1,SYN-1,Ana,Núñez,1984-03-12,,{start},imaging,,booked")

    assert ids == []
    assert problems == [RowProblem(2, "start is not a date and time (expected YYYY-MM-DD HH:MM)")]
