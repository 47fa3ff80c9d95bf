"""The shared draft in the database, on SQLite and PostgreSQL: where it starts, how far back undo
reaches, and stale revisions refused for every kind of change."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from admin.floorplans import drafts
from admin.floorplans.publishing import publish_document
from kiosk.extensions import db
from kiosk.models import DraftStack, FloorplanDraftSnapshot, StaffRoleName
from tests.admin.floorplans.floorplan_documents import renamed_cafeteria
from tests.staff_signin import staff_account


@pytest.fixture
def staff_id(app: Flask) -> Iterator[int]:
    """A facility admin's account id, inside a request context (messages are rendered)."""
    account = staff_account(app, StaffRoleName.FACILITY_ADMIN, full_name="Dee Drafter")
    with app.test_request_context():
        yield account.id


def snapshots(stack: DraftStack) -> int:
    count = select(func.count()).where(FloorplanDraftSnapshot.stack == stack)
    return db.session.scalar(count) or 0


def with_version(text: str, version: str) -> str:
    document = json.loads(text)
    document["version"] = version
    return drafts.document_text(document)


def test_the_draft_starts_from_the_live_version(app: Flask, staff_id: int) -> None:
    published = publish_document(
        renamed_cafeteria(), staff_id=staff_id, note="", origin="editor", expected_live=None
    )
    draft = drafts.shared_draft()
    assert (draft.base_number, draft.revision) == (published.number, 1)
    assert "Garden Café" in draft.document
    assert drafts.shared_draft() is draft  # started once


def test_undo_reaches_back_the_last_50_edits_and_redo_ends_at_the_next_edit(
    app: Flask, staff_id: int
) -> None:
    start = drafts.shared_draft().document
    revision = 1
    for number in range(52):
        text = with_version(start, f"edit-{number}")
        revision = drafts.save_edit(revision, text, f"move-node n{number}", staff_id)
    assert snapshots(DraftStack.UNDO) == drafts.HISTORY_LIMIT
    assert drafts.newest_label(DraftStack.UNDO) == "move-node n51"

    revision = drafts.undo(revision, staff_id)
    revision = drafts.undo(revision, staff_id)
    assert json.loads(drafts.shared_draft().document)["version"] == "edit-49"
    assert snapshots(DraftStack.REDO) == 2
    revision = drafts.redo(revision, staff_id)
    assert json.loads(drafts.shared_draft().document)["version"] == "edit-50"

    drafts.save_edit(revision, with_version(start, "new"), "move-node other", staff_id)
    assert snapshots(DraftStack.REDO) == 0
    with pytest.raises(drafts.DraftRefused):
        drafts.redo(revision + 1, staff_id)


@pytest.mark.parametrize("change", ["save", "undo", "redo", "restart", "published"])
def test_every_change_on_a_stale_revision_is_refused_and_changes_nothing(
    app: Flask, staff_id: int, change: str
) -> None:
    start = drafts.shared_draft().document
    drafts.save_edit(1, with_version(start, "first"), "move-node a", staff_id)
    drafts.undo(2, staff_id)
    before = drafts.shared_draft().document
    attempts = {
        "save": lambda: drafts.save_edit(2, with_version(start, "late"), "x", staff_id),
        "undo": lambda: drafts.undo(1, staff_id),
        "redo": lambda: drafts.redo(2, staff_id),
        "restart": lambda: drafts.restart_from_live(1, staff_id),
        "published": lambda: drafts.mark_published(2, 7, staff_id),
    }
    with pytest.raises(drafts.StaleDraft) as refused:
        attempts[change]()
    assert "Dee Drafter saved the draft at " in str(refused.value.message)
    draft = drafts.shared_draft()
    assert (draft.revision, draft.document) == (3, before)
    assert (snapshots(DraftStack.UNDO), snapshots(DraftStack.REDO)) == (0, 1)
