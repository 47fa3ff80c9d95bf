"""Each report as one table: a title, column headings, category rows with numbers. The page
shows it as a data table (the charts' text alternative), the CSV export writes it, and the chart
is drawn from it, so the three can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import gettext as _

from admin.reports import statistics
from admin.reports.period import ReportPeriod
from kiosk.models import ArrivalChannel


@dataclass(frozen=True)
class ReportTable:
    """One report: `rows` are (category, number, ...) matching `columns`."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, *tuple[float, ...]], ...]
    # The number columns the chart draws (indexes into `columns`, never 0, the category).
    charted: tuple[int, ...]
    value_label: str


def count_table(
    key: str, title: str, headings: tuple[str, str], counts: Iterable[tuple[str, int]]
) -> ReportTable:
    """A report of one count per category (the count's heading labels the chart's axis)."""
    return ReportTable(
        key,
        title,
        headings,
        tuple((category, float(count)) for category, count in counts),
        (1,),
        headings[1],
    )


def arrivals_table(period: ReportPeriod, timezone: ZoneInfo, lang: str) -> ReportTable:
    """Arrivals per local hour."""
    counts = statistics.arrivals_per_hour(period, timezone)
    return count_table(
        "arrivals-per-hour",
        _("Arrivals per hour"),
        (_("Hour"), _("Arrivals")),
        ((f"{hour:02d}:00", count) for hour, count in enumerate(counts)),
    )


def waits_table(period: ReportPeriod, timezone: ZoneInfo, lang: str) -> ReportTable:
    """Median and 90th-percentile wait from arrival to call per department."""
    waits = statistics.waits_by_department(period, timezone, lang)
    return ReportTable(
        "waits",
        _("Wait from arrival to call"),
        (_("Department"), _("Patients called"), _("Median (min)"), _("90th percentile (min)")),
        tuple(
            (wait.department, float(wait.patients), wait.median_minutes, wait.p90_minutes)
            for wait in waits
        ),
        (2, 3),
        _("Minutes"),
    )


def channel_table(period: ReportPeriod, timezone: ZoneInfo, lang: str) -> ReportTable:
    """Check-ins at kiosks and at the desk."""
    counts = statistics.arrivals_by_channel(period, timezone)
    names = {ArrivalChannel.KIOSK: _("Kiosk"), ArrivalChannel.DESK: _("Front desk")}
    return count_table(
        "kiosk-vs-desk",
        _("Check-ins at kiosks and at the desk"),
        (_("Where"), _("Check-ins")),
        ((names[channel], count) for channel, count in counts.items()),
    )


def no_show_table(period: ReportPeriod, timezone: ZoneInfo, lang: str) -> ReportTable:
    """No-shows per department."""
    counts = statistics.no_shows_by_department(period, timezone, lang)
    return count_table("no-shows", _("No-shows"), (_("Department"), _("No-shows")), counts.items())


def failed_lookup_table(period: ReportPeriod, timezone: ZoneInfo, lang: str) -> ReportTable:
    """Failed kiosk lookups per day."""
    counts = statistics.failed_lookups_per_day(period, timezone)
    return count_table(
        "failed-lookups",
        _("Kiosk lookups that found no appointment"),
        (_("Day"), _("Failed lookups")),
        ((format_date(day, "short"), count) for day, count in counts.items()),
    )


REPORTS: dict[str, Callable[[ReportPeriod, ZoneInfo, str], ReportTable]] = {
    "arrivals-per-hour": arrivals_table,
    "waits": waits_table,
    "kiosk-vs-desk": channel_table,
    "no-shows": no_show_table,
    "failed-lookups": failed_lookup_table,
}
