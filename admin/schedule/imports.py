"""One import of a schedule file, as the command and the upload page run it: read the file in
its format, apply what could be read, and list every row or Bundle entry that was not imported
(unreadable, or refused by the store) with its reason, in order."""

from __future__ import annotations

import csv
import enum
import io
from datetime import date
from zoneinfo import ZoneInfo

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from admin.schedule.csv_import import read_schedule_csv
from admin.schedule.fhir_import import read_schedule_bundle
from admin.schedule.problems import ParsedSchedule, RowProblem
from admin.schedule.store import ApplyReport, EntryOutcome, RefusalReason

REFUSALS = {
    RefusalReason.UNKNOWN_DEPARTMENT: _l("no department in Lobby has this department code"),
    RefusalReason.ALREADY_CHECKED_IN: _l(
        "the patient has already checked in for this appointment, so it was not moved, "
        "booked again or marked as a no-show"
    ),
    RefusalReason.INVALID_ENTRY: _l("the appointment cannot be stored as it is"),
}

OUTCOME_LABELS = {
    EntryOutcome.CREATED: _l("New"),
    EntryOutcome.UPDATED: _l("Updated"),
    EntryOutcome.UNCHANGED: _l("Unchanged"),
    EntryOutcome.CANCELLED: _l("Cancelled"),
    EntryOutcome.NO_SHOW: _l("Marked as no-show"),
    EntryOutcome.REMOVED: _l("Removed (entered in error)"),
}


class ScheduleFormat(enum.StrEnum):
    """The file formats a schedule comes in."""

    CSV = "csv"
    FHIR = "fhir"


def guess_format(filename: str, data: bytes) -> ScheduleFormat:
    """FHIR for a .json file or one whose text starts with "{", else CSV."""
    if filename.lower().endswith(".json"):
        return ScheduleFormat.FHIR
    start = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    return ScheduleFormat.FHIR if start == b"{" else ScheduleFormat.CSV


def read_schedule(
    data: bytes, file_format: ScheduleFormat, *, timezone: ZoneInfo, today: date
) -> ParsedSchedule:
    """The file read in its format (raises ScheduleFileError for a file that cannot be)."""
    reader = read_schedule_bundle if file_format is ScheduleFormat.FHIR else read_schedule_csv
    return reader(data, timezone=timezone, today=today)


def all_problems(parsed: ParsedSchedule, report: ApplyReport) -> list[RowProblem]:
    """Every row or entry not imported, in file order: the unreadable ones, and the ones the
    store refused (found through `parsed.rows`)."""
    refused = [
        RowProblem(parsed.rows[index], str(gettext(REFUSALS[result.refusal])))
        for index, result in report.refused
        if result.refusal is not None
    ]
    return sorted([*parsed.problems, *refused], key=lambda problem: problem.row)


def applied_counts(report: ApplyReport) -> dict[EntryOutcome, int]:
    """How many entries had each outcome but refused (the refused are in `all_problems`, with
    the unreadable), every outcome listed, zero included, in order."""
    counts = report.counts()
    return {outcome: counts[outcome] for outcome in EntryOutcome if outcome in OUTCOME_LABELS}


def codes_csv(codes: dict[str, str]) -> str:
    """The new appointments' codes as CSV (appointment_id, code) for the letter merge."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["appointment_id", "code"])
    writer.writerows(
        (spreadsheet_safe(external_id), code) for external_id, code in sorted(codes.items())
    )
    return buffer.getvalue()


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text: a leading =, +, - or @ would make it a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
