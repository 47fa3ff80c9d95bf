"""A patient checks in at the kiosk, in English by code and in Spanish by name and date of birth,
with a new insurance card photo and a finger signature; the ticket prints."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Locator, Page, Playwright, expect
from sqlalchemy import func, select

from kiosk.extensions import db
from kiosk.models import CheckIn, InsuranceCoverage, Patient, PrintJob, PrintJobStatus
from kiosk.models.types import utcnow
from tests.builders import add_department, book, book_patient, minutes
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    KIOSK_SCREEN,
    LiveServer,
    accessibility_violations,
)
from tests.e2e.test_find_e2e import make_this_screen_a_kiosk

pytestmark = pytest.mark.e2e

WORDS = {
    "en": {
        "start": "Check in for an appointment",
        "code": "I have an appointment code or letter",
        "name": "Use my last name and date of birth",
        "continue": "Continue",
        "yes_me": "Yes, that's me",
        "yes": "Yes",
        "new_card": "I have a new insurance card",
        "use_photo": "Use this photo",
        "sign": "Sign and check in",
        "done": "You are checked in",
        "finish": "Finish",
    },
    "es": {
        "start": "Registrar mi llegada a una cita",
        "code": "Tengo un código o una carta de cita",
        "name": "Usar mi apellido y fecha de nacimiento",
        "continue": "Continuar",
        "yes_me": "Sí, soy yo",
        "yes": "Sí",
        "new_card": "Tengo una tarjeta de seguro nueva",
        "use_photo": "Usar esta foto",
        "sign": "Firmar y registrar mi llegada",
        "done": "Llegada registrada",
        "finish": "Terminar",
    },
}


def card_photo(path: Path) -> Path:
    """A generated photo of an insurance card on a table."""
    image = Image.new("RGB", (2000, 1500), (120, 110, 100))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((300, 300, 1700, 1200), radius=60, fill=(230, 240, 255))
    draw.text((400, 400), "EXAMPLE HEALTH PLAN   MEMBER XKZ 4411 2200", fill=(0, 0, 80))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    path.write_bytes(out.getvalue())
    return path


def tap_keys(page: Page, text: str) -> None:
    keyboard = page.get_by_role("group", name=re.compile("keyboard|Teclado"))
    for character in text:
        keyboard.get_by_role("button", name=character.upper(), exact=True).tap()


def tap_to_next_screen(page: Page, role: str, name: str, exact: bool = False) -> None:
    """Tap a button or link that loads the next screen, and wait for it."""
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=exact).tap()  # type: ignore[arg-type]


def no_violations(page: Page) -> None:
    assert accessibility_violations(page) == [], page.url


def sign_with_a_finger(page: Page) -> None:
    pad = page.locator("canvas.signature-pad")
    box = pad.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 60, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(
            box["x"] + 60 + step * 60, box["y"] + box["height"] * (0.3 if step % 2 else 0.7)
        )
    page.mouse.up()


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("method", ["code", "name"])
def test_patient_checks_in_with_a_new_card_and_gets_a_printed_ticket(
    start_server: Callable[..., LiveServer],
    kiosk_page: Page,
    tmp_path: Path,
    lang: str,
    method: str,
) -> None:
    server = start_server(PRINT_RECEIPTS_FOLDER=str(tmp_path / "receipts"), ENV_NAME="test")
    booked = book_patient(server.app, last_name="Núñez")
    words = WORDS[lang]
    page = kiosk_page
    make_this_screen_a_kiosk(server, page, "main-lobby")
    if lang == "es":
        tap_to_next_screen(page, "button", "Español")
    tap_to_next_screen(page, "link", words["start"])
    no_violations(page)

    if method == "code":
        tap_to_next_screen(page, "link", words["code"])
        no_violations(page)
        tap_keys(page, booked.code.replace("-", ""))
    else:
        tap_to_next_screen(page, "link", words["name"])
        no_violations(page)
        tap_keys(page, "nunez")
        tap_to_next_screen(page, "button", words["continue"])
        no_violations(page)
        for field, value in (("dob-day", "12"), ("dob-month", "3"), ("dob-year", "1984")):
            page.locator(f"#{field}").tap()
            tap_keys(page, value)
    tap_to_next_screen(page, "button", words["continue"])

    expect(page.get_by_role("heading", level=1)).to_contain_text("Ana N.")
    no_violations(page)
    tap_to_next_screen(page, "button", words["yes_me"])
    no_violations(page)
    tap_to_next_screen(page, "button", words["yes"], exact=True)
    no_violations(page)
    tap_to_next_screen(page, "button", words["new_card"])
    for _side in ("front", "back"):
        no_violations(page)
        page.locator("#photo").set_input_files(str(card_photo(tmp_path / "card.jpg")))
        tap_to_next_screen(page, "button", words["use_photo"])
    no_violations(page)
    tap_keys(page, "XKZ44112200")
    tap_to_next_screen(page, "button", words["continue"])
    no_violations(page)
    sign_with_a_finger(page)
    tap_to_next_screen(page, "button", words["sign"])

    expect(page.get_by_role("heading", level=1)).to_have_text(words["done"])
    expect(page.locator(".ticket-number")).to_have_text("R-001")
    no_violations(page)

    worker = server.app.test_cli_runner().invoke(
        args=["print-worker", "--printer", "dummy://", "--once"]
    )
    assert worker.exit_code == 0, worker.output
    with server.app.app_context():
        (job,) = db.session.scalars(select(PrintJob)).all()
        assert job.status is PrintJobStatus.PRINTED and job.purpose == "ticket"
        assert db.session.scalar(select(CheckIn)) is not None
        coverage = db.session.scalar(
            select(InsuranceCoverage).where(InsuranceCoverage.source == "kiosk")
        )
        assert coverage is not None and coverage.member_id == "XKZ44112200"


def test_the_other_check_in_screens_pass_accessibility_checks(
    start_server: Callable[..., LiveServer], kiosk_page: Page
) -> None:
    """Screens off the main path, in both languages: the one failure page, several appointments,
    "not me", a new phone number, walk-in, the phone ticket page, and a browser that is not a
    kiosk being sent to the desk."""
    server = start_server(ENV_NAME="test")
    book_patient(server.app, last_name="Okafor", mrn="E2E-2", starts_in_minutes=(5, 30))
    page = kiosk_page
    page.goto(server.url + "/check-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check in")
    no_violations(page)
    make_this_screen_a_kiosk(server, page, "main-lobby")

    for lang in ("en", "es"):
        words = WORDS[lang]
        page.goto(server.url + "/check-in/code")
        if lang == "es":
            tap_to_next_screen(page, "button", "Español")
        tap_keys(page, "zzzzzzzz")
        tap_to_next_screen(page, "button", words["continue"])
        expect(page.locator("h1")).to_contain_text("aquí" if lang == "es" else "here")
        no_violations(page)

        page.goto(server.url + "/check-in/name")
        tap_keys(page, "okafor")
        tap_to_next_screen(page, "button", words["continue"])
        for field, value in (("dob-day", "12"), ("dob-month", "3"), ("dob-year", "1984")):
            page.locator(f"#{field}").fill(value)
        tap_to_next_screen(page, "button", words["continue"])
        expect(page.locator("button[value=all]")).to_be_visible()
        no_violations(page)
        with page.expect_navigation():
            page.locator("button[value=all]").tap()
        with page.expect_navigation():
            page.locator("button[value=yes]").tap()
        with page.expect_navigation():
            page.locator("button[value=change]").tap()
        expect(page.locator("#phone")).to_be_visible()
        no_violations(page)
        page.goto(server.url + "/check-in/confirm")
        with page.expect_navigation():
            page.locator("button[value=no]").tap()
        expect(page).to_have_url(server.url + "/check-in/see-desk")
        no_violations(page)

        page.goto(server.url + "/check-in/walk-in")
        no_violations(page)
        page.locator("#first_name").fill("Sam")
        page.locator("#last_name").fill("Walker")
        tap_to_next_screen(page, "button", words["continue"])
        for field, value in (("dob-day", "2"), ("dob-month", "2"), ("dob-year", "1990")):
            page.locator(f"#{field}").fill(value)
        tap_to_next_screen(page, "button", words["continue"])
        expect(page.locator("button[name=department]").first).to_be_visible()
        no_violations(page)
        with page.expect_navigation():
            page.locator("button[name=department]").first.tap()
        expect(page.locator(".ticket-number")).to_be_visible()
        no_violations(page)
        qr = page.locator(".phone-qr img").get_attribute("src")
        assert qr is not None
        page.goto(server.url + qr.removesuffix("/qr.svg") + f"?lang={lang}")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        no_violations(page)


def assert_inside_the_screen(page: Page, locator: Locator) -> None:
    """The element is on the 1080×1920 screen as loaded: no scrolling needed to see or tap it."""
    box = locator.bounding_box()
    assert box is not None, locator
    width, height = KIOSK_SCREEN["width"], KIOSK_SCREEN["height"]
    assert page.evaluate("window.scrollY") == 0
    assert box["x"] >= 0 and box["y"] >= 0, (locator, box)
    assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, (locator, box)


def check_in_through_the_screens(page: Page, code: str, words: dict[str, str]) -> None:
    """From the code screen to the ticket, choosing every appointment and not signing."""
    page.locator("#code").fill(code)
    tap_to_next_screen(page, "button", words["continue"])
    if page.locator("button[value=all]").count():
        with page.expect_navigation():
            page.locator("button[value=all]").tap()
    tap_to_next_screen(page, "button", words["yes_me"])
    if page.locator("button[name=answer][value=no]").count() and "/route" in page.url:
        with page.expect_navigation():
            page.locator("button[value=no]").tap()
    tap_to_next_screen(page, "button", words["yes"], exact=True)
    with page.expect_navigation():
        page.locator("button[name=choice][value=same]").tap()
    with page.expect_navigation():
        page.locator("button[name=method][value=tap]").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["done"])


@pytest.mark.parametrize(
    ("lang", "departments", "kiosk"),
    [
        ("en", ("laboratory", "imaging"), "main-lobby"),
        ("es", ("laboratory", "imaging"), "main-lobby"),
        ("es", ("laboratory",), "main-lobby"),
        ("es", ("pediatrics",), "parking-lobby"),  # the demo's longest way: four floor sections
    ],
)
def test_the_ticket_screen_shows_every_ticket_and_finish_without_scrolling(
    start_server: Callable[..., LiveServer],
    kiosk_page: Page,
    lang: str,
    departments: tuple[str, ...],
    kiosk: str,
) -> None:
    """At 1080×1920, every ticket's number and QR code, which to go to first, the step-free
    switch (where it changes the way), Finish and the footer are on screen as the page loads;
    a single ticket shows its first floor's steps, later floors a tap away."""
    server = start_server(ENV_NAME="test")
    booked = book_patient(server.app, department_code=departments[0])
    if len(departments) > 1:
        with server.app.app_context():
            patient = db.session.get(Patient, booked.patient_id)
            assert patient is not None
            book(patient, add_department(departments[1], "I"), utcnow() + minutes(40))
    page = kiosk_page
    make_this_screen_a_kiosk(server, page, kiosk)
    if lang == "es":
        tap_to_next_screen(page, "button", "Español")
    page.goto(server.url + "/check-in/code")
    check_in_through_the_screens(page, booked.code, WORDS[lang])

    numbers = page.locator(".ticket-number")
    expect(numbers).to_have_count(len(departments))
    for index in range(len(departments)):
        assert_inside_the_screen(page, numbers.nth(index))
        assert_inside_the_screen(page, page.locator(".phone-qr img").nth(index))
    if len(departments) > 1:
        order = page.locator(".ticket-order")
        expect(order).to_contain_text("Laboratory")
        expect(order).to_contain_text("primero" if lang == "es" else "first")
        assert_inside_the_screen(page, order)
    else:
        assert_inside_the_screen(page, page.locator(".ticket-directions ol").first)
        for later_floor in page.locator(".ticket-later-floor > summary").all():
            assert_inside_the_screen(page, later_floor)
    if page.locator(".ticket-step-free").count():
        assert_inside_the_screen(page, page.locator(".ticket-step-free button"))
    assert_inside_the_screen(page, page.get_by_role("button", name=WORDS[lang]["finish"]))
    for control in page.locator(".bottom-bar a, .bottom-bar button").all():
        assert_inside_the_screen(page, control)
    no_violations(page)


