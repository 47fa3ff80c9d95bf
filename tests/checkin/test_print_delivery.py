"""The done screen tells the truth about the ticket receipt: "take your ticket" only once the
printer proved it read it, and only the checked-in patient's screen may ask."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from kiosk.checkin.flow import flow_from
from kiosk.extensions import db
from kiosk.models import CheckIn
from tests.builders import book_patient, enrolled_client
from tests.flows import KioskVisit
from tests.helpers import csrf_token_from
from tests.print_outcomes import Outcome, record_attempt

POLL_URL = re.compile(r'hx-get="(/check-in/done/print-status/(\d+))"')
POLLING = 'hx-trigger="every 1s"'
# A printer on a device file is write-only: its jobs can only ever be "sent".
WRITE_ONLY_PRINTER = "file:///dev/usb/lp0"
DELIVERY_REGION = re.compile(r'<div class="print-status" role="status".*?</div>\s*</div>', re.S)


def told(done_page: str) -> str:
    """What the done screen's print status region says (the directions may say "take")."""
    match = DELIVERY_REGION.search(done_page)
    assert match is not None, "the done screen has no print status region"
    return match.group(0)


def checked_in(
    app: Flask, lang: str = "en", printer_uri: str = "dummy://"
) -> tuple[KioskVisit, str, int]:
    """A patient checked in by code: their kiosk, the done screen and its ticket's print job."""
    patient = book_patient(app)
    visit = KioskVisit(app, client=enrolled_client(app, printer_uri=printer_uri))
    if lang != "en":
        visit.client.post("/language", data={"lang": lang, "csrf_token": visit.token})
        visit.reload()
    page = visit.check_in_by_code(patient.code).get_data(as_text=True)
    with app.app_context():
        job_id = db.session.scalar(select(CheckIn.print_job_id))
    assert job_id is not None
    return visit, page, job_id


def status(visit: KioskVisit, job_id: int) -> str:
    response = visit.client.get(
        f"/check-in/done/print-status/{job_id}", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_queued_ticket_is_printing_not_to_be_taken_and_the_screen_polls(app: Flask) -> None:
    visit, page, job_id = checked_in(app)
    assert "Printing your ticket…" in told(page) and "take" not in told(page).lower()
    match = POLL_URL.search(page)
    assert match is not None and int(match.group(2)) == job_id and POLLING in page
    assert 'role="status"' in page
    # Without JavaScript the patient reloads the done screen to check again.
    assert 'href="/check-in/done">Check the printer<' in page
    assert "Printing your ticket…" in status(visit, job_id)


@pytest.mark.parametrize(
    ("printer_uri", "outcome", "message"),
    [
        (
            "dummy://",
            Outcome.RETRY,
            "The printer is having trouble; we are trying again. You can scan the QR code"
            " meanwhile.",
        ),
        # Sent to a printer that answers status queries: its answer is still awaited.
        ("dummy://", Outcome.SENT, "Printing your ticket…"),
        (
            WRITE_ONLY_PRINTER,
            Outcome.SENT,
            "Your ticket was sent to the printer. If it does not come out, scan the QR code or"
            " ask at the desk.",
        ),
    ],
)
def test_a_ticket_not_proven_printed_is_never_to_be_taken(
    app: Flask, printer_uri: str, outcome: Outcome, message: str
) -> None:
    visit, _page, job_id = checked_in(app, printer_uri=printer_uri)
    record_attempt(app, job_id, outcome)
    done_page = visit.client.get("/check-in/done").get_data(as_text=True)
    for html in (status(visit, job_id), told(done_page)):
        assert message in html and "take" not in html.lower()


def test_a_ticket_sent_to_a_write_only_printer_is_final_and_the_screen_stops_polling(
    app: Flask,
) -> None:
    visit, _page, job_id = checked_in(app, printer_uri=WRITE_ONLY_PRINTER)
    record_attempt(app, job_id, Outcome.SENT)
    assert POLLING not in status(visit, job_id)


def test_a_printed_ticket_is_to_be_taken(app: Flask) -> None:
    visit, _page, job_id = checked_in(app)
    record_attempt(app, job_id, Outcome.PRINTED)
    polled = status(visit, job_id)
    assert "Take your ticket below." in polled and POLLING not in polled
    assert "Take your ticket below." in visit.client.get("/check-in/done").get_data(as_text=True)


def test_a_printed_ticket_in_spanish(app: Flask) -> None:
    visit, page, job_id = checked_in(app, lang="es")
    assert "Imprimiendo su boleto…" in page and "Revisar la impresora" in page
    record_attempt(app, job_id, Outcome.PRINTED)
    assert "Tome su boleto abajo." in status(visit, job_id)


def test_a_failed_ticket_is_an_alert_pointing_to_the_qr_code_and_the_desk(app: Flask) -> None:
    visit, _page, job_id = checked_in(app)
    record_attempt(app, job_id, Outcome.FAILED)
    polled = status(visit, job_id)
    assert (
        '<p class="notice notice-problem" role="alert">We could not print your ticket. Scan the'
        " QR code or ask at the front desk.</p>" in polled
    )
    assert POLLING not in polled


def test_another_session_cannot_read_the_ticket_print_status(app: Flask) -> None:
    visit, _page, job_id = checked_in(app)
    url = f"/check-in/done/print-status/{job_id}"
    next_person = visit.next_person(app)
    assert next_person.client.get(url).status_code == 404
    assert visit.client.get(f"/check-in/done/print-status/{job_id + 1}").status_code == 404
    # The next person's own check-in does not open the earlier patient's job either.
    other_patient = book_patient(app, mrn="TEST-0002", last_name="Ortiz")
    next_person.check_in_by_code(other_patient.code)
    assert next_person.client.get(url).status_code == 404
    assert visit.client.get(url).status_code == 200


def test_a_repeated_final_tap_keeps_the_ticket_print_status(app: Flask) -> None:
    visit, _page, job_id = checked_in(app)
    token = csrf_token_from(visit.client.get("/check-in/done").get_data(as_text=True))
    visit.token = token
    assert visit.post("/check-in/consent", method="tap").status_code == 303
    assert POLL_URL.search(visit.client.get("/check-in/done").get_data(as_text=True))
    assert "Printing your ticket…" in status(visit, job_id)


def test_a_done_ticket_stored_by_an_earlier_release_has_no_print_job_to_ask_about() -> None:
    flow = flow_from({"done": [[7, "ticket-token"]], "patient_id": 3})
    assert flow.done == [[7, "ticket-token", None]] and flow.print_job_ids() == set()
    assert flow_from({"done": [[7, "ticket-token", 12]]}).print_job_ids() == {12}
