"""What the check-in screens show: masked values and the minimum-necessary views of
appointments, insurance and tickets (what they accept is checked in `answers`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import format_time
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kiosk.checkin.ticket_route import step_free_changes_route, ticket_route
from kiosk.checkin.tickets import wait_in_words, waiting_ahead
from kiosk.closures.detours import detour_notes
from kiosk.extensions import db
from kiosk.models import Appointment, CheckIn, InsuranceCoverage, Kiosk
from kiosk.printing.delivery import DeliveryNotice, DeliveryState, delivery_state
from kiosk.printing.status import printer_is_offline
from kiosk.shell.links import public_url
from wayfinding import Directions, Profile


@dataclass(frozen=True)
class DateBox:
    """One box of the date-of-birth screen."""

    name: str  # the form field: "day", "month" or "year"
    label: str
    max_digits: int


DATE_BOXES = {
    "D": DateBox("day", _l("Day"), 2),
    "M": DateBox("month", _l("Month"), 2),
    "Y": DateBox("year", _l("Year"), 4),
}
DEFAULT_DATE_ORDER = "MDY"


def birth_date_boxes(order: str) -> list[DateBox]:
    """The date-of-birth boxes in the order the facility's people write a date (`order`, e.g.
    "MDY" for a US facility). A setting that is not an order of D, M and Y gets the US order
    rather than a screen without one of the boxes."""
    letters = order.strip().upper()
    if sorted(letters) != sorted(DATE_BOXES):
        letters = DEFAULT_DATE_ORDER
    return [DATE_BOXES[letter] for letter in letters]


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


# What the done screen says about the ticket receipt: "take it" only once the printer proved
# it read the receipt.
TICKET_DELIVERY_MESSAGES = {
    DeliveryState.PRINTING: _l("Printing your ticket…"),
    DeliveryState.RETRYING: _l(
        "The printer is having trouble; we are trying again. You can scan the QR code meanwhile."
    ),
    DeliveryState.SENT: _l(
        "Your ticket was sent to the printer. If it does not come out, scan the QR code or ask"
        " at the desk."
    ),
    DeliveryState.PRINTED: _l("Take your ticket below."),
    DeliveryState.FAILED: _l(
        "We could not print your ticket. Scan the QR code or ask at the front desk."
    ),
}


def ticket_delivery(print_job_id: int | None) -> DeliveryNotice:
    """The done screen's status of one ticket receipt. A check-in from before jobs were linked
    to it was queued but cannot be followed: SENT, the truth without a promise of paper."""
    if print_job_id is None:
        state, poll_url = DeliveryState.SENT, ""
    else:
        state = delivery_state(print_job_id)
        poll_url = url_for("checkin.print_status", job_id=print_job_id)
    return DeliveryNotice(
        state=state,
        message=str(TICKET_DELIVERY_MESSAGES[state]),
        poll_url=poll_url,
        check_url=url_for("checkin.done"),
    )


@dataclass(frozen=True)
class TicketView:
    """The done screen for one ticket: no patient data at all."""

    label: str
    place: str
    # The appointment's start ("10:30 AM"); empty for a walk-in's ticket.
    time: str
    wait_text: str
    arrival_note: str
    status_url: str
    qr_path: str
    directions: Directions | None
    printer_offline: bool
    delivery: DeliveryNotice
    # Whether the step-free way there differs from the standard one (the switch matters).
    step_free_differs: bool
    # "Elevator A is closed until 2:00 PM; this route uses Elevator B." (usually none).
    detour_notes: tuple[str, ...] = ()


def issued_ticket_views(
    done: list[list[Any]], kiosk: Kiosk, lang: str, profile: Profile
) -> list[TicketView]:
    """Views of the tickets this session's check-in produced (`CheckinFlow.done` entries), with
    directions for `profile`. The check-in issues them in time order, so the first is the
    appointment to go to first."""
    views = []
    for check_in_id, token, print_job_id in done:
        check_in = db.session.get(CheckIn, check_in_id)
        assert check_in is not None
        ticket = check_in.ticket
        department = ticket.department
        found = ticket_route(kiosk, department, lang, profile)
        steps = found[1] if found is not None else None
        ahead = waiting_ahead(department.id, ticket.service_date, ticket.number)
        appointment = (
            db.session.get(Appointment, check_in.appointment_id)
            if check_in.appointment_id is not None
            else None
        )
        views.append(
            TicketView(
                label=ticket.label,
                place=department.place_label(lang),
                time=format_time(appointment.starts_at, "short") if appointment else "",
                wait_text=wait_in_words(ahead, ahead * department.minutes_per_patient),
                arrival_note=department.arrival_note(lang),
                status_url=public_url(url_for("ticket_status.show", token=token)),
                qr_path=url_for("ticket_status.qr_code", token=token),
                directions=steps,
                printer_offline=printer_is_offline(kiosk.printer_uri),
                delivery=ticket_delivery(print_job_id),
                step_free_differs=step_free_changes_route(kiosk, department),
                detour_notes=tuple(detour_notes(found[0], lang)) if found is not None else (),
            )
        )
    return views
