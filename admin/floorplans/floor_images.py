"""Where floor images live and how the editor's canvas places them.

An uploaded image is stored, sanitised, under the instance folder as `floor-images/<name>.png`
(the name is the floor and a hash of the pixels, so re-uploading the same picture changes
nothing) and the floor's `image.href` says so. Any other `href` is relative to the configured
floorplan file, as the format says (the demo's SVGs, drawn from the data by
`python -m wayfinding render`), and is served only from inside that file's folder.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import current_app
from PIL import Image, UnidentifiedImageError

from kiosk.floorplan import floorplan_path
from kiosk.uploads.floor_images import SanitisedFloorImage

UPLOADED_PREFIX = "floor-images/"
UPLOADED_NAME = re.compile(r"[A-Za-z0-9_.:-]{1,120}-[0-9a-f]{16}\.png")
SVG_SIZE = re.compile(rb"<svg\b[^>]*?\bwidth=\"([0-9.]+)\"[^>]*?\bheight=\"([0-9.]+)\"", re.S)
MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
SVG_MEDIA_TYPE = "image/svg+xml"


def uploaded_folder() -> Path:
    """The instance folder's floor images."""
    return Path(current_app.instance_path) / "floor-images"


def store_floor_image(floor_id: str, image: SanitisedFloorImage) -> str:
    """Write the sanitised image and return the `href` that points at it."""
    digest = hashlib.sha256(image.png).hexdigest()[:16]
    name = f"{re.sub(r'[^A-Za-z0-9_.:-]', '-', floor_id)[:120]}-{digest}.png"
    folder = uploaded_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        partial = path.with_suffix(".part")
        partial.write_bytes(image.png)
        partial.replace(path)
    return UPLOADED_PREFIX + name


def image_file(href: str) -> Path | None:
    """The file an `href` names, if it exists where images may be served from."""
    if href.startswith(UPLOADED_PREFIX):
        name = href.removeprefix(UPLOADED_PREFIX)
        path = uploaded_folder() / name
        return path if UPLOADED_NAME.fullmatch(name) and path.is_file() else None
    base = floorplan_path().parent.resolve()
    path = (base / href).resolve()
    allowed = path.suffix.lower() in (*MEDIA_TYPES, ".svg")
    return path if allowed and path.is_relative_to(base) and path.is_file() else None


def media_type(path: Path) -> str:
    """The content type an image file is served with."""
    return MEDIA_TYPES.get(path.suffix.lower(), SVG_MEDIA_TYPE)


def image_size(path: Path) -> tuple[float, float] | None:
    """The image's width and height in its own units (pixels, or an SVG's user units), read
    from its header; None when it cannot be told."""
    if path.suffix.lower() == ".svg":
        found = SVG_SIZE.search(path.read_bytes()[:4096])
        return (float(found[1]), float(found[2])) if found else None
    try:
        with Image.open(path, formats=["PNG", "JPEG"]) as opened:
            width, height = opened.size
    except (OSError, UnidentifiedImageError):
        return None
    return float(width), float(height)


def canvas_image(floor: Mapping[str, Any], url: str) -> dict[str, Any] | None:
    """The floor image's URL and where its corners sit in site metres, for the canvas (y grows
    north on the site, south on the image)."""
    image = floor.get("image")
    if not image:
        return None
    path = image_file(image["href"])
    size = image_size(path) if path is not None else None
    if size is None:
        return None
    metres = image["metres_per_unit"]
    west, north = image.get("origin", (0.0, 0.0))
    east, south = west + size[0] * metres, north - size[1] * metres
    return {
        "url": url,
        "south_west": [south, west],
        "north_east": [north, east],
        # For the scale tool: a clicked site point back in image units.
        "origin": [west, north],
        "metres_per_unit": metres,
    }