def test_step_free_chosen_on_the_find_screens_shows_on_the_ticket_and_switches_back(
    start_server: Callable[..., LiveServer], kiosk_page: Page
) -> None:
    """A wheelchair user switches step-free on while looking for the way, checks in without
    being asked again, and reads a step-free way on the ticket screen; switching it off there
    shows (and prints) the escalator way."""
    server = start_server(ENV_NAME="test")
    booked = book_patient(server.app, department_code="laboratory")
    page = kiosk_page
    make_this_screen_a_kiosk(server, page, "main-lobby")
    page.goto(server.url + "/find/")
    tap_to_next_screen(page, "button", "Step-free route: off")
    page.goto(server.url + "/check-in/code")
    check_in_through_the_screens(page, booked.code, WORDS["en"])

    steps = page.locator(".ticket-directions ol")
    expect(page.get_by_role("button", name="Step-free route: on")).to_be_visible()
    expect(steps.first).to_contain_text("Elevator")
    expect(steps.filter(has_text=re.compile("escalator|stair", re.IGNORECASE))).to_have_count(0)
    tap_to_next_screen(page, "button", "Step-free route: on")
    expect(page.get_by_role("button", name="Step-free route: off")).to_be_visible()
    expect(steps.filter(has_text="escalator")).not_to_have_count(0)
    with server.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PrintJob)) == 2


