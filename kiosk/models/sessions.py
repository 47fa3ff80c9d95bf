"""Server-side kiosk sessions.

A kiosk is a shared screen: when it resets after inactivity, whatever the last person entered
must be gone for good. A signed-cookie session cannot be revoked, so the session lives in this
table and the browser only holds a random id; deleting the row ends it everywhere.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
