"""What the check-in screens show and accept: validation of typed answers, masked values,
and the minimum-necessary views of appointments, insurance and tickets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for
from flask_babel import format_time
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from kiosk.checkin.tickets import waiting_ahead
from kiosk.extensions import db
from kiosk.floorplan import current_wayfinder, place_of
from kiosk.models import Appointment, CheckIn, InsuranceCoverage, Kiosk
from kiosk.printing.status import printer_is_offline
from kiosk.shell.links import public_url
from wayfinding import Directions, NoRouteError, UnknownPlaceError, directions

# Letters in any script, spaces, hyphens and apostrophes: "O'Brien", "García-López".
NAME_PATTERN = re.compile(r"^[^\W\d_]+(?:[ '’-][^\W\d_]+)*$")
MEMBER_ID_PATTERN = re.compile(r"^[A-Z0-9-]{3,30}$")
EARLIEST_BIRTH_YEAR = 1900


def valid_name(name: str) -> bool:
    """A plausible personal name of sensible length."""
    return 0 < len(name) <= 80 and NAME_PATTERN.match(name) is not None


def valid_phone(digits: str) -> bool:
    """Seven to fifteen digits (E.164 allows fifteen)."""
    return 7 <= len(digits) <= 15


def valid_member_id(value: str) -> bool:
    """Insurance member and group numbers: letters, digits and dashes."""
    return MEMBER_ID_PATTERN.match(value) is not None


def masked_tail(value: str) -> str:
    """The last four characters only ("phone ending 1234"); empty for short values."""
    return value[-4:] if len(value) >= 4 else ""


def parse_birth_date(form: MultiDict[str, str], *, today: date) -> tuple[date | None, Any]:
    """The date typed in day, month and year boxes, or None and what to tell the person."""
    parts = [form.get(name, "").strip() for name in ("day", "month", "year")]
    if not all(part.isdigit() and len(part) <= 4 for part in parts):
        return None, _l("Please enter the day, month and year of your birth as numbers.")
    day, month, year = (int(part) for part in parts)
    if not EARLIEST_BIRTH_YEAR <= year <= today.year:
        return None, _l("Please check the year: it needs four digits, like 1980.")
    try:
        born = date(year, month, day)
    except ValueError:
        return None, _l("That date does not exist. Please check the day and month.")
    if born > today:
        return None, _l("A date of birth cannot be in the future. Please check it.")
    return born, None


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
    finder, origin = current_wayfinder(), place_of(kiosk)
    views = []
    for check_in_id, token in done:
        check_in = db.session.get(CheckIn, check_in_id)
        assert check_in is not None
        ticket = check_in.ticket
        department = ticket.department
        try:
            route = finder.route_from_kiosk(origin.id, department.destination_id)
            steps: Directions | None = directions(route, lang, origin.heading)
        except (UnknownPlaceError, NoRouteError):
            steps = None
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
