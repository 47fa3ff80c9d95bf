"""The one transaction that turns a patient's answers into an arrival.

Appointment marked arrived, check-in row, queue ticket, new insurance and consent, contact
changes for review, the ticket's print job, the message to the hospital's interface engine and
the audit events are committed together or not at all: a committed check-in always has its
ticket and its message queued, and a failed one leaves nothing behind. The unique check-in
per appointment makes a double tap or two kiosks at once safe: the second one is told it is
already done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kiosk.checkin.audit import record_audit
from kiosk.checkin.codes import mark_code_used
from kiosk.checkin.flow import CheckinFlow
from kiosk.checkin.identity import fold_name
from kiosk.checkin.ticket_receipt import TicketPrintout, ticket_receipt
from kiosk.checkin.ticket_route import ticket_route
from kiosk.checkin.tickets import TicketAlreadyIssued, issue_ticket, ticket_token
from kiosk.closures.detours import detour_notes
from kiosk.extensions import db
from kiosk.facility import facility_context, local_date
from kiosk.models import (
    Appointment,
    AppointmentStatus,
    CheckIn,
    Consent,
    ContactChange,
    Department,
    InsuranceCoverage,
    Kiosk,
    Patient,
    QueueTicket,
)
from kiosk.outbox.enqueue import enqueue_appointment_status
from kiosk.printing.profiles import printer_profile
from kiosk.printing.queue import enqueue_receipt
from kiosk.printing.receipt import Receipt
from kiosk.shell.links import public_url
from kiosk.tokens import token_hash
from wayfinding import Profile


class AlreadyCheckedIn(Exception):
    """The appointment was checked in before (a double tap, or another kiosk was quicker)."""


@dataclass(frozen=True)
class IssuedTicket:
    """What the done screen shows for one check-in: no patient data, only the ticket."""

    check_in_id: int
    token: str
    # The ticket receipt's print job (None only for check-ins from before jobs were linked).
    print_job_id: int | None


def record_answers(flow: CheckinFlow, patient_id: int, kiosk: Kiosk) -> None:
    """Insurance, consent and contact changes from the flow, for staff review."""
    if flow.insurance == "new":
        db.session.add(
            InsuranceCoverage(
                patient_id=patient_id,
                payer="",
                member_id=flow.member_id,
                group_number=flow.group_number,
                source="kiosk",
                front_image=flow.card_front or None,
                back_image=flow.card_back or None,
                needs_review=True,
            )
        )
        record_audit("insurance_captured", kiosk_id=kiosk.id, patient_id=patient_id)
    if flow.consent_method:
        db.session.add(
            Consent(
                patient_id=patient_id,
                kind="privacy_notice",
                version=current_app.config["PRIVACY_NOTICE_VERSION"],
                method=flow.consent_method,
                signature_file=flow.signature_file or None,
            )
        )
        record_audit("consent_signed", kiosk_id=kiosk.id, patient_id=patient_id)
    if flow.new_phone:
        db.session.add(
            ContactChange(patient_id=patient_id, field="phone", new_value=flow.new_phone)
        )
        record_audit("contact_change_requested", kiosk_id=kiosk.id, patient_id=patient_id)


@dataclass(frozen=True)
class ArrivalContext:
    """Where, when and in which language a patient arrives, the secret their check-in's ticket
    tokens are derived from (`CheckinFlow.ticket_secret`), and the route profile their ticket's
    directions follow (step-free for a patient who asked for a route without stairs)."""

    kiosk: Kiosk
    lang: str
    now: datetime
    ticket_secret: str
    profile: Profile = Profile.STANDARD


def ticket_label_for(appointment_id: int | None) -> str:
    """What a ticket of one check-in is for, the input of its token's derivation."""
    return "walk-in" if appointment_id is None else f"appointment-{appointment_id}"


def ticket_for(
    department: Department,
    patient_id: int,
    appointment_id: int | None,
    insurance_choice: str,
    arrival: ArrivalContext,
) -> IssuedTicket:
    """Issue the ticket, add the check-in and queue the ticket receipt."""
    kiosk, lang, now = arrival.kiosk, arrival.lang, arrival.now
    token = ticket_token(arrival.ticket_secret, ticket_label_for(appointment_id))
    ticket = issue_ticket(department, local_date(now), lang, token)
    job = enqueue_receipt(
        kiosk,
        ticket_receipt_for(
            ticket.label,
            department,
            token,
            kiosk,
            lang,
            now,
            ticket.estimated_wait_minutes,
            profile=arrival.profile,
        ),
    )
    db.session.flush()
    check_in = CheckIn(
        appointment_id=appointment_id,
        patient_id=patient_id,
        kiosk_id=kiosk.id,
        ticket_id=ticket.id,
        print_job_id=job.id,
        insurance_choice=insurance_choice,
        checked_in_at=now,
    )
    db.session.add(check_in)
    db.session.flush()
    record_audit("check_in", kiosk_id=kiosk.id, patient_id=patient_id, check_in=check_in.id)
    return IssuedTicket(check_in.id, token, job.id)


