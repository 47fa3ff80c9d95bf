"""The route screen tells the truth about the directions receipt: "take your receipt" only once
the printer proved it read it, and only the screen that printed it may ask."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.builders import enrolled_client
from tests.flows import choose_spanish
from tests.helpers import csrf_token_from
from tests.print_outcomes import Outcome, record_attempt

POLL_URL = re.compile(r'hx-get="/find/print-status/(\d+)"')
POLLING = 'hx-trigger="every 1s"'
WRITE_ONLY_PRINTER = "file:///dev/usb/lp0"


def press_print(client: FlaskClient, htmx: bool = True) -> tuple[str, int]:
    """Tap "Print directions" on the route to Imaging: the answer and the receipt's job id."""
    page = client.get("/find/to/imaging").get_data(as_text=True)
    response = client.post(
        "/find/to/imaging/print",
        data={"csrf_token": csrf_token_from(page)},
        headers={"HX-Request": "true"} if htmx else {},
    )
    answer = response.get_data(as_text=True) if htmx else response.headers["Location"]
    match = re.search(r"print(?:-status/|_job=)(\d+)", answer)
    assert match is not None, answer
    return answer, int(match.group(1))


def status(client: FlaskClient, job_id: int) -> str:
    response = client.get(f"/find/print-status/{job_id}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_queued_receipt_is_printing_not_to_be_taken_and_the_screen_polls(app: Flask) -> None:
    kiosk = enrolled_client(app)
    answer, job_id = press_print(kiosk)
    assert "Printing your receipt…" in answer and "take" not in answer.lower()
    assert POLL_URL.search(answer) and POLLING in answer
    assert "Printing your receipt…" in status(kiosk, job_id)


def test_a_double_tap_shows_the_first_receipt_status(app: Flask) -> None:
    kiosk = enrolled_client(app)
    _answer, job_id = press_print(kiosk)
    again, same_job = press_print(kiosk)
    assert same_job == job_id and "Printing your receipt…" in again


@pytest.mark.parametrize(
    ("printer_uri", "outcome", "message"),
    [
        (
            "dummy://",
            Outcome.RETRY,
            "The printer is having trouble; we are trying again. You can scan the QR code"
            " meanwhile.",
        ),
        ("dummy://", Outcome.SENT, "Printing your receipt…"),
        (
            WRITE_ONLY_PRINTER,
            Outcome.SENT,
            "Your receipt was sent to the printer. If it does not come out, scan the QR code or"
            " ask at the desk.",
        ),
    ],
)
def test_a_receipt_not_proven_printed_is_never_to_be_taken(
    app: Flask, printer_uri: str, outcome: Outcome, message: str
) -> None:
    kiosk = enrolled_client(app, printer_uri=printer_uri)
    _answer, job_id = press_print(kiosk)
    record_attempt(app, job_id, outcome)
    polled = status(kiosk, job_id)
    assert message in polled and "take" not in polled.lower()


def test_a_receipt_sent_to_a_write_only_printer_stops_the_polling(app: Flask) -> None:
    kiosk = enrolled_client(app, printer_uri=WRITE_ONLY_PRINTER)
    _answer, job_id = press_print(kiosk)
    record_attempt(app, job_id, Outcome.SENT)
    assert POLLING not in status(kiosk, job_id)


def test_a_printed_receipt_is_to_be_taken(app: Flask) -> None:
    kiosk = enrolled_client(app)
    _answer, job_id = press_print(kiosk)
    record_attempt(app, job_id, Outcome.PRINTED)
    polled = status(kiosk, job_id)
    assert "Take your receipt below." in polled and POLLING not in polled


def test_a_printed_receipt_in_spanish(app: Flask) -> None:
    kiosk = enrolled_client(app)
    choose_spanish(kiosk)
    answer, job_id = press_print(kiosk)
    assert "Imprimiendo su recibo…" in answer and "Revisar la impresora" in answer
    record_attempt(app, job_id, Outcome.PRINTED)
    assert "Tome su recibo abajo." in status(kiosk, job_id)


def test_a_failed_receipt_is_an_alert_pointing_to_the_qr_code_and_the_desk(app: Flask) -> None:
    kiosk = enrolled_client(app)
    _answer, job_id = press_print(kiosk)
    record_attempt(app, job_id, Outcome.FAILED)
    polled = status(kiosk, job_id)
    assert (
        '<p class="notice notice-problem" role="alert">We could not print your receipt. Scan'
        " the QR code or ask at the front desk.</p>" in polled
    )
    assert POLLING not in polled


def test_without_javascript_the_route_screen_shows_the_receipt_status_and_a_check_link(
    app: Flask,
) -> None:
    kiosk = enrolled_client(app)
    location, job_id = press_print(kiosk, htmx=False)
    assert location == f"/find/to/imaging?print_job={job_id}"
    page = kiosk.get(location).get_data(as_text=True)
    region = page.split('id="print-status" role="status" aria-live="polite">', 1)[1]
    assert region.lstrip().startswith('<div class="print-delivery print-printing"')
    assert "Printing your receipt…" in region
    assert f'href="{location}">Check the printer<' in region.replace("&amp;", "&")
    record_attempt(app, job_id, Outcome.PRINTED)
    assert "Take your receipt below." in kiosk.get(location).get_data(as_text=True)


def test_another_screen_cannot_read_the_receipt_status(app: Flask) -> None:
    kiosk = enrolled_client(app)
    _answer, job_id = press_print(kiosk)
    other_kiosk = enrolled_client(app, place="east-lobby")
    assert other_kiosk.get(f"/find/print-status/{job_id}").status_code == 404
    assert app.test_client().get(f"/find/print-status/{job_id}").status_code == 404
    assert kiosk.get(f"/find/print-status/{job_id + 1}").status_code == 404
    # Nor does its route screen show another screen's receipt.
    route_screen = other_kiosk.get(f"/find/to/imaging?print_job={job_id}")
    assert route_screen.status_code == 200
    assert "print-delivery" not in route_screen.get_data(as_text=True)
