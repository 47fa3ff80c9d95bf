"""Checking a patient in at the desk: the same arrival as at a kiosk, marked "desk".

The appointment becomes arrived, its code is spent, the department's next ticket is issued by
the kiosk's own `issue_ticket`, the check-in row is written and the arrival is queued for the
hospital's interface engine, all in one transaction. The database's
one-check-in-per-appointment rule settles a race with a kiosk (or a colleague): the slower one
is refused and nothing is written twice. No receipt is printed here: the desk hands
the number over, or reprints it on a printer of its choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from admin.queue.refusals import QueueActionRefused, RefusalReason
from kiosk.checkin.audit import record_audit
from kiosk.checkin.codes import mark_code_used
from kiosk.checkin.tickets import TICKET_TOKEN_BYTES, issue_ticket
from kiosk.extensions import db
from kiosk.facility import local_date
from kiosk.models import Appointment, AppointmentStatus, ArrivalChannel, CheckIn
from kiosk.models.types import utcnow
from kiosk.outbox.enqueue import enqueue_appointment_status
from kiosk.tokens import new_token


@dataclass(frozen=True)
class DeskArrival:
    """What the desk tells the patient: the ticket number and the phone status link's token."""

    check_in_id: int
    ticket_id: int
    ticket_label: str
    token: str


def already_checked_in() -> QueueActionRefused:
    """The refusal when a kiosk or a colleague checked the appointment in first."""
    return QueueActionRefused(
        RefusalReason.ALREADY_CHECKED_IN,
        _l("This patient is already checked in for this appointment. Nothing was changed."),
    )


def check_in_at_desk(
    appointment_id: int, *, staff_id: int | None, lang: str = "en", now: datetime | None = None
) -> DeskArrival:
    """Check the appointment in at the desk and return its ticket; `lang` is the language the
    patient's phone status page opens in. Raises QueueActionRefused for an unknown, cancelled
    or already checked-in appointment."""
    now = now or utcnow()
    appointment = db.session.scalar(
        select(Appointment)
        .where(Appointment.id == appointment_id)
        .with_for_update(of=Appointment)
        .execution_options(populate_existing=True)
    )
    if appointment is None:
        raise QueueActionRefused(
            RefusalReason.NOT_FOUND, _l("This appointment no longer exists. Please refresh.")
        )
    if appointment.status is AppointmentStatus.CANCELLED:
        db.session.rollback()
        raise QueueActionRefused(
            RefusalReason.CANCELLED, _l("This appointment was cancelled. Nothing was changed.")
        )
    if appointment.status is not AppointmentStatus.BOOKED:
        db.session.rollback()
        raise already_checked_in()
    token = new_token(TICKET_TOKEN_BYTES)
    try:
        appointment.status = AppointmentStatus.ARRIVED
        mark_code_used(appointment)
        enqueue_appointment_status(appointment, AppointmentStatus.ARRIVED)
        ticket = issue_ticket(appointment.department, local_date(now), lang, token)
        check_in = CheckIn(
            appointment_id=appointment.id,
            patient_id=appointment.patient_id,
            kiosk_id=None,
            ticket_id=ticket.id,
            channel=ArrivalChannel.DESK,
            checked_in_at=now,
        )
        db.session.add(check_in)
        db.session.flush()
        detail: dict[str, str | int] = {"check_in": check_in.id, "channel": "desk"}
        if staff_id is not None:
            detail["staff_id"] = staff_id
        record_audit("check_in", kiosk_id=None, patient_id=appointment.patient_id, **detail)
        arrival = DeskArrival(check_in.id, ticket.id, ticket.label, token)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise already_checked_in() from None
    return arrival
