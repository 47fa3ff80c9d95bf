"""Rows that tests stand up in the database: kiosks (plain or enrolled as a browser), departments,
patients and booked appointments, plus the fixed clock and the audit-log readers they check
against.

One builder per kind of row, so every test module creates a kiosk or a department the same way
and a change to the model is made in one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from flask.testing import FlaskClient
from sqlalchemy import select

from kiosk import floorplan
from kiosk.checkin.codes import code_key, issue_code
from kiosk.checkin.identity import fold_name
from kiosk.devices.identity import enrol_device
from kiosk.extensions import db
from kiosk.facility import facility_timezone
from kiosk.floorplan import DEMO_FLOORPLAN
from kiosk.models import (
    Appointment,
    AppointmentStatus,
    AuditEvent,
    Department,
    InsuranceCoverage,
    Kiosk,
    Patient,
)
from kiosk.models.types import utcnow

FACILITY_TIMEZONE = "America/Chicago"
# 10:00 in Chicago (daylight saving time started two days before).
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def minutes(count: float) -> timedelta:
    """A readable offset: `NOW + minutes(59)`."""
    return timedelta(minutes=count)


def add_kiosk(
    place: str = "main-lobby",
    *,
    name: str | None = None,
    printer_uri: str = "dummy://",
    printer_profile: str = "TM-T20II",
) -> Kiosk:
    """A committed kiosk standing at `place` (also its name unless `name` is given) with the
    given printer (inside an app context)."""
    kiosk = Kiosk(
        name=name or place, place=place, printer_uri=printer_uri, printer_profile=printer_profile
    )
    db.session.add(kiosk)
    db.session.commit()
    return kiosk


def enrolled_client(
    app: Flask, place: str = "main-lobby", printer_uri: str = "dummy://"
) -> FlaskClient:
    """A browser that is the kiosk standing at `place` with the given printer."""
    with app.app_context():
        device_token = enrol_device(add_kiosk(place, printer_uri=printer_uri))
        db.session.commit()
    client = app.test_client()
    client.set_cookie(app.config["DEVICE_COOKIE_NAME"], device_token)
    return client


def add_department(code: str = "imaging", prefix: str = "R") -> Department:
    """The department `code`, linked to the demo floorplan destination of the same id, with
    names and arrival notes in both languages; the existing one if a test already added it
    (inside an app context)."""
    existing: Department | None = db.session.query(Department).filter_by(code=code).one_or_none()
    if existing is not None:
        return existing
    department = Department(
        code=code,
        names={"en": code.title(), "es": code.title()},
        destination_id=code,
        location_label="",
        arrival_notes={"en": "Please bring your referral.", "es": "Traiga su volante."},
        ticket_prefix=prefix,
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


@dataclass(frozen=True)
class BookedPatient:
    """What a test knows about a patient it booked: enough to check in and to look for PHI."""

    patient_id: int
    appointment_ids: tuple[int, ...]
    code: str
    first_name: str
    last_name: str
    date_of_birth: date
    mrn: str
    member_id: str


def book_patient(
    app: Flask,
    *,
    first_name: str = "Ana",
    last_name: str = "Núñez",
    date_of_birth: date = date(1984, 3, 12),
    mrn: str = "TEST-0001",
    phone: str = "5550100101",
    member_id: str = "XKZ123456789",
    starts_in_minutes: tuple[int, ...] = (10,),
    department_code: str = "imaging",
) -> BookedPatient:
    """A patient with insurance on file and appointments starting in the given minutes."""
    with app.app_context():
        where = add_department(department_code)
        patient = add_patient(
            first_name,
            last_name,
            date_of_birth,
            mrn=mrn,
            phone=phone,
            address="1 Synthetic Street",
        )
        db.session.add(
            InsuranceCoverage(patient_id=patient.id, payer="Example Health", member_id=member_id)
        )
        booked = [
            book(patient, where, utcnow() + minutes(offset), code_issued_at=utcnow())
            for offset in starts_in_minutes
        ]
        return BookedPatient(
            patient.id,
            tuple(appointment_id for appointment_id, _code in booked),
            booked[0][1],
            first_name,
            last_name,
            date_of_birth,
            mrn,
            member_id,
        )


def audit_events(action: str) -> list[AuditEvent]:
    """The audit events of one kind, oldest first."""
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by("id"))
    )


def audit_details() -> list[dict[str, Any]]:
    """Every audit event's detail, to check what the log would show an auditor."""
    return [event.detail for event in db.session.scalars(select(AuditEvent))]


def elevators_closed(plan: dict[str, Any]) -> dict[str, Any]:
    """The demo floorplan `plan` with both elevator banks closed: no step-free way upstairs."""
    return {
        **plan,
        "closures": [
            {"id": f"closure-{bank}", "element": bank, "reason": "Maintenance"}
            for bank in ("elevators-a", "elevators-b")
        ],
    }


def demo_floorplan_with_elevators_closed(folder: Path) -> Path:
    """A copy of the demo floorplan in `folder` with both elevator banks closed."""
    path = folder / "elevators-closed.json"
    path.write_text(json.dumps(elevators_closed(json.loads(DEMO_FLOORPLAN.read_text()))))
    return path


def published_off_the_request_path(app: Flask) -> None:
    """Build the newest floorplan version (a changed file or a stored version) in the
    background, as the requests that notice it would, and wait until it is swapped in (a
    build under way for an older version first finishes, then the newest is built)."""
    for _build in range(5):
        with app.app_context():
            builder = floorplan.refresh_in_background()
        if builder is None:
            return
        builder.join()
    raise AssertionError("the floorplan builds did not catch up with the live version")
