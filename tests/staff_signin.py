"""Staff accounts and sign-in for tests of any staff screen: `staff_account(app, role)` makes an
account (admins with an authenticator already set up), `sign_in(client, account)` goes through
the real sign-in pages, password and TOTP code included, as a person would."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from admin.auth import accounts
from kiosk.extensions import db
from kiosk.models import StaffRoleName, StaffUser
from tests.helpers import csrf_token_from

STAFF_PASSWORD = "correct horse battery staple"
SIGNIN_PATH = "/staff/sign-in"
CODE_PATH = "/staff/two-step/code"
SETUP_PATH = "/staff/two-step/setup"
TOTP_STEP_SECONDS = 30


@dataclass(frozen=True)
class StaffAccount:
    """A test account: how to sign in as it."""

    id: int
    email: str
    password: str
    totp_key: str | None


def staff_account(
    app: Flask,
    role: StaffRoleName,
    *,
    email: str | None = None,
    full_name: str = "",
    with_totp: bool | None = None,
) -> StaffAccount:
    """A new active account with `role`; admin roles (and coordinators when `with_totp`) get an
    authenticator already set up."""
    with app.app_context():
        new = accounts.NewAccount(
            email or f"{role.value}@example.org", STAFF_PASSWORD, (role,), full_name
        )
        user = accounts.create_account(new)
        key = None
        if with_totp if with_totp is not None else user.needs_two_factor():
            totp = app.extensions["security"].totp_factory
            user.tf_totp_secret = totp.generate_totp_secret()
            user.tf_primary_method = "authenticator"
            key = totp.get_totp_b32_key(user.tf_totp_secret)
        db.session.commit()
        return StaffAccount(user.id, user.email, STAFF_PASSWORD, key)


def next_code(app: Flask, email: str, key: str) -> str:
    """A code the server will take now: the current time step's, or the next unused one (a
    code is accepted once, and tests sign the same account in more than once a step)."""
    with app.app_context():
        last = db.session.scalar(
            select(StaffUser.tf_totp_last_counter).where(StaffUser.email == email)
        )
    counter = int(time.time()) // TOTP_STEP_SECONDS
    if last is not None and last >= counter:
        counter = last + 1
    return str(pyotp.TOTP(key).generate_otp(counter))


def post_password(client: FlaskClient, email: str, password: str) -> str:
    """Submit the sign-in form; return where the server sent the browser ("" if nowhere)."""
    token = csrf_token_from(client.get(SIGNIN_PATH).get_data(as_text=True))
    response = client.post(
        SIGNIN_PATH, data={"email": email, "password": password, "csrf_token": token}
    )
    return response.headers.get("Location", "")


def post_code(client: FlaskClient, code: str) -> str:
    """Submit a code on the two-step page; return where the server sent the browser."""
    token = csrf_token_from(client.get(CODE_PATH).get_data(as_text=True))
    response = client.post(CODE_PATH, data={"code": code, "csrf_token": token})
    return response.headers.get("Location", "")


def sign_in(client: FlaskClient, app: Flask, account: StaffAccount) -> None:
    """Sign in through the pages, with a code where the account has an authenticator."""
    location = post_password(client, account.email, account.password)
    if account.totp_key is not None:
        assert location.startswith(CODE_PATH), location
        location = post_code(client, next_code(app, account.email, account.totp_key))
    assert location.rstrip("/").endswith("/staff"), location
