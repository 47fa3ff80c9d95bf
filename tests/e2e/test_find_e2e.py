"""A visitor at an enrolled kiosk finds Imaging by typing "xray", goes step-free and prints."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import PrintJob, PrintJobStatus
from tests.e2e.conftest import LiveServer, accessibility_violations

pytestmark = pytest.mark.e2e


def make_this_screen_a_kiosk(server: LiveServer, page: Page, place: str) -> None:
    output = server.app.test_cli_runner().invoke(args=["kiosk", "enroll", place]).output
    path = re.search(r"(/enrol/\S+)", output).group(1)  # type: ignore[union-attr]
    page.goto(server.url + path)
    page.get_by_role("button", name="Make this screen the kiosk").tap()
    expect(page.locator(".kiosk-place")).to_contain_text("You are here: ")


def tap_keys(page: Page, letters: str) -> None:
    keyboard = page.get_by_role("group", name=re.compile("keyboard|Teclado"))
    for letter in letters:
        keyboard.get_by_role("button", name=letter.upper(), exact=True).tap()


@pytest.mark.parametrize(
    "lang, words",
    [
        (
            "en",
            {
                "find": "Find your way",
                "step_free_off": "Step-free route: off",
                "step_free_on": "Step-free route: on",
                "print": "Print directions",
                "printing": "Printing your receipt…",
                "printed": "Take your receipt below.",
            },
        ),
        (
            "es",
            {
                "find": "Cómo llegar",
                "step_free_off": "Ruta sin escalones: desactivada",
                "step_free_on": "Ruta sin escalones: activada",
                "print": "Imprimir indicaciones",
                "printing": "Imprimiendo su recibo…",
                "printed": "Tome su recibo abajo.",
            },
        ),
    ],
)
def test_type_xray_pick_imaging_go_step_free_and_print(
    start_server: Callable[..., LiveServer],
    kiosk_page: Page,
    tmp_path: Path,
    lang: str,
    words: dict[str, str],
) -> None:
    server = start_server(PRINT_RECEIPTS_FOLDER=str(tmp_path / "receipts"))
    page = kiosk_page
    make_this_screen_a_kiosk(server, page, "main-lobby")
    if lang == "es":
        page.get_by_role("button", name="Español").tap()
        expect(page.locator("html")).to_have_attribute("lang", "es")

    page.get_by_role("link", name=words["find"]).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["find"])
    assert accessibility_violations(page) == []

    tap_keys(page, "xray")
    expect(page.locator("#search-q")).to_have_value("xray")
    result = page.locator("#search-results a", has_text=re.compile("Imag"))
    expect(result.first).to_be_visible()
    assert accessibility_violations(page) == []
    result.first.tap()

    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("Imag"))
    expect(page.locator(".route-step").first).to_be_visible()
    assert accessibility_violations(page) == []

    page.get_by_role("button", name=words["step_free_off"]).tap()
    expect(page.get_by_role("button", name=words["step_free_on"])).to_be_visible()
    step_texts = " ".join(page.locator(".route-step").all_inner_texts())
    assert not re.search(r"[Ee]scalat|[Ss]tair|[Ee]scalera", step_texts)
    assert accessibility_violations(page) == []

    page.get_by_role("button", name=words["print"]).tap()
    expect(page.locator("#print-status")).to_contain_text(words["printing"])

    result_of_worker = server.app.test_cli_runner().invoke(
        args=["print-worker", "--printer", "dummy://", "--once"]
    )
    assert result_of_worker.exit_code == 0, result_of_worker.output
    with server.app.app_context():
        (job,) = db.session.scalars(select(PrintJob)).all()
        assert job.status is PrintJobStatus.PRINTED
    # The screen polls the receipt's status and says "take it" once the printer confirmed.
    expect(page.locator("#print-status")).to_contain_text(words["printed"])
    expect(page.locator("#print-status [hx-trigger]")).to_have_count(0)
    assert list((tmp_path / "receipts").glob("*.png")), "the dummy printer saves a preview"
