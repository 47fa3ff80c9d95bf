"""In Chromium: a "Print directions" tap that meets a route closed since the screen was drawn
shows why in the status area (htmx 2 leaves 4xx answers out unless the page lets them in)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kiosk.floorplan import DEMO_FLOORPLAN
from tests.builders import elevators_closed, published_off_the_request_path
from tests.e2e.conftest import LiveServer, accessibility_violations
from tests.e2e.test_find_e2e import make_this_screen_a_kiosk

pytestmark = pytest.mark.e2e


def close_the_elevators(server: LiveServer, plan_path: Path, plan: dict[str, object]) -> None:
    """Publish the same floorplan with both elevator banks closed (a newer file version)."""
    plan_path.write_text(json.dumps(elevators_closed(plan)))
    later = time.time_ns() + 1_000_000_000
    os.utime(plan_path, ns=(later, later))
    published_off_the_request_path(server.app)


def test_print_after_the_route_closed_says_why_on_screen(
    start_server: Callable[..., LiveServer], kiosk_page: Page, tmp_path: Path
) -> None:
    plan = json.loads(DEMO_FLOORPLAN.read_text())
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(plan))
    server = start_server(FLOORPLAN_PATH=str(plan_path))
    page = kiosk_page
    make_this_screen_a_kiosk(server, page, "main-lobby")
    page.goto(server.url + "/find/to/imaging")
    page.get_by_role("button", name="Step-free route: off").tap()
    expect(page.get_by_role("button", name="Step-free route: on")).to_be_visible()

    close_the_elevators(server, plan_path, plan)
    page.get_by_role("button", name="Print directions").tap()

    status = page.locator("#print-status")
    expect(status).to_contain_text("No route right now")
    expect(status).to_contain_text("ask at the front desk")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Imaging")
    assert accessibility_violations(page) == []
