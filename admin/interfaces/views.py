"""The staff Interfaces screen (`/staff/interfaces/`): how the messages to the hospital's
interface engine are doing, why the failed ones failed, and "Send again" for each of them.

The link to the hospital's systems is looked after by the admins (a coordinator cannot fix an
interface engine), so both admin roles may use it.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from admin.access import require_roles, signed_in_staff
from admin.interfaces.overview import interfaces_overview
from admin.interfaces.resend import ResendRefused, send_again
from kiosk.models import StaffRoleName
from kiosk.shell.links import see_other

INTERFACE_ROLES = (StaffRoleName.FACILITY_ADMIN, StaffRoleName.SYSTEM_ADMIN)

bp = Blueprint("admin_interfaces", __name__, url_prefix="/staff/interfaces")


def interfaces_page(error: str = "") -> str:
    """The screen, with an error at the top when a request was refused."""
    return render_template(
        "admin/interfaces/interfaces.html",
        overview=interfaces_overview(),
        outbound_url=str(current_app.config.get("HL7_OUTBOUND_URL", "")).strip(),
        error=error,
    )


@bp.get("/")
@require_roles(*INTERFACE_ROLES)
def interfaces() -> str:
    """Counts, failed messages and the oldest waiting ones."""
    return interfaces_page()


@bp.post("/messages/<int:message_id>/send-again")
@require_roles(*INTERFACE_ROLES)
def resend(message_id: int) -> Response | tuple[str, int]:
    """Queue a failed message again (once, however often the button is pressed)."""
    staff = signed_in_staff()
    assert staff is not None  # require_roles let only signed-in staff through
    try:
        send_again(message_id, staff_id=staff.id)
    except ResendRefused as refused:
        return interfaces_page(str(refused.message)), refused.status
    flash(_("Message %(message)s is queued to be sent again.", message=message_id))
    return see_other(url_for("admin_interfaces.interfaces"))
