"""The staff HL7 messages screen: admins see each message's control id, outcome and, for a
refused one, the field and kind of problem in their language — never the message's content —
on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from admin.hl7.inbox import Inbox, InboxSettings
from kiosk.models import StaffRoleName
from tests.admin.hl7.samples import ANA, LIAM, adt, siu
from tests.builders import NOW, add_department
from tests.helpers import csrf_token_from
from tests.staff_signin import sign_in, staff_account

PAGE = "/staff/hl7/"


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    """A facility admin signed in, after a morning of messages: an appointment booked, one
    for a department Lobby lacks, a re-send, garbage, and an update for an unknown patient.
    (The requests run outside the set-up's app context, each with its own language.)"""
    with app.app_context():
        add_department("imaging", "R")
        inbox = Inbox(InboxSettings.from_app(app))
        for message in (
            siu("S12", "P-1"),
            siu("S12", "P-2", location="nowhere", patient=LIAM),
            siu("S12", "P-1"),
            "\x00garbage",
            adt("A31", "P-3", patient=LIAM),
        ):
            inbox.receive_message(message.encode("utf-8"), now=NOW)
    client = app.test_client()
    sign_in(client, app, staff_account(app, StaffRoleName.FACILITY_ADMIN))
    return client


def row_of(page: str, control_id: str) -> str:
    """The table row of a control id (the first, the newest)."""
    start = page.index(f'<th scope="row">{control_id}</th>')
    return page[start : page.index("</tr>", start)]


def test_admins_see_outcomes_and_problems_but_no_patient_data(admin: FlaskClient) -> None:
    response = admin.get(PAGE)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Refused (AE)" in row_of(page, "P-2")
    assert "The location is not a Lobby department · field AIL-3" in row_of(page, "P-2")
    assert "Sent again (AA)" in row_of(page, "P-1")
    assert "No patient with this MRN in Lobby; nothing to update" in row_of(page, "P-3")
    assert "None (unreadable)" in page and "The message could not be read" in page
    for patient in (ANA, LIAM):
        for value in (patient.mrn, patient.family, patient.given, patient.birth):
            assert value not in page


def test_one_list_at_a_time_and_a_wrong_list_is_a_clear_400(admin: FlaskClient) -> None:
    refused = admin.get(PAGE + "?status=rejected").get_data(as_text=True)
    assert "P-2" in refused and "None (unreadable)" in refused
    assert "P-1" not in refused and "P-3" not in refused
    wrong = admin.get(PAGE + "?status=everything")
    assert wrong.status_code == 400
    assert "There is no such list of messages." in wrong.get_data(as_text=True)


def test_the_screen_speaks_spanish(admin: FlaskClient) -> None:
    token = csrf_token_from(admin.get(PAGE).get_data(as_text=True))
    admin.post("/language", data={"lang": "es", "next": PAGE, "csrf_token": token})
    page = admin.get(PAGE).get_data(as_text=True)
    assert "<h1>Mensajes HL7</h1>" in page
    assert "Rechazado (AE)" in row_of(page, "P-2")
    assert "El lugar no es un departamento de Lobby · campo AIL-3" in row_of(page, "P-2")
