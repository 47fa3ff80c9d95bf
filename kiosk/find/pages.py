"""What the kiosk's route screen and the phone page share: the page context, maps, QR codes
and the screens for unknown destinations and impossible routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort, render_template, url_for

from kiosk.shell.links import public_url
from wayfinding import (
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


def floor_changes(route: Route) -> int:
    """How many times the route changes floor (shown in the summary)."""
    return max(len(route.floors) - 1, 0)


def route_page_context(
    route: Route,
    lang: str,
    origin: Kiosk | None,
    token: str,
    map_url: Callable[[str], str],
) -> dict[str, Any]:
    """Template variables for a route in `lang`, turn words relative to the kiosk's heading;
    `map_url(floor_id)` is where the page loads each floor's map from."""
    assert route.destination is not None
    return {
        "route": route,
        "destination": route.destination,
        "destination_name": route.destination.name.in_language(lang),
        "directions": directions(
            route, lang=lang, kiosk_heading=origin.heading if origin else None
        ),
        "floor_changes": floor_changes(route),
        "profile": route.profile,
        "step_free": route.profile is Profile.STEP_FREE,
        "origin_name": origin.name.in_language(lang) if origin else "",
        "token": token,
        "phone_url": phone_link_url(token),
        "map_url": map_url,
    }


def route_map_response(route: Route, floor_id: str, lang: str) -> Response:
    """One floor of a route as an SVG image (served as a file: `<img>` cannot run script)."""
    if floor_id not in route.floors:
        abort(404)
    return Response(render_route_svg(route, floor_id, lang=lang), mimetype="image/svg+xml")


def route_problem_page(problem: UnknownPlaceError | NoRouteError, lang: str) -> tuple[str, int]:
    """A clear screen for an unknown destination (404) or a route that cannot be made now
    (409, with the reason: "No step-free route while Elevator B is closed.")."""
    if isinstance(problem, UnknownPlaceError):
        return render_template("kiosk/find/unknown.html"), 404
    return render_template("kiosk/find/no_route.html", reason=problem.describe(lang)), 409
