"""The kiosk explains a detour: a route that goes around a closure says what is closed, until
when (the facility's time, in the person's language) and what it uses instead, on the screen,
the phone page, the receipt and a check-in ticket's directions; a destination a closure cuts
off names the closure; a neutral-labelled department is never named through a closure."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kiosk.closures.detours import element_name
from kiosk.extensions import db
from kiosk.find.phone_links import RouteKey, phone_link_for
from kiosk.floorplan import current_wayfinder
from kiosk.models import PrintJob
from kiosk.models.types import utcnow
from kiosk.printing.preview import receipt_text
from tests.builders import book_patient, enrolled_client
from tests.checkin.test_ticket_privacy import NEUTRAL_LABEL, REAL_NAMES, neutral_department
from tests.closures.builders import close_now, wait_for_new_trees, wayfinder_of
from tests.flows import KioskVisit, choose_spanish
from tests.helpers import csrf_token_from
from wayfinding import LocalizedName

DETOUR_EN = "Elevator A is closed until 4:00 PM; this route uses Stair 1."
DETOUR_ES = "El elevador A no se puede usar hasta 16:00; esta ruta usa la escalera 1."


def four_pm_today(app: Flask) -> datetime:
    """16:00 today at the facility (tests run where it is between 10:00 and 14:00)."""
    zone = ZoneInfo(app.config["FACILITY_TIMEZONE"])
    local_day = utcnow().astimezone(zone).date()
    return datetime.combine(local_day, time(16, 0), tzinfo=zone).astimezone(UTC)


def close_elevator_a_until_four(app: Flask) -> None:
    """Close Elevator A until 16:00 today and let the app serve it."""
    hours = (four_pm_today(app) - utcnow()).total_seconds() / 3600
    close_now(app, "elevators-a", hours=hours)
    assert app.test_client().get("/find/").status_code == 200
    wait_for_new_trees(wayfinder_of(app))


def page_text(client: FlaskClient, path: str) -> str:
    """The page, with the narrow spaces of times made plain."""
    return client.get(path).get_data(as_text=True).replace("\u202f", " ")


def test_the_route_screen_says_what_is_closed_until_when_and_what_it_uses(
    closures_app: Flask,
) -> None:
    close_elevator_a_until_four(closures_app)
    visitor = closures_app.test_client()
    assert DETOUR_EN in page_text(visitor, "/find/to/imaging")
    # A route the closure does not touch says nothing about it.
    assert "detour-note" not in page_text(visitor, "/find/to/emergency")
    choose_spanish(visitor)
    assert DETOUR_ES in page_text(visitor, "/find/to/imaging")


def test_without_the_closure_there_is_no_note(closures_app: Flask) -> None:
    assert "detour-note" not in page_text(closures_app.test_client(), "/find/to/imaging")


def test_a_destination_cut_off_names_the_closure(closures_app: Flask) -> None:
    close_elevator_a_until_four(closures_app)
    visitor = closures_app.test_client()
    token = csrf_token_from(page_text(visitor, "/find/"))
    visitor.post("/find/step-free", data={"step_free": "on", "csrf_token": token, "next": "/"})
    response = visitor.get("/find/to/imaging")
    assert response.status_code == 409
    assert "No step-free route while Elevator A is closed." in response.get_data(as_text=True)


def test_the_receipt_and_the_phone_page_say_it_too(closures_app: Flask) -> None:
    close_elevator_a_until_four(closures_app)
    kiosk = enrolled_client(closures_app)
    screen = page_text(kiosk, "/find/to/imaging")
    kiosk.post("/find/to/imaging/print", data={"csrf_token": csrf_token_from(screen)})
    with closures_app.app_context():
        (job,) = db.session.scalars(select(PrintJob))
    assert DETOUR_EN in " ".join(receipt_text(job.payload, job.printer_profile).split())
    # The phone page is the same route context: the note is there in the phone's language.
    phone = page_text(closures_app.test_client(), phone_path(closures_app))
    assert DETOUR_EN in phone


def phone_path(app: Flask) -> str:
    """The phone page of the main lobby's Imaging route, as its QR code links it."""
    with app.test_request_context():
        token = phone_link_for(RouteKey("main-lobby", "imaging", "standard", "en"))
        db.session.commit()
    return f"/d/{token}"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_neutral_labelled_department_is_never_named_through_a_closure(
    closures_app: Flask, lang: str
) -> None:
    with closures_app.app_context():
        neutral_department()
    close_elevator_a_until_four(closures_app)
    booked = book_patient(closures_app, department_code="oncology")
    visit = KioskVisit(closures_app)
    if lang == "es":
        choose_spanish(visit.client)
        visit.reload()
    done = visit.check_in_by_code(booked.code).get_data(as_text=True)
    assert "detour-note" in done and NEUTRAL_LABEL in done
    assert [name for name in REAL_NAMES if name in done.casefold()] == []
    with closures_app.app_context():
        (ticket,) = db.session.scalars(select(PrintJob).where(PrintJob.purpose == "ticket"))
    paper = " ".join(receipt_text(ticket.payload, ticket.printer_profile).split())
    assert ("Elevator A" if lang == "en" else "El elevador A") in paper
    assert [name for name in REAL_NAMES if name in paper.casefold()] == []
    # An element at the department's own door is called after its label, never its name.
    with closures_app.app_context():
        finder = current_wayfinder()
        route = finder.route_from_kiosk("main-lobby", "oncology").shown_as(
            LocalizedName(NEUTRAL_LABEL)
        )
        with closures_app.test_request_context():
            door = element_name(route, "main-3-north-85--main-3-oncology", lang)
    assert NEUTRAL_LABEL in door
    assert [name for name in REAL_NAMES if name in door.casefold()] == []
