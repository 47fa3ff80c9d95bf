"""Retention of the outbox: a delivered message's row is deleted `HL7_SENT_RETENTION_DAYS` after
the engine acknowledged it (`flask housekeeping`). Rows hold no patient data, but one is written
for every arrival and queue change, so kept forever they would only grow; a failed message stays
until it is sent again, since it is the one thing on the Interfaces screen that needs a person.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete

from kiosk.extensions import db
from kiosk.models import OutboundMessage, OutboundState

RETENTION_DAYS = "HL7_SENT_RETENTION_DAYS"


def delete_delivered_messages(now: datetime, retention_days: float) -> int:
    """Delete messages acknowledged more than `retention_days` before `now`; commit and return
    how many."""
    result = db.session.execute(
        delete(OutboundMessage)
        .where(
            OutboundMessage.state == OutboundState.SENT,
            OutboundMessage.acked_at < now - timedelta(days=retention_days),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(getattr(result, "rowcount", 0))


def forget_delivered_messages(now: datetime) -> str:
    """The `flask housekeeping` task for the outbox: say how many rows went."""
    days = float(current_app.config[RETENTION_DAYS])
    deleted = delete_delivered_messages(now, days)
    return f"{deleted} delivered HL7 message(s) older than {days:g} day(s) deleted."
