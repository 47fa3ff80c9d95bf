"""A facility admin opens Schedule from the staff bar, uploads a CSV with a bad row, reads the
result (counts, the bad row and why), downloads the new codes from the result page under the
strict CSP, and a kiosk code from that file finds the appointment; the same in Spanish with a
file that is not text. axe-core finds no WCAG 2.2 A/AA violation in either language."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kiosk.checkin.identity import identify_by_code
from kiosk.models import StaffRoleName
from kiosk.models.types import utcnow
from tests.builders import add_department
from tests.e2e.conftest import LiveServer, accessibility_violations
from tests.e2e.staff_desk import note_dialogs, sign_in_at_desk
from tests.staff_signin import staff_account

pytestmark = pytest.mark.e2e


def test_an_admin_imports_a_schedule_and_downloads_the_codes_once(
    start_server: Callable[..., LiveServer], desk_page: Page, tmp_path: Path
) -> None:
    server = start_server()
    admin = staff_account(server.app, StaffRoleName.FACILITY_ADMIN)
    with server.app.app_context():
        add_department("imaging")
    start = (utcnow() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    schedule = tmp_path / "today.csv"
    schedule.write_text(
        "appointment_id,mrn,first_name,last_name,date_of_birth,start,department\n"
        f"A-1,SYN-1,Ana,Núñez,1984-03-12,{start},imaging\n"
        f"A-2,SYN-2,<b>Liam</b>,O'Brien,1979-11-02,{start},nowhere\n",
        encoding="utf-8",
    )
    page = desk_page
    dialogs = note_dialogs(page)
    sign_in_at_desk(page, server, admin)
    page.get_by_role("link", name="Schedule").click()
    assert accessibility_violations(page) == []

    page.get_by_label("Schedule file").set_input_files(str(schedule))
    page.get_by_role("button", name="Import", exact=True).click()

    expect(page.get_by_role("row", name="New")).to_contain_text("1")
    expect(page.get_by_role("row", name="3")).to_contain_text(
        "no department in Lobby has this department code"
    )
    assert "Liam" not in page.content()
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="Download the codes (CSV)").click()
    with Path(downloaded.value.path()).open(encoding="utf-8") as codes_file:
        codes = list(csv.DictReader(codes_file))
    assert [row["appointment_id"] for row in codes] == ["A-1"]
    with server.app.app_context():
        assert identify_by_code(codes[0]["code"], kiosk_id=None).found
    assert accessibility_violations(page) == []

    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agenda")
    photo = tmp_path / "photo.csv"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    page.get_by_label("Archivo de agenda").set_input_files(str(photo))
    page.get_by_role("button", name="Importar", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("El archivo no es un archivo de texto.")
    assert accessibility_violations(page) == []
    assert dialogs == []
