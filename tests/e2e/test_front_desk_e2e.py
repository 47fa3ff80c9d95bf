"""The front desk at two app servers sharing one database: a patient checks in at the kiosk
(served by one), a coordinator signed in with a password and an authenticator code (served by
the other) sees the arrival appear without reloading and calls the ticket to Desk 3; the board
and the patient's phone page show the call. The Today screen passes axe-core's WCAG 2.2 A/AA
checks in English and Spanish, names and department labels carrying markup stay text, and a
screen that loses its server says so instead of showing an old list."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from kiosk import create_app
from kiosk.extensions import db
from kiosk.models import Department, StaffRoleName
from tests.admin.queue.queue_builders import queue_patient
from tests.builders import book_patient
from tests.e2e.conftest import DESK_SCREEN, KIOSK_SCREEN, LiveServer, accessibility_violations
from tests.e2e.test_board_e2e import TV_SCREEN, make_this_screen_the_board
from tests.e2e.test_checkin_e2e import WORDS, check_in_through_the_screens
from tests.e2e.test_find_e2e import make_this_screen_a_kiosk
from tests.e2e.test_staff_signin_e2e import type_password
from tests.helpers import app_config
from tests.staff_signin import StaffAccount, next_code, staff_account

pytestmark = pytest.mark.e2e

SHOWS_WITHIN_MS = 3000
HOSTILE = '<img src=x onerror="window.__xss=1">'
# Both servers poll quickly, so "within 3 s" holds on a busy test machine too.
FAST_POLLING = {"QUEUE_POLL_SECONDS": 1, "BOARD_POLL_SECONDS": 1}


@pytest.fixture
def two_servers(start_server: Callable[..., LiveServer]) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two app servers on one database, like two workers: the kiosks' and the front desk's."""
    kiosk_server = start_server(**FAST_POLLING)
    url = kiosk_server.app.config["SQLALCHEMY_DATABASE_URI"]
    desk_server = LiveServer(create_app(app_config(url, **FAST_POLLING)))
    yield kiosk_server, desk_server
    desk_server.stop()


def new_page(browser: Browser, viewport: dict[str, int], touch: bool = False) -> Page:
    """A fresh browser window of its own (its own cookies)."""
    return browser.new_context(viewport=viewport, has_touch=touch, locale="en-US").new_page()


