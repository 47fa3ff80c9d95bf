"""Anonymous wayfinding analytics: what visitors look for and how they take directions away.

Feeds synonym upkeep (searches that found nothing) and the layout advisor (destinations asked
for, step-free share, print versus phone). No session, device, address or patient link is kept,
and events older than `WAYFINDING_EVENT_RETENTION_DAYS` are deleted by `flask housekeeping`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, delete

from kiosk.extensions import db
from kiosk.models.wayfinding import WayfindingEvent, WayfindingEventKind
from kiosk.shell.housekeeping import housekeeping_task

QUERY_MAX_CHARS = 60


def normalised_query(text: str) -> str:
    """Lower-case, single-spaced and capped, so equal searches count together."""
    return " ".join(text.lower().split())[:QUERY_MAX_CHARS]


def record_event(
    kind: WayfindingEventKind,
    *,
    origin: str,
    query: str | None = None,
    destination_id: str | None = None,
    profile: str | None = None,
) -> None:
    """Add one event to the session; the request's own commit stores it."""
    db.session.add(
        WayfindingEvent(
            kind=kind,
            origin=origin,
            query=normalised_query(query) if query is not None else None,
            destination_id=destination_id,
            profile=profile,
        )
    )


def record_search(*, origin: str, query: str, found: bool) -> None:
    """Add one search the person settled on, counted apart when it found nothing."""
    kind = WayfindingEventKind.SEARCH if found else WayfindingEventKind.SEARCH_NO_RESULT
    record_event(kind, origin=origin, query=query)


@housekeeping_task
def forget_old_wayfinding_events(now: datetime) -> str:
    """Delete events past their retention: the advisor looks at recent months, not forever."""
    days = float(current_app.config["WAYFINDING_EVENT_RETENTION_DAYS"])
    removed = cast(
        CursorResult[Any],
        db.session.execute(
            delete(WayfindingEvent).where(WayfindingEvent.occurred_at < now - timedelta(days=days))
        ),
    )
    db.session.commit()
    return f"{removed.rowcount} wayfinding event(s) past retention removed."
