""" "Find your way" at the kiosk: search, categories, A–Z, nearest restroom and the route screen.

Every screen works as a plain page; htmx only swaps the search results as the person types.
Routes come from the wayfinder's precomputed trees, so the screen answers from a lookup.
"""

from __future__ import annotations

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
from kiosk.facility import facility_context
from kiosk.find.analytics import record_event
from kiosk.find.pages import (
    phone_link_url,
    route_map_response,
    route_page_context,
    route_problem_page,
)
from kiosk.find.phone_links import create_phone_link
from kiosk.find.receipt import DirectionsPrintout, directions_receipt
from kiosk.floorplan import current_wayfinder, here
from kiosk.models import Kiosk
from kiosk.models.types import utcnow
from kiosk.models.wayfinding import WayfindingEventKind
from kiosk.printing.profiles import printer_profile
from kiosk.printing.queue import enqueue_receipt
from kiosk.printing.status import printer_is_offline
from kiosk.shell.home import safe_return_path
from kiosk.shell.i18n import select_locale
from kiosk.shell.links import is_htmx, see_other
from wayfinding import Kiosk as WayfindingKiosk
from wayfinding import NoRouteError, Profile, Route, UnknownPlaceError, directions

bp = Blueprint("find", __name__, url_prefix="/find")

SEARCH_MAX_CHARS = 80
# A second tap on "Print" within this time is taken as a double tap, not a second copy.
DOUBLE_TAP_SECONDS = 15
PRINT_MESSAGES = {
    "queued": _l("Printing your directions. Please take the receipt from the printer."),
    "already_printing": _l("Your directions are already printing."),
    "no_printer": _l(
        "This screen has no printer. Scan the QR code to take the directions with you."
    ),
    "printer_offline": _l(
        "The printer is not working right now. Scan the QR code to take the directions with you."
    ),
}
SEARCH_RESULT_LIMIT = 8


@dataclass(frozen=True)
class CategoryGroup:
    """A button on the find screen, gathering one or more floorplan categories."""

    slug: str
    label: object
    categories: tuple[str, ...]


CATEGORY_GROUPS = (
    CategoryGroup("clinics", _l("Clinics & departments"), ("department", "clinic")),
    CategoryGroup("food", _l("Food & drink"), ("food",)),
    CategoryGroup("restrooms", _l("Restrooms"), ("restroom",)),
    CategoryGroup("exits", _l("Exits & parking"), ("entrance", "parking")),
    CategoryGroup(
        "services", _l("Pharmacy, shop & services"), ("pharmacy", "shop", "service", "faith")
    ),
)


def current_profile() -> Profile:
    """The routing profile this person chose; standard until they ask for step-free."""
    return Profile.STEP_FREE if session.get("step_free") else Profile.STANDARD


def search_text() -> str:
    """What was typed, without control characters (a scanner or a stray NUL) and capped so an
    absurdly long entry is still a normal search."""
    typed = request.args.get("q", "")[:SEARCH_MAX_CHARS]
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
    )


@bp.get("/search")
def search() -> str:
    """Results as the person types: a partial for htmx, the whole screen otherwise."""
    query = search_text()
    results = (
        [
            r.destination
            for r in current_wayfinder().search(
                query, lang=select_locale(), limit=SEARCH_RESULT_LIMIT
            )
        ]
        if query
        else []
    )
    if query:
        kind = WayfindingEventKind.SEARCH if results else WayfindingEventKind.SEARCH_NO_RESULT
        record_event(kind, origin=here().id, query=query)
        db.session.commit()
    template = "kiosk/find/_results.html" if is_htmx() else "kiosk/find/start.html"
    return render_template(
        template, groups=CATEGORY_GROUPS, query=query, results=results, profile=current_profile()
    )


