"""The floorplan editor in Chromium.

A facility admin signs in with an authenticator code, adds a corridor node on the map and a new
clinic on it, sees the clinic listed as unreachable until the corridor is connected on the
map, and publishes; a second app server — its own gunicorn process on the same database —
routes kiosks to the clinic within seconds, and a rollback takes it away again. The same editor
moves a node with the keyboard alone, passes axe-core's WCAG 2.2 A/AA checks in English and
Spanish, and shows a destination named with markup as text.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from admin.floorplans import drafts
from kiosk.models import StaffRoleName
from tests.e2e.conftest import LiveServer, accessibility_violations
from tests.e2e.staff_desk import note_dialogs, sign_in_at_desk
from tests.staff_signin import StaffAccount, staff_account
from tests.test_gunicorn import GUNICORN, free_port
from wayfinding.drafting import DestinationFields, Names, save_destination

pytestmark = pytest.mark.e2e

# Kiosk servers look for a new version this often; a publish reaches them within a few.
CHECK_SECONDS = 0.2
ROUTE_DEADLINE_S = 20
STARTUP_DEADLINE_S = 60
HOSTILE = '<img src=x onerror="alert(1)">Skin'


@pytest.fixture
def kiosk_server(
    start_server: Callable[..., LiveServer], tmp_path: Path
) -> Iterator[tuple[LiveServer, str]]:
    """The staff's app server, and a second app server in a process of its own (gunicorn, as
    in production) on the same SQLite database: the one kiosks ask for routes."""
    staff_server = start_server(FLOORPLAN_CHECK_SECONDS=CHECK_SECONDS)
    port = free_port()
    instance = tmp_path / "kiosk-instance"
    instance.mkdir()
    env = {
        **os.environ,
        "LOBBY_DATABASE_URL": staff_server.app.config["SQLALCHEMY_DATABASE_URI"],
        "LOBBY_INSTANCE_PATH": str(instance),
        "LOBBY_FLOORPLAN_CHECK_SECONDS": str(CHECK_SECONDS),
    }
    command = [str(GUNICORN), "--workers", "1", "--bind", f"127.0.0.1:{port}", "kiosk:create_app()"]
    process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: fetch(url + "/healthz")[0] == 200, STARTUP_DEADLINE_S)
        yield staff_server, url
    finally:
        process.terminate()
        process.wait(timeout=30)


def fetch(url: str) -> tuple[int, str]:
    """The status and body of a GET, 0 when the server does not answer."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    """Poll `condition` until it holds or the deadline passes."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def facility_admin(server: LiveServer) -> StaffAccount:
    return staff_account(server.app, StaffRoleName.FACILITY_ADMIN, full_name="Fay Facilities")


def open_floor(page: Page, sign: str) -> None:
    page.get_by_role("link", name="Floorplan editor").click()
    page.get_by_label("Floor", exact=True).select_option(label=sign)
    page.get_by_role("button", name="Show floor").click()
    expect(page.locator(".floor-node").first).to_be_visible()


def test_a_new_clinic_is_unreachable_until_connected_then_published_to_another_server(
    kiosk_server: tuple[LiveServer, str], desk_page: Page
) -> None:
    staff_server, kiosk_url = kiosk_server
    page = desk_page
    sign_in_at_desk(page, staff_server, facility_admin(staff_server))
    open_floor(page, "Main Building · 1")
    assert fetch(kiosk_url + "/find/to/skin-clinic")[0] == 404

    north_70 = page.locator('.floor-node[data-node="main-1-north-70"]')
    box = north_70.bounding_box()
    assert box is not None
    page.get_by_role("button", name="Add node").click()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] - 60)
    expect(page.get_by_role("heading", name="Node: main-1-corridor-1")).to_be_visible()

    page.get_by_text("Add a destination", exact=True).first.click()
    form = page.locator("form", has=page.locator("#add-destination-id"))
    expect(form.get_by_label("Node", exact=True)).to_have_value("main-1-corridor-1")
    form.get_by_label("Id", exact=True).fill("skin-clinic")
    form.get_by_label("Name (English)", exact=True).fill("Skin Clinic")
    form.get_by_label("Name (Spanish)", exact=True).fill("Clínica de la piel")
    form.get_by_label("Category", exact=True).select_option("clinic")
    form.get_by_label("Words people search for (English)", exact=True).fill("dermatology")
    form.get_by_role("button", name="Save destination").click()
    checks = page.get_by_role("region", name="Checks")
    expect(checks.get_by_role("link", name="skin-clinic")).to_be_visible()
    expect(checks).to_contain_text("not reachable from kiosks")

    page.get_by_role("button", name="Connect").click()
    page.locator('.floor-node[data-node="main-1-corridor-1"]').click()
    expect(page.locator("#canvas-status")).to_contain_text("Now click the node to connect")
    page.locator('.floor-node[data-node="main-1-north-70"]').click()
    expect(checks).to_contain_text("No problems found")

    page.get_by_role("link", name="Review and publish").click()
    expect(page.get_by_role("heading", name="What changes")).to_be_visible()
    expect(page.get_by_role("table", name="Routes from kiosks that change")).to_contain_text(
        "Skin Clinic"
    )
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_have_text(
        "Version 2 is live. Kiosks use it within seconds."
    )

    def kiosk_routes_to_the_clinic() -> bool:
        status, body = fetch(kiosk_url + "/find/to/skin-clinic")
        return status == 200 and "Skin Clinic" in body

    assert wait_for(kiosk_routes_to_the_clinic, ROUTE_DEADLINE_S)

    page.goto(staff_server.url + "/staff/floorplans/")
    page.get_by_role("link", name="Roll back to this · version 1", exact=True).click()
    page.get_by_label("Note (what changed and why)").fill("Back to the map before the clinic")
    page.get_by_role("button", name="Roll back to version 1").click()
    expect(page.get_by_text("Version 3 is live: it restores version 1.")).to_be_visible()
    assert wait_for(lambda: fetch(kiosk_url + "/find/to/skin-clinic")[0] == 404, ROUTE_DEADLINE_S)


