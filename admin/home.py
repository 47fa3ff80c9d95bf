"""The staff home page (`/staff/`): who is signed in, with which role, and the way out.

Later staff screens (today's queue, review, printers, reports) hang off it.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from admin.access import ALL_STAFF_ROLES, require_roles, signed_in_staff

bp = Blueprint("admin_home", __name__, url_prefix="/staff", template_folder="templates")


@bp.get("/")
@require_roles(*ALL_STAFF_ROLES)
def home() -> str:
    """Signed in as whom, in which roles; two-step sign-in status; sign out."""
    return render_template("admin/home.html", user=signed_in_staff())
