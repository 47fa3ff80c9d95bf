"""What the audit viewer is asked to show: filters read from the query string, checked, and
turned into SQL conditions.

Filters name things by id (patient, staff account, kiosk), so no MRN ever sits in a URL: the
MRN a system admin types is resolved to the patient's id by a POST first (admin/audit/views.py).
A patient filter follows merges: it also finds the events of walk-in records matched to that
patient, because the log is never rewritten when records merge. Times are the facility's days.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, or_, select

from admin.reports.period import ReportPeriodError, parse_day
from kiosk.checkin.audit import TOKEN
from kiosk.models import AuditEvent, Patient

# Ids are 32-bit columns (9 digits always fit); sequences are 64-bit (18 digits always fit).
ID_NUMBER = re.compile(r"[0-9]{1,9}")
SEQUENCE_NUMBER = re.compile(r"[0-9]{1,18}")
# Query-string names of the id filters, beside the field each fills.
ID_FILTERS = {"patient": "patient_id", "staff": "staff_id", "kiosk": "kiosk_id"}


class AuditFilterError(ReportPeriodError):
    """A filter that cannot be applied; `message` says why, translated (a wrong date is the
    reports' `ReportPeriodError`, with the same words)."""


@dataclass(frozen=True)
class AuditFilters:
    """The rows a system admin asked for; None or "" means not filtered."""

    patient_id: int | None = None
    staff_id: int | None = None
    kiosk_id: int | None = None
    action: str = ""
    start: date | None = None
    end: date | None = None

    def kinds(self) -> str:
        """Which kinds of filter are in use ("patient.time"), for the audit event: the kinds
        only, never their values."""
        used = [
            kind
            for kind, value in (
                ("patient", self.patient_id),
                ("staff", self.staff_id),
                ("kiosk", self.kiosk_id),
                ("action", self.action),
                ("time", self.start or self.end),
            )
            if value
        ]
        return ".".join(used) or "none"

    def query_args(self) -> dict[str, str]:
        """The filters as query-string arguments (for links to other pages and the CSV)."""
        args = {name: getattr(self, field) for name, field in ID_FILTERS.items()}
        args |= {"action": self.action, "start": self.start, "end": self.end}
        return {name: str(value) for name, value in args.items() if value}

    def conditions(self, timezone: ZoneInfo) -> list[ColumnElement[bool]]:
        """The WHERE conditions selecting these rows."""
        found: list[ColumnElement[bool]] = []
        if self.patient_id is not None:
            merged_walk_ins = select(Patient.id).where(Patient.merged_into_id == self.patient_id)
            found.append(
                or_(
                    AuditEvent.patient_id == self.patient_id,
                    AuditEvent.patient_id.in_(merged_walk_ins),
                )
            )
        if self.staff_id is not None:
            found.append(AuditEvent.detail["staff_id"].as_integer() == self.staff_id)
        if self.kiosk_id is not None:
            found.append(AuditEvent.kiosk_id == self.kiosk_id)
        if self.action:
            found.append(AuditEvent.action == self.action)
        if self.start is not None:
            found.append(AuditEvent.occurred_at >= datetime.combine(self.start, time.min, timezone))
        if self.end is not None:
            next_day = datetime.combine(self.end + timedelta(days=1), time.min, timezone)
            found.append(AuditEvent.occurred_at < next_day)
        return found


def whole_number(
    args: Mapping[str, str], name: str, pattern: re.Pattern[str] = ID_NUMBER
) -> int | None:
    """A number from the query string, None when absent; `AuditFilterError` when it is not one
    that fits its column."""
    text = args.get(name, "").strip()
    if not text:
        return None
    if not pattern.fullmatch(text):
        raise AuditFilterError(_l("This filter is not valid. Please choose it again."))
    return int(text)


def day(args: Mapping[str, str], name: str) -> date | None:
    """A facility day from the query string, None when absent."""
    text = args.get(name, "").strip()
    if not text:
        return None
    return parse_day(text)


def parse_filters(args: Mapping[str, str]) -> AuditFilters:
    """The filters in `args`, checked; raises `ReportPeriodError` (an `AuditFilterError` or a
    wrong date) with a translated reason."""
    action = args.get("action", "").strip()
    if not TOKEN.fullmatch(action):
        raise AuditFilterError(_l("This filter is not valid. Please choose it again."))
    start, end = day(args, "start"), day(args, "end")
    if start and end and end < start:
        raise AuditFilterError(_l("The end date is before the start date."))
    ids = {field: whole_number(args, name) for name, field in ID_FILTERS.items()}
    return AuditFilters(action=action, start=start, end=end, **ids)


def page_start(args: Mapping[str, str]) -> int | None:
    """The sequence a page of older entries starts below (`before`), None for the newest."""
    return whole_number(args, "before", SEQUENCE_NUMBER)
