"""The Closures screen (`/staff/floorplans/closures/`): closures in force and coming, "Close
something" (what, why, until when), the impact preview, confirm, and lift early.

Facility admins keep the map right, so the screen is theirs alone. Closing goes form → preview
→ confirm: the preview page carries the checked form and a one-time submission token, and the
confirm checks the form again (time has passed) and stores the closure once however often it
is sent. Every worker applies it within a second (`kiosk.closures.serving`).
"""

from __future__ import annotations

import re

from flask import Blueprint, current_app, flash, render_template, request, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response

from admin.access import require_roles, signed_in_staff
from admin.closures.choices import closable_elements, element_groups
from admin.closures.form import (
    REASON_LABELS,
    ClosureForm,
    ClosureFormError,
    checked_request,
)
from admin.closures.preview import impact_preview
from kiosk.closures.store import (
    ClosureRequest,
    add_closure,
    current_and_upcoming,
    lift_closure,
)
from kiosk.extensions import db
from kiosk.facility import facility_timezone
from kiosk.floorplan import current_wayfinder
from kiosk.models import FloorplanClosure, StaffRoleName, StaffUser
from kiosk.models.types import utcnow
from kiosk.shell.links import see_other
from kiosk.tokens import new_token
from wayfinding.no_route import visible_name

CLOSURE_ROLES = (StaffRoleName.FACILITY_ADMIN,)
SUBMISSION = re.compile(r"[A-Za-z0-9_-]{16,64}")
REFUSED_FORM = _l("This form is out of date. Nothing was closed; please fill it in again.")

bp = Blueprint("admin_closures", __name__, url_prefix="/staff/floorplans/closures")


def reader_language() -> str:
    """The reader's language code, for element and place names."""
    locale = get_locale()
    return locale.language if locale else "en"


def acting_staff_id() -> int:
    """The signed-in staff member's id (require_roles let only signed-in staff through)."""
    staff = signed_in_staff()
    assert staff is not None
    return staff.id


def staff_names(rows: list[FloorplanClosure]) -> dict[int, str]:
    """The name (else email) of each staff member who closed or lifted one of `rows`."""
    ids = {row.created_by for row in rows if row.created_by is not None}
    if not ids:
        return {}
    accounts = db.session.scalars(select(StaffUser).where(StaffUser.id.in_(ids)))
    return {account.id: account.full_name or account.email for account in accounts}


def closures_page(form: ClosureForm, problem: str = "", field: str = "") -> str:
    """The list of closures and the "Close something" form, with what was refused and at
    which field when something was."""
    now, lang = utcnow(), reader_language()
    plan = current_wayfinder().floorplan
    rows = current_and_upcoming(now)
    return render_template(
        "admin/closures/index.html",
        rows=rows,
        names=staff_names(rows),
        element_name=lambda element: visible_name(plan, element, lang),
        file_closures=[c for c in plan.closures if c.is_active(now)],
        reasons=REASON_LABELS,
        groups=element_groups(plan, lang),
        form=form,
        problem=problem,
        field=field,
        now=now,
        when=lambda moment: format_datetime(moment, "short"),
    )


@bp.get("/")
@require_roles(*CLOSURE_ROLES)
def closures() -> str:
    """Closures in force and coming, and the form to close something."""
    return closures_page(ClosureForm())


def checked_form() -> tuple[ClosureForm, ClosureRequest]:
    """The posted form and the closure it asks for (ClosureFormError when it cannot be)."""
    form = ClosureForm.of(request.form)
    plan = current_wayfinder().floorplan
    closable = closable_elements(plan, reader_language())
    zone = facility_timezone(current_app)
    return form, checked_request(form, closable, zone, utcnow())


@bp.post("/preview")
@require_roles(*CLOSURE_ROLES)
def preview() -> tuple[str, int]:
    """What the closure would change on every kiosk's routes, with the button to confirm."""
    try:
        form, asked = checked_form()
    except ClosureFormError as error:
        return closures_page(ClosureForm.of(request.form), str(error.message), error.field), 400
    lang = reader_language()
    finder = current_wayfinder()
    page = render_template(
        "admin/closures/preview.html",
        form=form,
        asked=asked,
        what=visible_name(finder.floorplan, asked.element, lang),
        reason=REASON_LABELS[asked.reason],
        impact=impact_preview(finder, asked.element, asked.starts_at, lang),
        submission=new_token(24),
        starts=format_datetime(asked.starts_at, "short"),
        until=format_datetime(asked.until, "short"),
    )
    return page, 200


@bp.post("/confirm")
@require_roles(*CLOSURE_ROLES)
def confirm() -> Response | tuple[str, int]:
    """Store the closure once (a repeated submit finds the first) and go back to the list."""
    submission = request.form.get("submission", "")
    try:
        if not SUBMISSION.fullmatch(submission):
            raise ClosureFormError("submission", REFUSED_FORM)
        _form, asked = checked_form()
    except ClosureFormError as error:
        return closures_page(ClosureForm.of(request.form), str(error.message), error.field), 400
    row, is_new = add_closure(asked, acting_staff_id(), submission, utcnow())
    what = visible_name(current_wayfinder().floorplan, row.element, reader_language())
    until = format_datetime(row.until, "short")
    if is_new:
        flash(_("%(what)s is closed until %(until)s.", what=what, until=until))
    else:
        flash(
            _("This closure was already saved: %(what)s until %(until)s.", what=what, until=until)
        )
    return see_other(url_for("admin_closures.closures"))


@bp.post("/<int:closure_id>/lift")
@require_roles(*CLOSURE_ROLES)
def lift(closure_id: int) -> Response | tuple[str, int]:
    """Lift a closure now; one already lifted (or unknown) changes nothing and says so."""
    row = db.session.get(FloorplanClosure, closure_id)
    if row is None or not lift_closure(closure_id, acting_staff_id(), utcnow()):
        return closures_page(ClosureForm(), _("This closure was already lifted.")), 409
    what = visible_name(current_wayfinder().floorplan, row.element, reader_language())
    flash(_("%(what)s is open again.", what=what))
    return see_other(url_for("admin_closures.closures"))
