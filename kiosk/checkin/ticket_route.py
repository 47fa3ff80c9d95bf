"""The way from a kiosk to a ticket's department, said under the name the ticket may show.

A department whose name would reveal a condition ("Oncology") has a neutral location label
("Suite 2B"). The ticket, the done screen and the phone page say only that label, so the
directions and maps printed with them must call the destination by it too: the floorplan's own
name for the place is for visitors searching the directory, not for a patient's ticket.

A patient who needs a route without stairs or escalators gets the step-free profile; check-in
asks only where that choice changes the way (`step_free_changes_route`).
"""

from __future__ import annotations

from kiosk.floorplan import current_wayfinder, place_of
from kiosk.models import Department, Kiosk
from wayfinding import Directions, LocalizedName, NoRouteError, Profile, Route, UnknownPlaceError
from wayfinding import directions as write_directions


def ticket_route(
    kiosk: Kiosk, department: Department, lang: str, profile: Profile = Profile.STANDARD
) -> tuple[Route, Directions] | None:
    """The route and its steps in `lang` from `kiosk` to `department` for `profile`, the
    destination named as the ticket names it; None when the floorplan cannot route there now."""
    finder, origin = current_wayfinder(), place_of(kiosk)
    try:
        if not department.location_label:
            return finder.kiosk_directions(origin.id, department.destination_id, profile, lang)
        route = finder.route_from_kiosk(origin.id, department.destination_id, profile)
    except (UnknownPlaceError, NoRouteError):
        return None
    shown = route.shown_as(LocalizedName(department.location_label))
    return shown, write_directions(shown, lang)


def walked_nodes(kiosk: Kiosk, department: Department, profile: Profile) -> tuple[str, ...]:
    """The nodes of the route for `profile` (empty when there is none now)."""
    try:
        route = current_wayfinder().route_from_kiosk(
            place_of(kiosk).id, department.destination_id, profile
        )
    except (UnknownPlaceError, NoRouteError):
        return ()
    return route.nodes


def step_free_changes_route(kiosk: Kiosk, department: Department) -> bool:
    """Whether the step-free way to the department differs from the standard one (it avoids
    stairs or an escalator the standard way takes, or there is no step-free way now)."""
    return walked_nodes(kiosk, department, Profile.STANDARD) != walked_nodes(
        kiosk, department, Profile.STEP_FREE
    )
