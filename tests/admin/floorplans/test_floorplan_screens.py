"""The staff Floorplans screens: the version list with the live one marked, download exactly as
published, a version's diff against the live one, rollback (confirm, note, one version for a
double submit) and import (validation report, diff preview, publish), with a clear 4xx in the
staff member's language for every bad file or stale form, and nothing stored by it."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from admin.floorplans.publishing import publish_document
from kiosk.floorplan import DEMO_FLOORPLAN
from kiosk.floorplan_versions import all_versions, live_version
from kiosk.models import StaffRoleName
from tests.admin.floorplans.floorplan_documents import (
    renamed_cafeteria,
    with_island,
    without_elevators,
)
from tests.builders import published_off_the_request_path
from tests.helpers import csrf_token_from
from tests.staff_signin import sign_in, staff_account

FLOORPLANS = "/staff/floorplans/"


@pytest.fixture
def facility_admin(app: Flask) -> FlaskClient:
    """A facility admin signed in (password and authenticator code)."""
    app.config["FLOORPLAN_CHECK_SECONDS"] = 0
    client = app.test_client()
    sign_in(client, app, staff_account(app, StaffRoleName.FACILITY_ADMIN))
    return client


def three_versions(app: Flask) -> None:
    """The file as version 1, a renamed cafeteria as 2, closed elevators as 3 (live)."""
    with app.app_context():
        publish_document(
            renamed_cafeteria(), staff_id=None, note="Café", origin="editor", expected_live=None
        )
        publish_document(
            without_elevators(), staff_id=None, note="Lifts", origin="editor", expected_live=2
        )
    published_off_the_request_path(app)


def upload(client: FlaskClient, data: bytes, name: str = "plan.json") -> tuple[int, str]:
    """Send a file to the import check; its status and page."""
    token = csrf_token_from(client.get(FLOORPLANS + "import").get_data(as_text=True))
    response = client.post(
        FLOORPLANS + "import",
        data={"csrf_token": token, "floorplan": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_data(as_text=True)


def test_the_list_marks_the_live_version_and_the_footer_shows_it(
    app: Flask, facility_admin: FlaskClient
) -> None:
    page = facility_admin.get(FLOORPLANS).get_data(as_text=True)
    assert "No version published yet" in page and "Floorplan 2025.1 from the file" in page
    three_versions(app)
    page = facility_admin.get(FLOORPLANS).get_data(as_text=True)
    assert page.index('>3 <span class="tag">Live</span>') < page.index("Lifts")
    assert "Floorplan file" in page and "Café" in page
    assert "Floorplan version 3 (2025.1)" in page
    assert 'href="/staff/floorplans/2/rollback"' in page
    assert 'href="/staff/floorplans/3/rollback"' not in page


def test_download_is_the_document_exactly_as_published(
    app: Flask, facility_admin: FlaskClient
) -> None:
    three_versions(app)
    response = facility_admin.get(FLOORPLANS + "2/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="floorplan-version-2.json"'
    )
    assert response.get_data(as_text=True) == renamed_cafeteria()
    first = facility_admin.get(FLOORPLANS + "1/download").get_data(as_text=True)
    assert first == DEMO_FLOORPLAN.read_text(encoding="utf-8")
    assert facility_admin.get(FLOORPLANS + "9/download").status_code == 404


def test_a_versions_diff_names_what_returns_and_the_routes(
    app: Flask, facility_admin: FlaskClient
) -> None:
    three_versions(app)
    page = facility_admin.get(FLOORPLANS + "2/diff").get_data(as_text=True)
    assert "Version 2 compared with the live version 3" in page
    assert "closure-elevators-a" in page and "Closures" in page
    # Rolling back to 2 reopens the elevators: step-free routes upstairs come back.
    assert "No route" in page and "Step-free" in page


def test_rollback_confirms_then_publishes_once_even_when_sent_twice(
    app: Flask, facility_admin: FlaskClient
) -> None:
    three_versions(app)
    confirm = facility_admin.get(FLOORPLANS + "2/rollback").get_data(as_text=True)
    assert "Roll back to version 2" in confirm and "closure-elevators-b" in confirm
    form = {
        "csrf_token": csrf_token_from(confirm),
        "expected_live": "3",
        "note": "Elevators repaired",
    }
    first = facility_admin.post(FLOORPLANS + "2/rollback", data=form)
    again = facility_admin.post(FLOORPLANS + "2/rollback", data=form)
    assert first.status_code == again.status_code == 303
    with app.app_context():
        assert [v.number for v in all_versions()] == [4, 3, 2, 1]
        live = live_version()
        assert live is not None and live.restores_number == 2
        assert live.note == "Elevators repaired" and live.document == renamed_cafeteria()
    listing = facility_admin.get(FLOORPLANS).get_data(as_text=True)
    assert "Version 4 is live: it restores version 2." in listing


def test_a_rollback_form_from_before_a_colleagues_publish_is_refused(
    app: Flask, facility_admin: FlaskClient
) -> None:
    three_versions(app)
    confirm = facility_admin.get(FLOORPLANS + "1/rollback").get_data(as_text=True)
    with app.app_context():
        publish_document(
            renamed_cafeteria("2025.5"), staff_id=None, note="", origin="editor", expected_live=3
        )
    response = facility_admin.post(
        FLOORPLANS + "1/rollback",
        data={"csrf_token": csrf_token_from(confirm), "expected_live": "3", "note": "Undo"},
    )
    assert response.status_code == 409
    assert "Someone published version 4 meanwhile" in response.get_data(as_text=True)
    with app.app_context():
        assert [v.number for v in all_versions()] == [4, 3, 2, 1]


def test_import_shows_the_diff_then_publishes_with_a_note(
    app: Flask, facility_admin: FlaskClient
) -> None:
    status, preview = upload(facility_admin, renamed_cafeteria().encode())
    assert status == 200
    assert "cafeteria" in preview and "Destinations" in preview
    form = {
        "csrf_token": csrf_token_from(preview),
        "expected_live": "file",
        "document": renamed_cafeteria(),
        "note": "Café renamed",
    }
    published = facility_admin.post(FLOORPLANS + "import/publish", data=form)
    twice = facility_admin.post(FLOORPLANS + "import/publish", data=form)
    assert published.status_code == twice.status_code == 303
    with app.app_context():
        live = live_version()
        assert [v.number for v in all_versions()] == [2, 1]
        assert live is not None and live.document == renamed_cafeteria()
        assert (live.origin, live.note) == ("import", "Café renamed")


BAD_FILES = [
    (with_island().encode(), 422, "lost-corridor"),
    (b"\xff\xfe garbage", 400, "not UTF-8 text"),
    (b"{", 422, "invalid JSON at line 1"),
    (b"[]", 422, "must be a JSON object"),
    (b"x" * 200_000, 413, "larger than 0.1 MB"),
]


def test_bad_files_get_a_clear_4xx_in_the_staff_language_and_publish_nothing(
    app: Flask, facility_admin: FlaskClient
) -> None:
    app.config["FLOORPLAN_IMPORT_MAX_BYTES"] = 100_000
    for data, status, message in BAD_FILES:
        got, page = upload(facility_admin, data)
        assert (got, message in page) == (status, True), message
    token = csrf_token_from(facility_admin.get(FLOORPLANS).get_data(as_text=True))
    facility_admin.post("/language", data={"lang": "es", "csrf_token": token})
    status, page = upload(facility_admin, b"\xff")
    assert status == 400 and "Ese archivo no es un plano" in page
    with app.app_context():
        assert all_versions() == []
