"""The board shows ticket numbers and desks only: checked on every board response while 1,000
generated patients are checked in and called, half of them in a department whose real name would
reveal a condition; and text staff type (desks, labels, area titles) is shown as text, never
run as markup."""

from __future__ import annotations

import itertools
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admin.queue.actions import apply_action
from admin.queue.desk_checkin import check_in_at_desk
from kiosk.extensions import db
from kiosk.models import Department, QueueAction
from tests.admin.board.board_builders import enrol_board, poll
from tests.admin.queue.queue_builders import coordinator, queue_patient
from tests.builders import add_department, book_patient
from tests.checkin.test_ticket_privacy import (
    NEUTRAL_DEPARTMENT,
    NEUTRAL_LABEL,
    PATIENTS,
    REAL_NAMES,
    neutral_department,
    patients,
    phi_fragments,
)

mrn_numbers = itertools.count(1)
# Desks as staff name them; never a patient's data, so they may appear on the board.
desks = st.sampled_from(["Desk 1", "Desk 2", "Desk 3", "Room 12", "Window B"])
AREAS = {
    "whole-clinic": {"departments": ["imaging", NEUTRAL_DEPARTMENT], "title": {"en": "Clinic"}}
}
BOARD_PATHS = ("/board/imaging", "/board/suite-2b", "/board/whole-clinic")
boards: dict[int, dict[str, FlaskClient]] = {}


def boards_of(app: Flask) -> dict[str, FlaskClient]:
    """One enrolled board per area, made on the test's first example."""
    if id(app) not in boards:
        boards.clear()
        boards[id(app)] = {path: enrol_board(app, path.rsplit("/", 1)[1]) for path in BOARD_PATHS}
    return boards[id(app)]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@settings(
    max_examples=PATIENTS,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    patient=patients,
    department_code=st.sampled_from(["imaging", NEUTRAL_DEPARTMENT]),
    desk=desks,
)
def test_no_board_response_holds_patient_data_or_a_hidden_department_name(
    app: Flask, database_url: str, patient: dict[str, object], department_code: str, desk: str
) -> None:
    app.config["BOARD_AREAS"] = AREAS
    patient = {**patient, "mrn": f"{patient['mrn']}-{next(mrn_numbers)}"}
    with app.app_context():
        neutral_department()
        add_department("imaging")
    booked = book_patient(
        app,
        **patient,
        starts_in_minutes=(5,),
        department_code=department_code,  # type: ignore[arg-type]
    )
    with app.app_context():
        arrival = check_in_at_desk(booked.appointment_ids[0], staff_id=coordinator())
        apply_action(arrival.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination=desk)
    # The department's own board as a whole page, the shared one as the part it polls.
    own = "/board/imaging" if department_code == "imaging" else "/board/suite-2b"
    shared = "/board/whole-clinic"
    shown = "\n".join(
        [
            boards_of(app)[own].get(own).get_data(as_text=True),
            poll(boards_of(app)[shared], shared).get_data(as_text=True),
        ]
    ).casefold()
    assert arrival.ticket_label.casefold() in shown and desk.casefold() in shown
    for fragment in phi_fragments(patient):
        assert fragment.casefold() not in shown, fragment
    for real_name in REAL_NAMES:
        assert real_name not in shown, real_name
    if department_code == NEUTRAL_DEPARTMENT:
        assert NEUTRAL_LABEL.casefold() in shown


HOSTILE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def test_markup_in_desks_labels_and_area_titles_is_shown_as_text(app: Flask) -> None:
    app.config["BOARD_AREAS"] = {
        "front": {"departments": ["imaging"], "title": {"en": HOSTILE, "es": HOSTILE}}
    }
    queued = queue_patient(app)
    with app.app_context():
        department = db.session.query(Department).filter_by(code="imaging").one()
        department.location_label = "<b>Suite</b> <script>x</script>"
        db.session.commit()
        apply_action(
            queued.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination="<i>Desk</i>&3"
        )
    for area in ("front", "b-suite-b-script-x-script"):
        board = enrol_board(app, area)
        for html in (
            board.get(f"/board/{area}").get_data(as_text=True),
            poll(board, f"/board/{area}").get_data(as_text=True),
        ):
            assert "<script>" not in html and "<img src=x" not in html and "<i>Desk" not in html
            assert "&lt;i&gt;Desk&lt;/i&gt;&amp;3" in html
            assert re.search(r"<script[^>]*>[^<]", html) is None
