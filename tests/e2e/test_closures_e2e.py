"""A facility admin opens Closures from the staff bar, closes Elevator A after reading what it
changes, sees it listed, and is told clearly about an end in the past, in English and Spanish;
axe-core finds no WCAG 2.2 A/AA violation on the list, the preview or a refusal."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from kiosk.floorplan import DEMO_FLOORPLAN
from kiosk.models import StaffRoleName
from kiosk.models.types import utcnow
from tests.e2e.conftest import LiveServer, accessibility_violations
from tests.e2e.staff_desk import note_dialogs, sign_in_at_desk
from tests.staff_signin import staff_account

pytestmark = pytest.mark.e2e


def test_an_admin_closes_an_elevator_after_the_preview(
    start_server: Callable[..., LiveServer], desk_page: Page, tmp_path: Path
) -> None:
    plan = tmp_path / "demo-hospital.json"
    shutil.copyfile(DEMO_FLOORPLAN, plan)
    server = start_server(FLOORPLAN_PATH=str(plan))
    admin = staff_account(server.app, StaffRoleName.FACILITY_ADMIN)
    zone = ZoneInfo(server.app.config["FACILITY_TIMEZONE"])
    later = (utcnow() + timedelta(hours=2)).astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    earlier = (utcnow() - timedelta(hours=2)).astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    page = desk_page
    dialogs = note_dialogs(page)

    sign_in_at_desk(page, server, admin)
    page.get_by_role("link", name="Closures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Closures")
    assert accessibility_violations(page) == []

    page.get_by_label("What to close").select_option(label="Elevator A")
    page.get_by_label("Why").select_option(label="Out of order")
    page.get_by_label("Until", exact=True).fill(later)
    page.get_by_role("button", name="See what this changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What this closure changes")
    expect(page.get_by_role("heading", name="Step-free routes")).to_be_visible()
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Close it").click()
    expect(page.get_by_role("status")).to_contain_text("Elevator A is closed until")
    expect(page.get_by_role("row", name="Elevator A")).to_contain_text("Out of order")
    assert accessibility_violations(page) == []

    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cierres")
    page.get_by_label("Qué cerrar").select_option(label="La escalera 1")
    page.get_by_label("Motivo").select_option(label="Limpieza")
    page.get_by_label("Hasta", exact=True).fill(earlier)
    page.get_by_role("button", name="Ver qué cambia").click()
    expect(page.get_by_role("alert")).to_have_text("El final debe ser en el futuro.")
    assert accessibility_violations(page) == []
    assert dialogs == []
