"""What a person does at a kiosk, step by step through the screens: choosing Spanish, walking
through check-in, reading the tickets on the done screen.

Tests share these so that each checks its own outcome rather than re-typing the same taps, and a
change to a screen's form is made in one place.
"""

from __future__ import annotations

import re
from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from tests.builders import enrolled_client
from tests.helpers import csrf_token_from

TICKET_LABEL = re.compile(r'class="ticket-number"[^>]*>([A-Z]-\d{3})<')


def choose_spanish(client: FlaskClient) -> None:
    """Tap "Español" on the home screen, as a Spanish-speaking person does first."""
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"lang": "es", "csrf_token": token})


def ticket_labels(html: str) -> list[str]:
    """Ticket numbers on a done screen."""
    return TICKET_LABEL.findall(html)


class KioskVisit:
    """One person at an enrolled kiosk, answering the check-in screens."""

    def __init__(self, app: Flask, place: str = "main-lobby", client: FlaskClient | None = None):
        self.client: FlaskClient = client or enrolled_client(app, place)
        self.token = csrf_token_from(self.client.get("/check-in/").get_data(as_text=True))

    def reload(self) -> None:
        """Load the first screen again, as the screen does after a reset (a fresh form token)."""
        self.token = csrf_token_from(self.client.get("/check-in/").get_data(as_text=True))

    def next_person(self, app: Flask) -> KioskVisit:
        """The same kiosk after a reset: a new session for the next person in line."""
        client = app.test_client()
        device = self.client.get_cookie(app.config["DEVICE_COOKIE_NAME"])
        assert device is not None
        client.set_cookie(app.config["DEVICE_COOKIE_NAME"], device.value)
        return KioskVisit(app, client=client)

    def post(self, path: str, **data: object) -> TestResponse:
        """Submit a form as the browser does (multipart, so files can go along).

        The body is encoded in memory: Werkzeug's test client would spool a large one to a
        temporary file that it never closes.
        """
        fields = {
            name: FileStorage(stream=value[0], filename=value[1])
            if isinstance(value, tuple)
            else value
            for name, value in {"csrf_token": self.token, **data}.items()
        }
        boundary, body = encode_multipart(fields)
        return self.client.post(
            path, data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )

    def identify_by_code(self, code: str) -> TestResponse:
        return self.post("/check-in/code", code=code)

    def identify_by_name(self, last_name: str, born: date) -> TestResponse:
        self.post("/check-in/name", last_name=last_name)
        return self.post(
            "/check-in/birth-date", day=str(born.day), month=str(born.month), year=str(born.year)
        )

    def answer_through_to_consent(self, insurance: str = "same") -> None:
        """Confirm, keep the phone, choose insurance: the state before the last tap."""
        assert self.post("/check-in/confirm", answer="yes").status_code == 303
        assert self.post("/check-in/contact", answer="yes").status_code == 303
        assert self.post("/check-in/insurance", choice=insurance).status_code == 303

    def check_in_by_code(self, code: str) -> TestResponse:
        """The whole flow with insurance on file and a tap to agree; returns the done page."""
        assert self.identify_by_code(code).status_code == 303
        self.answer_through_to_consent()
        finished = self.post("/check-in/consent", method="tap")
        assert finished.status_code == 303, finished.get_data(as_text=True)
        return self.client.get("/check-in/done")
