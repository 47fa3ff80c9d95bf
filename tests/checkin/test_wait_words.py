"""The wait is said the way a person says it: nobody ahead is "You're next.", not "0 people are
waiting before you · about 0 minutes", on the screen, the phone and the paper ticket."""

from __future__ import annotations

import html
import re

from flask import Flask
from sqlalchemy import select

from kiosk.checkin.tickets import wait_in_words
from kiosk.extensions import db
from kiosk.models import PrintJob
from kiosk.printing.preview import receipt_text
from tests.builders import book_patient
from tests.flows import KioskVisit

TICKET_PAGE = re.compile(r'src="(/t/[^"/]+)/qr\.svg"')


def test_wait_words(app: Flask) -> None:
    with app.test_request_context():
        assert wait_in_words(0, 0) == "You're next."
        assert wait_in_words(1, 5) == "1 person is waiting before you · about 5 minutes"
        assert wait_in_words(2, 1) == "2 people are waiting before you · about 1 minute"


def test_the_first_patient_is_told_they_are_next_everywhere(app: Flask) -> None:
    booked = book_patient(app)
    done = html.unescape(KioskVisit(app).check_in_by_code(booked.code).get_data(as_text=True))
    assert "You're next." in done and "0 people" not in done and "0 minutes" not in done
    ticket_page = TICKET_PAGE.search(done)
    assert ticket_page is not None
    phone = html.unescape(app.test_client().get(ticket_page.group(1)).get_data(as_text=True))
    assert "You're next." in phone and "0 people" not in phone
    with app.app_context():
        (job,) = db.session.scalars(select(PrintJob)).all()
        assert job.payload is not None
        paper = receipt_text(job.payload, job.printer_profile)
    assert "You're next." in paper and "about 0 minutes" not in paper
