"""Synthetic patients, appointments and a kiosk that walks through check-in, for tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from kiosk.extensions import db
from kiosk.models import Department, InsuranceCoverage
from kiosk.models.types import utcnow
from tests.checkin.checkin_helpers import add_patient, book
from tests.helpers import csrf_token_from
from tests.kiosk_helpers import enrolled_kiosk_client


@dataclass(frozen=True)
class BookedPatient:
    """What a test knows about a patient it booked: enough to check in and to look for PHI."""

    patient_id: int
    appointment_ids: tuple[int, ...]
    code: str
    first_name: str
    last_name: str
    date_of_birth: date
    mrn: str
    member_id: str


def department(
    code: str = "imaging", destination: str = "imaging", prefix: str = "R"
) -> Department:
    """A department linked to a demo destination, with arrival notes (inside an app context)."""
    existing: Department | None = db.session.query(Department).filter_by(code=code).one_or_none()
    if existing is not None:
        return existing
    row = Department(
        code=code,
        names={"en": code.title(), "es": code.title()},
        destination_id=destination,
        location_label="",
        arrival_notes={"en": "Please bring your referral.", "es": "Traiga su volante."},
        ticket_prefix=prefix,
    )
    db.session.add(row)
    db.session.flush()
    return row


def book_patient(
    app: Flask,
    *,
    first_name: str = "Ana",
    last_name: str = "Núñez",
    date_of_birth: date = date(1984, 3, 12),
    mrn: str = "TEST-0001",
    phone: str = "5550100101",
    member_id: str = "XKZ123456789",
    starts_in_minutes: tuple[int, ...] = (10,),
    department_code: str = "imaging",
) -> BookedPatient:
    """A patient with insurance on file and appointments starting in the given minutes."""
    with app.app_context():
        where = department(department_code, department_code)
        patient = add_patient(
            first_name,
            last_name,
            date_of_birth,
            mrn=mrn,
            phone=phone,
            address="1 Synthetic Street",
        )
        db.session.add(
            InsuranceCoverage(patient_id=patient.id, payer="Example Health", member_id=member_id)
        )
        booked = [
            book(patient, where, utcnow() + timedelta(minutes=minutes), code_issued_at=utcnow())
            for minutes in starts_in_minutes
        ]
        return BookedPatient(
            patient.id,
            tuple(appointment_id for appointment_id, _code in booked),
            booked[0][1],
            first_name,
            last_name,
            date_of_birth,
            mrn,
            member_id,
        )


class KioskVisit:
    """One person at an enrolled kiosk, answering the check-in screens."""

    def __init__(self, app: Flask, place: str = "main-lobby", client: FlaskClient | None = None):
        self.client: FlaskClient = client or enrolled_kiosk_client(app, place)
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


TICKET_LABEL = re.compile(r'class="ticket-number"[^>]*>([A-Z]-\d{3})<')


def ticket_labels(html: str) -> list[str]:
    """Ticket numbers on a done screen."""
    return TICKET_LABEL.findall(html)
