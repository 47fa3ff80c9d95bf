"""The staff closures in the database: add, lift, list, and the marker workers poll.

A closure's confirm form carries a one-time token (`submission`, unique), so a double submit,
or the same form sent from two tabs, closes the element once. Lifting is a conditional update
of a closure not lifted yet, so two staff lifting at once lift it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from kiosk.extensions import db
from kiosk.models import ClosureReason, FloorplanClosure
from wayfinding import Closure

# Ids of staff closures handed to the wayfinder, apart from the floorplan file's own.
WAYFINDER_ID_PREFIX = "staff-closure-"


@dataclass(frozen=True)
class ClosureRequest:
    """A closure as staff asked for it, checked (see `admin.closures.form`)."""

    element: str
    reason: ClosureReason
    staff_note: str
    starts_at: datetime
    until: datetime


def current_and_upcoming(now: datetime) -> list[FloorplanClosure]:
    """Closures not lifted and not yet over at `now`, soonest to start first."""
    query = (
        select(FloorplanClosure)
        .where(FloorplanClosure.lifted_at.is_(None), FloorplanClosure.until > now)
        .order_by(FloorplanClosure.starts_at, FloorplanClosure.id)
    )
    return list(db.session.scalars(query))


def as_wayfinder_closure(row: FloorplanClosure) -> Closure:
    """The row as the wayfinding library's closure (the staff note stays behind)."""
    return Closure(f"{WAYFINDER_ID_PREFIX}{row.id}", row.element, row.reason.value, row.until)


def closures_marker() -> tuple[int, int | None, datetime | None]:
    """What changes whenever a closure is added or lifted: the row count, the newest id and
    the latest lift. One indexed aggregate, cheap enough to ask every second."""
    count, newest, lifted = db.session.execute(
        select(
            func.count(FloorplanClosure.id),
            func.max(FloorplanClosure.id),
            func.max(FloorplanClosure.lifted_at),
        )
    ).one()
    return int(count), newest, lifted


def add_closure(
    request: ClosureRequest, staff_id: int | None, submission: str, now: datetime
) -> tuple[FloorplanClosure, bool]:
    """Store the closure and commit; returns it and whether it is new. A submission seen
    before returns the closure it made, and adds nothing."""
    row = FloorplanClosure(
        element=request.element,
        reason=request.reason,
        staff_note=request.staff_note,
        starts_at=request.starts_at,
        until=request.until,
        created_by=staff_id,
        created_at=now,
        submission=submission,
    )
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        earlier = db.session.scalar(
            select(FloorplanClosure).where(FloorplanClosure.submission == submission)
        )
        if earlier is None:
            raise
        return earlier, False
    return row, True


def lift_closure(closure_id: int, staff_id: int | None, now: datetime) -> bool:
    """Lift a closure now and commit; False when it was already lifted (or is unknown)."""
    lifted = db.session.execute(
        update(FloorplanClosure)
        .where(FloorplanClosure.id == closure_id, FloorplanClosure.lifted_at.is_(None))
        .values(lifted_at=now, lifted_by=staff_id)
    )
    db.session.commit()
    return bool(getattr(lifted, "rowcount", 0))
