"""What the kiosk's route screen and the phone page share: which routes a URL may ask for, the
page context, maps, and the answers for unknown destinations and impossible routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort, render_template, url_for

from kiosk.closures.detours import detour_notes
from kiosk.floorplan import current_wayfinder
from kiosk.shell.links import public_url
from wayfinding import (
    Directions,
    Kiosk,
    NoRouteError,
    Profile,
    Route,
    UnknownPlaceError,
    directions,
    render_route_svg,
)


def phone_link_url(token: str) -> str:
    """The absolute URL in the QR code."""
    return public_url(url_for("phone.route", token=token))


def route_to_destination(origin: str, destination_id: str, profile: Profile) -> Route:
    """The route from a kiosk (or a public node) to a public destination.

    Only destinations are routable by URL: the id of a plain node, a connector or a kiosk is an
    unknown place (UnknownPlaceError, a friendly 404) before anything is looked up or written.
    NoRouteError says why a known destination cannot be reached in `profile` now.
    """
    finder = current_wayfinder()
    finder.public_destination(destination_id)
    if origin in finder.floorplan.kiosks:
        return finder.route_from_kiosk(origin, destination_id, profile)
    return finder.route_between(origin, destination_id, profile)


def route_directions(route: Route, lang: str, origin: Kiosk | None) -> Directions:
    """The steps of `route` in `lang`. From a kiosk they come from the wayfinder's cache (written
    once per kiosk, destination, profile and language), turn words relative to its heading."""
    if origin is not None and route.destination is not None:
        finder = current_wayfinder()
        return finder.kiosk_directions(origin.id, route.destination.id, route.profile, lang)[1]
    return directions(route, lang=lang)


def floor_changes(route: Route) -> int:
    """How many times the route changes floor (shown in the summary)."""
    return max(len(route.floors) - 1, 0)


def route_page_context(
    route: Route,
    lang: str,
    origin: Kiosk | None,
    map_url: Callable[[str], str],
) -> dict[str, Any]:
    """Template variables for a route in `lang`, turn words relative to the kiosk's heading;
    `map_url(floor_id)` is where the page loads each floor's map from."""
    assert route.destination is not None, "route_to_destination only routes to destinations"
    return {
        "route": route,
        "destination": route.destination,
        "destination_name": route.destination.name.in_language(lang),
        "directions": route_directions(route, lang, origin),
        "floor_changes": floor_changes(route),
        "profile": route.profile,
        "step_free": route.profile is Profile.STEP_FREE,
        "origin_name": origin.name.in_language(lang) if origin else "",
        "map_url": map_url,
        "detour_notes": detour_notes(route, lang),
    }


# Width of a route map drawn for a phone, which scales it to its own screen.
PHONE_MAP_PX = 800
# Width of a route map on the kiosk's route screen, beside that floor's steps. It is drawn at
# the size it is shown, so its labels keep their 24 px (a larger map scaled down would not).
KIOSK_MAP_PX = 520


def route_map_response(route: Route, floor_id: str, lang: str, width: int) -> Response:
    """One floor of a route as an SVG image `width` pixels wide (served as a file: `<img>`
    cannot run script)."""
    if floor_id not in route.floors:
        abort(404)
    svg = render_route_svg(route, floor_id, lang=lang, width=width)
    return Response(svg, mimetype="image/svg+xml")


def route_problem_page(
    problem: UnknownPlaceError | NoRouteError, lang: str, *, partial: bool = False
) -> tuple[str, int]:
    """A clear answer for an unknown destination (404) or a route that cannot be made now
    (409, with the reason: "No step-free route while Elevator B is closed.").

    `partial` gives the same words as a fragment for a status area on the route screen (the
    htmx "Print directions"), keeping the status so the answer is not mistaken for success.
    """
    if isinstance(problem, UnknownPlaceError):
        status, reason = 404, None
    else:
        status, reason = 409, problem.describe(lang)
    if partial:
        return render_template("kiosk/find/_route_problem.html", reason=reason), status
    if reason is None:
        return render_template("kiosk/find/unknown.html"), status
    return render_template("kiosk/find/no_route.html", reason=reason), status