def sign_in_with_code(server: LiveServer, page: Page, account: StaffAccount) -> None:
    """Password, then the authenticator's code, as a coordinator at the desk would."""
    assert account.totp_key is not None
    page.goto(server.url + "/staff/sign-in")
    type_password(page, account.email, account.password, "Sign in")
    page.get_by_label("Code", exact=True).fill(
        next_code(server.app, account.email, account.totp_key)
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Today")).to_be_visible()


def test_a_kiosk_arrival_is_called_from_another_server_and_reaches_board_and_phone(
    two_servers: tuple[LiveServer, LiveServer], browser: Browser
) -> None:
    kiosk_server, desk_server = two_servers
    booked = book_patient(kiosk_server.app, first_name="Ana", department_code="imaging")
    coordinator = staff_account(
        desk_server.app, StaffRoleName.COORDINATOR, email="desk@example.org", with_totp=True
    )

    desk = new_page(browser, DESK_SCREEN)
    sign_in_with_code(desk_server, desk, coordinator)
    desk.get_by_role("link", name="Today").click()
    row = desk.locator("tr.queue-row", has_text="Ana N.")
    expect(row.locator(".queue-state")).to_have_text("booked")
    desk.evaluate("() => { window.__notReloaded = true; }")

    tv = new_page(browser, TV_SCREEN)
    make_this_screen_the_board(kiosk_server, tv, "imaging")

    kiosk = new_page(browser, KIOSK_SCREEN, touch=True)
    make_this_screen_a_kiosk(kiosk_server, kiosk, "main-lobby")
    kiosk.goto(kiosk_server.url + "/check-in/code")
    check_in_through_the_screens(kiosk, booked.code, WORDS["en"])
    expect(kiosk.locator(".ticket-number")).to_have_text("R-001")
    phone_path = kiosk.locator(".phone-qr img").get_attribute("src") or ""
    assert phone_path.endswith("/qr.svg")

    expect(row.locator(".ticket-label")).to_have_text("R-001", timeout=SHOWS_WITHIN_MS)
    expect(row.locator(".queue-state")).to_have_text("arrived")
    assert desk.evaluate("() => window.__notReloaded") is True

    row.get_by_label("Desk or room for R-001").select_option("Desk 3")
    row.get_by_role("button", name=re.compile("^Call")).click()
    expect(desk.get_by_role("status")).to_have_text("Called to Desk 3.")
    expect(row.locator(".queue-state")).to_have_text("called · Desk 3")
    expect(tv.locator(".call-now")).to_have_text("R-001 — Desk 3", timeout=SHOWS_WITHIN_MS)

    phone = new_page(browser, {"width": 390, "height": 844}, touch=True)
    phone.goto(desk_server.url + phone_path.removesuffix("/qr.svg"))
    expect(phone.get_by_text("Your number has been called")).to_be_visible()


def test_today_is_accessible_in_both_languages_and_markup_stays_text(
    start_server: Callable[..., LiveServer], browser: Browser
) -> None:
    server = start_server(**FAST_POLLING)
    queue_patient(server.app, 1)
    book_patient(server.app, first_name=HOSTILE, mrn="TEST-0009", department_code="laboratory")
    with server.app.app_context():
        laboratory = db.session.query(Department).filter_by(code="laboratory").one()
        laboratory.names = {"en": HOSTILE, "es": HOSTILE}
        db.session.commit()
    coordinator = staff_account(server.app, StaffRoleName.COORDINATOR, with_totp=True)
    desk = new_page(browser, DESK_SCREEN)
    sign_in_with_code(server, desk, coordinator)
    desk.goto(server.url + "/staff/queue/")
    expect(desk.get_by_role("heading", level=1)).to_have_text("Today · All my departments")
    expect(desk.locator("span.patient-name", has_text=f"{HOSTILE} N.")).to_be_visible()
    expect(desk.locator("#queue-department option", has_text=HOSTILE)).to_have_count(1)
    assert accessibility_violations(desk) == []

    desk.get_by_role("button", name="Español").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Hoy · Todos mis departamentos")
    assert accessibility_violations(desk) == []

    row = desk.locator("tr.queue-row[data-ticket='R-001']")
    row.get_by_role("button", name=re.compile("^Mostrar nombre completo")).click()
    expect(row.get_by_text("Test1 Patient1")).to_be_visible()
    assert desk.evaluate("() => window.__xss") is None
    assert desk.locator("td img").count() == 0


def test_the_today_screen_says_connection_lost_instead_of_showing_an_old_list(
    start_server: Callable[..., LiveServer], browser: Browser
) -> None:
    server = start_server(**FAST_POLLING)
    queue_patient(server.app, 1)
    coordinator = staff_account(server.app, StaffRoleName.COORDINATOR, with_totp=True)
    desk = new_page(browser, DESK_SCREEN)
    sign_in_with_code(server, desk, coordinator)
    desk.goto(server.url + "/staff/queue/")
    expect(desk.locator("#queue-live")).to_contain_text("Test1 P.")
    with desk.expect_response(lambda response: response.status == 304):
        pass
    server.stop()
    banner = desk.locator("#connection-lost")
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_contain_text("Connection to the server lost")
    expect(desk.locator("#queue-live")).to_be_hidden()


def test_call_staff_at_a_kiosk_reaches_the_desk_on_another_server_at_once(
    two_servers: tuple[LiveServer, LiveServer], browser: Browser
) -> None:
    kiosk_server, desk_server = two_servers
    coordinator = staff_account(desk_server.app, StaffRoleName.COORDINATOR, with_totp=True)
    desk = new_page(browser, DESK_SCREEN)
    sign_in_with_code(desk_server, desk, coordinator)
    desk.goto(desk_server.url + "/staff/queue/")
    expect(desk.get_by_text("No open kiosk alerts.")).to_be_visible()
    desk.evaluate("() => { window.__notReloaded = true; }")

    kiosk = new_page(browser, KIOSK_SCREEN, touch=True)
    make_this_screen_a_kiosk(kiosk_server, kiosk, "main-lobby")
    kiosk.goto(kiosk_server.url + "/help")
    kiosk.get_by_role("button", name="Call staff to this screen").tap()
    expect(kiosk.get_by_role("status")).to_contain_text("The front desk has been told")
    assert accessibility_violations(kiosk) == []

    alert = desk.locator(".kiosk-alert")
    expect(alert).to_contain_text("“Get help” pressed", timeout=SHOWS_WITHIN_MS)
    expect(alert).to_contain_text("main-lobby")
    assert desk.evaluate("() => window.__notReloaded") is True
    assert accessibility_violations(desk) == []
    alert.get_by_role("button", name=re.compile("^I'm on my way")).click()
    expect(alert).to_contain_text("someone is on the way")
    alert.get_by_role("button", name=re.compile("^Resolved")).click()
    expect(desk.get_by_text("No open kiosk alerts.")).to_be_visible()
