"""What a board shows, read from the queue: the latest calls and how many are waiting.

Calls are the queue's call and recall events that were not undone, newest first; the ticket
label is built from the department's ticket prefix and the number, nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from kiosk.extensions import db
from kiosk.models import Department, QueueAction, QueueEvent, QueueTicket, QueueTicketStatus


@dataclass(frozen=True)
class BoardCall:
    """One call: which ticket, to which desk or room, when."""

    event_id: int
    ticket_label: str
    destination: str
    called_at: datetime


@dataclass(frozen=True)
class BoardState:
    """The board's whole content: the current call, the ones before it, the number waiting."""

    calls: tuple[BoardCall, ...]
    waiting: int

    @property
    def now_calling(self) -> BoardCall | None:
        """The newest call, shown large."""
        return self.calls[0] if self.calls else None

    @property
    def earlier_calls(self) -> tuple[BoardCall, ...]:
        """The calls before the newest."""
        return self.calls[1:]


def recent_calls(department_ids: Sequence[int], day: date, count: int) -> tuple[BoardCall, ...]:
    """The `count` newest calls of the day in these departments that were not undone."""
    rows = db.session.execute(
        select(QueueEvent.id, Department.ticket_prefix, QueueTicket.number, QueueEvent)
        .join(QueueTicket, QueueTicket.id == QueueEvent.ticket_id)
        .join(Department, Department.id == QueueEvent.department_id)
        .where(
            QueueEvent.department_id.in_(department_ids),
            QueueEvent.service_date == day,
            QueueEvent.action.in_([QueueAction.CALL, QueueAction.RECALL]),
            QueueEvent.undone_by.is_(None),
        )
        .order_by(QueueEvent.id.desc())
        .limit(count)
    ).all()
    return tuple(
        BoardCall(
            event_id, f"{prefix}-{number:03d}", event.called_to_after or "", event.occurred_at
        )
        for event_id, prefix, number, event in rows
    )


def waiting_count(department_ids: Sequence[int], day: date) -> int:
    """Tickets of the day in these departments waiting to be called (requeued ones too)."""
    return int(
        db.session.scalar(
            select(func.count(QueueTicket.id)).where(
                QueueTicket.department_id.in_(department_ids),
                QueueTicket.service_date == day,
                QueueTicket.status.in_([QueueTicketStatus.WAITING, QueueTicketStatus.REQUEUED]),
            )
        )
        or 0
    )


def board_state(department_ids: Sequence[int], day: date, recent: int) -> BoardState:
    """Everything one board shows for its area's departments on `day`."""
    return BoardState(
        recent_calls(department_ids, day, recent + 1), waiting_count(department_ids, day)
    )
