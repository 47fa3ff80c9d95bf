"""A patient who needs a route without stairs gets it on their ticket: the session's step-free
choice carries into check-in, check-in asks once where it matters, and the done screen's switch
prints the ticket again the other way. Printed bytes are checked, as the paper shows them."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import CheckIn, PrintJob
from kiosk.printing.preview import receipt_text
from tests.builders import book_patient
from tests.flows import KioskVisit

# From the main lobby the standard way to the laboratory takes the up escalator; the way to
# imaging takes Elevator A whichever profile (the demo hospital).
NOT_STEP_FREE = re.compile(r"escalator|stair", re.IGNORECASE)


def printed_tickets(app: Flask) -> list[str]:
    """The text of every ticket receipt queued so far, oldest first."""
    with app.app_context():
        jobs = db.session.scalars(select(PrintJob).order_by(PrintJob.id)).all()
        return [receipt_text(job.payload, job.printer_profile) for job in jobs]


def screen_directions(html: str) -> str:
    """The directions a done screen shows (its ordered steps), without the switch's hint."""
    return "\n".join(re.findall(r'<ol class="route-steps">(.*?)</ol>', html, re.DOTALL))


def check_in_answering(visit: KioskVisit, code: str, needs_step_free: str | None) -> None:
    """Check in by code; answer the stairs question when it is asked (and it must be asked
    exactly when `needs_step_free` is given)."""
    assert visit.identify_by_code(code).status_code == 303
    confirmed = visit.post("/check-in/confirm", answer="yes")
    if needs_step_free is None:
        assert confirmed.headers["Location"] == "/check-in/contact"
    else:
        assert confirmed.headers["Location"] == "/check-in/route"
        question = visit.client.get("/check-in/route").get_data(as_text=True)
        assert "Do you need a route without stairs?" in question
        answered = visit.post("/check-in/route", answer=needs_step_free)
        assert answered.headers["Location"] == "/check-in/contact"
    assert visit.post("/check-in/contact", answer="yes").status_code == 303
    assert visit.post("/check-in/insurance", choice="same").status_code == 303
    assert visit.post("/check-in/consent", method="tap").status_code == 303


def test_a_patient_who_needs_no_stairs_gets_a_step_free_ticket(app: Flask) -> None:
    booked = book_patient(app, department_code="laboratory")
    visit = KioskVisit(app)
    check_in_answering(visit, booked.code, needs_step_free="yes")
    [ticket] = printed_tickets(app)
    assert "Where to go" in ticket and "Elevator" in ticket
    assert not NOT_STEP_FREE.search(ticket), ticket
    done = visit.client.get("/check-in/done").get_data(as_text=True)
    directions = screen_directions(done)
    assert "Step-free route: on" in done and "Elevator" in directions
    assert not NOT_STEP_FREE.search(directions), directions


def test_a_patient_for_whom_stairs_are_fine_gets_the_standard_way(app: Flask) -> None:
    booked = book_patient(app, department_code="laboratory")
    check_in_answering(KioskVisit(app), booked.code, needs_step_free="no")
    [ticket] = printed_tickets(app)
    assert "escalator" in ticket


def test_the_step_free_choice_made_on_the_find_screens_carries_into_check_in(app: Flask) -> None:
    booked = book_patient(app, department_code="laboratory")
    visit = KioskVisit(app)
    visit.post("/find/step-free", step_free="on", next="/find/")
    check_in_answering(visit, booked.code, needs_step_free=None)  # not asked again
    [ticket] = printed_tickets(app)
    assert not NOT_STEP_FREE.search(ticket), ticket


def test_nobody_is_asked_about_stairs_when_the_way_is_the_same(app: Flask) -> None:
    booked = book_patient(app, department_code="imaging")
    check_in_answering(KioskVisit(app), booked.code, needs_step_free=None)
    [ticket] = printed_tickets(app)
    assert "Elevator A" in ticket


