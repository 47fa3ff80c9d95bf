"""Patients already in a department's queue, for the queue and board tests: booked, checked in
at the desk (the quickest honest way to a ticket) and returned as what a coordinator holds."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from admin.queue.desk_checkin import check_in_at_desk
from kiosk.extensions import db
from kiosk.models import QueueTicket
from tests.builders import book_patient

COORDINATOR = 7
COLLEAGUE = 8


@dataclass(frozen=True)
class Queued:
    """A patient with a ticket: ids to act on and the label the board shows."""

    patient_id: int
    appointment_id: int
    ticket_id: int
    label: str
    # The phone status link's token (/t/<token>).
    token: str


def queue_patient(
    app: Flask, number: int = 1, department_code: str = "imaging", starts_in: int = 10
) -> Queued:
    """Book patient `number` (distinct name and MRN) and check them in at the desk."""
    booked = book_patient(
        app,
        first_name=f"Test{number}",
        last_name=f"Patient{number}",
        mrn=f"TEST-{number:04d}",
        member_id=f"MEMBER{number:06d}",
        starts_in_minutes=(starts_in,),
        department_code=department_code,
    )
    with app.app_context():
        arrival = check_in_at_desk(booked.appointment_ids[0], staff_id=COORDINATOR)
    return Queued(
        booked.patient_id,
        booked.appointment_ids[0],
        arrival.ticket_id,
        arrival.ticket_label,
        arrival.token,
    )


def ticket(ticket_id: int) -> QueueTicket:
    """The ticket as the database holds it now."""
    db.session.expire_all()
    found = db.session.get(QueueTicket, ticket_id)
    assert found is not None
    return found
