"""Patients already in a department's queue, for the queue and board tests: booked, checked in
at the desk (the quickest honest way to a ticket) and returned as what a coordinator holds; and
the two coordinators who act on them (real staff accounts, as queue events require)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from admin.auth.accounts import NewAccount, create_account
from admin.queue.desk_checkin import check_in_at_desk
from kiosk.extensions import db
from kiosk.models import QueueTicket, StaffRoleName, StaffUser
from tests.builders import book_patient

COORDINATOR_EMAIL = "queue-coordinator@example.org"
COLLEAGUE_EMAIL = "queue-colleague@example.org"


def coordinator_account(email: str) -> int:
    """The id of the coordinator account with `email`, made on first use (app context)."""
    found = db.session.scalar(select(StaffUser.id).where(StaffUser.email == email))
    if found is not None:
        return found
    account = create_account(
        NewAccount(email, "queue builder password, synthetic", (StaffRoleName.COORDINATOR,))
    )
    db.session.commit()
    return account.id


def coordinator() -> int:
    """The coordinator who acts in queue tests."""
    return coordinator_account(COORDINATOR_EMAIL)


def colleague() -> int:
    """A second coordinator, who acts at the same moment or just before."""
    return coordinator_account(COLLEAGUE_EMAIL)


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
        arrival = check_in_at_desk(booked.appointment_ids[0], staff_id=coordinator())
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
