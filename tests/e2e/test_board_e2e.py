"""The waiting-room board on a 1920×1080 TV in Chromium: enrolled once, it shows a ticket called
through the queue within 3 s without a reload, in English and Spanish at once, keeps it through
"304 Not Modified" polls, passes axe-core, is readable from 5 m, shows typed markup as text, and
says "connection lost" instead of old calls when the server goes away."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from admin.queue.actions import apply_action
from kiosk.models import QueueAction
from tests.admin.queue.queue_builders import Queued, coordinator, queue_patient
from tests.e2e.conftest import LiveServer, accessibility_violations

pytestmark = pytest.mark.e2e

TV_SCREEN = {"width": 1920, "height": 1080}
# Type at least this large is readable across a waiting room (about 5 m).
MIN_FONT_PX = 48
CALL_SHOWS_WITHIN_MS = 3000


@pytest.fixture
def tv_page(browser: Browser) -> Iterator[Page]:
    """A landscape TV without touch."""
    context = browser.new_context(viewport=TV_SCREEN, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def make_this_screen_the_board(server: LiveServer, page: Page, area: str) -> None:
    output = server.app.test_cli_runner().invoke(args=["board", "enroll", area]).output
    path = re.search(r"(/enrol/\S+)", output).group(1)  # type: ignore[union-attr]
    page.goto(server.url + path)
    page.get_by_role("button", name="Make this screen the board").click()
    expect(page).to_have_url(re.compile(rf"/board/{area}$"))


def call(server: LiveServer, queued: Queued, destination: str) -> None:
    """A coordinator calls the ticket (through the queue's own function)."""
    with server.app.app_context():
        apply_action(
            queued.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination=destination
        )


def smallest_font_px(page: Page) -> float:
    """The smallest computed font size of any element that shows text."""
    return float(
        page.evaluate(
            """() => Math.min(...[...document.body.querySelectorAll('*')]
                .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
                             && e.offsetParent !== null)
                .map(e => parseFloat(getComputedStyle(e).fontSize)))"""
        )
    )


def test_a_called_ticket_appears_on_the_board_within_3_seconds(
    start_server: Callable[..., LiveServer], tv_page: Page
) -> None:
    server = start_server(BOARD_POLL_SECONDS=1)
    first = queue_patient(server.app, 1)
    queue_patient(server.app, 2)
    make_this_screen_the_board(server, tv_page, "imaging")
    expect(tv_page.get_by_text("No numbers called yet. Please wait to be called.")).to_be_visible()
    expect(tv_page.locator("#board-calls .waiting-count")).to_contain_text("2 people waiting")
    assert accessibility_violations(tv_page) == []

    call(server, first, "Desk 3")
    now_calling = tv_page.locator(".call-now")
    expect(now_calling).to_have_text("R-001 — Desk 3", timeout=CALL_SHOWS_WITHIN_MS)
    for said in ("Now calling", "Llamando ahora", "1 person waiting", "1 persona esperando"):
        expect(tv_page.get_by_text(said, exact=True)).to_be_visible()
    assert accessibility_violations(tv_page) == []
    assert smallest_font_px(tv_page) >= MIN_FONT_PX

    # Nothing changes: the next polls are answered 304 and the call stays on the screen.
    with tv_page.expect_response(lambda response: response.status == 304):
        pass
    expect(now_calling).to_have_text("R-001 — Desk 3")
    expect(tv_page.locator("#connection-lost")).to_be_hidden()


def test_markup_typed_as_a_desk_is_shown_as_text_and_never_runs(
    start_server: Callable[..., LiveServer], tv_page: Page
) -> None:
    server = start_server(BOARD_POLL_SECONDS=1)
    queued = queue_patient(server.app)
    make_this_screen_the_board(server, tv_page, "imaging")
    hostile = '<img src=x onerror="window.__xss=1">'
    call(server, queued, hostile)
    expect(tv_page.locator(".call-now .destination")).to_have_text(
        hostile, timeout=CALL_SHOWS_WITHIN_MS
    )
    assert tv_page.evaluate("() => window.__xss") is None
    assert tv_page.locator(".call-now img").count() == 0


def test_the_board_says_connection_lost_instead_of_showing_old_calls(
    start_server: Callable[..., LiveServer], tv_page: Page
) -> None:
    server = start_server(BOARD_POLL_SECONDS=1)
    queued = queue_patient(server.app)
    make_this_screen_the_board(server, tv_page, "imaging")
    call(server, queued, "Desk 3")
    expect(tv_page.locator(".call-now")).to_have_text(
        "R-001 — Desk 3", timeout=CALL_SHOWS_WITHIN_MS
    )
    server.stop()
    banner = tv_page.locator("#connection-lost")
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_contain_text("Connection lost. This board is not up to date")
    expect(banner).to_contain_text("Se perdió la conexión.")
    expect(tv_page.locator(".call-now")).to_be_hidden()
    assert accessibility_violations(tv_page) == []


def test_a_browser_that_is_no_board_gets_a_clear_page(
    start_server: Callable[..., LiveServer], tv_page: Page
) -> None:
    server = start_server()
    queue_patient(server.app)
    response = tv_page.goto(server.url + "/board/imaging")
    assert response is not None and response.status == 403
    expect(tv_page.get_by_role("heading")).to_contain_text(
        "This screen is not a waiting-room board."
    )
    assert accessibility_violations(tv_page) == []