def tab_stops_until(page: Page, inside: str, limit: int = 40) -> int:
    """Press Tab until the focus is inside the CSS selector `inside`; how many presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement.closest(s)", inside):
            return presses
    raise AssertionError(f"Tab never reached {inside}")


def test_keyboard_users_tab_past_the_on_screen_keys(
    start_server: Callable[..., LiveServer], kiosk_page: Page
) -> None:
    """The on-screen keys are for touch: Tab goes from a field to the next real control, and
    the keys still type when tapped."""
    server = start_server(ENV_NAME="test")
    page = kiosk_page
    make_this_screen_a_kiosk(server, page, "main-lobby")
    page.goto(server.url + "/find/")
    page.locator("#search-q").fill("lab")
    expect(page.locator("#search-results a").first).to_be_visible()
    page.locator("#search-q").focus()
    assert tab_stops_until(page, "#search-results") == 2  # the Search button, then the result

    page.goto(server.url + "/check-in/code")
    page.locator("#code").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Continue")).to_be_focused()
    tap_keys(page, "k7m2")
    expect(page.locator("#code")).to_have_value("k7m2")
    expect(page.locator("#code")).to_be_focused()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_date_of_birth_boxes_follow_the_us_order_and_move_on_when_full(
    start_server: Callable[..., LiveServer], kiosk_page: Page, lang: str
) -> None:
    """Month / Day / Year for a US facility; the box being typed into is marked and keeps the
    focus while the keys are tapped, and a full box hands over to the next."""
    server = start_server(ENV_NAME="test")
    booked = book_patient(server.app, last_name="Okafor")
    page = kiosk_page
    make_this_screen_a_kiosk(server, page, "main-lobby")
    if lang == "es":
        tap_to_next_screen(page, "button", "Español")
    page.goto(server.url + "/check-in/name")
    tap_keys(page, "okafor")
    tap_to_next_screen(page, "button", WORDS[lang]["continue"])

    boxes = page.locator(".date-fields input")
    assert [boxes.nth(i).get_attribute("name") for i in range(3)] == ["month", "day", "year"]
    labels = [text.strip() for text in page.locator(".date-fields label").all_inner_texts()]
    assert labels == (["Mes", "Día", "Año"] if lang == "es" else ["Month", "Day", "Year"])
    month, day, year = (page.locator(f"#dob-{name}") for name in ("month", "day", "year"))
    expect(month).to_be_focused()
    tap_keys(page, "0")
    expect(month).to_be_focused()
    expect(month).to_have_class(re.compile("osk-active"))
    outline = month.evaluate("e => parseFloat(getComputedStyle(e).outlineWidth)")
    assert outline >= 4
    tap_keys(page, "3")
    expect(day).to_be_focused()
    expect(day).to_have_class(re.compile("osk-active"))
    expect(month).not_to_have_class(re.compile("osk-active"))
    tap_keys(page, "12")
    expect(year).to_be_focused()
    tap_keys(page, "1984")
    assert (month.input_value(), day.input_value(), year.input_value()) == ("03", "12", "1984")
    assert_inside_the_screen(page, year)
    tap_to_next_screen(page, "button", WORDS[lang]["continue"])
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{booked.first_name} O.")


def check_in_until_the_card(page: Page, code: str, words: dict[str, str] = WORDS["en"]) -> None:
    """From the code screen to the photo of a new card's front (no stairs question: imaging)."""
    page.locator("#code").fill(code)
    tap_to_next_screen(page, "button", words["continue"])
    tap_to_next_screen(page, "button", words["yes_me"])
    tap_to_next_screen(page, "button", words["yes"], exact=True)
    tap_to_next_screen(page, "button", words["new_card"])


