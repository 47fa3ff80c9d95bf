"""The floorplan draft facility staff edit before publishing, and its undo and redo history.

There is one shared draft per installation: every facility admin edits the same map, so two of
them never publish two diverging copies. Each save raises `revision`; a save carries the
revision its editor saw and is refused when another save came first, so nobody overwrites a
colleague's work without seeing it. The document is the native floorplan JSON
(floorplans/README.md). The snapshots keep the documents an edit replaced (the undo stack) and
the ones an undo replaced (the redo stack), a bounded number of each.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.extensions import Base
from kiosk.models.types import UTCDateTime, enum_column, utcnow

# The one draft's primary key: a fixed id lets two admins opening the editor at once race on
# the insert and agree on the row (the loser reads the winner's draft).
SHARED_DRAFT_ID = 1


class DraftStack(enum.StrEnum):
    """Which history a snapshot belongs to."""

    UNDO = "undo"
    REDO = "redo"


class FloorplanDraft(Base):
    """The shared working copy of the floorplan."""

    __tablename__ = "floorplan_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The published version the draft started from; None when it started from the configured
    # file because nothing had been published yet.
    base_number: Mapped[int | None]
    document: Mapped[str] = mapped_column(Text)
    # Raised by every save (edit, undo, redo, restart); what a stale save is detected by.
    revision: Mapped[int] = mapped_column(default=1)
    # None when the staff account was deleted, or for the draft's start from the live map.
    updated_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FloorplanDraftSnapshot(Base):
    """A document the draft held before an edit (undo) or before an undo (redo)."""

    __tablename__ = "floorplan_draft_snapshots"
    __table_args__ = (Index("ix_floorplan_draft_snapshots_stack", "stack", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stack: Mapped[DraftStack] = mapped_column(enum_column(DraftStack, "draft_stack"))
    # The draft's revision while it held this document, so a refused save can show what
    # changed since the revision its editor saw.
    revision: Mapped[int]
    document: Mapped[str] = mapped_column(Text)
    # What the edit that left this document was ("Moved node main-1-spine-10"), for the
    # Undo and Redo buttons; no patient data can be in a floorplan.
    label: Mapped[str] = mapped_column(String(200), default="")
    saved_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
