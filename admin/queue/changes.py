""" "Has anything changed?" for polling screens, in one cheap query.

Every change a queue screen shows is a new row: an arrival adds a ticket, a staff action (undo
included) adds a queue event. So the largest ticket id and event id of the departments' day
change exactly when their queue does, with no counter to keep in step and no write on the
kiosk's check-in path. Both come from indexes ((department, day, number) and (department, day,
id)), so a screen can poll every two seconds and be answered "304 Not Modified" for the cost of
this one statement.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import func, select

from kiosk.extensions import db
from kiosk.models import QueueEvent, QueueTicket


def queue_marker(department_ids: Collection[int], day: date) -> str:
    """A short value that differs whenever the departments' queue of `day` changed."""
    last_ticket = (
        select(func.max(QueueTicket.id))
        .where(QueueTicket.department_id.in_(department_ids), QueueTicket.service_date == day)
        .scalar_subquery()
    )
    last_event = (
        select(func.max(QueueEvent.id))
        .where(QueueEvent.department_id.in_(department_ids), QueueEvent.service_date == day)
        .scalar_subquery()
    )
    ticket_id, event_id = db.session.execute(select(last_ticket, last_event)).one()
    return f"{day.isoformat()}.{ticket_id or 0}.{event_id or 0}"
