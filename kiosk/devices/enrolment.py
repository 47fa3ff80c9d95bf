"""Turning a browser into a kiosk with a one-time link from `flask kiosk enroll NAME`.

GET only shows what the link will do: link previewers and prefetchers must not spend it. The
POST spends it and sets the long-lived device cookie.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from kiosk.devices.identity import enrol_device, find_kiosk_by_enrolment_token
from kiosk.extensions import db
from kiosk.shell.links import see_other

bp = Blueprint("enrolment", __name__)


@bp.get("/enrol/<token>")
def confirm(token: str) -> tuple[str, int]:
    """Ask staff to confirm; an unknown, used or expired link gets a clear page."""
    kiosk = find_kiosk_by_enrolment_token(token)
    if kiosk is None:
        return render_template("kiosk/enrol_invalid.html"), 404
    return render_template("kiosk/enrol_confirm.html", kiosk=kiosk, token=token), 200


@bp.post("/enrol/<token>")
def enrol(token: str) -> Response | tuple[str, int]:
    """Make this browser the kiosk and go to its home screen."""
    kiosk = find_kiosk_by_enrolment_token(token)
    if kiosk is None:
        return render_template("kiosk/enrol_invalid.html"), 404
    device_token = enrol_device(kiosk)
    db.session.commit()
    flash(_("This screen is now the kiosk “%(name)s”.", name=kiosk.name))
    response = see_other(url_for("kiosk.home"))
    response.set_cookie(
        current_app.config["DEVICE_COOKIE_NAME"],
        device_token,
        max_age=int(timedelta(days=current_app.config["DEVICE_COOKIE_DAYS"]).total_seconds()),
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure,
        samesite="Lax",
    )
    return response
