"""Device identity: one-time enrolment links and the long-lived device cookies.

Every request learns which kiosk it comes from (`g.kiosk`), which later drives "you are here",
the printer and per-kiosk rate limits. A browser without a valid device cookie is a plain
visitor screen (`g.kiosk is None`), which must keep working.

Waiting-room boards enrol the same way but carry their own cookie (`BOARD_COOKIE_NAME`), read
only by the board's pages: a board's identity never makes a browser a kiosk.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, g, request
from flask_babel import get_locale
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.floorplan import place_of
from kiosk.models import Board, EnrolledDevice, Kiosk
from kiosk.models.types import utcnow
from kiosk.tokens import new_token, token_hash

# Writing last_seen_at on every request would turn each tap into a database write.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def issue_enrolment_token(device: EnrolledDevice, valid_for: timedelta) -> str:
    """Give the kiosk or board a fresh one-time enrolment token and return it (the caller
    commits).

    Any earlier unused link for this device stops working.
    """
    token = new_token(24)
    device.enrolment_token_hash = token_hash(token)
    device.enrolment_expires_at = utcnow() + valid_for
    return token


def find_kiosk_by_enrolment_token(token: str) -> Kiosk | None:
    """The kiosk an unexpired, unused enrolment token belongs to."""
    found = find_device_by_enrolment_token(token)
    return found if isinstance(found, Kiosk) else None


def find_device_by_enrolment_token(token: str) -> Kiosk | Board | None:
    """The kiosk or board an unexpired, unused enrolment token belongs to."""
    stored = token_hash(token)
    device: Kiosk | Board | None = db.session.scalar(
        select(Kiosk).where(Kiosk.enrolment_token_hash == stored)
    ) or db.session.scalar(select(Board).where(Board.enrolment_token_hash == stored))
    if device is None or device.enrolment_expires_at is None:
        return None
    if device.enrolment_expires_at <= utcnow():
        return None
    return device


def enrol_device(device: EnrolledDevice) -> str:
    """Spend the device's enrolment link and return the new device token (the caller commits).

    A previously enrolled browser loses the identity: one device, one screen.
    """
    device_token = new_token(32)
    device.device_token_hash = token_hash(device_token)
    device.enrolment_token_hash = None
    device.enrolment_expires_at = None
    device.enrolled_at = utcnow()
    return device_token


def note_last_seen(device: EnrolledDevice) -> None:
    """Record that the device was seen now, at most once per `LAST_SEEN_RESOLUTION` (commits)."""
    now = utcnow()
    if device.last_seen_at is None or now - device.last_seen_at > LAST_SEEN_RESOLUTION:
        device.last_seen_at = now
        db.session.commit()


def cookie_name(device: EnrolledDevice) -> str:
    """The cookie that carries this kind of device's token."""
    key = "BOARD_COOKIE_NAME" if isinstance(device, Board) else "DEVICE_COOKIE_NAME"
    return str(current_app.config[key])


def current_board() -> Board | None:
    """The enrolled board this browser is, from its board cookie (None for any other browser);
    notes that the board was seen."""
    device_token = request.cookies.get(current_app.config["BOARD_COOKIE_NAME"])
    if not device_token:
        return None
    board = db.session.scalar(
        select(Board).where(Board.device_token_hash == token_hash(device_token))
    )
    if board is not None:
        note_last_seen(board)
    return board


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
    note_last_seen(kiosk)
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
