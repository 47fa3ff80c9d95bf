"""Phone links for routes and anonymous wayfinding analytics.

Neither table holds patient data or network addresses: a phone link knows where from, where to,
which profile and language; an analytics event knows what was looked for, not who looked.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.extensions import Base
from kiosk.models.types import UTCDateTime, enum_column, utcnow


class PhoneRouteLink(Base):
    """A short-lived `/d/<token>` link that opens a route on the visitor's phone."""

    __tablename__ = "phone_route_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the token in the URL; the token itself is only in the QR code.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    origin: Mapped[str] = mapped_column(String(120))
    destination_id: Mapped[str] = mapped_column(String(120))
    profile: Mapped[str] = mapped_column(String(20))
    lang: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class WayfindingEventKind(enum.StrEnum):
    """What a visitor did; enough to improve synonyms and layout, nothing about who."""

    SEARCH = "search"
    SEARCH_NO_RESULT = "search_no_result"
    ROUTE_SHOWN = "route_shown"
    ROUTE_PRINTED = "route_printed"
    PHONE_LINK_OPENED = "phone_link_opened"


class WayfindingEvent(Base):
    """One anonymous wayfinding event."""

    __tablename__ = "wayfinding_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[WayfindingEventKind] = mapped_column(
        enum_column(WayfindingEventKind, "wayfinding_event_kind"),
        index=True,
    )
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # Normalised search text, only for searches (synonym upkeep); capped in length.
    query: Mapped[str | None] = mapped_column(String(60))
    destination_id: Mapped[str | None] = mapped_column(String(120))
    profile: Mapped[str | None] = mapped_column(String(20))
    # The kiosk's place in the floorplan (not the device), so the layout advisor can group.
    origin: Mapped[str | None] = mapped_column(String(120))
