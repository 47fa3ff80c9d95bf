"""Receipt generation: Lobby's ESC/POS rendering against printing the receipt as one image.

Run:  .venv/bin/python bench/bench_receipt.py        (prints a Markdown table)

The receipt is a realistic directions receipt: header, large destination, summary, 12 steps in
Spanish with a floor change, a 576 x 480 1-bit floor map and the phone-link QR code, for an
80 mm printer (TM-T20II, 576 dots).

The naive way is the one many kiosk and POS projects use to get accents and layout right: draw
the whole receipt with Pillow (TrueType text, the map, a `qrcode` image) and send it with
python-escpos `image()`. A middle row keeps Lobby's text but prints the QR as an image (what
python-escpos does by default, `native=False`), on an 80 mm model without native QR. Bytes
matter as much as milliseconds: a printer on a serial line or a busy network needs time to
receive them before it prints.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import qrcode
from escpos.printer import Dummy  # type: ignore[import-untyped]
from PIL import Image, ImageDraw, ImageFont

from kiosk.printing import escpos_render
from kiosk.printing.escpos_render import render_escpos
from kiosk.printing.preview import glyph_font
from kiosk.printing.profiles import DEFAULT_PROFILE
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

RUNS = 200
IMAGE_QR_PROFILE = "TH230"
PHONE_LINK = "https://lobby.example.org/d/Xk3fQ9pLm2"
STEPS = [
    "Salga del vestíbulo principal por las puertas de cristal.",
    "Siga recto pasando la Cafetería a su derecha.",
    "Gire a la izquierda en el Mostrador de Información.",
    "Continúe por el pasillo azul unos 40 metros.",
    "Pase la Tienda de regalos y los baños.",
    "Tome el Ascensor B hacia arriba a la Planta 3 (Azul).",
    "Al salir del ascensor, gire a la derecha.",
    "Siga las señales de Radiología.",
    "Pase la sala de espera de Cardiología.",
    "Gire a la izquierda en la segunda puerta.",
    "Radiología está a su derecha.",
    "Presente su ticket en la recepción de Radiología.",
]


def floor_map(width: int = 576, height: int = 480) -> Image.Image:
    image = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, width - 5, height - 5), outline=0, width=4)
    for x in range(40, width - 40, 90):
        draw.rectangle((x, 40, x + 70, 140), outline=0, width=3)
        draw.rectangle((x, height - 140, x + 70, height - 40), outline=0, width=3)
    draw.line((20, height // 2, width - 20, height // 2), fill=0, width=8)
    return image


def directions_receipt(map_image: Image.Image) -> Receipt:
    receipt = Receipt("directions").add(
        Text("Hospital de demostración Lobby", align=Align.CENTER),
        Text("Usted está aquí: Entrada principal"),
        Title("Radiología"),
        Text("3 min 10 s (140 m) · 1 cambio de planta", bold=True),
        Rule(),
    )
    for number, step in enumerate(STEPS, start=1):
        block = FloorChange(step) if "Ascensor" in step else Text(f"{number}. {step}")
        receipt.add(block)
    return receipt.add(
        Picture(map_image),
        QRCode(PHONE_LINK),
        Text("Ayuda: 555-0100 · impreso 10:42 · plano v7", align=Align.CENTER),
    )


def lobby_native_qr(receipt: Receipt) -> bytes:
    return render_escpos(receipt, DEFAULT_PROFILE)


def lobby_image_qr(receipt: Receipt) -> bytes:
    """Lobby's renderer on an 80 mm model without native QR (TH230, 576 dots): python-escpos
    then prints the QR as a raster image."""
    return render_escpos(receipt, IMAGE_QR_PROFILE)


def naive_whole_image(receipt: Receipt) -> bytes:
    """Draw everything with Pillow, then print one big image."""
    width = 576
    font = glyph_font()
    big_font = font.font_variant(size=40) if isinstance(font, ImageFont.FreeTypeFont) else font
    lines: list[tuple[str, ImageFont.FreeTypeFont | ImageFont.ImageFont, int]] = []
    pictures: list[Image.Image] = []
    for block in receipt.blocks:
        match block:
            case Title(text=text):
                lines.append((text, big_font, 48))
            case Text(text=text) | FloorChange(text=text):
                for line in escpos_render.wrap(text, 48):
                    lines.append((line, font, 30))
            case Rule():
                lines.append(("-" * 48, font, 30))
            case Picture(image=image):
                pictures.append(image)
            case QRCode(data=data):
                code = qrcode.QRCode(box_size=6, border=4)
                code.add_data(data)
                pictures.append(code.make_image().get_image().convert("1"))
    height = sum(step for *_, step in lines) + sum(picture.height for picture in pictures)
    canvas = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(canvas)
    y = 0
    for text, line_font, step in lines:
        draw.text((0, y), text, font=line_font, fill=0)
        y += step
    for picture in pictures:
        canvas.paste(picture, ((width - picture.width) // 2, y))
        y += picture.height
    printer = Dummy(profile=DEFAULT_PROFILE)
    printer.hw("INIT")
    printer.image(canvas)
    printer.cut()
    return bytes(printer.output)


def measure(render: Callable[[Receipt], bytes], receipt: Receipt) -> tuple[float, float, int]:
    """p50 and p99 in milliseconds over RUNS renders, and the size of the bytes."""
    render(receipt)  # warm caches (fonts, profiles), as a running server has them
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        payload = render(receipt)
        timings.append((time.perf_counter() - start) * 1000)
    percentiles = statistics.quantiles(timings, n=100)
    return percentiles[49], percentiles[98], len(payload)


def main() -> None:
    receipt = directions_receipt(floor_map())
    rows = [
        ("Lobby: text + native QR (GS ( k) + map raster", lobby_native_qr),
        ("Text + image QR (python-escpos default) + map", lobby_image_qr),
        ("Naive: whole receipt drawn as one image", naive_whole_image),
    ]
    print(f"Receipt generation, 80 mm ({DEFAULT_PROFILE}, 576 dots), {RUNS} runs each\n")
    print("| approach | p50 ms | p99 ms | bytes to printer |")
    print("|---|---:|---:|---:|")
    for label, render in rows:
        p50, p99, size = measure(render, receipt)
        print(f"| {label} | {p50:.2f} | {p99:.2f} | {size:,} |")
    print("\nTarget: Lobby p50 <= 20 ms.")


if __name__ == "__main__":
    main()
