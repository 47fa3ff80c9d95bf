"""A person at the kiosk: home, language, help, idle reset, enrolment — in Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, accessibility_violations

pytestmark = pytest.mark.e2e

MIN_TAP_PX = 64


def test_tap_home_to_spanish_and_back_with_no_accessibility_violations(
    start_server: Callable[..., LiveServer], kiosk_page: Page
) -> None:
    server = start_server()
    page = kiosk_page
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome")
    assert accessibility_violations(page) == []

    page.get_by_role("button", name="Español").tap()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("link", name="Registrar mi llegada a una cita")).to_be_visible()
    assert accessibility_violations(page) == []

    page.get_by_role("link", name="Pedir ayuda").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pedir ayuda")
    assert accessibility_violations(page) == []

    page.get_by_role("link", name="Inicio").tap()
    expect(page).to_have_url(server.url + "/")
    expect(page.get_by_role("link", name="Cómo llegar")).to_be_visible()

    page.get_by_role("button", name="English").tap()
    expect(page.get_by_role("link", name="Find your way")).to_be_visible()


def test_every_button_is_a_large_touch_target(
    start_server: Callable[..., LiveServer], kiosk_page: Page
) -> None:
    server = start_server()
    for path in ("/", "/help", "/check-in", "/nowhere"):
        kiosk_page.goto(server.url + path)
        buttons = kiosk_page.locator(".button:visible")
        assert buttons.count() >= 3
        for index in range(buttons.count()):
            box = buttons.nth(index).bounding_box()
            assert box is not None
            assert box["height"] >= MIN_TAP_PX and box["width"] >= MIN_TAP_PX, path


def test_error_pages_pass_accessibility_checks(
    start_server: Callable[..., LiveServer], kiosk_page: Page
) -> None:
    server = start_server()
    kiosk_page.goto(server.url + "/nowhere")
    expect(kiosk_page.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    assert accessibility_violations(kiosk_page) == []


def test_idle_screen_counts_down_then_starts_over_and_forgets(
    start_server: Callable[..., LiveServer], kiosk_page: Page
) -> None:
    # The countdown is long enough that a busy machine still sees the dialog before it ends;
    # the dialog's accessibility is checked where it stays open (the next test).
    server = start_server(IDLE_SECONDS=1, IDLE_COUNTDOWN_SECONDS=4)
    page = kiosk_page
    page.goto(server.url + "/help")
    page.get_by_role("button", name="Español").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pedir ayuda")

    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog).to_contain_text("¿Sigue ahí?")

    expect(page).to_have_url(server.url + "/", timeout=15_000)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # Going back shows the help page afresh from the server, not the last person's screen.
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get help")


def test_i_need_more_time_keeps_the_screen(
    start_server: Callable[..., LiveServer], kiosk_page: Page
) -> None:
    server = start_server(IDLE_SECONDS=1, IDLE_COUNTDOWN_SECONDS=30)
    page = kiosk_page
    page.goto(server.url + "/help")
    page.get_by_role("button", name="Español").tap()
    expect(page.get_by_role("dialog")).to_be_visible(timeout=10_000)
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Necesito más tiempo").tap()
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/help$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")


def test_enrolment_link_turns_the_browser_into_a_kiosk(
    start_server: Callable[..., LiveServer], kiosk_page: Page
) -> None:
    server = start_server(PUBLIC_BASE_URL="")
    output = server.app.test_cli_runner().invoke(args=["kiosk", "enroll", "main-lobby"]).output
    path = re.search(r"(/enrol/\S+)", output).group(1)  # type: ignore[union-attr]
    page = kiosk_page
    page.goto(server.url + path)
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Make this screen the kiosk").tap()
    expect(page.get_by_role("status")).to_contain_text("main-lobby")
    expect(page.locator(".kiosk-place")).to_have_text("You are here: Main entrance lobby")
    page.reload()
    expect(page.locator(".kiosk-place")).to_have_text("You are here: Main entrance lobby")
