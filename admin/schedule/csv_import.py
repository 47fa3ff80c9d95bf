"""The day's schedule from a CSV file (columns in docs/schedule-import.md).

The first row names the columns, in any order and any case; each further row is one
appointment. A row that cannot be read is reported by its number as a spreadsheet shows it (the
header is row 1) with the field at fault, and the other rows are imported. Start times without
a UTC offset are the facility's local time (`FACILITY_TIMEZONE`), which is what a hospital's
export usually writes.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext

from admin.schedule.entries import (
    APPOINTMENT_YEARS,
    ScheduledCoverage,
    ScheduledPatient,
    ScheduleEntry,
    ScheduleStatus,
)
from admin.schedule.fields import missing
from admin.schedule.files import schedule_text
from admin.schedule.problems import ParsedSchedule, ScheduleFileError

REQUIRED_COLUMNS = (
    "appointment_id",
    "mrn",
    "first_name",
    "last_name",
    "date_of_birth",
    "start",
    "department",
)
OPTIONAL_COLUMNS = (
    "phone",
    "provider",
    "status",
    "language",
    "insurance_payer",
    "insurance_member_id",
    "insurance_group",
)
MAX_ROWS = 50_000
# Spellings hospital systems use for each status (lower case, spaces and dashes as underscores).
STATUS_WORDS = {
    "": ScheduleStatus.BOOKED,
    "booked": ScheduleStatus.BOOKED,
    "cancelled": ScheduleStatus.CANCELLED,
    "canceled": ScheduleStatus.CANCELLED,
    "no_show": ScheduleStatus.NO_SHOW,
    "noshow": ScheduleStatus.NO_SHOW,
    "deleted": ScheduleStatus.DELETED,
    "entered_in_error": ScheduleStatus.DELETED,
}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
LANGUAGES = ("en", "es")


def read_schedule_csv(data: bytes, *, timezone: ZoneInfo, today: date) -> ParsedSchedule:
    """The entries of a CSV file and the rows that could not be read. `timezone` places start
    times written without an offset; `today` (the facility's) judges dates of birth. Raises
    ScheduleFileError when the file is not a readable CSV with the required columns."""
    # newline="": a quoted field may hold a line break (an address, a provider's note).
    reader = csv.reader(io.StringIO(schedule_text(data), newline=""))
    header = [name.strip().lower().replace(" ", "_") for name in next(reader, [])]
    absent = [column for column in REQUIRED_COLUMNS if column not in header]
    if absent:
        raise ScheduleFileError(
            gettext("The first row lacks the columns: %(columns)s", columns=", ".join(absent))
        )
    parsed = ParsedSchedule()
    try:
        for row_number, values in enumerate(reader, start=2):
            if row_number > MAX_ROWS + 1:
                raise ScheduleFileError(
                    gettext(
                        "The file has more than %(limit)d rows. Split it into smaller files.",
                        limit=MAX_ROWS,
                    )
                )
            if not any(value.strip() for value in values):
                continue  # blank lines at the end of an export
            if len(values) != len(header):
                parsed.refuse(
                    row_number,
                    gettext(
                        "the row has %(found)d fields; the first row has %(expected)d",
                        found=len(values),
                        expected=len(header),
                    ),
                )
                continue
            entry = row_entry(dict(zip(header, values, strict=True)), timezone=timezone)
            if isinstance(entry, str):
                parsed.refuse(row_number, entry)
            else:
                parsed.offer(row_number, entry, today=today, repeated=repeated_row)
    except csv.Error:
        raise ScheduleFileError(gettext("The file is not a readable CSV file.")) from None
    return parsed


def repeated_row(earlier: int) -> str:
    """The reason for a second row with an appointment id already read."""
    return str(
        gettext(
            "the appointment id is already in row %(row)d; this row was not imported", row=earlier
        )
    )


def row_entry(row: dict[str, str], *, timezone: ZoneInfo) -> ScheduleEntry | str:
    """The entry a row describes, or why its dates, status or language cannot be read."""
    value = {column: row.get(column, "").strip() for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
    for column, field_name in (("date_of_birth", "date_of_birth"), ("start", "start")):
        if not value[column]:
            return missing(field_name)
    date_of_birth = birth_date(value["date_of_birth"])
    if date_of_birth is None:
        return str(gettext("date of birth is not a date (expected YYYY-MM-DD)"))
    starts_at = start_time(value["start"], timezone)
    if starts_at is None:
        return str(gettext("start is not a date and time (expected YYYY-MM-DD HH:MM)"))
    status = STATUS_WORDS.get(re.sub(r"[\s-]+", "_", value["status"].lower()))
    if status is None:
        return str(gettext("status is not one of booked, cancelled, no_show, deleted"))
    language = value["language"].lower()  # empty: the patient's record keeps its language
    if language and language not in LANGUAGES:
        return str(gettext("language is not one of en, es"))
    return ScheduleEntry(
        external_id=value["appointment_id"],
        patient=ScheduledPatient(
            mrn=value["mrn"],
            first_name=value["first_name"],
            last_name=value["last_name"],
            date_of_birth=date_of_birth,
            phone=value["phone"],
            preferred_language=language,
            coverage=row_coverage(value),
        ),
        starts_at=starts_at,
        department_code=value["department"],
        provider=value["provider"],
        status=status,
    )


def row_coverage(value: dict[str, str]) -> ScheduledCoverage | None:
    """The insurance a row names, if any (its fields are checked with the rest of the entry)."""
    if not (value["insurance_payer"] or value["insurance_member_id"]):
        return None
    return ScheduledCoverage(
        payer=value["insurance_payer"],
        member_id=value["insurance_member_id"],
        group_number=value["insurance_group"],
    )


def birth_date(text: str) -> date | None:
    """A YYYY-MM-DD date, or None (other orders are ambiguous: 03/04 is March or April)."""
    if not ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def start_time(text: str, timezone: ZoneInfo) -> datetime | None:
    """An ISO 8601 date and time in UTC, or None; without an offset it is the facility's
    local time."""
    if not ISO_DATE.match(text) or len(text) < len("YYYY-MM-DD HH:MM"):
        return None  # a date alone is no appointment time
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.year not in APPOINTMENT_YEARS:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone)
    return moment.astimezone(UTC)
