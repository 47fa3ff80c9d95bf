"""Every kiosk screen fits the portrait 1080×1920 screen: what a person must see or tap (the
heading, the screen's primary actions) and the footer (Home or Back, Help, both languages) lie
inside the first screenful, above the footer, without scrolling — in English and Spanish, with
no accessibility violations. Also: the route screen turns floors in place, and keyboard focus
starts at each screen's heading."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.builders import book_patient, demo_floorplan_with_elevators_closed
from tests.e2e.conftest import KIOSK_SCREEN, LiveServer, accessibility_violations
from tests.e2e.test_find_e2e import make_this_screen_a_kiosk

pytestmark = pytest.mark.e2e

WORDS = {
    "en": {
        "help": "Get help",
        "check_in": "Check in for an appointment",
        "find": "Find your way",
        "search": "Search",
        "nearest": "Nearest restroom",
        "a_z": "A–Z of all places",
        "print": "Print directions",
        "search_again": "Search again",
        "to_start": "Back to the start",
        "continue": "Continue",
        "finish": "Finish",
        "next": "Next: ",
        "back_floor": "Back: ",
        "step_free_off": "Step-free route: off",
        "step_free_on": "Step-free route: on",
    },
    "es": {
        "help": "Pedir ayuda",
        "check_in": "Registrar mi llegada a una cita",
        "find": "Cómo llegar",
        "search": "Buscar",
        "nearest": "Baño más cercano",
        "a_z": "Todos los lugares de la A a la Z",
        "print": "Imprimir indicaciones",
        "search_again": "Buscar de nuevo",
        "to_start": "Volver al inicio",
        "continue": "Continuar",
        "finish": "Terminar",
        "next": "Siguiente: ",
        "back_floor": "Volver: ",
        "step_free_off": "Ruta sin escalones: desactivada",
        "step_free_on": "Ruta sin escalones: activada",
    },
}


class ScreenCheck:
    """Walks the screens in one language and collects every control found off the screen."""

    def __init__(self, page: Page, server_url: str, lang: str) -> None:
        self.page = page
        self.server_url = server_url
        self.lang = lang
        self.words = WORDS[lang]
        self.problems: list[str] = []
        self.screens: list[str] = []

    def fits(self, screen: str, *primary: Locator, in_footer: tuple[Locator, ...] = ()) -> None:
        """The heading, `primary` and the footer of the screen now shown lie in the viewport
        (primary above the footer, `in_footer` actions in it) with the page at its top; axe
        finds nothing."""
        page = self.page
        expect(page.locator("html")).to_have_attribute("lang", self.lang)
        page.evaluate("window.scrollTo(0, 0)")
        self.screens.append(screen)
        footer = page.locator(".bottom-bar")
        footer_box = footer.bounding_box()
        assert footer_box is not None, f"{screen}: no footer"
        self.inside(screen, "footer", footer, 0, KIOSK_SCREEN["height"])
        footer_controls = [
            footer.get_by_role("link", name=self.words["help"]),
            footer.get_by_role("button", name="English"),
            footer.get_by_role("button", name="Español"),
        ]
        for control in (*footer_controls, *in_footer):
            self.inside(screen, "footer control", control, footer_box["y"], KIOSK_SCREEN["height"])
        for control in (page.locator("main h1"), *primary):
            self.inside(screen, control_name(control), control, 0, footer_box["y"])
        violations = accessibility_violations(page)
        if violations:
            self.problems.append(f"{screen}: accessibility {violations}")

    def inside(self, screen: str, what: str, control: Locator, top: float, bottom: float) -> None:
        if control.count() == 0:
            self.problems.append(f"{screen}: {what} is missing")
            return
        box = control.first.bounding_box()
        if box is None:
            self.problems.append(f"{screen}: {what} is not shown")
            return
        right = box["x"] + box["width"]
        if box["y"] < top or box["y"] + box["height"] > bottom + 0.5 or right > 1080.5:
            where = f"x {box['x']:.0f}–{right:.0f}, y {box['y']:.0f}–{box['y'] + box['height']:.0f}"
            self.problems.append(f"{screen}: {what} at {where} is outside 1080×{bottom:.0f}")

    def open(self, path: str) -> None:
        self.page.goto(self.server_url + path)

    def tap(self, control: Locator) -> None:
        """Tap what loads the next screen, and wait for it."""
        with self.page.expect_navigation():
            control.tap()

    def choose_language(self) -> None:
        if self.lang == "es":
            self.tap(self.page.get_by_role("button", name="Español"))


def control_name(control: Locator) -> str:
    """The locator's selector, which names the control in a failure message."""
    return str(control).split("selector=", 1)[-1].rstrip(">")


