"""The staff Printers screen (`/staff/printers/`): every kiosk printer and its last jobs, and a
reprint of a ticket or directions to the same or another printer of the same paper size.

Coordinators need it at the desk (a patient lost their ticket, a printer ran out of paper), and
both admin roles look after the printers, so all three roles may use it.
"""

from __future__ import annotations

import re

from flask import Blueprint, flash, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from admin.access import ALL_STAFF_ROLES, require_roles, signed_in_staff
from admin.printers.overview import printer_panels
from admin.printers.reprints import ReprintRefused, ReprintRequest, reprint_once
from kiosk.models import PrintJobStatus
from kiosk.printing.settings import current_settings
from kiosk.shell.links import see_other

WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")

bp = Blueprint("admin_printers", __name__, url_prefix="/staff/printers")


def printers_page(error: str = "") -> str:
    """The screen, with an error at the top when an action was refused."""
    return render_template("admin/printers/printers.html", panels=printer_panels(), error=error)


@bp.get("/")
@require_roles(*ALL_STAFF_ROLES)
def printers() -> str:
    """Every printer with its state, failures and last jobs."""
    return printers_page()


def form_number(name: str) -> int | None:
    """A whole number from the form, or None when it is missing or not a number."""
    value = request.form.get(name, "")
    return int(value) if WHOLE_NUMBER.fullmatch(value) else None


@bp.post("/jobs/<int:job_id>/reprint")
@require_roles(*ALL_STAFF_ROLES)
def reprint(job_id: int) -> Response | tuple[str, int]:
    """Print one copy of a job now and say how it went; a stale or repeated form prints
    nothing and says why."""
    copies_seen = form_number("copies_seen")
    if copies_seen is None:
        return printers_page(_("The reprint form was incomplete. Nothing was printed.")), 400
    staff = signed_in_staff()
    assert staff is not None  # require_roles let only signed-in staff through
    reprint_request = ReprintRequest(job_id, request.form.get("printer_uri", ""), copies_seen)
    try:
        result = reprint_once(reprint_request, current_settings(), staff.id)
    except ReprintRefused as refused:
        return printers_page(str(refused.message)), refused.status
    if result.outcome in (PrintJobStatus.PRINTED, PrintJobStatus.SENT, None):
        flash(_("A copy went to %(printer)s.", printer=result.printer_uri))
    elif result.outcome is PrintJobStatus.FAILED:
        flash(
            _(
                "The copy could not be printed on %(printer)s: %(error)s. "
                "Check the printer, then reprint.",
                printer=result.printer_uri,
                error=result.last_error,
            )
        )
    else:
        flash(
            _(
                "The copy is queued for %(printer)s, but printing failed just now: %(error)s",
                printer=result.printer_uri,
                error=result.last_error,
            )
        )
    return see_other(url_for("admin_printers.printers"))
