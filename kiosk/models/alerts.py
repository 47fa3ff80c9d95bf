"""Kiosk alerts: something at a kiosk needs a person from the front desk.

A patient pressed "Call staff", the lookup throttle saw repeated failed lookups, or the kiosk's
printer went offline or failed a job. At most one alert of a kind is open per kiosk (a partial
unique index), so a double press or a printer that keeps failing raises it once. No patient
data: the kiosk, the kind, and for a printer its error text.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.extensions import Base
from kiosk.models.types import UTCDateTime, enum_column, utcnow


class KioskAlertKind(enum.StrEnum):
    """Why a kiosk wants a person."""

    HELP_REQUESTED = "help_requested"
    FAILED_LOOKUPS = "failed_lookups"
    PRINTER_OFFLINE = "printer_offline"
    PRINT_FAILED = "print_failed"


OPEN_ALERT = text("resolved_at IS NULL")


class KioskAlert(Base):
    """One alert, open until a staff member resolves it (acknowledging says "on my way")."""

    __tablename__ = "kiosk_alerts"
    __table_args__ = (
        Index(
            "uq_kiosk_alerts_open_kind",
            "kiosk_id",
            "kind",
            unique=True,
            sqlite_where=OPEN_ALERT,
            postgresql_where=OPEN_ALERT,
        ),
        # Polling screens ask for the latest change: one index lookup.
        Index("ix_kiosk_alerts_changed_at", "changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id", ondelete="CASCADE"))
    kind: Mapped[KioskAlertKind] = mapped_column(enum_column(KioskAlertKind, "kiosk_alert_kind"))
    # A printer's error as the print worker saw it; never anything a patient typed.
    detail: Mapped[str] = mapped_column(String(200), default="")
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    # Bumped by every change, so polling screens notice an acknowledgement too.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<KioskAlert {self.id} {self.kind} kiosk={self.kiosk_id}>"
