"""One key per purpose: rotating the CSRF key leaves appointment codes working, rotating the
appointment-code key leaves forms working, and neither is the secret key itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import create_app
from kiosk.extensions import db
from kiosk.keys import PURPOSES, purpose_key
from tests.builders import book_patient
from tests.flows import KioskVisit
from tests.helpers import app_config, csrf_token_from


@contextmanager
def same_site_with(app: Flask, **config: object) -> Iterator[Flask]:
    """The same installation (database, secret key) restarted with other settings."""
    restarted = create_app(app_config(app.config["SQLALCHEMY_DATABASE_URI"], **config))
    try:
        yield restarted
    finally:
        with restarted.app_context():
            db.session.remove()
            db.engine.dispose()


def same_browser(app: Flask, visit: KioskVisit) -> FlaskClient:
    """The kiosk's browser talking to `app` (its device and session cookies)."""
    client = app.test_client()
    for name in ("lobby_session", app.config["DEVICE_COOKIE_NAME"]):
        cookie = visit.client.get_cookie(name)
        if cookie is not None:
            client.set_cookie(name, cookie.value)
    return client


def test_every_purpose_has_its_own_key_none_of_them_the_secret_key(app: Flask) -> None:
    keys = {purpose: purpose_key(app, purpose) for purpose in PURPOSES}
    assert len(set(keys.values())) == len(PURPOSES)
    assert all(len(key) == 32 for key in keys.values())
    assert app.config["SECRET_KEY"].encode() not in keys.values()
    assert app.config["WTF_CSRF_SECRET_KEY"] == keys["csrf"]
    with pytest.raises(ValueError, match="no key purpose"):
        purpose_key(app, "csfr")


def test_rotating_the_csrf_key_keeps_appointment_codes_working(app: Flask) -> None:
    booked = book_patient(app)
    visit = KioskVisit(app)
    with same_site_with(app, KEY_VERSIONS={"csrf": 2}) as rotated:
        browser = same_browser(rotated, visit)
        stale = browser.post("/check-in/code", data={"csrf_token": visit.token, "code": "x"})
        assert stale.status_code == 400  # a form from before the rotation is refused
        fresh = csrf_token_from(browser.get("/check-in/code").get_data(as_text=True))
        found = browser.post("/check-in/code", data={"csrf_token": fresh, "code": booked.code})
        assert (found.status_code, found.headers["Location"]) == (303, "/check-in/confirm")


def test_rotating_the_code_key_retires_codes_but_keeps_forms_working(app: Flask) -> None:
    booked = book_patient(app)
    visit = KioskVisit(app)
    with same_site_with(app, KEY_VERSIONS={"appointment_code": 2}) as rotated:
        browser = same_browser(rotated, visit)
        answer = browser.post(
            "/check-in/code", data={"csrf_token": visit.token, "code": booked.code}
        )
        assert answer.status_code == 422  # the form was accepted; the old code no longer is
        assert "We could not check you in here" in answer.get_data(as_text=True)
