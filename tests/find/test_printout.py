"""Printing directions: the receipt's words, map and QR code, double taps and printer trouble."""

from __future__ import annotations

import io
import re

import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import PrinterState, PrinterStatus, PrintJob, PrintJobStatus
from kiosk.models.wayfinding import WayfindingEvent, WayfindingEventKind
from kiosk.printing.preview import receipt_text, render_preview
from tests.helpers import csrf_token_from
from tests.kiosk_helpers import enrolled_kiosk_client


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


def choose_spanish(client: FlaskClient) -> None:
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"lang": "es", "csrf_token": token})


def test_print_queues_one_receipt_with_the_steps_shown_on_screen(app: Flask) -> None:
    kiosk = enrolled_kiosk_client(app)
    screen = kiosk.get("/find/to/imaging").get_data(as_text=True)
    message = press_print(kiosk)
    assert "Printing your directions" in message
    (job,) = jobs(app)
    assert job.status is PrintJobStatus.QUEUED and job.purpose == "directions"
    text = receipt_text(job.payload, job.printer_profile)
    first_step = re.search(r'class="route-step [^"]*">([^<]+)<', screen).group(1)  # type: ignore[union-attr]
    assert first_step in " ".join(text.split())
    assert "Imaging" in text and "You are here: Main entrance lobby" in text
    assert "[image 576x" in text  # a map for the 80 mm paper


def test_spanish_receipt_prints_accented_steps(app: Flask) -> None:
    kiosk = enrolled_kiosk_client(app)
    choose_spanish(kiosk)
    press_print(kiosk)
    (job,) = jobs(app)
    text = " ".join(receipt_text(job.payload, job.printer_profile).split())
    assert "Usted está aquí" in text and "Escanee para ver estas indicaciones" in text
    assert "ascensor" in text.lower()


def test_receipt_qr_code_opens_the_same_route_on_a_phone(app: Flask) -> None:
    kiosk = enrolled_kiosk_client(app)
    screen = kiosk.get("/find/to/imaging").get_data(as_text=True)
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


def test_double_tap_prints_once(app: Flask) -> None:
    kiosk = enrolled_kiosk_client(app)
    press_print(kiosk)
    assert "already printing" in press_print(kiosk)
    assert len(jobs(app)) == 1


def test_print_without_javascript_returns_to_the_route_with_the_message(app: Flask) -> None:
    kiosk = enrolled_kiosk_client(app)
    press_print(kiosk, htmx=False)
    assert "Printing your directions" in kiosk.get("/find/to/imaging").get_data(as_text=True)


def test_visitor_screen_without_printer_offers_the_qr_code(app: Flask, client: FlaskClient) -> None:
    assert "This screen has no printer" in press_print(client)
    assert jobs(app) == []


def test_offline_printer_is_reported_and_nothing_is_queued(app: Flask) -> None:
    kiosk = enrolled_kiosk_client(app)
    with app.app_context():
        db.session.add(
            PrinterStatus(printer_uri="dummy://", state=PrinterState.OFFLINE, last_error="offline")
        )
        db.session.commit()
    assert "The printer is not working right now" in press_print(kiosk)
    assert jobs(app) == []


def test_hanging_network_printer_does_not_slow_the_kiosk(app: Flask) -> None:
    """The request only writes the job; the printer (a port that never answers) is not touched."""
    kiosk = enrolled_kiosk_client(app, printer_uri="network://192.0.2.1:9100")
    assert "Printing your directions" in press_print(kiosk)
    (job,) = jobs(app)
    assert job.status is PrintJobStatus.QUEUED and job.attempts == 0


def test_printing_is_counted_without_personal_data(app: Flask) -> None:
    kiosk = enrolled_kiosk_client(app)
    press_print(kiosk)
    with app.app_context():
        kinds = list(db.session.scalars(select(WayfindingEvent.kind)))
    assert kinds.count(WayfindingEventKind.ROUTE_PRINTED) == 1
