"""The date range a report covers, read from the query string and checked.

Dates are the facility's calendar days, both ends included. A range is refused, with a message
in the reader's language and a 400, when a date is not a real date, the end comes before the
start, or it spans more than a year (a report reads every arrival of the range).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

DEFAULT_DAYS = 7
MAX_DAYS = 366


class ReportPeriodError(ValueError):
    """A date range that cannot be reported on; `message` says why, translated."""

    def __init__(self, message: LazyString) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class ReportPeriod:
    """Facility days `start` to `end`, both included."""

    start: date
    end: date

    def bounds(self, timezone: ZoneInfo) -> tuple[datetime, datetime]:
        """[first instant of `start`, first instant after `end`) in the facility's zone."""
        return (
            datetime.combine(self.start, time.min, tzinfo=timezone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=timezone),
        )

    def days(self) -> list[date]:
        """Every day of the range, in order."""
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date (what a date input sends), or `ReportPeriodError`."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ReportPeriodError(
            _l("Please give dates as year-month-day, for example 2026-03-31.")
        ) from None


def report_period(start_text: str | None, end_text: str | None, today: date) -> ReportPeriod:
    """The range asked for; the last `DEFAULT_DAYS` days up to `today` for what is not given."""
    end = parse_day(end_text) if end_text else today
    start = parse_day(start_text) if start_text else end - timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise ReportPeriodError(_l("The end date is before the start date."))
    if (end - start).days + 1 > MAX_DAYS:
        raise ReportPeriodError(
            _l("A report covers at most a year; please choose a shorter range.")
        )
    return ReportPeriod(start, end)
