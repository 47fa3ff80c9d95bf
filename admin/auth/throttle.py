"""Sign-in throttle: failed sign-in steps (a password or a code) counted per account and per
address in a sliding window, in the database so every app server counts the same attempts.

Per account stops guessing one person's password from many addresses; per address stops one
machine trying many accounts. The account is a keyed hash of the typed email, so an unknown
email is throttled exactly like a real one: the throttle says nothing about who has an account.
A throttled step answers 429 with the same page whatever the account, and only a complete
sign-in clears the account's count. Flask-Limiter (`RATE_LIMITS`) adds a cheap per-address
request limit in front.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from flask import Flask, current_app, make_response, render_template, request, session
from sqlalchemy import delete, select
from werkzeug.wrappers import Response

from kiosk.extensions import db
from kiosk.keys import purpose_key
from kiosk.models import StaffSigninFailure, StaffUser
from kiosk.models.types import utcnow
from kiosk.shell.housekeeping import housekeeping_task

# Flask-Security's sign-in steps that check a secret.
GUARDED_ENDPOINTS = ("security.login", "security.two_factor_token_validation")


def account_key(email: str) -> str:
    """A keyed hash of the typed email (trimmed, case-folded): the throttle's account name."""
    key = purpose_key(current_app, "staff_signin")
    return hmac.new(key, email.strip().casefold().encode(), hashlib.sha256).hexdigest()


def window() -> timedelta:
    """How far back failures count."""
    return timedelta(minutes=int(current_app.config["STAFF_SIGNIN_WINDOW_MINUTES"]))


def seconds_blocked(email: str, address: str, now: datetime | None = None) -> int:
    """How long this account or address must wait before its next try (0: it may try now)."""
    now = now or utcnow()
    since = now - window()
    config = current_app.config
    waits = []
    for column, value, limit in (
        (StaffSigninFailure.account_key, account_key(email), config["STAFF_SIGNIN_ACCOUNT_LIMIT"]),
        (StaffSigninFailure.address, address, config["STAFF_SIGNIN_ADDRESS_LIMIT"]),
    ):
        recent = (
            select(StaffSigninFailure.occurred_at)
            .where(column == value, StaffSigninFailure.occurred_at > since)
            .order_by(StaffSigninFailure.occurred_at.desc())
            .limit(int(limit))
        )
        times = list(db.session.scalars(recent))
        if len(times) >= int(limit):
            # Free again once the oldest of the last `limit` failures leaves the window.
            waits.append((times[-1] + window() - now).total_seconds())
    return math.ceil(max(waits)) if waits else 0


def record_failure(email: str, address: str) -> None:
    """Count one failed step against the account and the address (and commit it)."""
    db.session.add(StaffSigninFailure(account_key=account_key(email), address=address))
    db.session.commit()


def forget_failures(email: str) -> None:
    """A complete sign-in: the account starts afresh (the caller commits)."""
    db.session.execute(
        delete(StaffSigninFailure).where(StaffSigninFailure.account_key == account_key(email))
    )


@housekeeping_task
def purge_old_failures(now: datetime) -> str:
    """Failures older than the window no longer count: delete them."""
    since = now - window()
    result = db.session.execute(
        delete(StaffSigninFailure).where(StaffSigninFailure.occurred_at <= since)
    )
    db.session.commit()
    return f"{getattr(result, 'rowcount', 0)} old staff sign-in failure(s) forgotten."


def attempted_email() -> str:
    """Whose secret this step checks: the typed email, or at the code step the account that
    passed the password step."""
    if request.endpoint == "security.login":
        return request.form.get("email", "")
    pending = session.get("tf_user_id")
    user = (
        db.session.scalar(select(StaffUser).where(StaffUser.fs_uniquifier == pending))
        if pending
        else None
    )
    return user.email if user is not None else ""


def step_failed(response: Response) -> bool:
    """Flask-Security shows the form again (200) when a step fails and redirects when it
    passes."""
    return not 300 <= response.status_code < 400


def throttled(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a sign-in step: refuse it while throttled, count it when it fails."""

    @wraps(view)
    def guarded_step(*args: Any, **kwargs: Any) -> Any:
        if request.method != "POST":
            return view(*args, **kwargs)
        email, address = attempted_email(), str(request.remote_addr or "")
        wait = seconds_blocked(email, address)
        if wait:
            minutes = max(1, math.ceil(wait / 60))
            page = render_template("admin/signin_throttled.html", minutes=minutes)
            response = make_response(page, 429)
            response.headers["Retry-After"] = str(wait)
            return response
        response = make_response(view(*args, **kwargs))
        if step_failed(response):
            record_failure(email, address)
        return response

    return guarded_step


def guard_signin_steps(app: Flask) -> None:
    """Throttle Flask-Security's password and code steps."""
    for endpoint in GUARDED_ENDPOINTS:
        app.view_functions[endpoint] = throttled(app.view_functions[endpoint])
