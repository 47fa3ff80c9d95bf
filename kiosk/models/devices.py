"""Devices: kiosks (touch screens with a printer) and waiting-room boards (TVs).

A browser becomes a device through a one-time enrolment link; from then on a long-lived device
cookie identifies it. Only SHA-256 hashes of the link token and device token are stored, so a
database leak does not let anyone impersonate a device.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.extensions import Base
from kiosk.models.types import UTCDateTime, utcnow


class EnrolledDevice:
    """What every enrolled device has: a unique name, its one-time link and its device token.

    Kiosks and boards are separate tables so that a board's cookie can never act as a kiosk
    (check in patients, print) and kiosk lists, printers and throttles never see boards.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    enrolment_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrolment_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    device_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Kiosk(EnrolledDevice, Base):
    """One touch screen in the facility."""

    __tablename__ = "kiosks"

    # The kiosk's id in the published floorplan: "you are here" for directions.
    place: Mapped[str] = mapped_column(String(120), default="")
    printer_uri: Mapped[str] = mapped_column(String(255), default="dummy://")
    # python-escpos profile name; it fixes the paper width in dots.
    printer_profile: Mapped[str] = mapped_column(String(40), default="TM-T20II")

    def __repr__(self) -> str:
        return f"<Kiosk {self.name!r} at {self.place!r}>"


class Board(EnrolledDevice, Base):
    """A waiting-room board: a TV that shows the calls of one area (see admin/board/areas.py)."""

    __tablename__ = "boards"

    area: Mapped[str] = mapped_column(String(80))

    def __repr__(self) -> str:
        return f"<Board {self.name!r} for {self.area!r}>"
