"""The note a route shows when it goes around a closure, in the person's language:
"Elevator A is closed until 2:00 PM; this route uses Elevator B."

Which closures a route goes around comes from the trees with nothing closed, kept per
wayfinder (`OpenRoutes`): one walk along a tree per route shown, no second search, and no
work at all when nothing is closed or the route is the open route. Times are the facility's
(Flask-Babel's zone is the facility's), with the date too when the closure ends another day.

A route shown under a neutral label (`Route.shown_as`: "Suite 2B") never names the real place
through a closed element near it: such an element is called "the way to Suite 2B".
"""

from __future__ import annotations

import threading
from datetime import datetime
from weakref import WeakKeyDictionary

from flask_babel import format_datetime, format_time
from flask_babel import lazy_gettext as _l

from kiosk.facility import local_date
from kiosk.floorplan import current_wayfinder
from kiosk.models.types import utcnow
from wayfinding import Route, Wayfinder
from wayfinding.closure_impact import Detour, OpenRoutes, avoided_closures
from wayfinding.no_route import visible_name

_open_routes: WeakKeyDictionary[Wayfinder, OpenRoutes] = WeakKeyDictionary()
_open_routes_lock = threading.Lock()

# (ends at a known time, names the connector taken instead) -> sentence.
DETOUR_SENTENCES = {
    (True, True): _l("%(closed)s is closed until %(until)s; this route uses %(instead)s."),
    (True, False): _l("%(closed)s is closed until %(until)s; this route goes around it."),
    (False, True): _l("%(closed)s is closed; this route uses %(instead)s."),
    (False, False): _l("%(closed)s is closed; this route goes around it."),
}
WAY_TO_PLACE = _l("the way to %(place)s")


def open_routes_of(finder: Wayfinder) -> OpenRoutes:
    """The open trees of `finder`, made on first use and dropped with the wayfinder."""
    with _open_routes_lock:
        found = _open_routes.get(finder)
        if found is None:
            found = OpenRoutes(finder)
            _open_routes[finder] = found
        return found


def detour_notes(route: Route, lang: str, now: datetime | None = None) -> list[str]:
    """One sentence per closure `route` goes around (none for most routes)."""
    finder = current_wayfinder()
    if not finder.closures or route.kiosk is None:
        return []
    moment = now or utcnow()
    detours = avoided_closures(open_routes_of(finder), route, finder.closures, moment)
    return [detour_sentence(route, detour, lang, moment) for detour in detours]


def detour_sentence(route: Route, detour: Detour, lang: str, now: datetime) -> str:
    """The sentence for one closure the route goes around."""
    until = detour.closure.until
    template = DETOUR_SENTENCES[(until is not None, bool(detour.instead))]
    words = {
        "closed": element_name(route, detour.closure.element, lang),
        "until": closing_time(until, now) if until is not None else "",
        "instead": element_name(route, detour.instead[0], lang) if detour.instead else "",
    }
    return upper_first(str(template) % words)


def closing_time(until: datetime, now: datetime) -> str:
    """ "2:00 PM" when the closure ends today at the facility, else the date and time."""
    if local_date(until) == local_date(now):
        return str(format_time(until, "short"))
    return str(format_datetime(until, "short"))


def element_name(route: Route, element: str, lang: str) -> str:
    """What a person sees for a closed or taken element; never the real name of a destination
    the route is shown under another name."""
    destination = route.destination
    real = route.floorplan.destinations.get(destination.id) if destination else None
    if destination is not None and real is not None and real.name != destination.name:
        edge = route.floorplan.edges.get(element)
        ends = (edge.source, edge.target) if edge is not None else (element,)
        if real.node in ends:
            return str(WAY_TO_PLACE) % {"place": destination.name.in_language(lang)}
    return visible_name(route.floorplan, element, lang)


def upper_first(text: str) -> str:
    """The sentence with its first letter in capitals ("el elevador A" starts a sentence)."""
    return text[:1].upper() + text[1:]