def test_switching_step_free_on_after_check_in_prints_the_ticket_again_that_way(
    app: Flask,
) -> None:
    booked = book_patient(app, department_code="laboratory")
    visit = KioskVisit(app)
    check_in_answering(visit, booked.code, needs_step_free="no")
    before = visit.client.get("/check-in/done").get_data(as_text=True)
    assert "Step-free route: off" in before and "escalator" in screen_directions(before)
    for _tap in range(2):  # a double tap prints once
        switched = visit.post("/check-in/done/step-free", step_free="on")
        assert switched.headers["Location"] == "/check-in/done"
    standard, step_free = printed_tickets(app)
    assert "escalator" in standard and not NOT_STEP_FREE.search(step_free), step_free
    assert "R-001" in standard and "R-001" in step_free  # the same ticket, printed again
    after = visit.client.get("/check-in/done").get_data(as_text=True)
    assert "Step-free route: on" in after
    assert not NOT_STEP_FREE.search(screen_directions(after))
    with app.app_context():
        check_in = db.session.scalar(select(CheckIn))
        newest = db.session.scalar(select(PrintJob.id).order_by(PrintJob.id.desc()))
        assert check_in is not None and check_in.print_job_id == newest
    # The done screen follows the new receipt's printing, and only this session's jobs.
    assert visit.client.get(f"/check-in/done/print-status/{newest}").status_code == 200


def test_a_walk_in_gets_step_free_directions_when_the_session_chose_them(app: Flask) -> None:
    book_patient(app, department_code="laboratory")  # creates the department
    visit = KioskVisit(app)
    visit.post("/find/step-free", step_free="on", next="/find/")
    visit.post("/check-in/walk-in", first_name="Sam", last_name="Walker")
    visit.post("/check-in/walk-in/birth-date", day="2", month="2", year="1990")
    assert visit.post("/check-in/walk-in/department", department="laboratory").status_code == 303
    [ticket] = printed_tickets(app)
    assert "Elevator" in ticket and not NOT_STEP_FREE.search(ticket), ticket


def test_the_switch_after_check_in_needs_a_finished_check_in(app: Flask) -> None:
    visit = KioskVisit(app)
    refused = visit.post("/check-in/done/step-free", step_free="on")
    assert refused.headers["Location"] == "/check-in/"
    assert printed_tickets(app) == []


def test_a_walk_in_is_asked_once_about_stairs_where_the_way_differs(app: Flask) -> None:
    book_patient(app, department_code="laboratory")  # creates the department
    visit = KioskVisit(app)
    visit.post("/check-in/walk-in", first_name="Sam", last_name="Walker")
    visit.post("/check-in/walk-in/birth-date", day="2", month="2", year="1990")
    asked = visit.post("/check-in/walk-in/department", department="laboratory")
    assert asked.headers["Location"] == "/check-in/walk-in/route"
    question = visit.client.get("/check-in/walk-in/route").get_data(as_text=True)
    assert "Do you need a route without stairs?" in question
    assert printed_tickets(app) == []  # nothing registered before the answer
    for _tap in range(2):  # a double tap registers once
        answered = visit.post("/check-in/walk-in/route", answer="yes")
        assert answered.headers["Location"] == "/check-in/done"
    [ticket] = printed_tickets(app)
    assert "Elevator" in ticket and not NOT_STEP_FREE.search(ticket), ticket
    with app.app_context():
        assert len(db.session.scalars(select(CheckIn)).all()) == 1


def test_a_walk_in_to_a_place_with_one_way_is_not_asked(app: Flask) -> None:
    book_patient(app, department_code="imaging")
    visit = KioskVisit(app)
    visit.post("/check-in/walk-in", first_name="Sam", last_name="Walker")
    visit.post("/check-in/walk-in/birth-date", day="2", month="2", year="1990")
    done = visit.post("/check-in/walk-in/department", department="imaging")
    assert done.headers["Location"] == "/check-in/done"
    assert visit.client.get("/check-in/walk-in/route").headers["Location"] == "/check-in/done"