@bp.get("/category/<slug>")
def category(slug: str) -> str:
    """Every public destination in one of the category groups, A–Z."""
    group = next((g for g in CATEGORY_GROUPS if g.slug == slug), None)
    if group is None:
        abort(404)
    finder, lang = current_wayfinder(), select_locale()
    destinations = sorted(
        (d for c in group.categories for d in finder.by_category(c, lang=lang)),
        key=lambda d: d.name.in_language(lang).casefold(),
    )
    return render_template("kiosk/find/list.html", title=group.label, destinations=destinations)


@bp.get("/a-z")
def directory() -> str:
    """The A–Z directory of public destinations."""
    sections = current_wayfinder().directory(select_locale())
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
    """The route screen: destination, time, distance, floors, steps by floor, maps, QR."""
    origin, profile, lang = here(), current_profile(), select_locale()
    try:
        found = current_wayfinder().route_from_kiosk(origin.id, destination_id, profile)
    except (UnknownPlaceError, NoRouteError) as problem:
        return route_problem_page(problem, lang)
    token = create_phone_link(origin.id, destination_id, profile.value, lang)
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
        token,
        lambda floor: url_for("find.route_map", destination_id=destination_id, floor_id=floor),
    )
    return render_template("kiosk/find/route.html", **context)


@bp.post("/to/<destination_id>/print")
def print_directions(destination_id: str) -> BaseResponse | str:
    """Queue the directions receipt on this kiosk's printer; never wait for the printer.

    Answers at once with what happens next: printing, already printing (a double tap), or use
    the QR code because this screen has no printer or its printer is not working.
    """
    device, origin, profile, lang = g.get("kiosk"), here(), current_profile(), select_locale()
    try:
        found = current_wayfinder().route_from_kiosk(origin.id, destination_id, profile)
    except (UnknownPlaceError, NoRouteError) as problem:
        return route_problem_page(problem, lang)[0]
    outcome = queue_directions_receipt(device, found, origin, lang)
    if is_htmx():
        return render_template(
            "kiosk/find/_print_status.html", outcome=outcome, message=PRINT_MESSAGES[outcome]
        )
    flash(str(PRINT_MESSAGES[outcome]))
    return see_other(url_for("find.route", destination_id=destination_id))


@bp.get("/to/<destination_id>/map/<floor_id>.svg")
def route_map(destination_id: str, floor_id: str) -> Response:
    """One floor of the route, forward-up on the kiosk's floor, as an SVG image."""
    try:
        found = current_wayfinder().route_from_kiosk(here().id, destination_id, current_profile())
    except (UnknownPlaceError, NoRouteError):
        abort(404)
    return route_map_response(found, floor_id, select_locale())


def queue_directions_receipt(
    device: Kiosk | None, route: Route, origin: WayfindingKiosk, lang: str
) -> str:
    """Add the print job (with its phone link and analytics event) and commit; return the
    outcome key for the message shown."""
    if device is None:
        return "no_printer"
    if printer_is_offline(device.printer_uri):
        return "printer_offline"
    assert route.destination is not None
    signature = f"{route.destination.id}:{route.profile.value}"
    last = session.get("last_print")
    now = utcnow().timestamp()
    if last and last[0] == signature and now - last[1] < DOUBLE_TAP_SECONDS:
        return "already_printing"
    token = create_phone_link(origin.id, route.destination.id, route.profile.value, lang)
    facility = facility_context()
    printout = DirectionsPrintout(
        facility_name=facility["facility_name"],
        here_name=origin.name.in_language(lang),
        destination_name=route.destination.name.in_language(lang),
        phone_url=phone_link_url(token),
        help_desk_phone=facility["help_desk_phone"],
        printed_at=utcnow(),
        floorplan_version=route.floorplan.version,
        width_dots=printer_profile(device.printer_profile).width_dots,
    )
    receipt = directions_receipt(route, directions(route, lang, origin.heading), printout)
    enqueue_receipt(device, receipt)
    record_event(
        WayfindingEventKind.ROUTE_PRINTED,
        origin=origin.id,
        destination_id=route.destination.id,
        profile=route.profile.value,
    )
    db.session.commit()
    session["last_print"] = [signature, now]
    return "queued"
