"""The queue ticket receipt: ticket number, time, where to go and the way there.

It carries nothing else: no name, date of birth, record number, reason for the visit or
insurance. The place is the department's location label, which can be a neutral "Suite 3B"
where the department's name would reveal a condition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_datetime, gettext, ngettext

from kiosk.find.receipt import phone_link_blocks, route_blocks
from kiosk.printing.receipt import Align, Cut, Receipt, Rule, Text, Title
from wayfinding import Directions, Route


@dataclass(frozen=True)
class TicketPrintout:
    """What a ticket shows besides the directions."""

    facility_name: str
    ticket_label: str
    place: str
    arrival_note: str
    estimated_wait_minutes: int
    status_url: str
    help_desk_phone: str
    printed_at: datetime
    width_dots: int
    # "Elevator A is closed until 2:00 PM; this route uses Elevator B." (usually none).
    detour_notes: tuple[str, ...] = ()


def ticket_receipt(
    printout: TicketPrintout, route: Route | None, steps: Directions | None
) -> Receipt:
    """Lay the ticket out; directions are left out when no route exists right now."""
    receipt = Receipt(purpose="ticket")
    receipt.add(
        Text(printout.facility_name, bold=True, align=Align.CENTER),
        Text(gettext("Your ticket"), align=Align.CENTER),
        Title(printout.ticket_label),
        Text(gettext("We will call this number."), align=Align.CENTER),
        Text(format_datetime(printout.printed_at, "short"), align=Align.CENTER),
        Rule(),
        Text(gettext("Where to go: %(place)s", place=printout.place), bold=True),
        Text(estimated_wait(printout.estimated_wait_minutes)),
    )
    if printout.arrival_note:
        receipt.add(Text(printout.arrival_note))
    if route is not None and steps is not None:
        receipt.add(Rule(), Text(steps.summary, bold=True))
        receipt.add(*(Text(note) for note in printout.detour_notes))
        receipt.add(*route_blocks(route, steps, printout.width_dots))
    receipt.add(
        *phone_link_blocks(
            printout.status_url,
            gettext("Scan to see your place in the queue."),
            printout.help_desk_phone,
        ),
        Cut(),
    )
    return receipt


def estimated_wait(minutes: int) -> str:
    """The printed wait in words a person says: "You're next." rather than "about 0 minutes"."""
    if minutes <= 0:
        return str(gettext("You're next."))
    return str(
        ngettext(
            "Estimated wait: about %(num)d minute", "Estimated wait: about %(num)d minutes", minutes
        )
    )
