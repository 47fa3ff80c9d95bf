"""Directions on paper: decide whether this screen can print, assemble the receipt and queue it.

The web request only writes the print job; the printer's own worker sends it (see
`kiosk.printing.worker`), so a slow or dead printer never holds up the screen. The receipt's QR
code is the same shared phone link the screen shows.
"""

from __future__ import annotations

import enum

from flask import session

from kiosk.extensions import db
from kiosk.facility import facility_context
from kiosk.find.analytics import record_event
from kiosk.find.pages import phone_link_url, route_directions
from kiosk.find.phone_links import RouteKey, phone_link_for
from kiosk.find.receipt import DirectionsPrintout, directions_receipt
from kiosk.models import Kiosk
from kiosk.models.types import utcnow
from kiosk.models.wayfinding import WayfindingEventKind
from kiosk.printing.profiles import printer_profile
from kiosk.printing.queue import enqueue_receipt
from kiosk.printing.status import printer_is_offline
from wayfinding import Kiosk as WayfindingKiosk
from wayfinding import Route

# A second tap on "Print" within this time is taken as a double tap, not a second copy.
DOUBLE_TAP_SECONDS = 15


class PrintOutcome(enum.StrEnum):
    """What happened to a "Print directions" tap; the screen says it in words."""

    QUEUED = "queued"
    ALREADY_PRINTING = "already_printing"
    NO_PRINTER = "no_printer"
    PRINTER_OFFLINE = "printer_offline"


def directions_printout(
    device: Kiosk, route: Route, origin: WayfindingKiosk, lang: str, phone_url: str
) -> DirectionsPrintout:
    """Everything the receipt shows besides the route: facility, places, link, paper width."""
    assert route.destination is not None
    facility = facility_context()
    return DirectionsPrintout(
        facility_name=facility["facility_name"],
        here_name=origin.name.in_language(lang),
        destination_name=route.destination.name.in_language(lang),
        phone_url=phone_url,
        help_desk_phone=facility["help_desk_phone"],
        printed_at=utcnow(),
        floorplan_version=route.floorplan.version,
        width_dots=printer_profile(device.printer_profile).width_dots,
    )


def queue_directions_receipt(
    device: Kiosk | None, route: Route, origin: WayfindingKiosk, lang: str
) -> PrintOutcome:
    """Add the print job (with its phone link and analytics event) and commit, unless this
    screen cannot print or the same route was just sent; say which."""
    if device is None:
        return PrintOutcome.NO_PRINTER
    if printer_is_offline(device.printer_uri):
        return PrintOutcome.PRINTER_OFFLINE
    destination = route.destination
    assert destination is not None
    signature = f"{destination.id}:{route.profile.value}"
    last = session.get("last_print")
    now = utcnow().timestamp()
    if last and last[0] == signature and now - last[1] < DOUBLE_TAP_SECONDS:
        return PrintOutcome.ALREADY_PRINTING
    token = phone_link_for(RouteKey(origin.id, destination.id, route.profile.value, lang))
    printout = directions_printout(device, route, origin, lang, phone_link_url(token))
    receipt = directions_receipt(route, route_directions(route, lang, origin), printout)
    enqueue_receipt(device, receipt)
    record_event(
        WayfindingEventKind.ROUTE_PRINTED,
        origin=origin.id,
        destination_id=destination.id,
        profile=route.profile.value,
    )
    db.session.commit()
    session["last_print"] = [signature, now]
    return PrintOutcome.QUEUED