def test_without_a_camera_a_large_translated_button_chooses_the_photo_and_shows_it(
    start_server: Callable[..., LiveServer], kiosk_page: Page, tmp_path: Path
) -> None:
    """No native "Choose File": a big "Elegir una foto" button, a preview of the chosen card,
    and no promise of a camera frame that is not there."""
    server = start_server(ENV_NAME="test")
    booked = book_patient(server.app)
    page = kiosk_page
    make_this_screen_a_kiosk(server, page, "main-lobby")
    tap_to_next_screen(page, "button", "Español")
    page.goto(server.url + "/check-in/code")
    chooser = page.get_by_text("Elegir una foto", exact=True)
    expect(chooser).to_be_visible()
    check_in_until_the_card(page, booked.code, WORDS["es"])

    chooser = page.get_by_text("Elegir una foto", exact=True)
    expect(chooser).to_be_visible()
    box = chooser.bounding_box()
    assert box is not None and box["height"] >= 64 and box["width"] >= 64
    native = page.locator("#photo").bounding_box()
    assert native is not None and native["width"] <= 1 and native["height"] <= 1
    expect(page.locator("video")).to_be_hidden()
    expect(page.get_by_text("recuadro")).to_be_hidden()  # "dentro del recuadro": no frame here
    preview = page.locator("#photo-preview")
    expect(preview).to_be_hidden()
    page.locator("#photo").set_input_files(str(card_photo(tmp_path / "card.jpg")))
    expect(preview).to_be_visible()
    assert preview.evaluate("c => c.width") > 0
    no_violations(page)
    tap_to_next_screen(page, "button", WORDS["es"]["use_photo"])
    expect(page.get_by_role("heading", level=1)).to_contain_text("reverso")


