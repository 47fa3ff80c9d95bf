"""Turning a browser into a kiosk (`flask kiosk enroll NAME`) or a waiting-room board (`flask
board enroll AREA`) with a one-time link.

GET only shows what the link will do: link previewers and prefetchers must not spend it. The
POST spends it and sets the long-lived device cookie.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from kiosk.devices.identity import cookie_name, enrol_device, find_device_by_enrolment_token
from kiosk.extensions import db
from kiosk.models import Board
from kiosk.shell.links import see_other

bp = Blueprint("enrolment", __name__)


@bp.get("/enrol/<token>")
def confirm(token: str) -> tuple[str, int]:
    """Ask staff to confirm; an unknown, used or expired link gets a clear page."""
    device = find_device_by_enrolment_token(token)
    if device is None:
        return render_template("kiosk/enrol_invalid.html"), 404
    return render_template(
        "kiosk/enrol_confirm.html", device=device, is_board=isinstance(device, Board), token=token
    ), 200


@bp.post("/enrol/<token>")
def enrol(token: str) -> Response | tuple[str, int]:
    """Make this browser the kiosk (and go to its home screen) or the board (and show it)."""
    device = find_device_by_enrolment_token(token)
    if device is None:
        return render_template("kiosk/enrol_invalid.html"), 404
    device_token = enrol_device(device)
    db.session.commit()
    if isinstance(device, Board):
        # The board's page is served by the staff side's board blueprint (admin/board).
        response = see_other(url_for("board.show", area=device.area))
    else:
        flash(_("This screen is now the kiosk “%(name)s”.", name=device.name))
        response = see_other(url_for("kiosk.home"))
    response.set_cookie(
        cookie_name(device),
        device_token,
        max_age=int(timedelta(days=current_app.config["DEVICE_COOKIE_DAYS"]).total_seconds()),
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure,
        samesite="Lax",
    )
    return response
