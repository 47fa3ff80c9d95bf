"""The way from a kiosk to a ticket's department, said under the name the ticket may show.

A department whose name would reveal a condition ("Oncology") has a neutral location label
("Suite 2B"). The ticket, the done screen and the phone page say only that label, so the
directions and maps printed with them must call the destination by it too: the floorplan's own
name for the place is for visitors searching the directory, not for a patient's ticket.
"""

from __future__ import annotations

from kiosk.floorplan import current_wayfinder, place_of
from kiosk.models import Department, Kiosk
from wayfinding import Directions, LocalizedName, NoRouteError, Route, UnknownPlaceError
from wayfinding import directions as write_directions


def ticket_route(
    kiosk: Kiosk, department: Department, lang: str
) -> tuple[Route, Directions] | None:
    """The route and its steps in `lang` from `kiosk` to `department`, the destination named
    as the ticket names it; None when the floorplan cannot route there now."""
    finder, origin = current_wayfinder(), place_of(kiosk)
    try:
        if not department.location_label:
            return finder.kiosk_directions(origin.id, department.destination_id, lang=lang)
        route = finder.route_from_kiosk(origin.id, department.destination_id)
    except (UnknownPlaceError, NoRouteError):
        return None
    shown = route.shown_as(LocalizedName(department.location_label))
    return shown, write_directions(shown, lang)