def primary_actions_and_footer_on_screen(page: Page, *actions: Locator) -> None:
    """The screen's primary actions and every footer control (Back or Home, languages, Help)
    are on the 1080×1920 screen without scrolling."""
    for action in actions:
        assert_inside_the_screen(page, action)
    for control in page.locator(".bottom-bar a, .bottom-bar button").all():
        assert_inside_the_screen(page, control)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_check_in_screen_fits_the_kiosk_screen(
    start_server: Callable[..., LiveServer], kiosk_page: Page, tmp_path: Path, lang: str
) -> None:
    """From the first question to the ticket, each screen's primary actions and the footer are
    inside 1080×1920 as it loads (a chosen card photo's preview included)."""
    server = start_server(ENV_NAME="test")
    booked = book_patient(server.app, department_code="laboratory", last_name="Okafor")
    words = WORDS[lang]
    page = kiosk_page
    make_this_screen_a_kiosk(server, page, "main-lobby")
    if lang == "es":
        tap_to_next_screen(page, "button", "Español")
    page.goto(server.url + "/check-in/")
    primary_actions_and_footer_on_screen(page, page.locator(".choice-list a").last)
    page.goto(server.url + "/check-in/name")
    continue_button = page.get_by_role("button", name=words["continue"])
    primary_actions_and_footer_on_screen(page, continue_button, page.locator(".osk-key").last)
    tap_keys(page, "okafor")
    tap_to_next_screen(page, "button", words["continue"])
    primary_actions_and_footer_on_screen(page, continue_button, page.locator(".osk-key").last)
    page.goto(server.url + "/check-in/code")
    primary_actions_and_footer_on_screen(
        page, continue_button, page.locator(".file-button"), page.locator(".osk-key").last
    )
    page.locator("#code").fill(booked.code)
    tap_to_next_screen(page, "button", words["continue"])
    primary_actions_and_footer_on_screen(page, page.locator("button[value=no]"))
    tap_to_next_screen(page, "button", words["yes_me"])
    primary_actions_and_footer_on_screen(page, page.locator("button[value=no]"))  # stairs?
    with page.expect_navigation():
        page.locator("button[value=no]").tap()
    primary_actions_and_footer_on_screen(page, page.locator("button[value=change]"))
    tap_to_next_screen(page, "button", words["yes"], exact=True)
    primary_actions_and_footer_on_screen(page, page.locator("button[value=self_pay]"))
    tap_to_next_screen(page, "button", words["new_card"])
    for _side in ("front", "back"):
        page.locator("#photo").set_input_files(str(card_photo(tmp_path / "card.jpg")))
        expect(page.locator("#photo-preview")).to_be_visible()
        use_photo = page.get_by_role("button", name=words["use_photo"])
        primary_actions_and_footer_on_screen(page, page.locator(".file-button"), use_photo)
        tap_to_next_screen(page, "button", words["use_photo"])
    primary_actions_and_footer_on_screen(page, continue_button, page.locator(".osk-key").last)
    tap_keys(page, "XKZ44112200")
    tap_to_next_screen(page, "button", words["continue"])
    primary_actions_and_footer_on_screen(
        page, page.locator("button[value=signature]"), page.locator("button[value=tap]")
    )


