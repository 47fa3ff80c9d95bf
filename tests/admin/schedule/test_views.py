"""The staff Schedule page: an admin uploads a CSV or FHIR file (a real multipart form with
CSRF), sees the counts and every row not imported in their language, and downloads the new
codes once from the result page; bad uploads get a 4xx with a message and import nothing."""

from __future__ import annotations

import base64
import csv
import io
import re
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from admin.schedule import store
from admin.schedule.entries import ScheduledPatient
from kiosk.checkin.identity import identify_by_code
from kiosk.extensions import db
from kiosk.models import Appointment, StaffRoleName
from kiosk.models.types import utcnow
from tests.admin.schedule.schedule_builders import (
    SCHEDULE,
    fhir_appointment,
    fhir_bundle,
    fhir_patient,
    rival_creates_first,
)
from tests.builders import audit_events
from tests.helpers import csrf_token_from
from tests.staff_signin import sign_in, staff_account

HEADER = "appointment_id,mrn,first_name,last_name,date_of_birth,start,department\n"
CODES_LINK = re.compile(r'href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)" download')


def upload(client: FlaskClient, data: bytes, filename: str, **form: str) -> tuple[int, str]:
    """Post the file through the page's form; the status and the page."""
    token = csrf_token_from(client.get(SCHEDULE).get_data(as_text=True))
    response = client.post(
        SCHEDULE,
        data={"csrf_token": token, "schedule": (io.BytesIO(data), filename), **form},
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_data(as_text=True)


def todays_csv() -> bytes:
    """Two appointments in an hour, one in a department Lobby lacks (row 3)."""
    start = (utcnow() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        HEADER
        + f"A-1,SYN-1,Ana,Núñez,1984-03-12,{start},imaging\n"
        + f"A-2,SYN-2,Liam,O'Brien,1979-11-02,{start},dermatology\n"
        + f"A-3,SYN-3,Zoë,Placeholder,1971-02-30,{start},imaging\n"
    ).encode()


def test_an_upload_shows_counts_problems_by_row_and_a_one_time_codes_download(
    app: Flask, facility_admin: FlaskClient
) -> None:
    schedule = todays_csv()
    status, page = upload(facility_admin, schedule, "today.csv")

    assert status == 200
    assert re.search(r"New</th><td>1<", page) and re.search(r"Not imported</th><td>2<", page)
    assert '<th scope="row">3</th><td>no department in Lobby has this department code' in page
    assert '<th scope="row">4</th><td>date of birth is not a date (expected YYYY-MM-DD)' in page
    assert "O&#39;Brien" not in page and "SYN-2" not in page and "1971" not in page
    link = CODES_LINK.search(page)
    assert link is not None
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(link.group(1)).decode())))
    assert [row["appointment_id"] for row in rows] == ["A-1"]
    with app.app_context():
        assert identify_by_code(rows[0]["code"], kiosk_id=None).found
        staff_ids = {event.detail.get("staff_id") for event in audit_events("schedule_entry")}
        assert len(staff_ids) == 1 and None not in staff_ids

    again_status, again = upload(facility_admin, schedule, "today.csv")
    assert again_status == 200 and re.search(r"Unchanged</th><td>1<", again)
    assert CODES_LINK.search(again) is None, "a second upload issues no second set of codes"


def test_a_fhir_bundle_is_recognised_and_its_problems_are_listed_by_entry_in_spanish(
    app: Flask, facility_admin: FlaskClient
) -> None:
    token = csrf_token_from(facility_admin.get(SCHEDULE).get_data(as_text=True))
    facility_admin.post("/language", data={"csrf_token": token, "lang": "es", "next": SCHEDULE})
    start = (utcnow() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    bundle = fhir_bundle(
        fhir_patient(1), fhir_appointment("F-1", 1, start=start), fhir_appointment("F-2", 9)
    )

    status, page = upload(facility_admin, bundle, "export.txt")

    assert status == 200
    assert "Entrada del Bundle" in page and '<th scope="row">3</th>' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Appointment)) == 1


@pytest.mark.parametrize(
    ("data", "filename", "form", "message"),
    [
        (b"", "", {}, "Choose a schedule file to upload."),
        (b"\x00\x01garbage\xff", "today.csv", {}, "The file is not a text file."),
        (b"appointment_id,mrn\nA-1,SYN-1\n", "today.csv", {}, "The first row lacks the columns"),
        (b'{"resourceType": "Patient"}', "today.json", {}, "The file is not a FHIR Bundle."),
        (b"a,b\n", "today.csv", {"format": "xml"}, "Choose CSV or FHIR"),
    ],
)
def test_a_bad_upload_gets_a_400_with_the_reason_and_imports_nothing(
    app: Flask,
    facility_admin: FlaskClient,
    data: bytes,
    filename: str,
    form: dict[str, str],
    message: str,
) -> None:
    status, page = upload(facility_admin, data, filename, **form)

    assert status == 400 and message in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Appointment)) == 0


def test_a_file_over_the_request_limit_gets_a_413_page(
    app: Flask, facility_admin: FlaskClient
) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    status, _page = upload(facility_admin, HEADER.encode() + b"x" * 100_000, "big.csv")

    assert status == 413


def test_the_staff_bar_links_the_page_for_admins_only(
    app: Flask, facility_admin: FlaskClient
) -> None:
    coordinator = app.test_client()
    sign_in(coordinator, app, staff_account(app, StaffRoleName.COORDINATOR, email="c@example.org"))

    assert f'href="{SCHEDULE}"' in facility_admin.get("/staff/").get_data(as_text=True)
    assert f'href="{SCHEDULE}"' not in coordinator.get("/staff/").get_data(as_text=True)
    assert coordinator.get(SCHEDULE).status_code == 403


def test_an_upload_colliding_with_another_writer_gets_a_409_saying_to_upload_again(
    app: Flask, facility_admin: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "BATCH_ATTEMPTS", 1)
    rival = ScheduledPatient("SYN-1", "Rival", "Núñez", date(1984, 3, 12))

    schedule = todays_csv()
    with rival_creates_first(rival):
        status, page = upload(facility_admin, schedule, "today.csv")
    again_status, _again = upload(facility_admin, schedule, "today.csv")

    assert status == 409 and "Upload the file again" in page and "SYN-1" not in page
    assert again_status == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Appointment)) == 1
