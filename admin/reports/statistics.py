"""The front desk's figures for a date range, computed from check-ins, queue events,
appointments and the audit log. Plain functions returning values; views draw and export them.

- Arrivals per hour: check-ins by the facility's local hour of arrival.
- Wait from arrival to call per department: from `checked_in_at` to the ticket's first call
  that was not undone; median and 90th percentile (nearest rank: the smallest wait that at
  least 90 % of patients waited no longer than, always a wait that really happened).
- Kiosk vs desk: check-ins per arrival channel.
- No-shows: appointments of the range marked no-show, per department.
- Failed lookups: kiosk identity lookups that found nobody, per day.

Departments are shown by their location label when they have one (a neutral "Suite 2B" for a
clinic whose name would reveal a condition), so no report ever names such a clinic.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from admin.reports.period import ReportPeriod
from kiosk.extensions import db
from kiosk.models import (
    Appointment,
    AppointmentStatus,
    ArrivalChannel,
    AuditEvent,
    CheckIn,
    Department,
    QueueAction,
    QueueEvent,
    QueueTicket,
)

HOURS = range(24)
FAILED_LOOKUP = "lookup_failure"


@dataclass(frozen=True)
class DepartmentWait:
    """Waits from arrival to call in one department, in minutes."""

    department: str
    patients: int
    median_minutes: float
    p90_minutes: float


def nearest_rank_percentile(values: list[float], percent: float) -> float:
    """The nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1]


def department_labels(lang: str) -> dict[int, str]:
    """What reports call each department: its location label, else its name in `lang`."""
    return {
        department.id: department.location_label or department.name_in(lang)
        for department in db.session.scalars(select(Department))
    }


def arrivals_per_hour(period: ReportPeriod, timezone: ZoneInfo) -> list[int]:
    """Check-ins per local hour of the day (24 counts), over the whole range."""
    start, end = period.bounds(timezone)
    moments = db.session.scalars(
        select(CheckIn.checked_in_at).where(
            CheckIn.checked_in_at >= start, CheckIn.checked_in_at < end
        )
    )
    hours = Counter(moment.astimezone(timezone).hour for moment in moments)
    return [hours[hour] for hour in HOURS]


def waits_by_department(
    period: ReportPeriod, timezone: ZoneInfo, lang: str
) -> list[DepartmentWait]:
    """Median and 90th-percentile wait from arrival to first call, per department with calls,
    for patients who arrived in the range; sorted by department label."""
    start, end = period.bounds(timezone)
    first_calls = (
        select(QueueEvent.ticket_id, func.min(QueueEvent.occurred_at).label("called_at"))
        .where(QueueEvent.action == QueueAction.CALL, QueueEvent.undone_by.is_(None))
        .group_by(QueueEvent.ticket_id)
        .subquery()
    )
    rows = db.session.execute(
        select(QueueTicket.department_id, CheckIn.checked_in_at, first_calls.c.called_at)
        .join(QueueTicket, QueueTicket.id == CheckIn.ticket_id)
        .join(first_calls, first_calls.c.ticket_id == CheckIn.ticket_id)
        .where(CheckIn.checked_in_at >= start, CheckIn.checked_in_at < end)
    )
    waits: dict[int, list[float]] = {}
    for department_id, arrived_at, called_at in rows:
        minutes = max(0.0, (called_at - arrived_at).total_seconds() / 60)
        waits.setdefault(department_id, []).append(minutes)
    labels = department_labels(lang)
    return sorted(
        (
            DepartmentWait(
                labels[department_id],
                len(values),
                statistics.median(values),
                nearest_rank_percentile(values, 90),
            )
            for department_id, values in waits.items()
        ),
        key=lambda wait: wait.department,
    )


def arrivals_by_channel(period: ReportPeriod, timezone: ZoneInfo) -> dict[ArrivalChannel, int]:
    """Check-ins at kiosks and at the desk (both keys always present)."""
    start, end = period.bounds(timezone)
    rows = db.session.execute(
        select(CheckIn.channel, func.count())
        .where(CheckIn.checked_in_at >= start, CheckIn.checked_in_at < end)
        .group_by(CheckIn.channel)
    )
    counts = {channel: count for channel, count in rows}
    return {channel: counts.get(channel, 0) for channel in ArrivalChannel}


def no_shows_by_department(period: ReportPeriod, timezone: ZoneInfo, lang: str) -> dict[str, int]:
    """Appointments in the range marked no-show, per department label (only those with any)."""
    start, end = period.bounds(timezone)
    rows = db.session.execute(
        select(Appointment.department_id, func.count())
        .where(
            Appointment.status == AppointmentStatus.NO_SHOW,
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
        )
        .group_by(Appointment.department_id)
    )
    labels = department_labels(lang)
    totals: Counter[str] = Counter()
    for department_id, count in rows:
        totals[labels[department_id]] += count
    return dict(sorted(totals.items()))


def failed_lookups_per_day(period: ReportPeriod, timezone: ZoneInfo) -> dict[date, int]:
    """Kiosk lookups that found nobody, per facility day of the range (every day present)."""
    start, end = period.bounds(timezone)
    moments: list[datetime] = list(
        db.session.scalars(
            select(AuditEvent.occurred_at).where(
                AuditEvent.action == FAILED_LOOKUP,
                AuditEvent.occurred_at >= start,
                AuditEvent.occurred_at < end,
            )
        )
    )
    days = Counter(moment.astimezone(timezone).date() for moment in moments)
    return {day: days[day] for day in period.days()}
