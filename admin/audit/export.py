"""The audit viewer's rows as CSV for auditors' spreadsheets: formula-safe cells (the report
CSV's rule: text starting with `=`, `+`, `-`, `@` gets a leading apostrophe), written row by
row so an export of the whole log never sits in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from flask_babel import gettext as _

from admin.audit.entries import AuditEntry
from admin.reports.export import csv_cell


def csv_headings() -> list[str | float]:
    """The heading line's cells, in the reader's language."""
    return [_("Sequence"), _("Time"), _("Action"), _("Who"), _("Patient MRN"), _("Detail")]


def audit_csv(headings: list[str | float], entries: Iterable[AuditEntry]) -> Iterator[str]:
    """The heading line, then one line per entry."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells: list[str | float]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_cell(cell) for cell in cells])
        return buffer.getvalue()

    yield line(headings)
    for entry in entries:
        yield line(
            [
                entry.sequence,
                entry.occurred_at.isoformat(timespec="seconds"),
                entry.action_label,
                entry.who,
                entry.patient,
                entry.detail,
            ]
        )
