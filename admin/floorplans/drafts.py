"""The shared floorplan draft in the database: start it from the live map, save an edit, undo,
redo, start again — each refused when someone else saved first.

Every change is one conditional UPDATE on the draft's revision (`WHERE revision = seen`), so
of two admins saving at once exactly one gets through, on SQLite and PostgreSQL alike; the
other's transaction changes nothing and is told who saved meanwhile and when. The documents an
edit replaced are kept as undo snapshots (at most `HISTORY_LIMIT`), and the ones an undo
replaced as redo snapshots until the next edit.
"""

from __future__ import annotations

import json
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from admin.floorplans.publishing import live_document
from admin.review.decisions import local_time, staff_name
from kiosk.extensions import db
from kiosk.floorplan_versions import live_number
from kiosk.models import DraftStack, FloorplanDraft, FloorplanDraftSnapshot
from kiosk.models.floorplan_drafts import SHARED_DRAFT_ID
from kiosk.models.types import utcnow

# Undo steps kept; older ones are dropped as new edits come in.
HISTORY_LIMIT = 50


class DraftRefused(Exception):
    """A draft change that was not made; `message` says why in the staff member's language."""

    def __init__(self, message: LazyString, status: int = 409) -> None:
        super().__init__("draft change refused")
        self.message = message
        self.status = status


class StaleDraft(DraftRefused):
    """Someone saved the draft after this editor loaded it; nothing was changed."""

    def __init__(self, seen_revision: int, current: FloorplanDraft) -> None:
        super().__init__(
            _l(
                "%(who)s saved the draft at %(time)s, after you opened it. Your change was not"
                " saved: check the map as it is now and make it again.",
                who=staff_name(current.updated_by),
                time=local_time(current.updated_at),
            )
        )
        self.seen_revision = seen_revision


def document_text(document: dict[str, Any]) -> str:
    """How a draft document is stored: the file's own layout (one space indent, UTF-8), so a
    saved draft reads and diffs like the file it came from."""
    return json.dumps(document, ensure_ascii=False, indent=1)


