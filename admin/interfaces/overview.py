"""What the staff Interfaces screen shows: how many messages are pending, sent and failed, the
failed ones and the oldest waiting ones with their reasons.

A line names the message type, what it reports and the appointment by the hospital's own id
(or Lobby's number for an appointment booked here), never the patient or a ticket number: the
screen is about the link to the hospital's systems, not about who arrived.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from kiosk.extensions import db
from kiosk.models import Appointment, OutboundKind, OutboundMessage, OutboundState

LINES_PER_LIST = 50


@dataclass(frozen=True)
class MessageLine:
    """One message as the screen lists it."""

    id: int
    message_type: str
    kind: OutboundKind
    reported_status: str
    # The appointment's id at the hospital, else "" (then `appointment_id` is Lobby's own).
    external_id: str
    appointment_id: int | None
    coverage_id: int | None
    state: OutboundState
    attempts: int
    last_error: str
    created_at: datetime
    next_attempt_at: datetime


@dataclass(frozen=True)
class InterfacesOverview:
    """Counts per state and the two lists."""

    counts: dict[OutboundState, int]
    failed: list[MessageLine]
    oldest_pending: list[MessageLine]


def state_counts() -> dict[OutboundState, int]:
    """Messages per delivery state (zero where there are none)."""
    rows = db.session.execute(
        select(OutboundMessage.state, func.count()).group_by(OutboundMessage.state)
    )
    counts = dict.fromkeys(OutboundState, 0)
    counts.update({state: count for state, count in rows})
    return counts


def message_lines(states: tuple[OutboundState, ...], *, newest_first: bool) -> list[MessageLine]:
    """Up to `LINES_PER_LIST` messages in `states`."""
    order = OutboundMessage.id.desc() if newest_first else OutboundMessage.id
    rows = db.session.execute(
        select(OutboundMessage, Appointment.external_id)
        .outerjoin(Appointment, Appointment.id == OutboundMessage.appointment_id)
        .where(OutboundMessage.state.in_(states))
        .order_by(order)
        .limit(LINES_PER_LIST)
    )
    return [
        MessageLine(
            id=message.id,
            message_type=message.message_type,
            kind=message.kind,
            reported_status=message.reported_status,
            external_id=external_id or "",
            appointment_id=message.appointment_id,
            coverage_id=message.coverage_id,
            state=message.state,
            attempts=message.attempts,
            last_error=message.last_error,
            created_at=message.created_at,
            next_attempt_at=message.next_attempt_at,
        )
        for message, external_id in rows
    ]


def interfaces_overview() -> InterfacesOverview:
    """Everything the screen shows, read in one go."""
    return InterfacesOverview(
        counts=state_counts(),
        failed=message_lines((OutboundState.FAILED,), newest_first=True),
        oldest_pending=message_lines(
            (OutboundState.PENDING, OutboundState.SENDING), newest_first=False
        ),
    )
