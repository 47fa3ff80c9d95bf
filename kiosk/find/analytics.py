"""Anonymous wayfinding analytics: what visitors look for and how they take directions away.

Feeds synonym upkeep (searches that found nothing) and the layout advisor (destinations asked
for, step-free share, print versus phone). No session, device, address or patient link is kept.
"""

from __future__ import annotations

from kiosk.extensions import db
from kiosk.models.wayfinding import WayfindingEvent, WayfindingEventKind

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
