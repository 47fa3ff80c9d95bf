"""The queue's history: every staff action on a ticket (call, recall, requeue, roomed, done,
no-show, and the undo of one of them).

The board reads its calls from here, "undo" reverts the latest action from what it recorded,
and the largest event id per area is the cheap "has anything changed?" value for polling. No
patient data: a ticket id, its department and day, statuses and the desk or room called to.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.extensions import Base
from kiosk.models.patients import AppointmentStatus, QueueTicketStatus
from kiosk.models.types import UTCDateTime, enum_column, utcnow


class QueueAction(enum.StrEnum):
    """What a coordinator did to a ticket."""

    CALL = "call"
    RECALL = "recall"
    REQUEUE = "requeue"
    ROOMED = "roomed"
    DONE = "done"
    NO_SHOW = "no_show"
    UNDO = "undo"


class QueueEvent(Base):
    """One action on one ticket, with the states before and after it (what undo restores)."""

    __tablename__ = "queue_events"
    __table_args__ = (
        Index("ix_queue_events_department_day", "department_id", "service_date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("queue_tickets.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    service_date: Mapped[date] = mapped_column(Date)
    action: Mapped[QueueAction] = mapped_column(enum_column(QueueAction, "queue_action"))
    ticket_status_before: Mapped[QueueTicketStatus] = mapped_column(
        enum_column(QueueTicketStatus, "queue_ticket_status")
    )
    ticket_status_after: Mapped[QueueTicketStatus] = mapped_column(
        enum_column(QueueTicketStatus, "queue_ticket_status")
    )
    # None for walk-ins, which have no appointment.
    appointment_status_before: Mapped[AppointmentStatus | None] = mapped_column(
        enum_column(AppointmentStatus, "appointment_status")
    )
    appointment_status_after: Mapped[AppointmentStatus | None] = mapped_column(
        enum_column(AppointmentStatus, "appointment_status")
    )
    # Where the ticket was called to before and after ("Desk 3"), so undoing a recall to
    # another desk puts the old one back.
    called_to_before: Mapped[str | None] = mapped_column(String(40))
    called_to_after: Mapped[str | None] = mapped_column(String(40))
    called_at_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The ticket's version this action produced: undo applies only while it is still current.
    version_after: Mapped[int]
    # The staff member who acted; kept as None when the account is deleted.
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    # An undone action stays in the history, marked by the undo event that reverted it.
    undone_by: Mapped[int | None] = mapped_column(ForeignKey("queue_events.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StaffDepartment(Base):
    """A department a coordinator works for: their "all my departments" on the Today screen.
    A coordinator with none listed works for every department."""

    __tablename__ = "staff_departments"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True
    )
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True
    )
