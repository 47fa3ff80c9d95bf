"""The outbox as a delivery queue: claiming the next message, recording each attempt's outcome,
returning abandoned messages, and sending a failed message again.

Claims follow the print queue (`kiosk.printing.queue`): one `UPDATE ... WHERE id = (SELECT ...
FOR UPDATE SKIP LOCKED) AND state = 'pending'`, so two workers never hold one message. A message
is claimable only when no earlier message of the same appointment is still pending or being
sent: the hospital hears "Arrived" before "Complete" even when "Arrived" is waiting out a
backoff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, exists, select, update
from sqlalchemy.orm import aliased

from admin.interfaces.settings import InterfaceSettings
from kiosk.extensions import db
from kiosk.models import OutboundMessage, OutboundState
from kiosk.models.types import utcnow

ABANDONED_ERROR = "the worker stopped while sending; the engine may have the message"
UNFINISHED = (OutboundState.PENDING, OutboundState.SENDING)


@dataclass(frozen=True)
class ClaimedMessage:
    """A message this worker holds, copied out of the session so no transaction stays open
    while the engine is slow."""

    id: int
    attempts: int


def backoff_delay(attempts: int, settings: InterfaceSettings) -> timedelta:
    """Wait before the next try after `attempts` failed ones: base, 2 x base ... cap."""
    seconds = settings.backoff_base * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(settings.backoff_cap, seconds))


def no_earlier_unfinished_message() -> ColumnElement[bool]:
    """No older message of the same appointment is pending or being sent."""
    earlier = aliased(OutboundMessage)
    return ~exists().where(
        earlier.appointment_id == OutboundMessage.appointment_id,
        earlier.id < OutboundMessage.id,
        earlier.state.in_(UNFINISHED),
    )


def claim_next_message(due_by: datetime | None = None) -> ClaimedMessage | None:
    """Atomically move the first message due by `due_by` (default: now) to SENDING, counting
    the attempt, and commit; None when nothing is due. A pass passes its start as `due_by`, so
    a message it retried is not due again in the same pass."""
    now = utcnow()
    pending = OutboundMessage.state == OutboundState.PENDING
    in_order = OutboundMessage.appointment_id.is_(None) | no_earlier_unfinished_message()
    candidate = (
        select(OutboundMessage.id)
        .where(pending, OutboundMessage.next_attempt_at <= (due_by or now), in_order)
        .order_by(OutboundMessage.next_attempt_at, OutboundMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = db.session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id == candidate, pending)
        .values(
            state=OutboundState.SENDING,
            claimed_at=now,
            attempts=OutboundMessage.attempts + 1,
            updated_at=now,
        )
        .returning(OutboundMessage.id, OutboundMessage.attempts)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    db.session.commit()
    if claimed is None:
        return None
    return ClaimedMessage(*claimed)


def finish(message: ClaimedMessage, values: dict[str, Any], now: datetime) -> None:
    """Record an attempt's outcome, only while the message is still this worker's."""
    db.session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id == message.id, OutboundMessage.state == OutboundState.SENDING)
        .values(updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )


def mark_acknowledged(message: ClaimedMessage, now: datetime | None = None) -> None:
    """The engine accepted the message (caller commits); an earlier error stays as history."""
    now = now or utcnow()
    finish(message, {"state": OutboundState.SENT, "acked_at": now}, now)


def mark_attempt_failed(
    message: ClaimedMessage,
    reason: str,
    settings: InterfaceSettings,
    *,
    final: bool = False,
    now: datetime | None = None,
) -> OutboundState:
    """Schedule a retry with backoff, or fail the message after its last attempt or when
    `final` (the engine rejected it); the caller commits. Returns the new state."""
    now = now or utcnow()
    if final or message.attempts >= settings.max_attempts:
        finish(message, {"state": OutboundState.FAILED, "last_error": reason}, now)
        return OutboundState.FAILED
    retry_at = now + backoff_delay(message.attempts, settings)
    finish(
        message,
        {"state": OutboundState.PENDING, "last_error": reason, "next_attempt_at": retry_at},
        now,
    )
    return OutboundState.PENDING


def requeue_abandoned_messages(settings: InterfaceSettings, now: datetime | None = None) -> int:
    """Return messages stuck in SENDING past the lease to the queue (caller commits): their
    worker died mid-send, so the engine may have them; the same control id lets it drop the
    duplicate. Returns how many."""
    now = now or utcnow()
    result = db.session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.state == OutboundState.SENDING,
            OutboundMessage.claimed_at < now - timedelta(seconds=settings.lease_seconds),
        )
        .values(
            state=OutboundState.PENDING,
            last_error=ABANDONED_ERROR,
            next_attempt_at=now,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))
