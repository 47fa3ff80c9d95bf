"""Directions on paper: decide whether this screen can print, assemble the receipt and queue it.

The web request only writes the print job; the printer's own worker sends it (see
`kiosk.printing.worker`), so a slow or dead printer never holds up the screen. The receipt's QR
code is the same shared phone link the screen shows.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask import session, url_for
from flask_babel import lazy_gettext as _l

from kiosk.extensions import db
from kiosk.facility import facility_context
from kiosk.find.analytics import record_event
from kiosk.find.pages import phone_link_url, route_directions
from kiosk.find.phone_links import RouteKey, phone_link_for
from kiosk.find.receipt import DirectionsPrintout, directions_receipt
from kiosk.floorplan import version_label
from kiosk.models import Kiosk
from kiosk.models.types import utcnow
from kiosk.models.wayfinding import WayfindingEventKind
from kiosk.printing.delivery import DeliveryNotice, DeliveryState, delivery_state
from kiosk.printing.profiles import printer_profile
from kiosk.printing.queue import enqueue_receipt
from kiosk.printing.status import printer_is_offline
from wayfinding import Kiosk as WayfindingKiosk
from wayfinding import Route

# A second tap on "Print" within this time is taken as a double tap, not a second copy.
DOUBLE_TAP_SECONDS = 15
# The session keeps the destinations of its latest directions receipts by print job id: only
# this screen may ask how they printed. A few are enough; older ones are forgotten.
SESSION_PRINT_JOBS = "directions_print_jobs"
KEPT_PRINT_JOBS = 5
# What the route screen says about the receipt: "take it" only once the printer proved it read
# the receipt.
RECEIPT_DELIVERY_MESSAGES = {
    DeliveryState.PRINTING: _l("Printing your receipt…"),
    DeliveryState.RETRYING: _l(
        "The printer is having trouble; we are trying again. You can scan the QR code meanwhile."
    ),
    DeliveryState.SENT: _l(
        "Your receipt was sent to the printer. If it does not come out, scan the QR code or ask"
        " at the desk."
    ),
    DeliveryState.PRINTED: _l("Take your receipt below."),
    DeliveryState.FAILED: _l(
        "We could not print your receipt. Scan the QR code or ask at the front desk."
    ),
}


class PrintOutcome(enum.StrEnum):
    """What happened to a "Print directions" tap; the screen says it in words."""

    QUEUED = "queued"
    ALREADY_PRINTING = "already_printing"
    NO_PRINTER = "no_printer"
    PRINTER_OFFLINE = "printer_offline"


@dataclass(frozen=True)
class PrintResult:
    """A "Print directions" tap's outcome and, when a receipt is on its way (queued now or by
    the tap before a double tap), its print job."""

    outcome: PrintOutcome
    job_id: int | None = None


def remember_print_job(job_id: int, destination_id: str) -> None:
    """Let this session ask about the job (its latest few jobs only)."""
    kept = dict(session.get(SESSION_PRINT_JOBS, {}))
    kept[str(job_id)] = destination_id
    session[SESSION_PRINT_JOBS] = dict(list(kept.items())[-KEPT_PRINT_JOBS:])


def printed_destination(job_id: int) -> str | None:
    """The destination of this session's directions job `job_id`; None if it is not its own."""
    destination: str | None = session.get(SESSION_PRINT_JOBS, {}).get(str(job_id))
    return destination


def receipt_delivery(job_id: int, destination_id: str) -> DeliveryNotice:
    """The route screen's status of one directions receipt."""
    state = delivery_state(job_id)
    return DeliveryNotice(
        state=state,
        message=str(RECEIPT_DELIVERY_MESSAGES[state]),
        poll_url=url_for("find.print_status", job_id=job_id),
        check_url=url_for("find.route", destination_id=destination_id, print_job=job_id),
    )


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
        floorplan_version=version_label(route.floorplan),
        width_dots=printer_profile(device.printer_profile).width_dots,
    )


def queue_directions_receipt(
    device: Kiosk | None, route: Route, origin: WayfindingKiosk, lang: str
) -> PrintResult:
    """Add the print job (with its phone link and analytics event) and commit, unless this
    screen cannot print or the same route was just sent; say which, with the job on its way."""
    if device is None:
        return PrintResult(PrintOutcome.NO_PRINTER)
    if printer_is_offline(device.printer_uri):
        return PrintResult(PrintOutcome.PRINTER_OFFLINE)
    destination = route.destination
    assert destination is not None
    signature = f"{destination.id}:{route.profile.value}"
    last = session.get("last_print")
    now = utcnow().timestamp()
    if last and last[0] == signature and now - last[1] < DOUBLE_TAP_SECONDS:
        return PrintResult(PrintOutcome.ALREADY_PRINTING, last[2] if len(last) > 2 else None)
    token = phone_link_for(RouteKey(origin.id, destination.id, route.profile.value, lang))
    printout = directions_printout(device, route, origin, lang, phone_link_url(token))
    receipt = directions_receipt(route, route_directions(route, lang, origin), printout)
    job = enqueue_receipt(device, receipt)
    record_event(
        WayfindingEventKind.ROUTE_PRINTED,
        origin=origin.id,
        destination_id=destination.id,
        profile=route.profile.value,
    )
    db.session.commit()
    session["last_print"] = [signature, now, job.id]
    remember_print_job(job.id, destination.id)
    return PrintResult(PrintOutcome.QUEUED, job.id)
