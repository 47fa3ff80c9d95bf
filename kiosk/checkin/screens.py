"""What the check-in screens show: masked values and the minimum-necessary views of
appointments, insurance and tickets (what they accept is checked in `answers`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import format_time
from sqlalchemy import select

from kiosk.checkin.ticket_route import ticket_route
from kiosk.checkin.tickets import waiting_ahead
from kiosk.extensions import db
from kiosk.models import Appointment, CheckIn, InsuranceCoverage, Kiosk
from kiosk.printing.status import printer_is_offline
from kiosk.shell.links import public_url
from wayfinding import Directions


def masked_tail(value: str) -> str:
    """The last four characters only ("phone ending 1234"); empty for short values."""
    return value[-4:] if len(value) >= 4 else ""


@dataclass(frozen=True)
class AppointmentSummary:
    """The minimum a patient needs to recognise an appointment: time and place."""

    id: int
    time: str
    place: str


def appointment_summaries(ids: list[int], patient_id: int, lang: str) -> list[AppointmentSummary]:
    """Today's chosen or found appointments of this patient, by time."""
    appointments = db.session.scalars(
        select(Appointment)
        .where(Appointment.id.in_(ids), Appointment.patient_id == patient_id)
        .order_by(Appointment.starts_at)
    ).unique()
    return [
        AppointmentSummary(a.id, format_time(a.starts_at, "short"), a.department.place_label(lang))
        for a in appointments
    ]


@dataclass(frozen=True)
class InsuranceOnFile:
    """Enough to recognise one's insurance: payer and the last four of the member ID."""

    payer: str
    member_tail: str


def insurance_on_file(patient_id: int | None) -> InsuranceOnFile | None:
    """The patient's most recent insurance, if any."""
    coverage = db.session.scalar(
        select(InsuranceCoverage)
        .where(InsuranceCoverage.patient_id == patient_id, InsuranceCoverage.payer != "")
        .order_by(InsuranceCoverage.created_at.desc())
        .limit(1)
    )
    if coverage is None:
        return None
    return InsuranceOnFile(coverage.payer, masked_tail(coverage.member_id))


@dataclass(frozen=True)
class TicketView:
    """The done screen for one ticket: no patient data at all."""

    label: str
    place: str
    waiting_ahead: int
    wait_minutes: int
    arrival_note: str
    status_url: str
    qr_path: str
    directions: Directions | None
    printer_offline: bool


def issued_ticket_views(done: list[list[Any]], kiosk: Kiosk, lang: str) -> list[TicketView]:
    """Views of the tickets this session's check-in produced."""
    views = []
    for check_in_id, token in done:
        check_in = db.session.get(CheckIn, check_in_id)
        assert check_in is not None
        ticket = check_in.ticket
        department = ticket.department
        found = ticket_route(kiosk, department, lang)
        steps = found[1] if found is not None else None
        ahead = waiting_ahead(department.id, ticket.service_date, ticket.number)
        views.append(
            TicketView(
                label=ticket.label,
                place=department.place_label(lang),
                waiting_ahead=ahead,
                wait_minutes=ahead * department.minutes_per_patient,
                arrival_note=department.arrival_note(lang),
                status_url=public_url(url_for("ticket_status.show", token=token)),
                qr_path=url_for("ticket_status.qr_code", token=token),
                directions=steps,
                printer_offline=printer_is_offline(kiosk.printer_uri),
            )
        )
    return views
