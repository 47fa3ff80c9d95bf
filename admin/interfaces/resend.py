"""Sending a failed message again, from the staff Interfaces screen.

The message goes back to the queue with a fresh set of attempts, under its old control id (the
engine can recognise it). One conditional UPDATE from FAILED, so a double click or two staff
members at once queue it once. A status message is refused when a later status of the same
appointment has been acknowledged already: sent now, it would tell the hospital an old status
as the newest one.
"""

from __future__ import annotations

import enum

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update

from kiosk.checkin.audit import record_audit
from kiosk.extensions import db
from kiosk.models import OutboundMessage, OutboundState
from kiosk.models.types import utcnow


class ResendRefusal(enum.Enum):
    """Why a message was not queued again."""

    UNKNOWN_MESSAGE = "unknown_message"
    NOT_FAILED = "not_failed"
    SUPERSEDED = "superseded"


# What the screen says, and the HTTP status it answers with.
REFUSALS: dict[ResendRefusal, tuple[LazyString, int]] = {
    ResendRefusal.UNKNOWN_MESSAGE: (_l("There is no such message. Nothing was sent."), 404),
    ResendRefusal.NOT_FAILED: (
        _l(
            "This message is already queued or was delivered (a second click, or a colleague)."
            " It was not queued again."
        ),
        409,
    ),
    ResendRefusal.SUPERSEDED: (
        _l(
            "A later status of this appointment has already reached the hospital's system, so"
            " this older one is not sent again."
        ),
        409,
    ),
}


class ResendRefused(Exception):
    """A message that was not queued again; nothing changed."""

    def __init__(self, refusal: ResendRefusal) -> None:
        super().__init__(refusal.name)
        self.refusal = refusal
        self.message, self.status = REFUSALS[refusal]


def later_status_acknowledged(message: OutboundMessage) -> bool:
    """Whether a later message of the same appointment was acknowledged by the engine."""
    if message.appointment_id is None:
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    OutboundMessage.appointment_id == message.appointment_id,
                    OutboundMessage.id > message.id,
                    OutboundMessage.state == OutboundState.SENT,
                )
            )
        )
    )


def send_again(message_id: int, *, staff_id: int) -> None:
    """Queue failed message `message_id` again, audited as the staff member's; commits.
    Raises ResendRefused (nothing changed) for an unknown message, one that is not failed (a
    double click), or an outdated status."""
    message = db.session.get(OutboundMessage, message_id, populate_existing=True)
    if message is None:
        raise ResendRefused(ResendRefusal.UNKNOWN_MESSAGE)
    if message.state is OutboundState.FAILED and later_status_acknowledged(message):
        raise ResendRefused(ResendRefusal.SUPERSEDED)
    now = utcnow()
    queued = db.session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id == message_id, OutboundMessage.state == OutboundState.FAILED)
        .values(state=OutboundState.PENDING, attempts=0, next_attempt_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(queued, "rowcount", 0) != 1:
        db.session.rollback()
        raise ResendRefused(ResendRefusal.NOT_FAILED)
    record_audit(
        "hl7_message_resent", kiosk_id=None, outbound_message=message_id, staff_id=staff_id
    )
    db.session.commit()