def test_keyboard_alone_moves_a_node_and_the_editor_is_accessible_in_both_languages(
    start_server: Callable[..., LiveServer], desk_page: Page
) -> None:
    server = start_server()
    admin = facility_admin(server)
    with server.app.app_context():
        draft = drafts.shared_draft()
        hostile = DestinationFields(
            id="hostile-clinic",
            node="main-1-north-85",
            name=Names(HOSTILE, HOSTILE),
            category="clinic",
        )
        edited = save_destination(json.loads(draft.document), hostile)
        text = drafts.document_text(edited.document)
        drafts.save_edit(draft.revision, text, "save-destination hostile", admin.id)
    page = desk_page
    dialogs = note_dialogs(page)
    sign_in_at_desk(page, server, admin)
    open_floor(page, "Main Building · 1")

    link = page.get_by_role("link", name="main-1-north-70", exact=True)
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Node: main-1-north-70")).to_be_visible()
    expect(page.locator("#selected-element")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Move it on the map with the arrow keys")).to_be_focused()
    page.keyboard.press("Enter")
    canvas = page.locator("#floor-canvas")
    expect(canvas).to_be_focused()
    expect(page.locator("#canvas-status")).to_have_text("Selected main-1-north-70.")
    page.keyboard.press("Shift+ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#selected-element")).to_contain_text("corridor at 70 m east, 37.5 m north")
    canvas.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#selected-element")).to_be_focused()
    canvas.focus()
    page.keyboard.press("Escape")
    expect(page.locator("#selected-element")).to_have_count(0)
    with server.app.app_context():
        nodes = json.loads(drafts.shared_draft().document)["nodes"]
        moved = next(node for node in nodes if node["id"] == "main-1-north-70")
        assert (moved["x"], moved["y"]) == (70, 37.5)

    # A kiosk's heading arrow turns by keyboard too: 15 degrees a key, saved once they rest.
    page.goto(server.url + "/staff/floorplans/editor/?floor=main-1&select=main-lobby")
    expect(page.get_by_role("heading", name="Kiosk: main-lobby")).to_be_visible()
    page.get_by_role("link", name="Turn it on the map with the [ and ] keys").focus()
    page.keyboard.press("Enter")
    expect(canvas).to_be_focused()
    for key in ("]", "]", "]", "["):
        page.keyboard.press(key)

    def kiosk_heading() -> float:
        with server.app.app_context():
            kiosks = json.loads(drafts.shared_draft().document)["kiosks"]
        return float(next(k for k in kiosks if k["id"] == "main-lobby")["heading"])

    assert wait_for(lambda: kiosk_heading() == 30, ROUTE_DEADLINE_S)
    expect(page.locator("#edit-kiosk-heading")).to_have_value("30")
    expect(page.get_by_role("button", name="Undo: save kiosk main-lobby")).to_be_visible()

    # The scale from two clicks on the floor image and the real distance typed.
    page.get_by_role("button", name="Set scale").click()
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 100, box["y"] + 200)
    page.mouse.click(box["x"] + 500, box["y"] + 200)
    scale_form = page.locator("#scale-form")
    expect(scale_form.get_by_label("Real distance (m)")).to_be_focused()
    first = float(scale_form.locator("[name=x1]").input_value())
    second = float(scale_form.locator("[name=x2]").input_value())
    assert second > first
    assert (
        scale_form.locator("[name=y1]").input_value()
        == scale_form.locator("[name=y2]").input_value()
    )
    scale_form.get_by_label("Real distance (m)").fill("40")
    scale_form.get_by_role("button", name="Set scale").click()
    expect(page.get_by_role("button", name="Undo: set the scale of main-1")).to_be_visible()
    with server.app.app_context():
        floors = json.loads(drafts.shared_draft().document)["floors"]
        image = next(floor for floor in floors if floor["id"] == "main-1")["image"]
        assert image["metres_per_unit"] == pytest.approx(40 / (second - first), rel=1e-3)

    page.goto(server.url + "/staff/floorplans/editor/?floor=main-1&select=hostile-clinic")
    expect(page.locator(".place-label", has_text=HOSTILE)).to_be_visible()
    expect(page.get_by_role("heading", name="Destination: hostile-clinic")).to_be_visible()
    for summary in page.locator(".add-forms summary").all():
        summary.click()
    assert accessibility_violations(page) == []

    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Editor de planos")
    for summary in page.locator(".add-forms summary").all():
        summary.click()
    assert accessibility_violations(page) == []
    page.get_by_role("link", name="Revisar y publicar").click()
    assert accessibility_violations(page) == []
    assert dialogs == []
