"""Staff sign-in, built on Flask-Security-Too.

Why Flask-Security-Too rather than Flask-Login + argon2-cffi + pyotp by hand: it already does
roles, Argon2 password hashing, TOTP two-step sign-in with its setup and verify steps, login
tracking and one generic failure message, and it fits each of Lobby's constraints:

- Sessions: it keeps its state in Flask's `session`, which Lobby stores server-side
  (`kiosk.shell.sessions`). A completed sign-in turns that session into a staff session
  (15 min idle, 12 h absolute, revocable per user) under a fresh id; a sign-out ends it. Only
  that pairing counts as signed in (`admin.access.signed_in_staff`), so Flask-Security's
  token and remember-me cookies, which outlive a revocation, are switched off.
- Strict CSP (no inline script or style): its views render our own templates; the TOTP QR code
  is inline SVG instead of a `data:` image.
- CSRF: its forms are Flask-WTF forms, and Flask-WTF's app-wide `CSRFProtect` checks every POST.
- Schema: it works with our typed SQLAlchemy 2 models (`kiosk.models.staff`); Alembic alone
  creates the tables, and its `flask users` commands are replaced by `flask user`.
- Languages: its own catalogue has Spain's Spanish only, so every text staff read comes from
  Lobby's catalogue (US Spanish) and its flashed messages are off.

What it lacks, Lobby adds: per-role two-step sign-in (`StaffUser.check_tf_required`), replay
protection for codes (`admin.auth.two_factor`), the sign-in throttle (`admin.auth.throttle`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, NoReturn

from flask import Flask, abort, session
from flask_login import user_logged_out
from flask_security import LoginForm, Security, SQLAlchemyUserDatastore, user_authenticated

from admin.auth import accounts, throttle
from admin.auth.two_factor import StaffTotp, setup_qr_markup, totp_secrets
from kiosk.extensions import db
from kiosk.models import StaffRole, StaffUser
from kiosk.models.types import utcnow
from kiosk.shell.sessions import (
    STAFF_AUDIENCE,
    KioskSessionData,
    end_current_session,
    start_staff_session,
)

STAFF_URL_PREFIX = "/staff"

# Fixed product decisions (not site settings), applied over anything configured.
FLASK_SECURITY_SETTINGS: dict[str, Any] = {
    "SECURITY_URL_PREFIX": STAFF_URL_PREFIX,
    "SECURITY_LOGIN_URL": "/sign-in",
    "SECURITY_LOGOUT_URL": "/sign-out",
    "SECURITY_POST_LOGIN_VIEW": "admin_home.home",
    "SECURITY_POST_LOGOUT_VIEW": "security.login",
    "SECURITY_LOGIN_USER_TEMPLATE": "admin/signin.html",
    # A wrong email, a wrong password or a disabled account: one message, one status.
    "SECURITY_RETURN_GENERIC_RESPONSES": True,
    # Its flashed messages are in its own catalogue (English, Spain's Spanish); ours say it.
    "SECURITY_FLASH_MESSAGES": False,
    # Argon2id alone, salted per hash. No pepper from SECRET_KEY: rotating that key (which
    # rotates every derived key) must not lock every member of staff out.
    "SECURITY_PASSWORD_HASH": "argon2",
    "SECURITY_PASSWORD_SINGLE_HASH": True,
    "SECURITY_PASSWORD_LENGTH_MIN": 12,
    "SECURITY_EMAIL_VALIDATOR_ARGS": {"check_deliverability": False},
    "SECURITY_TRACKABLE": True,
    "SECURITY_DATETIME_FACTORY": utcnow,
    "SECURITY_TWO_FACTOR": True,
    "SECURITY_TWO_FACTOR_ENABLED_METHODS": ["authenticator"],
    # A code at every sign-in: no "trust this computer for 30 days" cookie on a shared desk.
    "SECURITY_TWO_FACTOR_ALWAYS_VALIDATE": True,
    "SECURITY_TWO_FACTOR_RESCUE_EMAIL": False,
    "SECURITY_TWO_FACTOR_SETUP_URL": "/two-step/setup",
    "SECURITY_TWO_FACTOR_TOKEN_VALIDATION_URL": "/two-step/code",
    "SECURITY_TWO_FACTOR_RESCUE_URL": "/two-step/rescue",
    "SECURITY_TWO_FACTOR_SELECT_URL": "/two-step/select",
    "SECURITY_TWO_FACTOR_POST_SETUP_VIEW": "admin_home.home",
    "SECURITY_TWO_FACTOR_ERROR_VIEW": "security.login",
    "SECURITY_TWO_FACTOR_SETUP_TEMPLATE": "admin/two_factor_setup.html",
    "SECURITY_TWO_FACTOR_VERIFY_CODE_TEMPLATE": "admin/two_factor_verify.html",
    "SECURITY_TWO_FACTOR_SELECT_TEMPLATE": "admin/two_factor_verify.html",
    # The staff session's own 15-minute idle limit replaces "freshness" re-authentication.
    "SECURITY_FRESHNESS": timedelta(minutes=-1),
    # Only the server-side session signs anyone in: no bearer tokens that survive revocation.
    "SECURITY_API_ENABLED_METHODS": ["session"],
    "SECURITY_STATIC_FOLDER": None,
    "SECURITY_CLI_USERS_NAME": False,
    "SECURITY_CLI_ROLES_NAME": False,
    "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
}


class StaffSigninForm(LoginForm):
    """Flask-Security's sign-in form without "remember me": a remember cookie would sign a
    person in again after their sessions were ended."""

    remember = None


def on_signed_in(app: Flask, user: StaffUser, **extra: Any) -> None:
    """Every step passed (password, and a code where required): make this a staff session
    under a fresh id, clear the account's throttle, and note it in the account's trail."""
    start_staff_session(user.id)
    throttle.forget_failures(user.email)
    accounts.record_account_event("signed_in", user, actor=user)
    db.session.commit()


def on_signed_out(app: Flask, user: StaffUser | None = None, **extra: Any) -> None:
    """End the whole session, not only Flask-Login's keys in it. Whatever this response still
    puts in the session is stored as a signed-out staff session, never as a kiosk one."""
    if isinstance(user, StaffUser):
        accounts.record_account_event("signed_out", user, actor=user)
        db.session.commit()
    end_current_session()
    if isinstance(session, KioskSessionData):
        session.audience = STAFF_AUDIENCE


# Flask-Security steps Lobby does not offer: the rescue emails an address nobody configured
# (a lost phone is for hospital IT: `flask user reset-two-step`).
STEPS_NOT_OFFERED = ("security.two_factor_rescue",)


def step_not_offered(**_: Any) -> NoReturn:
    """A step Lobby does not offer: 404, like any page that is not there."""
    abort(404)


def init_app(app: Flask) -> None:
    """Configure Flask-Security-Too on our models and bridge it to our sessions."""
    app.config.update(FLASK_SECURITY_SETTINGS)
    app.config["SECURITY_TOTP_SECRETS"] = totp_secrets(app)
    datastore = SQLAlchemyUserDatastore(db, StaffUser, StaffRole)
    # One Security per application: it keeps per-app state (datastore, TOTP factory) on itself.
    Security(app, datastore, login_form=StaffSigninForm, totp_cls=StaffTotp)
    app.jinja_env.filters["setup_qr"] = setup_qr_markup
    user_authenticated.connect(on_signed_in, app)
    user_logged_out.connect(on_signed_out, app)
    throttle.guard_signin_steps(app)
    for endpoint in STEPS_NOT_OFFERED:
        app.view_functions[endpoint] = step_not_offered
