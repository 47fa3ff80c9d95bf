"""The floorplan editor in Chromium (temporary probe)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kiosk.models import StaffRoleName
from tests.e2e.conftest import LiveServer
from tests.e2e.staff_desk import sign_in_at_desk
from tests.staff_signin import staff_account

pytestmark = pytest.mark.e2e


def test_probe(start_server: Callable[..., LiveServer], desk_page: Page) -> None:
    server = start_server()
    admin = staff_account(server.app, StaffRoleName.FACILITY_ADMIN)
    page = desk_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.type + ": " + m.text))
    page.on("pageerror", lambda e: errors.append("pageerror: " + str(e)))
    sign_in_at_desk(page, server, admin)
    page.goto(server.url + "/staff/floorplans/editor/?floor=main-1&select=main-1-lobby")
    expect(page.locator(".floor-node").first).to_be_visible()
    page.screenshot(path="/tmp/fpe/editor.png", full_page=False)
    print(errors)
    assert errors == []