def tickets_already_issued(
    appointment_ids: list[int | None], ticket_secret: str
) -> list[IssuedTicket]:
    """The tickets an earlier attempt of this same check-in committed for these appointments
    (None: the walk-in's one ticket) after a repeated tap or a retry after a crash, in check-in
    order; empty when they are not all this check-in's (another kiosk was quicker, or nothing
    was committed)."""
    tokens = {
        token_hash(token): token
        for token in (
            ticket_token(ticket_secret, ticket_label_for(appointment_id))
            for appointment_id in appointment_ids
        )
    }
    rows = db.session.execute(
        select(CheckIn.id, CheckIn.print_job_id, QueueTicket.token_hash)
        .join(QueueTicket, CheckIn.ticket_id == QueueTicket.id)
        .where(QueueTicket.token_hash.in_(tokens))
        .order_by(CheckIn.id)
    ).all()
    if len(rows) != len(appointment_ids):
        return []
    return [IssuedTicket(row.id, tokens[row.token_hash], row.print_job_id) for row in rows]


def ticket_receipt_for(
    label: str,
    department: Department,
    token: str,
    kiosk: Kiosk,
    lang: str,
    now: datetime,
    wait_minutes: int,
    *,
    profile: Profile = Profile.STANDARD,
) -> Receipt:
    """The ticket receipt with directions for `profile` from this kiosk to the department."""
    found = ticket_route(kiosk, department, lang, profile)
    route, steps = found if found is not None else (None, None)
    facility = facility_context()
    printout = TicketPrintout(
        facility_name=facility["facility_name"],
        ticket_label=label,
        place=department.place_label(lang),
        arrival_note=department.arrival_note(lang),
        estimated_wait_minutes=wait_minutes,
        status_url=public_url(url_for("ticket_status.show", token=token)),
        help_desk_phone=facility["help_desk_phone"],
        printed_at=now,
        width_dots=printer_profile(kiosk.printer_profile).width_dots,
        detour_notes=tuple(detour_notes(route, lang)) if route is not None else (),
    )
    return ticket_receipt(printout, route, steps)


def complete_check_in(
    flow: CheckinFlow,
    kiosk: Kiosk,
    lang: str,
    now: datetime,
    profile: Profile = Profile.STANDARD,
) -> list[IssuedTicket]:
    """Check in the chosen appointments in one transaction and return their tickets.

    Idempotent for one check-in: when an earlier attempt of this same flow committed (a double
    tap racing this request, or a retry after a crash between commit and answer), its tickets
    are returned again. Raises AlreadyCheckedIn when the appointments were checked in by
    someone else (another kiosk, the desk) or cannot be checked in any more.
    """
    assert flow.patient_id is not None
    try:
        return check_in_appointments(
            flow, ArrivalContext(kiosk, lang, now, flow.ticket_secret, profile), flow.patient_id
        )
    except AlreadyCheckedIn:
        issued = tickets_already_issued(list(flow.chosen_ids), flow.ticket_secret)
        if issued:
            return issued
        raise


def check_in_appointments(
    flow: CheckinFlow, arrival: ArrivalContext, patient_id: int
) -> list[IssuedTicket]:
    """The transaction itself; raises AlreadyCheckedIn when any appointment is taken."""
    appointments = list(
        db.session.scalars(
            select(Appointment)
            .where(Appointment.id.in_(flow.chosen_ids), Appointment.patient_id == patient_id)
            .order_by(Appointment.starts_at)
            .with_for_update(of=Appointment)
        ).unique()
    )
    if not appointments or any(a.status is not AppointmentStatus.BOOKED for a in appointments):
        db.session.rollback()
        raise AlreadyCheckedIn
    try:
        record_answers(flow, patient_id, arrival.kiosk)
        issued = []
        for appointment in appointments:
            appointment.status = AppointmentStatus.ARRIVED
            mark_code_used(appointment)
            enqueue_appointment_status(appointment, AppointmentStatus.ARRIVED)
            issued.append(
                ticket_for(
                    appointment.department, patient_id, appointment.id, flow.insurance, arrival
                )
            )
        db.session.commit()
    except (IntegrityError, TicketAlreadyIssued):
        db.session.rollback()
        raise AlreadyCheckedIn from None
    return issued


def complete_walk_in(
    first_name: str,
    last_name: str,
    date_of_birth: date,
    department: Department,
    arrival: ArrivalContext,
) -> IssuedTicket:
    """Register a walk-in (unverified, for staff to match) and give them a ticket. A second tap
    racing the first, or a retry after a crash, gets the ticket the first one committed instead
    of registering the person twice."""
    try:
        return register_walk_in(first_name, last_name, date_of_birth, department, arrival)
    except TicketAlreadyIssued:
        db.session.rollback()
        [issued] = tickets_already_issued([None], arrival.ticket_secret)
        return issued


def register_walk_in(
    first_name: str,
    last_name: str,
    date_of_birth: date,
    department: Department,
    arrival: ArrivalContext,
) -> IssuedTicket:
    """The walk-in's one transaction: patient, check-in, ticket and its print job."""
    patient = Patient(
        first_name=first_name,
        last_name=last_name,
        last_name_key=fold_name(last_name),
        date_of_birth=date_of_birth,
        preferred_language=arrival.lang,
        verified=False,
    )
    db.session.add(patient)
    db.session.flush()
    record_audit("walk_in_registered", kiosk_id=arrival.kiosk.id, patient_id=patient.id)
    issued = ticket_for(department, patient.id, None, "", arrival)
    db.session.commit()
    return issued
