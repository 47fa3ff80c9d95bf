"""Queue tickets: numbers per department and day, the phone status link, the wait estimate.

Numbers come from the database's unique (department, day, number) constraint, not from a
counter in memory, so two kiosks or two app servers never hand out the same number.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from kiosk.extensions import db
from kiosk.models import Department, QueueTicket, QueueTicketStatus
from kiosk.tokens import new_token, token_hash

NUMBER_ATTEMPTS = 10


def waiting_ahead(department_id: int, service_date: date, number: int) -> int:
    """How many tickets of this department and day wait before `number`."""
    return int(
        db.session.scalar(
            select(func.count(QueueTicket.id)).where(
                QueueTicket.department_id == department_id,
                QueueTicket.service_date == service_date,
                QueueTicket.status == QueueTicketStatus.WAITING,
                QueueTicket.number < number,
            )
        )
        or 0
    )


def issue_ticket(department: Department, service_date: date, lang: str) -> tuple[QueueTicket, str]:
    """Add the department's next ticket for the day (inside the caller's transaction, in a
    savepoint) and return it with its status-link token. `lang` is the check-in's language,
    which the phone status page opens in."""
    for _attempt in range(NUMBER_ATTEMPTS):
        highest = db.session.scalar(
            select(func.max(QueueTicket.number)).where(
                QueueTicket.department_id == department.id,
                QueueTicket.service_date == service_date,
            )
        )
        number = (highest or 0) + 1
        token = new_token(12)
        ticket = QueueTicket(
            department_id=department.id,
            department=department,
            service_date=service_date,
            number=number,
            status=QueueTicketStatus.WAITING,
            token_hash=token_hash(token),
            lang=lang,
            estimated_wait_minutes=waiting_ahead(department.id, service_date, number)
            * department.minutes_per_patient,
        )
        try:
            with db.session.begin_nested():
                db.session.add(ticket)
        except IntegrityError:
            continue  # another kiosk took this number a moment ago: take the next one
        return ticket, token
    raise RuntimeError("could not allocate a ticket number")


def find_ticket(token: str) -> QueueTicket | None:
    """The ticket behind a status link."""
    ticket: QueueTicket | None = db.session.scalar(
        select(QueueTicket).where(QueueTicket.token_hash == token_hash(token))
    )
    return ticket
