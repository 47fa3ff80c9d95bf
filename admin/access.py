"""Who may open a staff page: deny by default, decided on the server for every request.

Every staff view is wrapped in `require_roles(...)`, which names the roles allowed and records
them on the view, so the authorization matrix test can check every staff route it finds in the
URL map. A person counts as signed in only when Flask-Security's user and the server-side staff
session agree (`signed_in_staff`). An admin role without two-step sign-in set up is sent to set
it up before anything else.

The whole `/staff` area is closed to kiosks: a request with a kiosk's device cookie, or from a
browser in the middle of a kiosk session, is refused before any staff view runs. A fresh
browser's session is put under the staff policy from its first staff page on.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, current_app, redirect, render_template, request, session, url_for
from flask_security import current_user
from werkzeug.wrappers import Response as BaseResponse

from kiosk.models import StaffRoleName, StaffUser
from kiosk.shell.links import is_htmx
from kiosk.shell.sessions import KIOSK_AUDIENCE, STAFF_AUDIENCE, KioskSessionData

STAFF_PATH = "/staff"
ALL_STAFF_ROLES = tuple(StaffRoleName)

View = TypeVar("View", bound=Callable[..., Any])


def is_staff_path(path: str) -> bool:
    """Whether `path` is in the staff area."""
    return path == STAFF_PATH or path.startswith(STAFF_PATH + "/")


def signed_in_staff() -> StaffUser | None:
    """The signed-in staff member, or None. Flask-Security's user alone is not enough: the
    request's session must be a live staff session of that same account (ended sessions,
    kiosk sessions and anything else sign nobody in)."""
    user = current_user._get_current_object()
    if not isinstance(user, StaffUser) or not user.active:
        return None
    if not isinstance(session, KioskSessionData):
        return None
    if session.audience != STAFF_AUDIENCE or session.user_id != user.id:
        return None
    return user


def send_to_signin() -> BaseResponse:
    """To the sign-in page, and back here afterwards. An htmx request (a polling staff screen
    whose session ended) gets 401 with `HX-Redirect`, so the whole page goes to sign-in instead
    of the sign-in form being swapped into a corner of it."""
    signin = url_for("security.login", next=request.path)
    if is_htmx():
        response = BaseResponse(status=401)
        response.headers["HX-Redirect"] = signin
        return response
    return redirect(signin)


def require_roles(*roles: StaffRoleName) -> Callable[[View], View]:
    """Decorator for staff views: signed in, with one of `roles` (403 otherwise), and with
    two-step sign-in set up where the account's roles demand it."""
    allowed = frozenset(roles)
    if not allowed:
        raise ValueError("require_roles needs at least one role")

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = signed_in_staff()
            if user is None:
                return send_to_signin()
            if user.needs_two_factor() and not user.tf_primary_method:
                return redirect(url_for("security.two_factor_setup"))
            if allowed.isdisjoint(user.role_names()):
                abort(403)
            return view(*args, **kwargs)

        guarded.staff_roles = allowed  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def allowed_roles(view: Callable[..., Any]) -> frozenset[StaffRoleName] | None:
    """The roles `require_roles` allows for a view, or None for a view it does not guard."""
    roles: frozenset[StaffRoleName] | None = getattr(view, "staff_roles", None)
    return roles


def is_kiosk_request() -> bool:
    """A kiosk's device cookie (valid or not), or a kiosk session already under way."""
    if current_app.config["DEVICE_COOKIE_NAME"] in request.cookies:
        return True
    return (
        isinstance(session, KioskSessionData)
        and session.audience == KIOSK_AUDIENCE
        and session.session_id is not None
    )


def guard_staff_area() -> tuple[str, int] | None:
    """`before_request`: refuse kiosks; put a fresh browser's session under the staff policy."""
    if not is_staff_path(request.path):
        return None
    if is_kiosk_request():
        return render_template("admin/kiosk_refused.html"), 403
    if isinstance(session, KioskSessionData) and session.audience == KIOSK_AUDIENCE:
        session.audience = STAFF_AUDIENCE
    return None


def init_app(app: Flask) -> None:
    """Guard the staff area before anything else runs: a request refused earlier (a stale CSRF
    token, say) would otherwise store its fresh session as a kiosk session, and that browser
    would be refused staff pages until the session expired."""
    app.before_request_funcs.setdefault(None, []).insert(0, guard_staff_area)
    app.context_processor(staff_user_context)


def staff_user_context() -> dict[str, StaffUser | None]:
    """Templates show who is signed in (and offer sign-out) only for a real staff session."""
    return {"staff_user": signed_in_staff()}
