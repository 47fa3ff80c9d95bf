"""Helpers for tests that act as an enrolled kiosk."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from kiosk.devices.identity import enrol_device
from kiosk.extensions import db
from kiosk.models import Kiosk


def enrolled_kiosk_client(
    app: Flask, place: str = "main-lobby", printer_uri: str = "dummy://"
) -> FlaskClient:
    """A browser that is the kiosk standing at `place` with the given printer."""
    with app.app_context():
        kiosk = Kiosk(name=place, place=place, printer_uri=printer_uri)
        db.session.add(kiosk)
        db.session.flush()
        device_token = enrol_device(kiosk)
        db.session.commit()
    client = app.test_client()
    client.set_cookie(app.config["DEVICE_COOKIE_NAME"], device_token)
    return client
