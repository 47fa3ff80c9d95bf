"""The Today list: every appointment and walk-in of the facility's day in some departments, with
its state, ticket, times, wait so far and the flags a coordinator acts on.

Names are the minimum necessary (first name and last initial); the full name is revealed one
patient at a time and audited, and a search by name or MRN is audited too (the audit records
who searched and how many rows matched, never what was typed).
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, or_, select

from kiosk.checkin.audit import record_audit
from kiosk.checkin.identity import fold_name
from kiosk.extensions import db
from kiosk.facility import facility_timezone, local_day_bounds
from kiosk.models import (
    Appointment,
    AppointmentStatus,
    ArrivalChannel,
    AuditEvent,
    CheckIn,
    ContactChange,
    ContactChangeStatus,
    Department,
    InsuranceCoverage,
    Patient,
    QueueTicket,
    QueueTicketStatus,
)
from kiosk.models.types import utcnow


class TodayState(enum.StrEnum):
    """Where a patient is in the day, as the coordinator sees it."""

    BOOKED = "booked"
    ARRIVED = "arrived"
    CALLED = "called"
    ROOMED = "roomed"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class TodayFlag(enum.StrEnum):
    """What needs a coordinator's attention on a row."""

    NEW_INSURANCE_CARD = "new_insurance_card"
    CHANGED_CONTACT = "changed_contact"
    UNVERIFIED_WALK_IN = "unverified_walk_in"
    SENT_TO_DESK = "sent_to_desk"
    ARRIVED_OUTSIDE_WINDOW = "arrived_outside_window"


TICKET_STATES = {
    QueueTicketStatus.WAITING: TodayState.ARRIVED,
    QueueTicketStatus.REQUEUED: TodayState.ARRIVED,
    QueueTicketStatus.CALLED: TodayState.CALLED,
    QueueTicketStatus.ROOMED: TodayState.ROOMED,
    QueueTicketStatus.DONE: TodayState.DONE,
    QueueTicketStatus.NO_SHOW: TodayState.NO_SHOW,
}


@dataclass(frozen=True)
class TodayRow:
    """One line of the Today list. `ticket_version` goes back with an action, so that a
    colleague's change in between refuses it (see admin.queue.actions)."""

    patient_id: int
    display_name: str
    department_id: int
    department_code: str
    state: TodayState
    appointment_id: int | None
    starts_at: datetime | None
    check_in_id: int | None
    channel: ArrivalChannel | None
    arrived_at: datetime | None
    ticket_id: int | None
    ticket_label: str | None
    ticket_version: int | None
    called_to: str | None
    wait_minutes: int | None
    flags: frozenset[TodayFlag]


@dataclass(frozen=True)
class TodayFilter:
    """What a coordinator narrowed the list to; empty sets mean "all"."""

    states: frozenset[TodayState] = frozenset()
    flags: frozenset[TodayFlag] = frozenset()

    def keeps(self, row: TodayRow) -> bool:
        """Whether the row passes the filter."""
        if self.states and row.state not in self.states:
            return False
        return not self.flags or bool(self.flags & row.flags)


def display_name(patient: Patient) -> str:
    """First name and last initial: enough for a coordinator to call someone over."""
    return f"{patient.first_name} {patient.last_name[:1]}."


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The facility's day as [first instant, first instant of the next day)."""
    zone = facility_timezone(current_app)
    return local_day_bounds(datetime.combine(day, time.min, tzinfo=zone), zone)


def state_of(appointment: Appointment | None, ticket: QueueTicket | None) -> TodayState:
    """The row's state: the ticket's once there is one, else the appointment's."""
    if appointment is not None and appointment.status is AppointmentStatus.CANCELLED:
        return TodayState.CANCELLED
    if ticket is not None:
        return TICKET_STATES[ticket.status]
    if appointment is not None and appointment.status is AppointmentStatus.NO_SHOW:
        return TodayState.NO_SHOW
    return TodayState.BOOKED