def shared_draft() -> FloorplanDraft:
    """The draft, started from the live map the first time anyone opens the editor. Two
    admins opening it at once insert the same row id; the second reads the first's."""
    draft = db.session.get(FloorplanDraft, SHARED_DRAFT_ID)
    if draft is not None:
        return draft
    db.session.add(
        FloorplanDraft(
            id=SHARED_DRAFT_ID,
            base_number=live_number(),
            document=live_document(),
            revision=1,
            updated_at=utcnow(),
        )
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    draft = db.session.get(FloorplanDraft, SHARED_DRAFT_ID)
    assert draft is not None
    return draft


def save_edit(seen_revision: int, text: str, label: str, staff_id: int) -> int:
    """Store `text` (a document as `document_text` writes it) as the draft if the draft is
    still at `seen_revision`, keeping the document it replaces for undo and forgetting what
    could be redone; returns the new revision. Raises `StaleDraft` (nothing changed) when
    another save came first."""
    previous = current_document(seen_revision)
    revision = _advance(seen_revision, text, staff_id)
    _push(DraftStack.UNDO, seen_revision, previous, label, staff_id)
    db.session.execute(
        delete(FloorplanDraftSnapshot).where(FloorplanDraftSnapshot.stack == DraftStack.REDO)
    )
    _trim_undo_history()
    db.session.commit()
    return revision


def undo(seen_revision: int, staff_id: int) -> int:
    """Go back to the document before the last edit; it can be redone until the next edit."""
    return _step(DraftStack.UNDO, DraftStack.REDO, seen_revision, staff_id)


def redo(seen_revision: int, staff_id: int) -> int:
    """Make the last undone edit again."""
    return _step(DraftStack.REDO, DraftStack.UNDO, seen_revision, staff_id)


def restart_from_live(seen_revision: int, staff_id: int) -> int:
    """Throw the draft's edits away and start again from the live map (the discarded draft can
    still be brought back with Undo)."""
    previous = current_document(seen_revision)
    revision = _advance(seen_revision, live_document(), staff_id, base_number=live_number())
    _push(DraftStack.UNDO, seen_revision, previous, "restart", staff_id)
    _trim_undo_history()
    db.session.commit()
    return revision


def current_document(seen_revision: int) -> str:
    """The draft's document, if the draft is still at the revision its editor saw; else
    `StaleDraft`. (The save's conditional UPDATE checks again, against a save in between.)"""
    draft = shared_draft()
    if draft.revision != seen_revision:
        raise StaleDraft(seen_revision, draft)
    return draft.document


def mark_published(seen_revision: int, number: int, staff_id: int) -> int:
    """The draft, just published as version `number`, now starts from that version (its
    document and history stay: undo still works after a publish)."""
    revision = _advance(
        seen_revision, current_document(seen_revision), staff_id, base_number=number
    )
    db.session.commit()
    return revision


def newest_label(stack: DraftStack) -> str | None:
    """What the next undo (or redo) would take back, or None when there is nothing to take."""
    return db.session.scalar(
        select(FloorplanDraftSnapshot.label)
        .where(FloorplanDraftSnapshot.stack == stack)
        .order_by(FloorplanDraftSnapshot.id.desc())
        .limit(1)
    )


def document_at(revision: int) -> str | None:
    """The document the draft held at `revision`, while the history still has it."""
    draft = shared_draft()
    if revision == draft.revision:
        return draft.document
    return db.session.scalar(
        select(FloorplanDraftSnapshot.document)
        .where(FloorplanDraftSnapshot.revision == revision)
        .order_by(FloorplanDraftSnapshot.id.desc())
        .limit(1)
    )


def _advance(seen_revision: int, text: str, staff_id: int, **also: Any) -> int:
    """The conditional UPDATE every change goes through (`also`: more columns to set)."""
    values: dict[str, Any] = {
        "document": text,
        "revision": seen_revision + 1,
        "updated_by": staff_id,
        "updated_at": utcnow(),
        **also,
    }
    changed = db.session.execute(
        update(FloorplanDraft)
        .where(FloorplanDraft.id == SHARED_DRAFT_ID, FloorplanDraft.revision == seen_revision)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise StaleDraft(seen_revision, _reloaded())
    db.session.expire_all()
    return seen_revision + 1


def _reloaded() -> FloorplanDraft:
    draft = db.session.get(FloorplanDraft, SHARED_DRAFT_ID, populate_existing=True)
    assert draft is not None
    return draft


def _step(take: DraftStack, keep: DraftStack, seen_revision: int, staff_id: int) -> int:
    """Undo or redo: the newest snapshot of `take` becomes the draft, the draft goes onto
    `keep`."""
    previous = current_document(seen_revision)
    snapshot = db.session.scalars(
        select(FloorplanDraftSnapshot)
        .where(FloorplanDraftSnapshot.stack == take)
        .order_by(FloorplanDraftSnapshot.id.desc())
        .limit(1)
    ).first()
    if snapshot is None:
        raise DraftRefused(_l("There is nothing to undo or redo."), status=409)
    label, document, snapshot_id = snapshot.label, snapshot.document, snapshot.id
    revision = _advance(seen_revision, document, staff_id)
    db.session.execute(
        delete(FloorplanDraftSnapshot).where(FloorplanDraftSnapshot.id == snapshot_id)
    )
    _push(keep, seen_revision, previous, label, staff_id)
    _trim_undo_history()
    db.session.commit()
    return revision


def _push(stack: DraftStack, revision: int, document: str, label: str, staff_id: int) -> None:
    db.session.add(
        FloorplanDraftSnapshot(
            stack=stack,
            revision=revision,
            document=document,
            label=label[:200],
            saved_by=staff_id,
            saved_at=utcnow(),
        )
    )
    db.session.flush()


def _trim_undo_history() -> None:
    """Keep the newest `HISTORY_LIMIT` undo snapshots."""
    undo_ids = (
        select(FloorplanDraftSnapshot.id)
        .where(FloorplanDraftSnapshot.stack == DraftStack.UNDO)
        .order_by(FloorplanDraftSnapshot.id.desc())
        .offset(HISTORY_LIMIT)
    )
    oldest_kept = db.session.scalar(undo_ids.limit(1))
    if oldest_kept is not None:
        db.session.execute(
            delete(FloorplanDraftSnapshot).where(
                FloorplanDraftSnapshot.stack == DraftStack.UNDO,
                FloorplanDraftSnapshot.id <= oldest_kept,
            )
        )
