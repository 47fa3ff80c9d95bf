"""Queue tickets: numbers per department and day, the phone status link, the wait estimate.

Numbers come from the database's unique (department, day, number) constraint, not from a
counter in memory, so two kiosks or two app servers never hand out the same number.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date

from flask_babel import gettext, ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from kiosk.extensions import db
from kiosk.models import Department, QueueTicket, QueueTicketStatus
from kiosk.tokens import token_hash

NUMBER_ATTEMPTS = 10
TICKET_TOKEN_BYTES = 16


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


class TicketAlreadyIssued(Exception):
    """A ticket with this status-link token exists: the same check-in committed it before."""


def ticket_token(flow_secret: str, label: str) -> str:
    """The status-link token of one ticket of a check-in: derived from the check-in's own random
    secret (kept in its server-side session) and what the ticket is for ("appointment-12").

    Derived rather than drawn at the moment of issue, so that a repeated final tap or a retry
    after a crash can find the tickets its earlier attempt committed and show them again; as
    unguessable as the secret (128 bits), which never leaves the server.
    """
    digest = hmac.new(flow_secret.encode(), label.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:TICKET_TOKEN_BYTES]).decode().rstrip("=")


def issue_ticket(department: Department, service_date: date, lang: str, token: str) -> QueueTicket:
    """Add the department's next ticket for the day (inside the caller's transaction, in a
    savepoint) with the status-link `token` (see `ticket_token`). `lang` is the check-in's
    language, which the phone status page opens in. Raises TicketAlreadyIssued when a ticket
    with this token exists (an earlier attempt of the same check-in committed it)."""
    for _attempt in range(NUMBER_ATTEMPTS):
        highest = db.session.scalar(
            select(func.max(QueueTicket.number)).where(
                QueueTicket.department_id == department.id,
                QueueTicket.service_date == service_date,
            )
        )
        number = (highest or 0) + 1
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
            if find_ticket_by_hash(ticket.token_hash) is not None:
                raise TicketAlreadyIssued from None
            continue  # another kiosk took this number a moment ago: take the next one
        return ticket
    raise RuntimeError("could not allocate a ticket number")


def find_ticket(token: str) -> QueueTicket | None:
    """The ticket behind a status link."""
    return find_ticket_by_hash(token_hash(token))


def find_ticket_by_hash(stored_hash: str) -> QueueTicket | None:
    """The ticket whose status-link token has this stored hash."""
    ticket: QueueTicket | None = db.session.scalar(
        select(QueueTicket).where(QueueTicket.token_hash == stored_hash)
    )
    return ticket


def wait_in_words(ahead: int, minutes: int) -> str:
    """The wait as a person says it: "You're next." when nobody is ahead, else how many are
    and about how long ("1 person is waiting before you · about 5 minutes")."""
    if ahead <= 0:
        return str(gettext("You're next."))
    people = ngettext(
        "%(num)d person is waiting before you", "%(num)d people are waiting before you", ahead
    )
    wait = ngettext("about %(num)d minute", "about %(num)d minutes", max(minutes, 1))
    return f"{people} · {wait}"
