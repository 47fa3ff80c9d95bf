"""The latest inbound HL7 messages for staff: what `flask hl7 messages` prints and the staff
HL7 messages screen shows. Outcome columns only — a message's content (patient data) is never
read here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import defer

from kiosk.extensions import db
from kiosk.models import InboundHl7Message, InboundMessageStatus


def latest_messages(
    limit: int, status: InboundMessageStatus | None = None
) -> list[InboundHl7Message]:
    """The newest `limit` messages, newest first, of one outcome when `status` is given; their
    raw content is not loaded."""
    query = (
        select(InboundHl7Message)
        .options(defer(InboundHl7Message.raw, raiseload=True))
        .order_by(InboundHl7Message.id.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(InboundHl7Message.status == status)
    return list(db.session.scalars(query))
