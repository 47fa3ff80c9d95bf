"""The whole kiosk journey in Chromium over plain HTTP and over HTTPS, as production serves it.

Behind TLS browsers send different headers with every POST (no Referer under the kiosk's
referrer policy, an Origin of "null"), which once made the server refuse every form. This test
taps every kind of POST a kiosk makes: enrolment, language, step-free, print and start over.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.e2e


def enrol_this_screen(server: LiveServer, page: Page, place: str) -> None:
    """Open a fresh enrolment link and make this browser that kiosk."""
    output = server.app.test_cli_runner().invoke(args=["kiosk", "enroll", place]).output
    path = re.search(r"(/enrol/\S+)", output).group(1)  # type: ignore[union-attr]
    page.goto(server.url + path)
    page.get_by_role("button", name="Make this screen the kiosk").tap()
    expect(page.locator(".kiosk-place")).to_contain_text("You are here: ")


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_enrol_switch_language_find_print_and_start_over(
    start_server: Callable[..., LiveServer], kiosk_page: Page, tmp_path: Path, scheme: str
) -> None:
    server = start_server(PRINT_RECEIPTS_FOLDER=str(tmp_path / "receipts"))
    assert server.url.startswith(f"{scheme}://")
    page = kiosk_page
    enrol_this_screen(server, page, "main-lobby")

    page.goto(server.url + "/")
    page.get_by_role("button", name="Español").tap()
    expect(page.locator("html")).to_have_attribute("lang", "es")

    page.get_by_role("link", name="Cómo llegar").tap()
    keyboard = page.get_by_role("group", name=re.compile("Teclado"))
    for letter in "xray":
        keyboard.get_by_role("button", name=letter.upper(), exact=True).tap()
    result = page.locator("#search-results a", has_text=re.compile("Imag"))
    result.first.tap()
    expect(page.locator(".route-step").first).to_be_visible()

    page.get_by_role("button", name="Ruta sin escalones: desactivada").tap()
    expect(page.get_by_role("button", name="Ruta sin escalones: activada")).to_be_visible()
    page.get_by_role("button", name="Imprimir indicaciones").tap()
    expect(page.locator("#print-status")).to_contain_text("Imprimiendo su recibo…")

    # The screen's own reset, as its idle timer sends it.
    page.locator("#idle-reset-form").evaluate("form => form.requestSubmit()")
    expect(page).to_have_url(server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".kiosk-place")).to_have_text("You are here: Main entrance lobby")
