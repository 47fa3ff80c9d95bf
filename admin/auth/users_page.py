"""The system admin's staff accounts page: every account with its roles, state and last
sign-in, and the buttons that take access away at once (end sessions, disable) or give it back.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from admin.access import require_roles, signed_in_staff
from admin.auth import accounts
from kiosk.extensions import db
from kiosk.models import StaffRoleName, StaffUser
from kiosk.shell.links import see_other

bp = Blueprint("admin_users", __name__, url_prefix="/staff/users")


def account_or_404(user_id: int) -> StaffUser:
    """The account, or 404."""
    user = db.session.get(StaffUser, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/")
@require_roles(StaffRoleName.SYSTEM_ADMIN)
def list_accounts() -> str:
    """Every staff account."""
    return render_template("admin/users.html", accounts=accounts.all_accounts())


@bp.post("/<int:user_id>/end-sessions")
@require_roles(StaffRoleName.SYSTEM_ADMIN)
def end_sessions(user_id: int) -> Response:
    """Sign the account out on every computer now."""
    user = account_or_404(user_id)
    ended = accounts.end_sessions(user, actor=signed_in_staff())
    db.session.commit()
    flash(
        ngettext(
            "%(email)s was signed out everywhere (%(num)d session ended).",
            "%(email)s was signed out everywhere (%(num)d sessions ended).",
            ended,
            email=user.email,
        )
    )
    return see_other(url_for("admin_users.list_accounts"))


@bp.post("/<int:user_id>/disable")
@require_roles(StaffRoleName.SYSTEM_ADMIN)
def disable(user_id: int) -> Response | tuple[str, int]:
    """Disable the account and sign it out everywhere."""
    user = account_or_404(user_id)
    try:
        accounts.disable(user, actor=signed_in_staff())
    except accounts.AccountError:
        message = _("You cannot disable your own account.")
        page = render_template("admin/users.html", accounts=accounts.all_accounts(), error=message)
        return page, 400
    db.session.commit()
    flash(_("%(email)s is disabled and signed out everywhere.", email=user.email))
    return see_other(url_for("admin_users.list_accounts"))


@bp.post("/<int:user_id>/enable")
@require_roles(StaffRoleName.SYSTEM_ADMIN)
def enable(user_id: int) -> Response:
    """Let a disabled account sign in again."""
    user = account_or_404(user_id)
    accounts.enable(user, actor=signed_in_staff())
    db.session.commit()
    flash(_("%(email)s can sign in again.", email=user.email))
    return see_other(url_for("admin_users.list_accounts"))