def find_screens(check: ScreenCheck) -> None:
    page, words = check.page, check.words
    main = page.locator("main")
    check.open("/")
    check.choose_language()
    check.fits(
        "home",
        main.get_by_role("link", name=words["check_in"]),
        main.get_by_role("link", name=words["find"]),
    )
    check.open("/help")
    check.fits("help")
    check.open("/find/")
    check.fits(
        "find start",
        page.locator("#search-q"),
        main.get_by_role("button", name=words["search"], exact=True),
        main.get_by_role("link", name=words["nearest"]),
        main.get_by_role("link", name=words["a_z"]),
    )
    page.locator("#search-q").fill("toilet")
    expect(page.locator("#search-results .button-destination").first).to_be_visible()
    check.fits("results as typed", page.locator("#search-results .button-destination"))
    check.open("/find/search?q=restroom")
    check.fits("results page", page.locator("#search-q"), page.locator(".button-destination"))
    check.open("/find/a-z")
    check.fits(
        "A–Z",
        page.locator(".button-letter").first,
        page.locator(".button-letter").last,
        page.locator(".button-destination"),
    )
    check.open("/find/category/restrooms")
    check.fits("category list", page.locator(".button-destination"))

    check.open("/find/to/neonatal-icu-does-not-exist")
    check.fits("unknown place", main.get_by_role("link", name=words["search_again"]))
    check.open("/nowhere")
    check.fits("page not found", main.get_by_role("link", name=words["to_start"]))
    check.open("/find/")
    check.tap(page.get_by_role("button", name=words["step_free_off"]))
    check.open("/find/to/imaging")
    check.fits("no route", main.get_by_role("link", name=words["search_again"]))
    check.open("/find/")
    check.tap(page.get_by_role("button", name=words["step_free_on"]))


def route_screens(check: ScreenCheck) -> None:
    """The route screen, its first floor and (tapping Next) its second, as the person sees them."""
    page, words = check.page, check.words
    check.open("/find/to/laboratory")
    route_parts = (
        page.locator(".route-map"),
        page.locator(".route-step").first,
        page.locator(".route-step").last,
        page.get_by_role("button", name=words["print"]),
        page.locator(".phone-qr img"),
    )
    next_floor = page.get_by_role("link", name=re.compile("^" + words["next"]))
    check.fits("route, first floor", *route_parts, next_floor)
    first_steps = page.locator(".route-step").all_inner_texts()
    # The map is shown at the size it is drawn, so its 24 px labels are not scaled down.
    expect(page.locator(".route-map")).to_have_js_property("complete", True)
    drawn, shown = page.locator(".route-map").evaluate("m => [m.naturalWidth, m.clientWidth]")
    assert drawn == shown

    next_floor.tap()  # htmx swaps only the floor; the page stays
    expect(page.locator(".floor-position")).to_contain_text("2")
    expect(page.locator("#route-floor-title")).to_be_focused()
    assert page.locator(".route-step").all_inner_texts() != first_steps
    check.fits(
        "route, second floor",
        *route_parts,
        page.get_by_role("link", name=re.compile("^" + words["back_floor"])),
    )


