"""The floorplan editor (`/staff/floorplans/editor/`): one floor of the shared draft over its
image, its elements as lists with a form for every operation, the live validation list, undo
and redo, and a stale save refused with who saved meanwhile and a link to what changed.

Facility admins keep the map, so they edit and publish; system admins may look (the editor, its
checks, the review); coordinators do not. Every form is a plain
POST that works without script and answers with a redirect back to the editor (303); the map
canvas and htmx post the same forms. A refused edit answers 4xx with the editor and the reason
at the top, and changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, flash, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from admin.access import require_roles, signed_in_staff
from admin.floorplans import checking, drafts, edit_forms, floor_images
from admin.floorplans.diff import diff_floorplans
from admin.floorplans.floor_view import (
    canvas_data,
    element_floor,
    find_element,
    floor_choices,
    floor_elements,
    issue_entries,
)
from admin.floorplans.messages import IMAGE_REFUSALS, history_label, refusal_message
from admin.floorplans.publishing import (
    NOTE_MAX_LENGTH,
    LiveVersionChanged,
    PublishRefused,
    live_document,
    publish_document,
)
from admin.review.decisions import local_time, staff_name
from kiosk.floorplan_versions import live_number
from kiosk.models import DraftStack, FloorplanDraft, StaffRoleName
from kiosk.shell.links import see_other
from kiosk.uploads.card_images import RejectedPhoto
from kiosk.uploads.floor_images import FLOOR_IMAGE_MAX_BYTES, sanitise_floor_image
from wayfinding import drafting
from wayfinding.drafting import DESTINATION_CATEGORIES, EDGE_KINDS, Edit, EditRefused
from wayfinding.model import ConnectorKind, NodeKind

bp = Blueprint("admin_floorplan_editor", __name__, url_prefix="/staff/floorplans/editor")

KEEPERS = (StaffRoleName.FACILITY_ADMIN,)
VIEWERS = (StaffRoleName.FACILITY_ADMIN, StaffRoleName.SYSTEM_ADMIN)


def can_edit() -> bool:
    """Whether the signed-in admin keeps the map (else the editor is shown read-only)."""
    user = signed_in_staff()
    return user is not None and StaffRoleName.FACILITY_ADMIN.value in user.role_names()


def editor_id() -> int:
    """The signed-in editor's account id (the role guard ran before any view)."""
    user = signed_in_staff()
    if user is None:  # pragma: no cover - require_roles sends strangers to sign in first
        abort(401)
    return user.id


def chosen_floor(document: dict[str, Any], wanted: str, selected: str) -> str:
    """The floor to show: the one asked for, else the selected element's, else the first."""
    floors = [floor["id"] for floor in document.get("floors", [])]
    if wanted in floors:
        return wanted
    return element_floor(document, selected) or (floors[0] if floors else "")


def editor_page(
    floor: str = "", select: str = "", error: str = "", status: int = 200, stale_since: int = 0
) -> tuple[str, int]:
    """The editor as it is now, with an error at the top when something was refused."""
    draft = drafts.shared_draft()
    document = json.loads(draft.document)
    checked = checking.checked_text(draft.document, document)
    floor_id = chosen_floor(document, floor, select)
    page = render_template(
        "admin/floorplans/editor.html",
        draft=draft,
        saved_by=staff_name(draft.updated_by) if draft.updated_by else "",
        saved_at=local_time(draft.updated_at),
        live_number=live_number(),
        floors=floor_choices(document),
        floor_id=floor_id,
        floor=next((f for f in document["floors"] if f["id"] == floor_id), None),
        elements=floor_elements(document, floor_id),
        selected=find_element(document, select) if select else None,
        issues=issue_entries(document, checked.report),
        error_count=len(checked.report.errors),
        undo_label=history_label(drafts.newest_label(DraftStack.UNDO)),
        redo_label=history_label(drafts.newest_label(DraftStack.REDO)),
        node_kinds=[kind.value for kind in NodeKind],
        edge_kinds=EDGE_KINDS,
        connector_kinds=[kind.value for kind in ConnectorKind],
        categories=DESTINATION_CATEGORIES,
        error=error,
        stale_since=stale_since,
        can_edit=can_edit(),
    )
    return page, status


@bp.get("/")
@require_roles(*VIEWERS)
def editor() -> tuple[str, int]:
    """One floor of the draft, with the selected element's forms."""
    return editor_page(request.args.get("floor", ""), request.args.get("select", ""))


