"""What an importer hands over: the entries it could read, where each came from, and the rows
it could not read, with the reason in the reader's language.

A reason never quotes a value from the file: a row's values are a patient's name, MRN, date of
birth or phone, and the list of problems is shown to whoever uploaded the file, printed on a
terminal, and may be pasted into a ticket for the hospital's IT.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from admin.schedule.entries import ScheduleEntry
from admin.schedule.fields import entry_problem


@dataclass(frozen=True)
class RowProblem:
    """A row (CSV: its number as a spreadsheet shows it, the header being row 1) or a Bundle
    entry (FHIR: its position in `Bundle.entry`, from 1) that was not imported, and why."""

    row: int
    reason: str


@dataclass
class ParsedSchedule:
    """Entries read from a file; `rows[i]` is the row or Bundle entry that gave `entries[i]`."""

    entries: list[ScheduleEntry] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    first_row_of: dict[str, int] = field(default_factory=dict)

    def offer(
        self, row: int, entry: ScheduleEntry, *, today: date, repeated: Callable[[int], str]
    ) -> None:
        """Keep an entry read from `row`, unless a field is wrong (`today` judges dates of
        birth) or an earlier row had the same appointment id: the file would then say two
        things about one appointment, and `repeated(earlier row)` says so."""
        reason = entry_problem(entry, today=today)
        if reason is None and entry.external_id in self.first_row_of:
            reason = repeated(self.first_row_of[entry.external_id])
        if reason is not None:
            self.refuse(row, reason)
            return
        self.first_row_of[entry.external_id] = row
        self.entries.append(entry)
        self.rows.append(row)

    def refuse(self, row: int, reason: str) -> None:
        """Note that `row` was not imported, and why."""
        self.problems.append(RowProblem(row, reason))


class ScheduleFileError(ValueError):
    """The file as a whole cannot be read (not text, too large, not a Bundle, no header): its
    message says why in the reader's language, and nothing is imported."""
