"""Builders for patients, departments, kiosks and booked appointments in check-in tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from kiosk.checkin.codes import code_key, issue_code
from kiosk.checkin.identity import fold_name
from kiosk.extensions import db
from kiosk.facility import facility_timezone
from kiosk.models import Appointment, AppointmentStatus, AuditEvent, Department, Kiosk, Patient

FACILITY_TIMEZONE = "America/Chicago"
# 10:00 in Chicago (daylight saving time started two days before).
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def minutes(count: float) -> timedelta:
    """A readable offset: `NOW + minutes(59)`."""
    return timedelta(minutes=count)


def add_kiosk(name: str = "main-lobby") -> int:
    """An enrolled kiosk's id."""
    kiosk = Kiosk(name=name, place=name)
    db.session.add(kiosk)
    db.session.commit()
    return kiosk.id


def add_department(code: str = "imaging", prefix: str = "R") -> Department:
    """A department linked to the demo floorplan destination of the same id."""
    department = Department(
        code=code, names={"en": code.title()}, destination_id=code, ticket_prefix=prefix
    )
    db.session.add(department)
    db.session.commit()
    return department


def add_patient(first_name: str, last_name: str, date_of_birth: date, **details: str) -> Patient:
    """A patient whose lookup key is filled the way every importer must fill it; `details` sets
    other columns (mrn, phone, address)."""
    patient = Patient(
        first_name=first_name,
        last_name=last_name,
        last_name_key=fold_name(last_name),
        date_of_birth=date_of_birth,
        **details,
    )
    db.session.add(patient)
    db.session.commit()
    return patient


def book(
    patient: Patient,
    department: Department,
    starts_at: datetime,
    *,
    status: AppointmentStatus = AppointmentStatus.BOOKED,
    code_issued_at: datetime = NOW,
) -> tuple[int, str]:
    """An appointment with a freshly issued code: (appointment id, code as printed)."""
    appointment = Appointment(
        patient_id=patient.id, department_id=department.id, starts_at=starts_at, status=status
    )
    db.session.add(appointment)
    code = issue_code(
        appointment,
        now=code_issued_at,
        timezone=facility_timezone(current_app),
        key=code_key(current_app),
    )
    db.session.commit()
    return appointment.id, code


def audit_events(action: str) -> list[AuditEvent]:
    """The audit events of one kind, oldest first."""
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by("id"))
    )


def audit_details() -> list[dict[str, Any]]:
    """Every audit event's detail, to check what the log would show an auditor."""
    return [event.detail for event in db.session.scalars(select(AuditEvent))]
