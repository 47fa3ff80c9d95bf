"""Floor plan images that facility staff upload as the background of the floorplan editor.

Treated as hostile like every upload (see `kiosk.uploads.card_images`): only the PNG and JPEG
decoders may open it, the declared size is checked before decoding, and only the pixels are
kept, re-encoded as PNG (lossless, so thin walls and room numbers stay sharp) without any
metadata. SVG is refused: an SVG is a program as much as a picture (scripts, external
references), and rasterising one safely needs a renderer this project does not ship; staff
export their drawing as PNG instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from PIL import Image

from kiosk.uploads.card_images import opened_upload

# Architects' PDFs exported at 150 dpi are 5000–7000 pixels wide; beyond that the browser
# slows down for no visible gain, so larger images are scaled down to this long side.
FLOOR_IMAGE_LONG_SIDE = 8000
FLOOR_IMAGE_MAX_BYTES = 12 * 1024 * 1024
FLOOR_IMAGE_MAX_PIXELS = 50_000_000
FLOOR_IMAGE_MIN_SIDE = 50
FLOOR_IMAGE_FORMATS = ("PNG", "JPEG")


@dataclass(frozen=True)
class SanitisedFloorImage:
    """A re-encoded PNG with its size in pixels."""

    png: bytes
    width: int
    height: int


def sanitise_floor_image(data: bytes) -> SanitisedFloorImage:
    """The upload's pixels as a metadata-free PNG, or `card_images.RejectedPhoto` saying why
    not (an SVG is `unsupported_format`)."""
    with opened_upload(
        data,
        formats=FLOOR_IMAGE_FORMATS,
        max_bytes=FLOOR_IMAGE_MAX_BYTES,
        max_pixels=FLOOR_IMAGE_MAX_PIXELS,
        min_side=FLOOR_IMAGE_MIN_SIDE,
    ) as image:
        image.load()
        mode = "RGBA" if image.has_transparency_data else "RGB"
        picture = image.convert(mode) if image.mode != mode else image
        width, height = picture.size
        if max(width, height) > FLOOR_IMAGE_LONG_SIDE:
            scale = FLOOR_IMAGE_LONG_SIDE / max(width, height)
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            picture = picture.resize(size, Image.Resampling.LANCZOS)
        picture.info = {}
        buffer = BytesIO()
        picture.save(buffer, "PNG", optimize=False)
        return SanitisedFloorImage(buffer.getvalue(), *picture.size)