@bp.get("/floor-data")
@require_roles(*VIEWERS)
def floor_data() -> Response:
    """What the map canvas draws for one floor of the draft (JSON)."""
    draft = drafts.shared_draft()
    document = json.loads(draft.document)
    floor_id = chosen_floor(document, request.args.get("floor", ""), "")
    floor: dict[str, Any] = next((f for f in document["floors"] if f["id"] == floor_id), {})
    image = floor_images.canvas_image(
        floor, url_for("admin_floorplan_editor.floor_image", floor_id=floor_id)
    )
    return jsonify(canvas_data(document, floor_id, image, draft.revision))


def seen_revision() -> int | None:
    """The draft revision the posting editor saw, or None when the form lacks it."""
    value = request.form.get("revision", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def back_to_editor(floor: str, select: str) -> Response:
    """The redirect after a saved change, to the floor with the element selected."""
    return see_other(url_for("admin_floorplan_editor.editor", floor=floor, select=select or None))


def refused_page(message: str, status: int, stale: bool = False) -> tuple[str, int]:
    """The editor as it is now, with the reason a change was not made."""
    seen = seen_revision() or 0
    return editor_page(
        request.form.get("floor", ""),
        request.form.get("select", ""),
        message,
        status,
        stale_since=seen if stale else 0,
    )


@bp.post("/edit")
@require_roles(*KEEPERS)
def edit() -> Response | tuple[str, int]:
    """Apply one operation to the draft the editor saw; refused if it is stale or breaks the
    map."""
    seen = seen_revision()
    if seen is None:
        return refused_page(_("The form was incomplete. Nothing was changed."), 400)
    try:
        previous = drafts.current_document(seen)
        document = json.loads(previous)
        operation, change = edit_forms.edit_from_form(request.form, document)
        return save_checked(seen, previous, document, operation, change)
    except drafts.StaleDraft as stale:
        return refused_page(str(stale.message), stale.status, stale=True)
    except EditRefused as refused:
        return refused_page(refusal_message(refused.problem, refused.subject), 422)


def save_checked(
    seen: int, previous: str, document: dict[str, Any], operation: str, change: Edit
) -> Response | tuple[str, int]:
    """Check the edited document and save it as the next revision; an edit the file could not
    load with is refused with the loader's reasons (the operations refuse those themselves,
    this is the last line)."""
    checked = checking.checked_edit(previous, document, change.document, change.changed)
    if checked.plan is None:
        reasons = "; ".join(str(issue) for issue in checked.report.errors[:3])
        return refused_page(_("The map would not load: %(reasons)s", reasons=reasons), 422)
    subject = change.selected or request.form.get("node") or request.form.get("edge") or ""
    text = drafts.document_text(change.document)
    drafts.save_edit(seen, text, f"{operation} {subject}", editor_id())
    checking.keep(text, checked)
    floor = element_floor(change.document, change.selected) or request.form.get("floor", "")
    return back_to_editor(floor, change.selected)


@bp.post("/floors/<floor_id>/image")
@require_roles(*KEEPERS)
def upload_floor_image(floor_id: str) -> Response | tuple[str, int]:
    """A new background image for a floor: PNG or JPEG, sanitised, stored under the instance
    folder; SVG and anything else is refused with the reason."""
    seen = seen_revision()
    if seen is None:
        return refused_page(_("The form was incomplete. Nothing was changed."), 400)
    upload = request.files.get("image")
    data = upload.read(FLOOR_IMAGE_MAX_BYTES + 1) if upload is not None else b""
    try:
        previous = drafts.current_document(seen)
        image = sanitise_floor_image(data)
        document = json.loads(previous)
        href = floor_images.store_floor_image(floor_id, image)
        change = drafting.set_floor_image(document, floor_id, href)
        return save_checked(seen, previous, document, "floor-image", change)
    except drafts.StaleDraft as stale:
        return refused_page(str(stale.message), stale.status, stale=True)
    except RejectedPhoto as rejected:
        return refused_page(str(IMAGE_REFUSALS[rejected.reason]), 422)
    except EditRefused as refused:
        return refused_page(refusal_message(refused.problem, refused.subject), 422)


@bp.get("/floors/<floor_id>/image")
@require_roles(*VIEWERS)
def floor_image(floor_id: str) -> Response:
    """The draft floor's background image, for staff only (not a public static file)."""
    document = json.loads(drafts.shared_draft().document)
    floor = next((f for f in document.get("floors", []) if f["id"] == floor_id), None)
    if floor is None or "image" not in floor:
        abort(404)
    path = floor_images.image_file(floor["image"]["href"])
    if path is None:
        abort(404)
    # Read whole (a floor image is a few MB at most), so no file handle outlives the request.
    return Response(path.read_bytes(), mimetype=floor_images.media_type(path))


@bp.post("/undo")
@require_roles(*KEEPERS)
def undo() -> Response | tuple[str, int]:
    """Take back the last edit."""
    return history_step(drafts.undo)


@bp.post("/redo")
@require_roles(*KEEPERS)
def redo() -> Response | tuple[str, int]:
    """Make the last undone edit again."""
    return history_step(drafts.redo)


@bp.post("/restart")
@require_roles(*KEEPERS)
def restart() -> Response | tuple[str, int]:
    """Discard the draft's edits and start again from the live map."""
    return history_step(drafts.restart_from_live)


def history_step(step: Any) -> Response | tuple[str, int]:
    """Undo, redo or restart on the revision the editor saw."""
    seen = seen_revision()
    if seen is None:
        return refused_page(_("The form was incomplete. Nothing was changed."), 400)
    try:
        step(seen, editor_id())
    except drafts.StaleDraft as stale:
        return refused_page(str(stale.message), stale.status, stale=True)
    except drafts.DraftRefused as refused:
        return refused_page(str(refused.message), refused.status)
    return back_to_editor(request.form.get("floor", ""), "")


@bp.get("/changes")
@require_roles(*VIEWERS)
def changes() -> tuple[str, int]:
    """What changed in the draft since the revision an editor saw: elements added, removed
    and changed per section, each a link to select it (or, once the history no longer holds
    that revision, a page saying so)."""
    since = request.args.get("since", "")
    draft: FloorplanDraft = drafts.shared_draft()
    before = drafts.document_at(int(since)) if since.isdigit() and len(since) < 10 else None
    diff = diff_floorplans(before, draft.document) if before is not None else None
    page = render_template(
        "admin/floorplans/changes.html",
        draft=draft,
        since=since,
        diff=diff,
        saved_by=staff_name(draft.updated_by) if draft.updated_by else "",
        saved_at=local_time(draft.updated_at),
    )
    return page, 200


def review_page(error: str = "", status: int = 200) -> tuple[str, int]:
    """The draft's checks and what publishing it would change against the live map."""
    draft = drafts.shared_draft()
    document = json.loads(draft.document)
    report = checking.checked_text(draft.document, document).report
    diff = diff_floorplans(live_document(), draft.document) if report.ok else None
    page = render_template(
        "admin/floorplans/review.html",
        draft=draft,
        live_number=live_number(),
        issues=issue_entries(document, report),
        error_count=len(report.errors),
        diff=diff,
        error=error,
        can_edit=can_edit(),
    )
    return page, status


@bp.get("/review")
@require_roles(*VIEWERS)
def review() -> tuple[str, int]:
    """The draft's checks and what publishing it would change, with the publish form."""
    return review_page()


def expected_live() -> tuple[bool, int | None]:
    """Whether the form says which live version the reviewer saw, and its number (None: the
    floorplan file, nothing published yet)."""
    value = request.form.get("expected_live")
    if value is None or not (value == "" or (value.isdigit() and len(value) < 10)):
        return False, None
    return True, int(value) if value else None


@bp.post("/publish")
@require_roles(*KEEPERS)
def publish() -> Response | tuple[str, int]:
    """Publish the draft as the next version, if the draft and the live version are still
    the ones the reviewer saw and nothing blocks it; every kiosk serves it within seconds."""
    seen, (live_given, live_seen) = seen_revision(), expected_live()
    note = request.form.get("note", "").strip()
    if seen is None or not live_given:
        return review_page(_("The form was incomplete. Nothing was published."), 400)
    if len(note) > NOTE_MAX_LENGTH:
        return review_page(_("The note is too long (at most 500 characters)."), 422)
    try:
        text = drafts.current_document(seen)
        published = publish_document(
            text,
            staff_id=editor_id(),
            note=note,
            origin="editor",
            expected_live=live_seen,
        )
    except drafts.StaleDraft as stale:
        return review_page(str(stale.message), stale.status)
    except PublishRefused:
        message = _("The draft has errors that block publishing. Nothing was published.")
        return review_page(message, 422)
    except LiveVersionChanged as changed:
        message = _(
            "Version %(number)s was published after you opened this page. Nothing was"
            " published: check the changes below again.",
            number=changed.live or "?",
        )
        return review_page(message, 409)
    try:
        drafts.mark_published(seen, published.number, editor_id())
    except drafts.StaleDraft:
        # A colleague saved the draft between the publish and this; the draft keeps its old
        # base, so the editor shows that a newer version is live.
        pass
    flash(_("Version %(number)s is live. Kiosks use it within seconds.", number=published.number))
    return see_other(url_for("admin_floorplan_editor.editor"))
