"""Kiosk identity: one-time enrolment links and the long-lived device cookie.

Every request learns which kiosk it comes from (`g.kiosk`), which later drives "you are here",
the printer and per-kiosk rate limits. A browser without a valid device cookie is a plain
visitor screen (`g.kiosk is None`), which must keep working.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, g, request
from flask_babel import get_locale
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.floorplan import place_of
from kiosk.models import Kiosk
from kiosk.models.types import utcnow
from kiosk.tokens import new_token, token_hash

# Writing last_seen_at on every request would turn each tap into a database write.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def issue_enrolment_token(kiosk: Kiosk, valid_for: timedelta) -> str:
    """Give `kiosk` a fresh one-time enrolment token and return it (the caller commits).

    Any earlier unused link for this kiosk stops working.
    """
    token = new_token(24)
    kiosk.enrolment_token_hash = token_hash(token)
    kiosk.enrolment_expires_at = utcnow() + valid_for
    return token


def find_kiosk_by_enrolment_token(token: str) -> Kiosk | None:
    """The kiosk an unexpired, unused enrolment token belongs to."""
    kiosk: Kiosk | None = db.session.scalar(
        select(Kiosk).where(Kiosk.enrolment_token_hash == token_hash(token))
    )
    if kiosk is None or kiosk.enrolment_expires_at is None:
        return None
    if kiosk.enrolment_expires_at <= utcnow():
        return None
    return kiosk


def enrol_device(kiosk: Kiosk) -> str:
    """Spend the kiosk's enrolment link and return the new device token (the caller commits).

    A previously enrolled browser loses the identity: one kiosk, one screen.
    """
    device_token = new_token(32)
    kiosk.device_token_hash = token_hash(device_token)
    kiosk.enrolment_token_hash = None
    kiosk.enrolment_expires_at = None
    kiosk.enrolled_at = utcnow()
    return device_token


def identify_kiosk() -> None:
    """`before_request` hook: set `g.kiosk` from the device cookie, if it is a valid one."""
    g.kiosk = None
    device_token = request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"])
    if not device_token or request.endpoint == "static":
        return
    kiosk = db.session.scalar(
        select(Kiosk).where(Kiosk.device_token_hash == token_hash(device_token))
    )
    if kiosk is None:
        return
    now = utcnow()
    if kiosk.last_seen_at is None or now - kiosk.last_seen_at > LAST_SEEN_RESOLUTION:
        kiosk.last_seen_at = now
        db.session.commit()
    g.kiosk = kiosk


def kiosk_context() -> dict[str, object]:
    """Templates know whether this screen is a kiosk, and where it stands in the person's
    language ("Main entrance lobby"): patients see the place's name, never the device's
    internal name ("main-lobby"), which staff find with `flask kiosk list`."""
    device = g.get("kiosk")
    place_name = place_of(device).name.in_language(str(get_locale())) if device else ""
    return {"kiosk": device, "kiosk_place_name": place_name}


def init_app(app: Flask) -> None:
    """Identify the kiosk before every request."""
    app.before_request(identify_kiosk)
    app.context_processor(kiosk_context)