def test_with_a_camera_the_card_photo_taken_is_shown_and_sent(
    start_server: Callable[..., LiveServer], playwright: Playwright
) -> None:
    """A kiosk with a camera (Chromium's fake one): the frame is promised and shown, "Take
    photo" shows the still it took (drawn, as the security policy allows no blob: images), and
    that still is the photo sent."""
    server = start_server(ENV_NAME="test")
    booked = book_patient(server.app)
    camera_browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
        ],
    )
    try:
        context = camera_browser.new_context(viewport=KIOSK_SCREEN, has_touch=True)
        context.grant_permissions(["camera"], origin=server.url)
        page = context.new_page()
        make_this_screen_a_kiosk(server, page, "main-lobby")
        page.goto(server.url + "/check-in/code")
        check_in_until_the_card(page, booked.code)
        expect(page.locator("video")).to_be_visible()
        expect(page.get_by_text("Hold the card flat inside the frame")).to_be_visible()
        page.get_by_role("button", name="Take photo").tap()
        still = page.get_by_role("img", name="The photo you took")
        expect(still).to_be_visible()
        # A picture is drawn (an <img> the browser refused would have no natural size).
        drawn = "e => e instanceof HTMLCanvasElement ? e.width : e.naturalWidth"
        assert still.evaluate(drawn) > 0
        assert page.locator("#photo").evaluate("i => i.files.length") == 1
        primary_actions_and_footer_on_screen(
            page, page.get_by_role("button", name="Use this photo")
        )
        tap_to_next_screen(page, "button", "Use this photo")
        expect(page.get_by_role("heading", level=1)).to_contain_text("back of your card")
    finally:
        camera_browser.close()
