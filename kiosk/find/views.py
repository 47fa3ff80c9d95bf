""" "Find your way" at the kiosk: search, categories, A–Z, nearest restroom and the route screen.

Every screen works as a plain page; htmx only swaps the search results as the person types.
Routes come from the wayfinder's precomputed trees, so the screen answers from a lookup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse

from kiosk.extensions import db
from kiosk.find.analytics import record_event, record_search
from kiosk.find.listing import best_then_nearest, listed_places, nearest_first
from kiosk.find.pages import (
    KIOSK_MAP_PX,
    phone_link_url,
    route_map_response,
    route_page_context,
    route_problem_page,
    route_to_destination,
)
from kiosk.find.phone_links import RouteKey, phone_link_for
from kiosk.find.printout import (
    PrintOutcome,
    printed_destination,
    queue_directions_receipt,
    receipt_delivery,
)
from kiosk.find.route_floors import floor_visit_shown
from kiosk.floorplan import current_wayfinder, here
from kiosk.models.wayfinding import WayfindingEventKind
from kiosk.printing.delivery import DeliveryNotice
from kiosk.shell.home import safe_return_path
from kiosk.shell.i18n import select_locale
from kiosk.shell.links import is_htmx, qr_code_response, see_other
from wayfinding import Destination, NoRouteError, Profile, Route, UnknownPlaceError

bp = Blueprint("find", __name__, url_prefix="/find")

SEARCH_MAX_CHARS = 80
# A search counts in the analytics once its results have been on screen this long untouched.
SEARCH_SETTLE_SECONDS = 2
# What a tap on "Print" says when no receipt is on its way (one that is says its delivery).
PRINT_MESSAGES = {
    PrintOutcome.ALREADY_PRINTING: _l("Your directions are already printing."),
    PrintOutcome.NO_PRINTER: _l(
        "This screen has no printer. Scan the QR code to take the directions with you."
    ),
    PrintOutcome.PRINTER_OFFLINE: _l(
        "The printer is not working right now. Scan the QR code to take the directions with you."
    ),
}
SEARCH_RESULT_LIMIT = 8
# Matches looked at before the best are shown, so equally good ones can be put nearest first.
SEARCH_CANDIDATES = 40


@dataclass(frozen=True)
class CategoryGroup:
    """A button on the find screen, gathering one or more floorplan categories."""

    slug: str
    label: object
    categories: tuple[str, ...]
    # Listed nearest first (any restroom will do: the nearest); otherwise A–Z.
    nearest_first: bool = False


CATEGORY_GROUPS = (
    CategoryGroup("clinics", _l("Clinics & departments"), ("department", "clinic")),
    CategoryGroup("food", _l("Food & drink"), ("food",)),
    CategoryGroup("restrooms", _l("Restrooms"), ("restroom",), nearest_first=True),
    CategoryGroup("exits", _l("Exits & parking"), ("entrance", "parking")),
    CategoryGroup(
        "services", _l("Pharmacy, shop & services"), ("pharmacy", "shop", "service", "faith")
    ),
)


def current_profile() -> Profile:
    """The routing profile this person chose; standard until they ask for step-free."""
    return Profile.STEP_FREE if session.get("step_free") else Profile.STANDARD


def search_text(fields: Mapping[str, str]) -> str:
    """What was typed (field `q`), without control characters (a scanner or a stray NUL) and
    capped so an absurdly long entry is still a normal search."""
    typed = fields.get("q", "")[:SEARCH_MAX_CHARS]
    return "".join(c for c in typed if c.isprintable()).strip()


@bp.get("/")
def start() -> str:
    """Search box, category buttons, A–Z, nearest restroom, step-free switch."""
    return render_template(
        "kiosk/find/start.html",
        groups=CATEGORY_GROUPS,
        query="",
        results=None,
        profile=current_profile(),
        search_max_chars=SEARCH_MAX_CHARS,
    )


def search_results(query: str) -> list[Destination]:
    """The public destinations matching `query` in the person's language, best first and,
    among equally good matches (every restroom for "toilet"), nearest first."""
    if not query:
        return []
    finder = current_wayfinder()
    found = finder.search(query, lang=select_locale(), limit=SEARCH_CANDIDATES)
    ranked = best_then_nearest(finder, here().id, found, current_profile())
    return ranked[:SEARCH_RESULT_LIMIT]


@bp.get("/search")
def search() -> str:
    """Results as the person types: a partial for htmx, the whole screen otherwise.

    A search typed key by key is not counted per key: the htmx partial carries a beacon that
    asks `search_settled` to count it once its results have stayed on screen for
    `SEARCH_SETTLE_SECONDS` (htmx drops the beacon when newer typing replaced them). A search
    sent as a whole page (the Search button, or no JavaScript) is settled already: counted now.
    """
    query = search_text(request.args)
    results = search_results(query)
    if query and not is_htmx():
        record_search(origin=here().id, query=query, found=bool(results))
        db.session.commit()
    template = "kiosk/find/_results.html" if is_htmx() else "kiosk/find/start.html"
    return render_template(
        template,
        groups=CATEGORY_GROUPS,
        query=query,
        results=listed_places(current_wayfinder(), results, select_locale()),
        profile=current_profile(),
        settle_seconds=SEARCH_SETTLE_SECONDS if is_htmx() else None,
        search_max_chars=SEARCH_MAX_CHARS,
    )


@bp.post("/search/settled")
def search_settled() -> tuple[str, int]:
    """Count the search a person stopped at (asked for by the results' beacon), once."""
    query = search_text(request.form)
    if query:
        record_search(origin=here().id, query=query, found=bool(search_results(query)))
        db.session.commit()
    return "", 204


@bp.get("/category/<slug>")
def category(slug: str) -> str:
    """Every public destination in one of the category groups, A–Z or nearest first."""
    group = next((g for g in CATEGORY_GROUPS if g.slug == slug), None)
    if group is None:
        abort(404)
    finder, lang = current_wayfinder(), select_locale()
    destinations = sorted(
        (d for c in group.categories for d in finder.by_category(c, lang=lang)),
        key=lambda d: d.name.in_language(lang).casefold(),
    )
    if group.nearest_first:
        destinations = nearest_first(finder, here().id, destinations, current_profile())
    places = listed_places(finder, destinations, lang)
    return render_template("kiosk/find/list.html", title=group.label, places=places)


@bp.get("/a-z")
def directory() -> str:
    """The A–Z directory of public destinations, each with where it is."""
    finder, lang = current_wayfinder(), select_locale()
    sections = [
        (section.letter, listed_places(finder, section.destinations, lang))
        for section in finder.directory(lang)
    ]
    return render_template("kiosk/find/directory.html", sections=sections)


@bp.get("/nearest/<category>")
def nearest(category: str) -> BaseResponse | tuple[str, int]:
    """The quickest-to-reach destination of a category (e.g. restroom) for this profile."""
    try:
        route = current_wayfinder().nearest(category, here().id, current_profile())
    except (UnknownPlaceError, NoRouteError) as problem:
        return route_problem_page(problem, select_locale())
    assert route.destination is not None
    return see_other(url_for("find.route", destination_id=route.destination.id))


@bp.post("/step-free")
def set_step_free() -> BaseResponse:
    """Switch step-free routes on or off, then show the same screen again."""
    session["step_free"] = request.form.get("step_free") == "on"
    return see_other(safe_return_path(request.form.get("next")))


@bp.get("/to/<destination_id>")
def route(destination_id: str) -> str | tuple[str, int]:
    """The route screen: destination, summary, one floor's steps and map, print and QR.

    It fits the kiosk's portrait screen without scrolling because it shows one floor visit at a
    time: `?floor=N` (1-based, the person taps "Next") shows the N-th, and htmx swaps just that
    part. Showing the first floor writes the route's analytics event; turning to another floor
    writes nothing. The phone link behind the QR code is made (or reused) when the screen asks
    for the QR image, see `route_qr_code`.
    """
    origin, profile, lang = here(), current_profile(), select_locale()
    try:
        found = route_to_destination(origin.id, destination_id, profile)
    except (UnknownPlaceError, NoRouteError) as problem:
        return route_problem_page(problem, lang)
    turning_page = "floor" in request.args
    if not turning_page:
        record_event(
            WayfindingEventKind.ROUTE_SHOWN,
            origin=origin.id,
            destination_id=destination_id,
            profile=profile.value,
        )
        db.session.commit()
    context = route_page_context(
        found,
        lang,
        origin,
        lambda floor: url_for("find.route_map", destination_id=destination_id, floor_id=floor),
    )
    shown = floor_visit_shown(context["directions"], request.args.get("floor", type=int))
    if turning_page and is_htmx():
        return render_template(
            "kiosk/find/_route_floor.html", map_px=KIOSK_MAP_PX, shown=shown, **context
        )
    return render_template(
        "kiosk/find/route.html",
        map_px=KIOSK_MAP_PX,
        shown=shown,
        print_delivery=print_delivery_shown(destination_id),
        **context,
    )


def print_delivery_shown(destination_id: str) -> DeliveryNotice | None:
    """The delivery of the receipt named by `?print_job=` (the page a browser without
    JavaScript reloads to check the printer), if it is this session's and for this route."""
    job_id = request.args.get("print_job", type=int)
    if job_id is None or printed_destination(job_id) != destination_id:
        return None
    return receipt_delivery(job_id, destination_id)


@bp.post("/to/<destination_id>/print")
def print_directions(destination_id: str) -> BaseResponse | tuple[str, int] | str:
    """Queue the directions receipt on this kiosk's printer; never wait for the printer.

    Answers at once with what happens next: printing, already printing (a double tap), or use
    the QR code because this screen has no printer or its printer is not working. A destination
    that is unknown (404) or cannot be reached now (409) is said in the status area for htmx,
    with that status kept (kiosk.js lets such answers into areas marked data-show-problems).
    """
    device, origin, profile, lang = g.get("kiosk"), here(), current_profile(), select_locale()
    try:
        found = route_to_destination(origin.id, destination_id, profile)
    except (UnknownPlaceError, NoRouteError) as problem:
        return route_problem_page(problem, lang, partial=is_htmx())
    printed = queue_directions_receipt(device, found, origin, lang)
    if printed.job_id is not None:
        notice = receipt_delivery(printed.job_id, destination_id)
        if is_htmx():
            return render_template("kiosk/_print_delivery.html", notice=notice)
        return see_other(notice.check_url)
    message = PRINT_MESSAGES[printed.outcome]
    if is_htmx():
        return render_template(
            "kiosk/find/_print_status.html", outcome=printed.outcome, message=message
        )
    flash(str(message))
    return see_other(url_for("find.route", destination_id=destination_id))


@bp.get("/print-status/<int:job_id>")
def print_status(job_id: int) -> str:
    """How this screen's directions receipt is printing, for the route screen to poll.

    Only the session that queued the job may ask (any other gets a 404)."""
    destination_id = printed_destination(job_id)
    if destination_id is None:
        abort(404)
    return render_template(
        "kiosk/_print_delivery.html", notice=receipt_delivery(job_id, destination_id)
    )


def route_from_here(destination_id: str) -> Route:
    """The route this screen shows, or a plain 404 for an image of one it cannot show."""
    try:
        return route_to_destination(here().id, destination_id, current_profile())
    except (UnknownPlaceError, NoRouteError):
        abort(404)


@bp.get("/to/<destination_id>/map/<floor_id>.svg")
def route_map(destination_id: str, floor_id: str) -> Response:
    """One floor of the route, forward-up on the kiosk's floor, as an SVG image."""
    found = route_from_here(destination_id)
    return route_map_response(found, floor_id, select_locale(), KIOSK_MAP_PX)


@bp.get("/to/<destination_id>/qr.svg")
def route_qr_code(destination_id: str) -> Response:
    """The QR code that continues this route on a phone.

    Its link is made here, when a screen first needs it, and shared by every screen showing
    the same route in the same link period, so route screens no longer pile up link rows.
    """
    found = route_from_here(destination_id)
    route_key = RouteKey(here().id, destination_id, found.profile.value, select_locale())
    token = phone_link_for(route_key)
    db.session.commit()
    return qr_code_response(phone_link_url(token))
