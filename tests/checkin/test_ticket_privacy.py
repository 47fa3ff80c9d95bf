"""Tickets carry no protected health information: checked on the printer bytes of 1,000
generated patients' check-ins, half of them to a department whose name would reveal a condition
and so is shown by its neutral label only."""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.checkin.arrival import complete_check_in
from kiosk.checkin.flow import CheckinFlow
from kiosk.extensions import db
from kiosk.models import Department, Kiosk, PrintJob
from kiosk.models.types import utcnow
from kiosk.printing.preview import receipt_text
from tests.builders import add_kiosk, book_patient

PATIENTS = 1000
QR_DATA = re.compile(r"\[QR: ([^\]]*)\]")
STATUS_LINK = re.compile(r"http://localhost/t/[A-Za-z0-9_-]+")

# Names start with "Zq" so that no generated name is an ordinary word of the ticket's own text
# ("Main", "Where"); the rest is any Latin letters, accents included.
names = st.from_regex(r"Zq[a-zà-öø-ÿĀ-ž]{2,16}", fullmatch=True)
mrn_numbers = itertools.count(1)
patients = st.fixed_dictionaries(
    {
        "first_name": names,
        "last_name": names,
        "date_of_birth": st.dates(min_value=date(1920, 1, 1), max_value=date(2025, 12, 31)),
        "mrn": st.from_regex(r"MRN[0-9]{6,9}", fullmatch=True),
        "member_id": st.from_regex(r"[A-Z]{3}[0-9]{8,10}", fullmatch=True),
    }
)


# The real names of the neutral-labelled department, in the app and in the demo floorplan.
NEUTRAL_DEPARTMENT = "oncology"
NEUTRAL_LABEL = "Suite 2B"
REAL_NAMES = ("oncology", "oncología", "oncologia", "cancer", "cáncer")


def neutral_department() -> Department:
    """The demo hospital's oncology clinic, shown on tickets as "Suite 2B" (prefix S)."""
    existing = db.session.query(Department).filter_by(code=NEUTRAL_DEPARTMENT).one_or_none()
    if existing is not None:
        return existing
    department = Department(
        code=NEUTRAL_DEPARTMENT,
        names={"en": "Oncology", "es": "Oncología"},
        destination_id=NEUTRAL_DEPARTMENT,
        location_label=NEUTRAL_LABEL,
        ticket_prefix="S",
    )
    db.session.add(department)
    db.session.commit()
    return department


def phi_fragments(patient: dict[str, object]) -> list[str]:
    """Every way a ticket could leak this patient: names, birth date formats, MRN, member ID."""
    born = patient["date_of_birth"]
    assert isinstance(born, date)
    return [
        str(patient["first_name"]),
        str(patient["last_name"]),
        str(patient["mrn"]),
        str(patient["member_id"]),
        str(patient["member_id"])[-6:],
        born.isoformat(),
        born.strftime("%m/%d/%Y"),
        born.strftime("%d/%m/%Y"),
    ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@settings(
    max_examples=PATIENTS,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(patient=patients, department_code=st.sampled_from(["imaging", NEUTRAL_DEPARTMENT]))
def test_tickets_of_generated_patients_hold_none_of_their_data(
    app: Flask, database_url: str, patient: dict[str, object], department_code: str
) -> None:
    patient = {**patient, "mrn": f"{patient['mrn']}-{next(mrn_numbers)}"}
    with app.app_context():
        neutral_department()
    booked = book_patient(
        app,
        **patient,  # type: ignore[arg-type]
        starts_in_minutes=(5,),
        department_code=department_code,
    )
    with app.test_request_context():
        kiosk = db.session.query(Kiosk).filter_by(name="main-lobby").one_or_none()
        if kiosk is None:
            kiosk = add_kiosk()
        flow = CheckinFlow(
            patient_id=booked.patient_id,
            chosen_ids=list(booked.appointment_ids),
            insurance="same",
            consent_method="tap",
        )
        complete_check_in(flow, kiosk, "en", utcnow())
        job = db.session.query(PrintJob).order_by(PrintJob.id.desc()).first()
        assert job is not None
        printed = receipt_text(job.payload, job.printer_profile)
        db.session.query(PrintJob).delete()
        db.session.commit()
    # The QR code holds only the status link with its random token, which is checked by shape
    # (a random token could spell a short generated name by chance) and then set aside.
    (link,) = QR_DATA.findall(printed)
    assert STATUS_LINK.fullmatch(link), link
    words = QR_DATA.sub("", printed).casefold()
    assert re.search(r"^[rs]-\d{3,}$", words, re.MULTILINE)  # the ticket number is there
    for fragment in phi_fragments(patient):
        assert fragment.casefold() not in words, fragment
    if department_code == NEUTRAL_DEPARTMENT:
        assert NEUTRAL_LABEL.casefold() in words
        assert re.search(r"^s-\d{3,}$", words, re.MULTILINE)
    for real_name in REAL_NAMES:
        assert real_name not in words, real_name
