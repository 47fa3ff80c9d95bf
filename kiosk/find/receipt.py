"""The directions receipt: what a visitor takes away on thermal paper.

Built from the same `Directions` the screen shows, in the person's language, with a 1-bit map
per floor and the QR code to the phone page. It names places only: never a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_datetime, gettext, ngettext

from kiosk.find.pages import floor_changes
from kiosk.printing.receipt import (
    Align,
    Block,
    Cut,
    FloorChange,
    NumberedStep,
    Picture,
    QRCode,
    Receipt,
    Rule,
    Text,
    Title,
)
from wayfinding import Directions, Route, StepKind, render_route_bitmap


@dataclass(frozen=True)
class DirectionsPrintout:
    """Everything the receipt shows besides the route itself."""

    facility_name: str
    here_name: str
    destination_name: str
    phone_url: str
    help_desk_phone: str
    printed_at: datetime
    floorplan_version: str
    width_dots: int
    # "Elevator A is closed until 2:00 PM; this route uses Elevator B." (usually none).
    detour_notes: tuple[str, ...] = ()


def directions_receipt(route: Route, steps: Directions, printout: DirectionsPrintout) -> Receipt:
    """Lay the route out top to bottom: where from, where to, summary, steps and map per floor,
    the phone QR code, help and provenance."""
    receipt = Receipt(purpose="directions")
    receipt.add(
        Text(printout.facility_name, bold=True, align=Align.CENTER),
        Text(gettext("You are here: %(place)s", place=printout.here_name), align=Align.CENTER),
        Rule(),
        Title(printout.destination_name),
        Text(summary_line(route, steps), bold=True, align=Align.CENTER),
        *(Text(note) for note in printout.detour_notes),
        Rule(),
    )
    receipt.add(*route_blocks(route, steps, printout.width_dots))
    receipt.add(
        *phone_link_blocks(
            printout.phone_url,
            gettext("Scan for these directions on your phone."),
            printout.help_desk_phone,
        )
    )
    receipt.add(
        Text(
            gettext(
                "Printed %(time)s · floorplan %(version)s",
                time=format_datetime(printout.printed_at, "short"),
                version=printout.floorplan_version,
            ),
            align=Align.CENTER,
        ),
        Cut(),
    )
    return receipt


def route_blocks(route: Route, steps: Directions, width_dots: int) -> list[Block]:
    """The steps chunked by floor, numbered from 1 in each floor's section as the screen numbers
    them, floor changes printed strongly, and one map per floor."""
    blocks: list[Block] = []
    mapped_floors: set[str] = set()
    for chunk in steps.chunks:
        blocks.append(Text(chunk.title, bold=True, underline=True))
        for number, step in enumerate(chunk.steps, start=1):
            if step.kind is StepKind.CHANGE_FLOOR:
                blocks.append(FloorChange(step.text, number))
            else:
                blocks.append(NumberedStep(number, step.text))
        if chunk.floor not in mapped_floors:
            mapped_floors.add(chunk.floor)
            picture = render_route_bitmap(
                route, chunk.floor, width_dots=width_dots, lang=steps.lang
            )
            blocks.append(Picture(picture))
    return blocks


def phone_link_blocks(url: str, caption: str, help_desk_phone: str) -> list[Block]:
    """The QR code to the phone page with its caption, and the help-desk number if known."""
    blocks: list[Block] = [Rule(), QRCode(url), Text(caption, align=Align.CENTER)]
    if help_desk_phone:
        help_line = gettext("Help desk: %(phone)s", phone=help_desk_phone)
        blocks.append(Text(help_line, align=Align.CENTER))
    return blocks


def summary_line(route: Route, steps: Directions) -> str:
    """Time and distance, floor changes and the step-free mark on one line."""
    parts = [steps.summary]
    changes = floor_changes(route)
    if changes:
        parts.append(ngettext("%(num)d floor change", "%(num)d floor changes", changes))
    if route.profile.value == "step-free":
        parts.append(gettext("Step-free"))
    return " · ".join(parts)
