"""The rows a FHIR search matches, one page at a time: appointments with their check-ins,
and decided cards with their patients. "The day" is the facility's calendar day
(`FACILITY_TIMEZONE`), as on every other screen of Lobby."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select

from admin.fhir.resources import SHARED_REVIEW_OUTCOMES
from admin.fhir.searches import WHOLE_NUMBER, AppointmentSearch, CoverageSearch
from kiosk.extensions import db
from kiosk.models import Appointment, CheckIn, InsuranceCoverage, Patient


def day_bounds(day: date, timezone: ZoneInfo) -> tuple[datetime, datetime]:
    """The facility day as [first instant, first instant of the next day)."""
    return (
        datetime.combine(day, time.min, tzinfo=timezone),
        datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone),
    )


def total_of(query: Select[*tuple[Any, ...]]) -> int:
    """How many rows `query` matches in all."""
    return int(db.session.scalar(select(func.count()).select_from(query.subquery())) or 0)


@dataclass(frozen=True)
class AppointmentMatches:
    """One page of appointments with their check-ins, and how many matched in all."""

    total: int
    rows: list[tuple[Appointment, CheckIn | None]]


def with_check_ins() -> Select[Appointment, CheckIn]:
    """Appointments, each with its check-in where there is one."""
    return select(Appointment, CheckIn).outerjoin(CheckIn, CheckIn.appointment_id == Appointment.id)


def appointments_on(search: AppointmentSearch, timezone: ZoneInfo) -> AppointmentMatches:
    """The appointments of the search's page (all of them without one), in order of start."""
    start, end = day_bounds(search.day, timezone)
    query = with_check_ins().where(Appointment.starts_at >= start, Appointment.starts_at < end)
    if search.statuses is not None:
        query = query.where(Appointment.status.in_(sorted(search.statuses)))
    ordered = query.order_by(Appointment.starts_at, Appointment.id)
    if search.page is not None:
        ordered = ordered.offset(search.page.offset).limit(search.page.count)
    rows = db.session.execute(ordered)
    return AppointmentMatches(total_of(query), [(row[0], row[1]) for row in rows])


def appointment_by_id(appointment_id: str) -> tuple[Appointment, CheckIn | None] | None:
    """One appointment by the id the API gives it, with its check-in; None if there is none
    (ids are whole numbers; anything else names nothing)."""
    if not WHOLE_NUMBER.fullmatch(appointment_id):
        return None
    row = db.session.execute(with_check_ins().where(Appointment.id == int(appointment_id))).first()
    return None if row is None else (row[0], row[1])


@dataclass(frozen=True)
class CoverageMatches:
    """One page of decided cards with their patients, and how many matched in all."""

    total: int
    rows: list[tuple[InsuranceCoverage, Patient]]


def shared_cards() -> Select[InsuranceCoverage, Patient]:
    """Cards a coordinator accepted or corrected, each with its patient: the only ones that
    leave Lobby."""
    return (
        select(InsuranceCoverage, Patient)
        .join(Patient, Patient.id == InsuranceCoverage.patient_id)
        .where(InsuranceCoverage.review_outcome.in_(SHARED_REVIEW_OUTCOMES))
    )


def coverages_on(search: CoverageSearch, timezone: ZoneInfo) -> CoverageMatches:
    """The cards accepted or corrected on the search's day, in the order they were decided."""
    start, end = day_bounds(search.day, timezone)
    query = shared_cards().where(
        InsuranceCoverage.reviewed_at >= start, InsuranceCoverage.reviewed_at < end
    )
    rows = db.session.execute(
        query.order_by(InsuranceCoverage.reviewed_at, InsuranceCoverage.id)
        .offset(search.page.offset)
        .limit(search.page.count)
    )
    return CoverageMatches(total_of(query), [(row[0], row[1]) for row in rows])


def coverage_by_id(coverage_id: str) -> tuple[InsuranceCoverage, Patient] | None:
    """One accepted or corrected card by the id the API gives it, with its patient; None for
    any other id (a pending, rejected or on-file card is not there for the API)."""
    if not WHOLE_NUMBER.fullmatch(coverage_id):
        return None
    row = db.session.execute(shared_cards().where(InsuranceCoverage.id == int(coverage_id))).first()
    return None if row is None else (row[0], row[1])
