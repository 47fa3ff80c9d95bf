"""The kiosk's "Call staff" button on its help screen: the front desk sees at once which kiosk
asked, and where it stands. Nothing about the person is recorded, only the kiosk and the time.

Only an enrolled kiosk can call (the alert names the kiosk); while the kiosk's call is open a
second press changes nothing, and a rate limit (`RATE_LIMITS`) caps presses per address.
"""

from __future__ import annotations

from flask import Blueprint, g, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from kiosk.alerts.raising import raise_kiosk_alert
from kiosk.checkin.audit import record_audit
from kiosk.extensions import db
from kiosk.models import KioskAlertKind
from kiosk.shell.links import see_other

bp = Blueprint("alerts", __name__)


@bp.post("/help/call-staff")
def call_staff() -> BaseResponse | tuple[str, int]:
    """Raise the kiosk's "Get help" alert and say that someone is coming."""
    kiosk = g.get("kiosk")
    if kiosk is None:
        return render_template("kiosk/help.html", not_a_kiosk=True), 403
    raise_kiosk_alert(kiosk.id, KioskAlertKind.HELP_REQUESTED)
    record_audit("staff_called", kiosk_id=kiosk.id)
    db.session.commit()
    return see_other(url_for("kiosk.get_help", called=1))
