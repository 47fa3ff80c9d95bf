"""Published floorplan versions: every map the kiosks have served or will serve.

A version is immutable once stored. Publishing, rolling back and importing each add a new row
with the next number, so "what did the kiosks show last Tuesday" always has an answer and a
rollback is itself a version with its own who, when and note. The document is the native JSON
format (floorplans/README.md) exactly as published, with its SHA-256 so workers can tell a new
version from the one they serve without reading the document.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.extensions import Base
from kiosk.models.types import UTCDateTime, utcnow


class FloorplanVersion(Base):
    """One published version of the facility's floorplan."""

    __tablename__ = "floorplan_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 1, 2, 3 ... in publishing order; unique, so two publishes at once cannot share a number.
    number: Mapped[int] = mapped_column(unique=True)
    document: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The staff account that published it; None for a version loaded from a file by a command.
    published_by: Mapped[int | None]
    note: Mapped[str] = mapped_column(String(500), default="")
    # How it came to be: "editor", "import", "rollback" or "file".
    origin: Mapped[str] = mapped_column(String(20), default="editor")
    # For a rollback, the number of the version it restored.
    restores_number: Mapped[int | None]
