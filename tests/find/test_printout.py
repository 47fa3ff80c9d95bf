"""Printing directions: the receipt's words, map and QR code, double taps and printer trouble."""

from __future__ import annotations

import io
import json
import os
import re
import time
from pathlib import Path

import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from admin.floorplans.publishing import publish_document
from kiosk import floorplan
from kiosk.extensions import db
from kiosk.floorplan import DEMO_FLOORPLAN
from kiosk.models import PrinterState, PrinterStatus, PrintJob, PrintJobStatus
from kiosk.models.wayfinding import WayfindingEvent, WayfindingEventKind
from kiosk.printing.preview import receipt_text, render_preview
from kiosk.printing.profiles import DEFAULT_PROFILE
from tests.admin.floorplans.floorplan_documents import renamed_cafeteria
from tests.builders import elevators_closed, enrolled_client, published_off_the_request_path
from tests.find.screen_qr import phone_path_on_screen
from tests.flows import choose_spanish
from tests.helpers import csrf_token_from
from tests.printing.printing_helpers import demo_directions_receipt
from tests.spanish_glossary import words_to_avoid
from wayfinding import NoRouteError, Profile


def press_print(client: FlaskClient, destination: str = "imaging", htmx: bool = True) -> str:
    page = client.get(f"/find/to/{destination}").get_data(as_text=True)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(
        f"/find/to/{destination}/print",
        data={"csrf_token": csrf_token_from(page)},
        headers=headers,
    )
    assert response.status_code in (200, 303)
    return response.get_data(as_text=True)


def jobs(app: Flask) -> list[PrintJob]:
    with app.app_context():
        return list(db.session.scalars(select(PrintJob).order_by(PrintJob.id)))


def test_print_queues_one_receipt_with_the_steps_shown_on_screen(app: Flask) -> None:
    kiosk = enrolled_client(app)
    screen = kiosk.get("/find/to/imaging").get_data(as_text=True)
    message = press_print(kiosk)
    assert "Printing your receipt…" in message
    (job,) = jobs(app)
    assert job.status is PrintJobStatus.QUEUED and job.purpose == "directions"
    text = receipt_text(job.payload, job.printer_profile)
    first_step = re.search(r'class="route-step [^"]*">([^<]+)<', screen).group(1)  # type: ignore[union-attr]
    assert first_step in " ".join(text.split())
    assert "Imaging" in text and "You are here: Main entrance lobby" in text
    assert "[image 576x" in text  # a map for the 80 mm paper


def test_spanish_receipt_prints_accented_steps(app: Flask) -> None:
    kiosk = enrolled_client(app)
    choose_spanish(kiosk)
    press_print(kiosk)
    (job,) = jobs(app)
    text = " ".join(receipt_text(job.payload, job.printer_profile).split())
    assert "Usted está aquí" in text and "Escanee para ver estas indicaciones" in text
    assert "elevador" in text.lower()


def test_receipt_qr_code_opens_the_same_route_on_a_phone(app: Flask) -> None:
    kiosk = enrolled_client(app)
    # The route screen shows one floor at a time; "Next" (?floor=2) turns to the following one.
    screen = "".join(
        kiosk.get(f"/find/to/imaging?floor={number}").get_data(as_text=True) for number in (1, 2)
    )
    press_print(kiosk)
    (job,) = jobs(app)
    preview = render_preview(job.payload, job.printer_profile)
    png = io.BytesIO()
    preview.save(png, format="PNG")
    decoded = [r.text for r in zxingcpp.read_barcodes(preview.convert("L"))]
    assert len(decoded) == 1 and "/d/" in decoded[0]
    phone = app.test_client().get(decoded[0].split("localhost", 1)[-1])
    assert phone.status_code == 200
    steps_on_screen = re.findall(r'class="route-step [^"]*">([^<]+)<', screen)
    steps_on_phone = re.findall(r'class="route-step [^"]*">([^<]+)<', phone.get_data(as_text=True))
    assert steps_on_phone == steps_on_screen
    # The paper and the screen hand out the same shared link.
    assert decoded[0].split("localhost", 1)[-1] == phone_path_on_screen(kiosk)


def test_double_tap_prints_once(app: Flask) -> None:
    kiosk = enrolled_client(app)
    press_print(kiosk)
    assert "Printing your receipt…" in press_print(kiosk)
    assert len(jobs(app)) == 1


def test_print_without_javascript_returns_to_the_route_with_the_message(app: Flask) -> None:
    kiosk = enrolled_client(app)
    press_print(kiosk, htmx=False)
    (job,) = jobs(app)
    route_screen = kiosk.get(f"/find/to/imaging?print_job={job.id}")
    assert "Printing your receipt…" in route_screen.get_data(as_text=True)


def test_visitor_screen_without_printer_offers_the_qr_code(app: Flask, client: FlaskClient) -> None:
    assert "This screen has no printer" in press_print(client)
    assert jobs(app) == []


def test_offline_printer_is_reported_and_nothing_is_queued(app: Flask) -> None:
    kiosk = enrolled_client(app)
    with app.app_context():
        db.session.add(
            PrinterStatus(printer_uri="dummy://", state=PrinterState.OFFLINE, last_error="offline")
        )
        db.session.commit()
    assert "The printer is not working right now" in press_print(kiosk)
    assert jobs(app) == []


