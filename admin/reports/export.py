"""A report table as CSV for spreadsheets.

A cell that starts with `=`, `+`, `-`, `@` or a tab would run as a formula in a spreadsheet
(a department label is typed by staff), so such text cells get a leading apostrophe. Numbers are
written plainly: whole counts without a decimal point, minutes to one decimal.
"""

from __future__ import annotations

import csv
import io

from admin.reports.tables import ReportTable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str | float) -> str:
    """One cell: inert text, or a number."""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def table_csv(table: ReportTable) -> str:
    """The table with its headings, one row per category."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(heading) for heading in table.columns])
    for row in table.rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()