def check_in_screens(check: ScreenCheck, server: LiveServer) -> None:
    """The demo's single-appointment check-in by name, its side screens, and a walk-in."""
    page, words = check.page, check.words
    main = page.locator("main")
    book_patient(server.app, last_name="Núñez", mrn=f"FIT-{check.lang}-1")
    book_patient(server.app, last_name="Okafor", mrn=f"FIT-{check.lang}-2")
    check.open("/")
    check.choose_language()
    check.open("/check-in/")
    check.fits("check-in start", main.locator(".choice-list .button"))
    check.open("/check-in/code")
    check_continue = main.get_by_role("button", name=words["continue"])
    check.fits("code", page.locator("#code"), check_continue)
    page.locator("#code").fill("ZZZZ9999")
    check.tap(check_continue)
    check.fits("not found", main.locator(".button").first)

    check.open("/check-in/name")
    check.fits("last name", page.locator("#last_name"), check_continue)
    page.locator("#last_name").fill("Nunez")
    check.tap(check_continue)
    dob_fields = [page.locator(f"#dob-{part}") for part in ("day", "month", "year")]
    check.fits("date of birth", *dob_fields, check_continue)
    for field, value in zip(dob_fields, ("12", "3", "1984"), strict=True):
        field.fill(value)
    check.tap(check_continue)
    check.fits("confirm", page.locator("button[value=yes]"), page.locator("button[value=no]"))
    check.tap(page.locator("button[value=yes]"))
    check.fits("contact", page.locator("button[value=yes]"), page.locator("button[value=change]"))
    check.tap(page.locator("button[value=change]"))
    check.fits("new phone number", page.locator("#phone"), check_continue)
    check.open("/check-in/contact")
    check.tap(page.locator("button[value=yes]"))
    choices = page.locator("button[name=choice]")
    check.fits("insurance", choices.first, choices.last)
    check.tap(page.locator("button[value=new]"))
    check.fits("card photo", main.locator("button[type=submit]").last)
    check.open("/check-in/insurance")
    check.tap(page.locator("button[value=same]"))
    check.fits("privacy notice", page.locator("button[value=tap]"))
    check.tap(page.locator("button[value=tap]"))
    finish = page.get_by_role("button", name=words["finish"])
    check.fits("done", page.locator(".ticket-number"), in_footer=(finish,))
    check.tap(finish)

    check.choose_language()
    check.open("/check-in/name")
    page.locator("#last_name").fill("Okafor")
    check.tap(check_continue)
    for field, value in zip(dob_fields, ("12", "3", "1984"), strict=True):
        field.fill(value)
    check.tap(check_continue)
    check.tap(page.locator("button[value=no]"))
    check.fits("see the desk")

    check.open("/check-in/walk-in")
    check.fits("walk-in name", page.locator("#first_name"), page.locator("#last_name"))
    page.locator("#first_name").fill("Sam")
    page.locator("#last_name").fill("Walker")
    check.tap(check_continue)
    check.fits("walk-in date of birth", *dob_fields, check_continue)
    for field, value in zip(dob_fields, ("2", "2", "1990"), strict=True):
        field.fill(value)
    check.tap(check_continue)
    departments = page.locator("button[name=department]")
    check.fits("walk-in department", departments.first, departments.last)
    check.tap(departments.first)
    # The stairs question comes only where the department's step-free way differs.
    no_stairs = page.locator("button[value=no]")
    page.locator(".ticket-number").or_(no_stairs).first.wait_for()
    if no_stairs.count():
        check.fits("walk-in stairs question", no_stairs)
        check.tap(no_stairs)
    check.fits("walk-in done", page.locator(".ticket-number"), in_footer=(finish,))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_kiosk_screen_fits_the_portrait_screen_with_its_footer(
    start_server: Callable[..., LiveServer], kiosk_page: Page, tmp_path: Path, lang: str
) -> None:
    server = start_server(
        FLOORPLAN_PATH=str(demo_floorplan_with_elevators_closed(tmp_path)),
        PRINT_RECEIPTS_FOLDER=str(tmp_path / "receipts"),
    )
    check = ScreenCheck(kiosk_page, server.url, lang)
    make_this_screen_a_kiosk(server, kiosk_page, "main-lobby")
    find_screens(check)
    route_screens(check)
    check_in_screens(check, server)
    assert len(check.screens) >= 25
    assert not check.problems, "\n".join(check.problems)


def test_focus_starts_at_the_main_heading_of_every_screen(
    start_server: Callable[..., LiveServer], kiosk_page: Page
) -> None:
    server = start_server()
    page = kiosk_page
    for path in ("/", "/help", "/find/", "/find/a-z", "/find/to/laboratory", "/check-in/"):
        page.goto(server.url + path)
        expect(page.locator("main h1")).to_be_focused()
        assert page.evaluate("window.scrollY") == 0
    # A keyboard user's first Tab then leaves the heading for what follows it, not the top bar.
    page.goto(server.url + "/find/to/laboratory")
    expect(page.locator("main h1")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    # Typing a search keeps the focus in the search box while the results change under it.
    page.goto(server.url + "/find/")
    page.locator("#search-q").focus()
    page.keyboard.type("xray")
    expect(page.locator("#search-results a").first).to_be_visible()
    expect(page.locator("#search-q")).to_be_focused()
