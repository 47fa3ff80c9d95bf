"""The staff Floorplans screens (`/staff/floorplans/`): the version list, download of any
version, its diff against the live one, rollback, and import of a floorplan file.

Facility admins keep the floorplans, so they publish, import and roll back; system admins may
look (list, diff, download). Every change names the live version its form was made from, so a
colleague's publish meanwhile, or the same form sent twice, stores nothing a second time.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, flash, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from admin.access import require_roles, signed_in_staff
from admin.floorplans.history import version_lines
from admin.floorplans.publishing import (
    NOTE_MAX_LENGTH,
    LiveVersionChanged,
    PublishRefused,
    check_document,
    diff_floorplans,
    live_document,
    publish_document,
    rollback_to,
)
from kiosk.floorplan_versions import document_sha256, live_number, version
from kiosk.models import FloorplanVersion, StaffRoleName
from kiosk.shell.links import see_other

KEEPERS = (StaffRoleName.FACILITY_ADMIN,)
VIEWERS = (StaffRoleName.FACILITY_ADMIN, StaffRoleName.SYSTEM_ADMIN)
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")

bp = Blueprint("admin_floorplans", __name__, url_prefix="/staff/floorplans")


@bp.get("/")
@require_roles(*VIEWERS)
def versions() -> str:
    """Every stored version, the live one marked."""
    return render_template("admin/floorplans/versions.html", lines=version_lines())


def stored_or_404(number: int) -> FloorplanVersion:
    """The stored version, or a 404 page."""
    stored = version(number)
    if stored is None:
        abort(404)
    return stored


@bp.get("/<int:number>/download")
@require_roles(*VIEWERS)
def download(number: int) -> Response:
    """The version's document exactly as it was published, as a file to save."""
    stored = stored_or_404(number)
    response = Response(stored.document, mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="floorplan-version-{stored.number}.json"'
    )
    return response


@bp.get("/<int:number>/diff")
@require_roles(*VIEWERS)
def diff(number: int) -> str:
    """What differs between the live version and this one."""
    stored = stored_or_404(number)
    return render_template(
        "admin/floorplans/diff.html",
        stored=stored,
        diff=diff_floorplans(live_document(), stored.document),
        live=live_number(),
    )


def form_live_number() -> int | None | bool:
    """The live version the form was made from: a number, None for "the file", or False when
    the form does not say (a broken or forged form)."""
    value = request.form.get("expected_live", "")
    if value == "file":
        return None
    return int(value) if WHOLE_NUMBER.fullmatch(value) else False


def form_note() -> str | None:
    """The note, trimmed; None when it is too long."""
    note = request.form.get("note", "").strip()
    return note if len(note) <= NOTE_MAX_LENGTH else None


def rollback_page(stored: FloorplanVersion, error: str = "", note: str = "") -> str:
    """The rollback confirmation: what it would change, and the form."""
    return render_template(
        "admin/floorplans/rollback.html",
        stored=stored,
        diff=diff_floorplans(live_document(), stored.document),
        live=live_number(),
        error=error,
        note=note,
    )


@bp.get("/<int:number>/rollback")
@require_roles(*KEEPERS)
def confirm_rollback(number: int) -> str:
    """Ask before rolling back, showing what would change."""
    return rollback_page(stored_or_404(number))


@bp.post("/<int:number>/rollback")
@require_roles(*KEEPERS)
def rollback(number: int) -> BaseResponse | tuple[str, int]:
    """Publish this version's document again as the new live version."""
    stored = stored_or_404(number)
    expected, note = form_live_number(), form_note()
    if expected is False or note is None:
        return rollback_page(stored, note_too_long()), 400
    staff = signed_in_staff()
    assert staff is not None  # require_roles let only signed-in staff through
    try:
        restored = rollback_to(number, staff_id=staff.id, note=note, expected_live=expected)
    except LiveVersionChanged as changed:
        return rollback_refused(stored, changed, note)
    except PublishRefused:
        message = _(
            "Version %(number)s no longer passes the checks; it was not published.", number=number
        )
        return rollback_page(stored, message, note), 422
    return restored_live(restored.number, number)


def restored_live(number: int, restored: int) -> BaseResponse:
    """Back to the version list, saying which version is live now."""
    flash(
        _(
            "Version %(number)s is live: it restores version %(restored)s.",
            number=number,
            restored=restored,
        )
    )
    return see_other(url_for("admin_floorplans.versions"))


