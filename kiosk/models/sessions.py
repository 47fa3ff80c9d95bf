"""Server-side kiosk sessions.

A kiosk is a shared screen: when it resets after inactivity, whatever the last person entered
must be gone for good. A signed-cookie session cannot be revoked, so the session lives in this
table and the browser only holds a random id; deleting the row ends it everywhere.

Staff sessions live in the same table under another policy (`audience`): they end after a
shorter idle time and at an absolute limit, and a user's sessions can be ended all at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.extensions import Base
from kiosk.models.types import UTCDateTime, utcnow


class KioskSession(Base):
    """What one person has done at a screen since its last reset."""

    __tablename__ = "kiosk_sessions"

    # SHA-256 of the cookie value, so the table alone cannot be used to hijack a session.
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    kiosk_id: Mapped[int | None] = mapped_column(
        ForeignKey("kiosks.id", ondelete="SET NULL"), index=True
    )
    # "kiosk" or "staff": which `kiosk.shell.sessions.SessionPolicy` applies.
    audience: Mapped[str] = mapped_column(String(16), default="kiosk", server_default="kiosk")
    # The staff user a staff session belongs to (revocation ends all of a user's sessions).
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Idle expiry, moved forward as the session is used; and the end no activity can move.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    absolute_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