def test_hanging_network_printer_does_not_slow_the_kiosk(app: Flask) -> None:
    """The request only writes the job; the printer (a port that never answers) is not touched."""
    kiosk = enrolled_client(app, printer_uri="network://192.0.2.1:9100")
    assert "Printing your receipt…" in press_print(kiosk)
    (job,) = jobs(app)
    assert job.status is PrintJobStatus.QUEUED and job.attempts == 0


def test_printing_is_counted_without_personal_data(app: Flask) -> None:
    kiosk = enrolled_client(app)
    press_print(kiosk)
    with app.app_context():
        kinds = list(db.session.scalars(select(WayfindingEvent.kind)))
    assert kinds.count(WayfindingEventKind.ROUTE_PRINTED) == 1


def test_htmx_print_of_an_unknown_place_says_so_in_the_status_area_with_404(app: Flask) -> None:
    kiosk = enrolled_client(app)
    token = csrf_token_from(kiosk.get("/find/to/imaging").get_data(as_text=True))
    response = kiosk.post(
        "/find/to/no-such-place/print", data={"csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "<html" not in body and "<h1" not in body
    assert "We don't know that place" in body
    assert jobs(app) == []


def test_htmx_print_of_a_route_closed_since_the_screen_says_why_with_409(
    app: Flask, tmp_path: Path
) -> None:
    plan_path = tmp_path / "plan.json"
    plan = json.loads(DEMO_FLOORPLAN.read_text())
    plan_path.write_text(json.dumps(plan))
    app.config["FLOORPLAN_PATH"] = str(plan_path)
    kiosk = enrolled_client(app)
    screen = kiosk.get("/find/to/imaging").get_data(as_text=True)
    kiosk.post(
        "/find/step-free",
        data={"step_free": "on", "next": "/find/to/imaging", "csrf_token": csrf_token_from(screen)},
    )
    plan_path.write_text(json.dumps(elevators_closed(plan)))
    os.utime(plan_path, ns=(time.time_ns(), time.time_ns() + 1_000_000_000))
    published_off_the_request_path(app)
    response = kiosk.post(
        "/find/to/imaging/print",
        data={"csrf_token": csrf_token_from(screen)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert "No step-free route while Elevator" in body and "ask at the front desk" in body
    assert jobs(app) == []


def test_print_problem_without_javascript_is_the_whole_page_with_its_status(app: Flask) -> None:
    kiosk = enrolled_client(app)
    token = csrf_token_from(kiosk.get("/find/to/imaging").get_data(as_text=True))
    response = kiosk.post("/find/to/no-such-place/print", data={"csrf_token": token})
    assert response.status_code == 404
    assert "<html" in response.get_data(as_text=True)


def test_print_form_lets_problem_answers_into_its_status_area(client: FlaskClient) -> None:
    """htmx 2 swaps no 4xx: the form opts in, and kiosk.js swaps 404/409 for such forms (the
    Chromium test in tests/e2e/test_find_problems_e2e.py shows it on screen)."""
    screen = client.get("/find/to/imaging").get_data(as_text=True)
    form = screen.split('action="/find/to/imaging/print"')[1].split(">")[0]
    assert 'hx-target="#print-status"' in form and "data-show-problems" in form


def test_spanish_receipt_counts_floor_changes_in_pisos_as_us_spanish_says(app: Flask) -> None:
    """docs/spanish-glossary.md: a floor is a "piso", never Spain's "planta"."""
    kiosk = enrolled_client(app)
    choose_spanish(kiosk)
    press_print(kiosk, destination="laboratory")
    (job,) = jobs(app)
    text = " ".join(receipt_text(job.payload, job.printer_profile).split())
    assert "1 cambio de piso" in text and "cambio de planta" not in text


def test_every_spanish_demo_receipt_says_what_us_spanish_says(app: Flask) -> None:
    """Names from the floorplan and the receipt's own words both reach the paper; neither may
    use a word docs/spanish-glossary.md rules out ("ascensor", "planta", "aparcamiento" ...)."""
    with app.app_context():
        destinations = [
            destination.id
            for destination in floorplan.current_wayfinder().floorplan.destinations.values()
            if destination.is_public
        ]
    avoided: dict[str, set[tuple[str, str]]] = {}
    for destination in destinations:
        for route_profile in Profile:
            try:
                payload, _ = demo_directions_receipt(
                    app, destination, "es", DEFAULT_PROFILE, route_profile
                )
            except NoRouteError:
                continue
            text = " ".join(receipt_text(payload, DEFAULT_PROFILE).split())
            if found := words_to_avoid(text):
                avoided.setdefault(destination, set()).update(found)
    assert avoided == {}


def test_a_receipt_names_the_stored_floorplan_version_it_was_routed_on(app: Flask) -> None:
    kiosk = enrolled_client(app)
    with app.app_context():
        publish_document(
            renamed_cafeteria(), staff_id=None, note="", origin="editor", expected_live=None
        )
    published_off_the_request_path(app)
    press_print(kiosk)
    (job,) = jobs(app)
    assert "floorplan 2025.2 v2" in " ".join(receipt_text(job.payload, job.printer_profile).split())
