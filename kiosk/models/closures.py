"""Closures staff put on the map: a corridor, door, elevator or stair out of use until a time.

The floorplan file may carry closures of its own; these rows are the ones staff add and lift
from the Closures screen, so that a closure needs no new floorplan version and reaches every
app server through the database. A row is never deleted: lifting it early records who and
when, so the list of what was closed, why and by whom stays complete.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.extensions import Base
from kiosk.models.types import UTCDateTime, enum_column, utcnow


class ClosureReason(enum.StrEnum):
    """Why something is closed, from a short list staff pick from (words on the screen are
    translated; the code is what is stored)."""

    WORKS = "works"
    CLEANING = "cleaning"
    FAULT = "fault"
    EVENT = "event"
    OTHER = "other"


class FloorplanClosure(Base):
    """One element of the floorplan closed from `starts_at` until `until` (or until lifted)."""

    __tablename__ = "floorplan_closures"
    __table_args__ = (Index("ix_floorplan_closures_until", "until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # A node (door), edge (corridor) or connector (elevator bank, stairwell, escalator) id.
    element: Mapped[str] = mapped_column(String(200))
    reason: Mapped[ClosureReason] = mapped_column(
        enum_column(ClosureReason, "floorplan_closure_reason")
    )
    # For staff only (who to call, the work order); never shown to patients.
    staff_note: Mapped[str] = mapped_column(String(500), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    until: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lifted_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The confirm form's one-time token: a second submit of the same form finds this row
    # instead of closing the element twice.
    submission: Mapped[str] = mapped_column(String(64), unique=True)

    def is_in_force(self, now: datetime) -> bool:
        """Whether the closure applies at `now`: started, not expired, not lifted."""
        return self.lifted_at is None and self.starts_at <= now < self.until
