"""Retention of inbound HL7 messages: a message's bytes — names, dates of birth, MRNs — are
dropped `HL7_MESSAGE_RETENTION_DAYS` after it arrived. The row stays (sender, control id, type,
outcome, reason), so the listing keeps its history and a late re-send is still recognised.

The schedule the messages carried lives on in the appointment and patient records; the raw
copy is only for troubleshooting a feed, which needs days, not years.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update

from kiosk.extensions import db
from kiosk.models import InboundHl7Message

RETENTION_DAYS = "HL7_MESSAGE_RETENTION_DAYS"
NO_CONTENT = b""


def drop_old_message_content(now: datetime, retention_days: float) -> int:
    """Empty the bytes of messages received more than `retention_days` before `now`; commit
    and return how many."""
    cutoff = now - timedelta(days=retention_days)
    result = db.session.execute(
        update(InboundHl7Message)
        .where(InboundHl7Message.received_at < cutoff, InboundHl7Message.raw != NO_CONTENT)
        .values(raw=NO_CONTENT)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(getattr(result, "rowcount", 0))


def forget_old_message_content(now: datetime) -> str:
    """The `flask housekeeping` task for HL7 messages: drop old content, say how many."""
    days = float(current_app.config[RETENTION_DAYS])
    dropped = drop_old_message_content(now, days)
    return f"{dropped} HL7 message(s) older than {days:g} day(s) emptied of their content."
