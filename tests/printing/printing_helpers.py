"""Receipts and settings shared by the printing tests."""

from __future__ import annotations

from flask import Flask
from flask_babel import force_locale
from PIL import Image, ImageDraw

from kiosk.find.receipt import DirectionsPrintout, directions_receipt
from kiosk.floorplan import current_wayfinder, here
from kiosk.models.types import utcnow
from kiosk.printing.escpos_render import render_escpos
from kiosk.printing.profiles import printer_profile
from kiosk.printing.receipt import (
    Align,
    FloorChange,
    Picture,
    QRCode,
    Receipt,
    Rule,
    Text,
    Title,
)
from wayfinding import Directions, Profile

# Small timeouts and backoffs keep the suite fast; they are what the tests wait for. The
# printer timeout leaves a healthy fake printer time to answer on a busy machine.
FAST_QUEUE_CONFIG = {
    "PRINTER_TIMEOUT_SECONDS": 1.5,
    "PRINT_MAX_ATTEMPTS": 3,
    "PRINT_BACKOFF_BASE_SECONDS": 0.05,
    "PRINT_BACKOFF_CAP_SECONDS": 0.2,
    "PRINT_POLL_SECONDS": 0.02,
    "PRINTER_PROBE_SECONDS": 0.0,
}
PHONE_LINK = "https://lobby.example.org/d/Xk3fQ9pLm2"
# An Epson model, which answers status queries, and a model Lobby does not expect to answer.
STATUS_ANSWERING_PROFILE = "TM-T20II"
SILENT_PROFILE = "Sunmi-V2"


def floor_map(width: int = 576, height: int = 480) -> Image.Image:
    """A 1-bit map of realistic size: corridors, rooms and a you-are-here arrow."""
    image = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, width - 5, height - 5), outline=0, width=4)
    for x in range(40, width - 40, 90):
        draw.rectangle((x, 40, x + 70, 140), outline=0, width=3)
        draw.rectangle((x, height - 140, x + 70, height - 40), outline=0, width=3)
    draw.line((20, height // 2, width - 20, height // 2), fill=0, width=8)
    draw.polygon([(60, height // 2 - 30), (90, height // 2 + 20), (30, height // 2 + 20)], fill=0)
    return image


def spanish_directions_receipt(map_image: Image.Image | None = None) -> Receipt:
    """Directions as the Spanish kiosk prints them (no patient data, as always)."""
    return Receipt("directions").add(
        Text("Hospital de demostración Lobby", align=Align.CENTER),
        Text("Usted está aquí: Entrada principal"),
        Title("Radiología"),
        Text("3 min 10 s (140 m) · 1 cambio de planta · sin escalones", bold=True),
        Rule(),
        Text("Siga recto pasando la Cafetería y gire a la izquierda en Información."),
        FloorChange("Tome el Ascensor B hacia arriba a la Planta 3 (Azul)"),
        Text("¿Perdido? ¡Pregunte en el mostrador! Ñandú, pingüino, acción."),
        Picture(map_image or floor_map()),
        QRCode(PHONE_LINK),
        Text("Ayuda: 555-0100 · impreso 10:42 · plano v7", align=Align.CENTER),
    )


def queue_ticket() -> Receipt:
    """A queue ticket: a few hundred bytes of text (synthetic, no patient data)."""
    return Receipt("ticket").add(
        Text("Hospital de demostración Lobby", align=Align.CENTER),
        Title("A-042"),
        Text("Radiología · Planta 3 · espera estimada 10 min", align=Align.CENTER),
    )


def real_directions_payload(app: Flask, destination: str = "imaging") -> bytes:
    """The ESC/POS bytes of the directions receipt a kiosk at the demo hospital's main entrance
    prints (maps, steps, QR code) for the 80 mm profile, in Spanish."""
    return demo_directions_receipt(app, destination, "es", STATUS_ANSWERING_PROFILE)[0]


def demo_directions_receipt(
    app: Flask,
    destination: str,
    lang: str,
    profile: str,
    route_profile: Profile = Profile.STANDARD,
) -> tuple[bytes, Directions]:
    """The bytes a kiosk at the demo hospital's main entrance prints for `destination` in `lang`
    on a printer of `profile`, and the directions the screen shows for the same route."""
    with app.test_request_context(), force_locale(lang):
        origin = here()
        route, steps = current_wayfinder().kiosk_directions(
            origin.id, destination, route_profile, lang
        )
        assert route.destination is not None
        printout = DirectionsPrintout(
            facility_name="Hospital de demostración Lobby",
            here_name=origin.name.in_language(lang),
            destination_name=route.destination.name.in_language(lang),
            phone_url=PHONE_LINK,
            help_desk_phone="555-0100",
            printed_at=utcnow(),
            floorplan_version=route.floorplan.version,
            width_dots=printer_profile(profile).width_dots,
        )
        return render_escpos(directions_receipt(route, steps, printout), profile), steps
