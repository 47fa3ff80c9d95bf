"""How much paper the demo hospital's receipts take: every directions receipt and a ticket.

Run:  .venv/bin/python bench/bench_receipt_length.py        (prints a Markdown table)

The length is measured from the ESC/POS bytes themselves: the preview interprets them the way
the printer does and its height in dots, at the model's dpi, is the paper fed before the cut
(`kiosk.printing.preview.paper_length_mm`). Every public destination from the main entrance's
kiosk, standard and step-free, in English and Spanish, on an 80 mm (TM-T20II, with cutter) and
a 58 mm (Sunmi-V2, tear bar) printer; the ticket is a Suite 2B ticket with its directions. All
data is the synthetic demo hospital's.
"""

from __future__ import annotations

import os
import statistics
import tempfile
from collections.abc import Iterator

from flask import Flask
from flask_babel import force_locale

from kiosk import create_app
from kiosk.checkin.ticket_receipt import TicketPrintout, ticket_receipt
from kiosk.find.receipt import DirectionsPrintout, directions_receipt
from kiosk.floorplan import current_wayfinder, here
from kiosk.models.types import utcnow
from kiosk.printing.escpos_render import render_escpos
from kiosk.printing.preview import paper_length_mm
from kiosk.printing.profiles import DEFAULT_PROFILE, EXAMPLE_58MM_PROFILE, printer_profile
from kiosk.printing.receipt import Receipt
from wayfinding import LocalizedName, NoRouteError, Profile, directions

PHONE_LINK = "https://lobby.example.org/d/Xk3fQ9pLm2"
NEUTRAL_TICKET = ("oncology", "Suite 2B", "S-002")


def demo_app() -> Flask:
    """The application on a throwaway SQLite file (receipts need no data, only the floorplan)."""
    folder = tempfile.mkdtemp(prefix="lobby-bench-")
    os.environ.setdefault("LOBBY_INSTANCE_PATH", folder)
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
            "SECRET_KEY": "bench-only",
            "ENV_NAME": "test",
            "TESTING": True,
        }
    )


def directions_receipts(lang: str, width_dots: int) -> Iterator[Receipt]:
    """Every public destination's directions receipt from the main entrance, both profiles."""
    finder, origin = current_wayfinder(), here()
    for destination in finder.floorplan.destinations.values():
        if not destination.is_public:
            continue
        for route_profile in Profile:
            try:
                route, steps = finder.kiosk_directions(
                    origin.id, destination.id, route_profile, lang
                )
            except NoRouteError:
                continue
            printout = DirectionsPrintout(
                facility_name="Lobby Demo Hospital",
                here_name=origin.name.in_language(lang),
                destination_name=destination.name.in_language(lang),
                phone_url=PHONE_LINK,
                help_desk_phone="555-0100",
                printed_at=utcnow(),
                floorplan_version=route.floorplan.version,
                width_dots=width_dots,
            )
            yield directions_receipt(route, steps, printout)


def ticket(lang: str, width_dots: int) -> Receipt:
    """A ticket for the neutral-labelled demo department, with its directions."""
    destination, label, number = NEUTRAL_TICKET
    route = current_wayfinder().route_from_kiosk(here().id, destination)
    shown = route.shown_as(LocalizedName(label))
    printout = TicketPrintout(
        facility_name="Lobby Demo Hospital",
        ticket_label=number,
        place=label,
        arrival_note="",
        estimated_wait_minutes=12,
        status_url="https://lobby.example.org/t/Xk3fQ9pLm2",
        help_desk_phone="555-0100",
        printed_at=utcnow(),
        width_dots=width_dots,
    )
    return ticket_receipt(printout, shown, directions(shown, lang))


def main() -> None:
    app = demo_app()
    print("| printer | language | directions receipts | min / median / max mm | ticket mm |")
    print("|---|---|---:|---:|---:|")
    with app.test_request_context():
        for profile in (DEFAULT_PROFILE, EXAMPLE_58MM_PROFILE):
            width = printer_profile(profile).width_dots
            for lang in ("en", "es"):
                with force_locale(lang):
                    lengths = [
                        paper_length_mm(render_escpos(receipt, profile), profile)
                        for receipt in directions_receipts(lang, width)
                    ]
                    ticket_mm = paper_length_mm(
                        render_escpos(ticket(lang, width), profile), profile
                    )
                print(
                    f"| {profile} | {lang} | {len(lengths)} | {min(lengths):.0f} / "
                    f"{statistics.median(lengths):.0f} / {max(lengths):.0f} | {ticket_mm:.0f} |"
                )


if __name__ == "__main__":
    main()
