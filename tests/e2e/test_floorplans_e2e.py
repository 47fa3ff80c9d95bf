"""A facility admin imports a floorplan file in Chromium: chooses the file, reads what it
changes (the closed elevators, the routes that become unreachable), publishes it with a note,
sees it live in the version list and in the footer, rolls back, and does it again in Spanish.
axe-core finds no WCAG 2.2 A/AA violation on any of these screens; a note carrying markup
stays text."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kiosk.models import StaffRoleName
from tests.admin.floorplans.floorplan_documents import renamed_cafeteria, without_elevators
from tests.e2e.conftest import LiveServer, accessibility_violations
from tests.e2e.staff_desk import note_dialogs, sign_in_at_desk
from tests.staff_signin import staff_account

pytestmark = pytest.mark.e2e

HOSTILE_NOTE = '<img src=x onerror="alert(1)">Elevators closed'


def test_an_admin_imports_publishes_and_rolls_back_a_floorplan(
    start_server: Callable[..., LiveServer], desk_page: Page, tmp_path: Path
) -> None:
    server = start_server(FLOORPLAN_CHECK_SECONDS=0)
    admin = staff_account(server.app, StaffRoleName.FACILITY_ADMIN)
    closed = tmp_path / "closed-elevators.json"
    closed.write_text(without_elevators(), encoding="utf-8")
    page = desk_page
    dialogs = note_dialogs(page)

    sign_in_at_desk(page, server, admin)
    page.get_by_role("link", name="Floorplans").click()
    expect(page.get_by_text("No version published yet")).to_be_visible()
    assert accessibility_violations(page) == []

    page.get_by_role("link", name="Import a floorplan file").click()
    page.get_by_label("Floorplan file").set_input_files(closed)
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish the imported file")
    routes = page.get_by_role("table", name="Routes from kiosks that change")
    expect(routes.get_by_text("Now unreachable").first).to_be_visible()
    assert accessibility_violations(page) == []
    page.get_by_label("Note (what changed and why)").fill(HOSTILE_NOTE)
    page.get_by_role("button", name="Publish").click()

    expect(page.get_by_role("status")).to_have_text("Version 2 is live.")
    live_row = page.get_by_role("row", name="2 Live")
    expect(live_row).to_contain_text(HOSTILE_NOTE)
    # The footer names the version this server serves: the new one once its build is done.
    footer = page.get_by_text("Floorplan version 2 (2025.1)")
    deadline = time.monotonic() + 30
    while not footer.is_visible() and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        page.reload()
    expect(footer).to_be_visible()
    assert accessibility_violations(page) == []

    page.get_by_role("link", name="Roll back to this · version 1").click()
    expect(page.get_by_role("table", name="Elements by section")).to_contain_text("Closures")
    assert accessibility_violations(page) == []
    page.get_by_label("Note (what changed and why)").fill("Elevators repaired")
    page.get_by_role("button", name="Roll back to version 1").click()
    expect(page.get_by_role("status")).to_have_text("Version 3 is live: it restores version 1.")

    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Planos")
    assert accessibility_violations(page) == []
    renamed = tmp_path / "renamed.json"
    renamed.write_text(renamed_cafeteria(), encoding="utf-8")
    page.get_by_role("link", name="Importar un archivo de plano").click()
    page.get_by_label("Archivo de plano").set_input_files(renamed)
    page.get_by_role("button", name="Revisar el archivo").click()
    expect(page.get_by_role("table", name="Elementos por sección")).to_contain_text("cafeteria")
    assert accessibility_violations(page) == []
    page.get_by_label("Nota (qué cambió y por qué)").fill("Nuevo nombre")
    page.get_by_role("button", name="Publicar").click()
    expect(page.get_by_role("status")).to_have_text("La versión 4 está en uso.")
    assert dialogs == []
