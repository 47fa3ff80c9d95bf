"""A department shown by a neutral label ("Suite 2B") is never named on the patient's screens:
not in the last direction of the done screen, not on the phone ticket page, in either language
(the printed ticket, maps included, is checked in test_ticket_privacy)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from kiosk.extensions import db
from kiosk.models import Department
from tests.builders import book_patient
from tests.checkin.test_ticket_privacy import NEUTRAL_LABEL, REAL_NAMES, neutral_department
from tests.flows import KioskVisit, choose_spanish

TICKET_PAGE = re.compile(r'src="(/t/[^"/]+)/qr\.svg"')


def real_names_in(text: str) -> list[str]:
    folded = text.casefold()
    return [name for name in REAL_NAMES if name in folded]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_done_screen_and_ticket_page_say_only_the_neutral_label(app: Flask, lang: str) -> None:
    with app.app_context():
        neutral_department()
    booked = book_patient(app, department_code="oncology")
    visit = KioskVisit(app)
    if lang == "es":
        choose_spanish(visit.client)
        visit.reload()
    done = visit.check_in_by_code(booked.code).get_data(as_text=True)
    assert NEUTRAL_LABEL in done and re.search(r"S-\d{3}", done)
    assert real_names_in(done) == []
    ticket_page = TICKET_PAGE.search(done)
    assert ticket_page is not None
    phone = app.test_client().get(ticket_page.group(1)).get_data(as_text=True)
    assert NEUTRAL_LABEL in phone and real_names_in(phone) == []
    with app.app_context():
        department = db.session.query(Department).filter_by(code="oncology").one()
        assert department.place_label(lang) == NEUTRAL_LABEL
