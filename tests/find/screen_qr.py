"""Reading the route screen's QR code the way a phone camera does, for tests."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import zxingcpp
from flask.testing import FlaskClient
from PIL import Image, ImageDraw

# qrcode's SvgPathImage draws every dark module as one square: "M x,y H x2 V y2 H x z".
MODULE = re.compile(r"M([\d.]+),([\d.]+)H([\d.]+)V([\d.]+)")
VIEW_BOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')
PIXELS_PER_UNIT = 10


def read_qr_svg(svg: str) -> str:
    """The text of the QR code in `svg`, read from a raster of it as a camera would."""
    size = VIEW_BOX.search(svg)
    assert size, "not a QR code SVG"
    width, height = (round(float(v) * PIXELS_PER_UNIT) for v in size.groups())
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for x1, y1, x2, y2 in MODULE.findall(svg):
        box = [round(float(v) * PIXELS_PER_UNIT) for v in (x1, y1, x2, y2)]
        draw.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill=0)
    decoded = [result.text for result in zxingcpp.read_barcodes(image)]
    assert len(decoded) == 1, f"expected one QR code, read {decoded}"
    return decoded[0]


def phone_path_on_screen(client: FlaskClient, destination: str = "imaging") -> str:
    """The `/d/<token>` path a phone opens after scanning the route screen's QR code."""
    screen = client.get(f"/find/to/{destination}").get_data(as_text=True)
    qr_src = re.search(r'src="(/find/to/[^"]+/qr\.svg)"', screen)
    assert qr_src, "route screen has no QR code"
    response = client.get(qr_src.group(1))
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    return urlsplit(read_qr_svg(response.get_data(as_text=True))).path