def wait_minutes(check_in: CheckIn | None, ticket: QueueTicket | None, now: datetime) -> int | None:
    """Minutes from arrival to the call, or to now while still waiting."""
    if check_in is None or ticket is None:
        return None
    until = (
        now
        if ticket.status in (QueueTicketStatus.WAITING, QueueTicketStatus.REQUEUED)
        else (ticket.called_at or now)
    )
    return max(0, int((until - check_in.checked_in_at).total_seconds() // 60))


def arrived_outside_window(appointment: Appointment | None, check_in: CheckIn | None) -> bool:
    """Whether the arrival fell outside the check-in window a kiosk would have allowed (only
    the desk can check someone in then)."""
    if appointment is None or check_in is None:
        return False
    early = timedelta(minutes=current_app.config["CHECKIN_EARLY_MINUTES"])
    late = timedelta(minutes=current_app.config["CHECKIN_LATE_MINUTES"])
    arrived = check_in.checked_in_at
    return not appointment.starts_at - early <= arrived <= appointment.starts_at + late


def patients_with(statement: Select[Any]) -> set[int]:
    """The patient ids a one-column query returns."""
    return set(db.session.scalars(statement))


def flags_by_patient(patient_ids: Collection[int], day: date) -> dict[int, set[TodayFlag]]:
    """The patient-level flags, three queries for the whole list: a kiosk card waiting for
    review, a contact change waiting, and identified at a kiosk today without checking in
    there (the kiosk sent them to the desk: declined the confirmation, or outside the window)."""
    start, end = day_bounds(day)
    flags: dict[int, set[TodayFlag]] = {patient_id: set() for patient_id in patient_ids}
    if not patient_ids:
        return flags
    cards = patients_with(
        select(InsuranceCoverage.patient_id).where(
            InsuranceCoverage.patient_id.in_(patient_ids), InsuranceCoverage.needs_review
        )
    )
    contacts = patients_with(
        select(ContactChange.patient_id).where(
            ContactChange.patient_id.in_(patient_ids),
            ContactChange.status == ContactChangeStatus.PENDING,
        )
    )
    identified = patients_with(
        select(AuditEvent.patient_id).where(
            AuditEvent.patient_id.in_(patient_ids),
            AuditEvent.action == "lookup_success",
            AuditEvent.occurred_at >= start,
            AuditEvent.occurred_at < end,
        )
    )
    for patient_id in patient_ids:
        if patient_id in cards:
            flags[patient_id].add(TodayFlag.NEW_INSURANCE_CARD)
        if patient_id in contacts:
            flags[patient_id].add(TodayFlag.CHANGED_CONTACT)
        if patient_id in identified:
            flags[patient_id].add(TodayFlag.SENT_TO_DESK)
    return flags


RowParts = tuple[Patient, Department, Appointment | None, CheckIn | None, QueueTicket | None]


def appointment_rows(department_ids: Collection[int], day: date) -> list[RowParts]:
    """The day's appointments in these departments, with their check-ins and tickets."""
    start, end = day_bounds(day)
    statement = (
        select(Patient, Department, Appointment, CheckIn, QueueTicket)
        .join(Appointment, Appointment.patient_id == Patient.id)
        .join(Department, Department.id == Appointment.department_id)
        .outerjoin(CheckIn, CheckIn.appointment_id == Appointment.id)
        .outerjoin(QueueTicket, QueueTicket.id == CheckIn.ticket_id)
        .where(
            Appointment.department_id.in_(department_ids),
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
        )
    )
    return [tuple(row) for row in db.session.execute(statement).unique()]  # type: ignore[misc]


def walk_in_rows(department_ids: Collection[int], day: date) -> list[RowParts]:
    """The day's walk-ins (check-ins without an appointment) in these departments."""
    statement = (
        select(Patient, Department, CheckIn, QueueTicket)
        .join(CheckIn, CheckIn.patient_id == Patient.id)
        .join(QueueTicket, QueueTicket.id == CheckIn.ticket_id)
        .join(Department, Department.id == QueueTicket.department_id)
        .where(
            CheckIn.appointment_id.is_(None),
            QueueTicket.department_id.in_(department_ids),
            QueueTicket.service_date == day,
        )
    )
    return [
        (patient, department, None, check_in, ticket)
        for patient, department, check_in, ticket in db.session.execute(statement).unique()
    ]


def today_rows(
    department_ids: Collection[int],
    day: date,
    *,
    now: datetime | None = None,
    only: TodayFilter | None = None,
) -> list[TodayRow]:
    """The Today list of one or several departments, by appointment time (walk-ins by arrival
    time), narrowed by `only`."""
    now = now or utcnow()
    parts = appointment_rows(department_ids, day) + walk_in_rows(department_ids, day)
    flags = flags_by_patient({patient.id for patient, *_ in parts}, day)
    rows = [row_of(part, flags[part[0].id], now) for part in parts]
    rows.sort(key=lambda row: (row.starts_at or row.arrived_at or now, row.ticket_label or ""))
    return [row for row in rows if (only or TodayFilter()).keeps(row)]


def row_of(parts: RowParts, patient_flags: Iterable[TodayFlag], now: datetime) -> TodayRow:
    """One list row from its database rows and its patient's flags."""
    patient, department, appointment, check_in, ticket = parts
    flags = set(patient_flags)
    if not patient.verified:
        flags.add(TodayFlag.UNVERIFIED_WALK_IN)
    if arrived_outside_window(appointment, check_in):
        flags.add(TodayFlag.ARRIVED_OUTSIDE_WINDOW)
    if check_in is not None:
        flags.discard(TodayFlag.SENT_TO_DESK)
    return TodayRow(
        patient_id=patient.id,
        display_name=display_name(patient),
        department_id=department.id,
        department_code=department.code,
        state=state_of(appointment, ticket),
        appointment_id=appointment.id if appointment else None,
        starts_at=appointment.starts_at if appointment else None,
        check_in_id=check_in.id if check_in else None,
        channel=check_in.channel if check_in else None,
        arrived_at=check_in.checked_in_at if check_in else None,
        ticket_id=ticket.id if ticket else None,
        ticket_label=ticket.label if ticket else None,
        ticket_version=ticket.version if ticket else None,
        called_to=ticket.called_to if ticket else None,
        wait_minutes=wait_minutes(check_in, ticket, now),
        flags=frozenset(flags),
    )


def search_today(
    query: str,
    department_ids: Collection[int],
    day: date,
    *,
    staff_id: int | None,
    now: datetime | None = None,
) -> list[TodayRow]:
    """The Today rows whose patient's name contains `query` (case and accents folded, first or
    last name) or whose MRN is exactly `query`. Audited: who searched and how many matched."""
    matching = matching_patients(query)
    rows = [row for row in today_rows(department_ids, day, now=now) if row.patient_id in matching]
    detail: dict[str, int] = {"matches": len(rows)}
    if staff_id is not None:
        detail["staff_id"] = staff_id
    record_audit("queue_search", kiosk_id=None, **detail)
    db.session.commit()
    return rows


def matching_patients(query: str) -> set[int]:
    """Ids of patients whose MRN is `query` or whose folded first or last name contains it."""
    folded = fold_name(query)
    if not folded and not query.strip():
        return set()
    conditions = [Patient.mrn == query.strip()]
    if folded:
        conditions.append(Patient.last_name_key.contains(folded, autoescape=True))
        conditions.append(
            func.lower(Patient.first_name).contains(query.strip().lower(), autoescape=True)
        )
    return patients_with(select(Patient.id).where(or_(*conditions)))


def reveal_full_name(patient_id: int, *, staff_id: int | None) -> str:
    """The patient's full name for a coordinator who asked for it; audited every time."""
    patient = db.session.get(Patient, patient_id)
    if patient is None:
        raise LookupError("no such patient")
    detail: dict[str, int] = {} if staff_id is None else {"staff_id": staff_id}
    record_audit("full_name_viewed", kiosk_id=None, patient_id=patient.id, **detail)
    db.session.commit()
    return f"{patient.first_name} {patient.last_name}"