def rollback_refused(
    stored: FloorplanVersion, changed: LiveVersionChanged, note: str
) -> BaseResponse | tuple[str, int]:
    """A rollback form made from an older live version: when the live version already
    restores this one (the same form sent twice), say so; else show what changed meanwhile."""
    live = version(changed.live) if changed.live is not None else None
    if live is not None and live.restores_number == stored.number:
        return restored_live(live.number, stored.number)
    return rollback_page(stored, published_meanwhile(changed), note), 409


@bp.get("/import")
@require_roles(*KEEPERS)
def import_form() -> str:
    """Choose a floorplan file to check."""
    return import_page()


def import_page(error: str = "") -> str:
    """The upload form, with an error at the top when the last upload was refused."""
    return render_template(
        "admin/floorplans/import.html",
        error=error,
        max_megabytes=megabytes(int(current_app.config["FLOORPLAN_IMPORT_MAX_BYTES"])),
    )


def megabytes(size: int) -> str:
    """A size in megabytes as the staff member's language writes it ("10", "0.5")."""
    return str(format_decimal(round(size / (1024 * 1024), 1)))


def uploaded_text() -> tuple[str | None, str, int]:
    """The uploaded file's text, or None with the reason it cannot be used and the status."""
    upload = request.files.get("floorplan")
    if upload is None or not upload.filename:
        return None, _("Choose a floorplan file (.json) to import."), 400
    limit = int(current_app.config["FLOORPLAN_IMPORT_MAX_BYTES"])
    with upload.stream:  # a large upload is spooled to a temporary file: close it now
        data = upload.stream.read(limit + 1)
    if len(data) > limit:
        message = _(
            "That file is larger than %(size)s MB. Import it with the command "
            "“flask floorplan import”.",
            size=megabytes(limit),
        )
        return None, message, 413
    try:
        return data.decode("utf-8"), "", 200
    except UnicodeDecodeError:
        return None, _("That file is not a floorplan: it is not UTF-8 text."), 400


@bp.post("/import")
@require_roles(*KEEPERS)
def check_import() -> tuple[str, int]:
    """Check an uploaded file: its errors, or what publishing it would change."""
    text, problem, status = uploaded_text()
    if text is None:
        return import_page(problem), status
    return preview_page(text)


def preview_page(text: str, error: str = "", note: str = "", status: int = 200) -> tuple[str, int]:
    """The upload's validation report (422 when it has errors) or its diff and the publish
    form."""
    report = check_document(text)
    if report.errors:
        return render_template("admin/floorplans/import_report.html", report=report), 422
    page = render_template(
        "admin/floorplans/import_preview.html",
        document=text,
        report=report,
        diff=diff_floorplans(live_document(), text),
        live=live_number(),
        error=error,
        note=note,
    )
    return page, status


@bp.post("/import/publish")
@require_roles(*KEEPERS)
def publish_import() -> BaseResponse | tuple[str, int]:
    """Publish the checked file as the new live version."""
    text = request.form.get("document", "")
    expected, note = form_live_number(), form_note()
    if not text or expected is False:
        return import_page(_("The import form was incomplete. Choose the file again.")), 400
    if note is None:
        return preview_page(text, note_too_long(), status=400)
    staff = signed_in_staff()
    assert staff is not None  # require_roles let only signed-in staff through
    try:
        published = publish_document(
            text, staff_id=staff.id, note=note, origin="import", expected_live=expected
        )
    except PublishRefused:
        return preview_page(text)
    except LiveVersionChanged as changed:
        live = version(changed.live) if changed.live is not None else None
        if live is not None and live.sha256 == document_sha256(text):
            # The same form sent twice: the first one published it.
            flash(_("Version %(number)s is live.", number=live.number))
            return see_other(url_for("admin_floorplans.versions"))
        return preview_page(text, published_meanwhile(changed), note, status=409)
    flash(_("Version %(number)s is live.", number=published.number))
    return see_other(url_for("admin_floorplans.versions"))


def note_too_long() -> str:
    """Why a note was refused."""
    return str(
        _(
            "Write a note of at most %(count)s characters, then confirm again.",
            count=NOTE_MAX_LENGTH,
        )
    )


def published_meanwhile(changed: LiveVersionChanged) -> str:
    """Why a form made from an older live version was refused."""
    return str(
        _(
            "Someone published version %(number)s meanwhile. Check what this changes now, "
            "then confirm again.",
            number=changed.live,
        )
    )
