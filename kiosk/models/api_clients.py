"""Integration clients of the FHIR read API: the hospital's systems that fetch arrivals and
insurance (the EHR's interface engine, the billing office).

A client is known by the SHA-256 of its bearer token, never the token itself: the token is
printed once when the client is created, and a copy of this table cannot be replayed against
the API. Each client holds only the scopes it was given ("Appointment.read",
"Coverage.read"), and revoking it keeps the row, so the audit trail still names who read what.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.extensions import Base
from kiosk.models.types import UTCDateTime, utcnow


class ApiClient(Base):
    """One integration client with its token digest, scopes and life (created, used, revoked)."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What IT staff call it ("billing-office"); unique, the name `flask api-client` takes.
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # SHA-256 (hex) of the 256-bit bearer token: requests are matched by this digest.
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    # Space-separated scopes, as OAuth writes them: "Appointment.read Coverage.read".
    scopes: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Who ran `flask api-client create`: the name they gave, else their system account.
    created_by: Mapped[str] = mapped_column(String(120))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Moved forward at most once a minute, so that a busy client's reads are not all writes.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def scope_set(self) -> frozenset[str]:
        """The scopes as a set."""
        return frozenset(self.scopes.split())
