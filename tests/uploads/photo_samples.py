"""Generated phone-like photos of an insurance card, with the metadata phones write (EXIF with
orientation, GPS position and camera model, an ICC profile, XMP).

Shared by the imaging tests and `bench/bench_card_photo.py`, so both measure the same kind of
picture. Nothing here is a real person's data.
"""

from __future__ import annotations

import io
import random
from typing import Any

from PIL import ExifTags, Image, ImageCms, ImageDraw

# Somewhere plausible (a hospital car park); any GPS at all is what must not survive.
GPS_POSITION = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (40.0, 26.0, 46.3),
    ExifTags.GPS.GPSLongitudeRef: "W",
    ExifTags.GPS.GPSLongitude: (79.0, 57.0, 33.1),
}
XMP_PACKET = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'


def phone_exif(orientation: int = 6) -> Image.Exif:
    """EXIF as a phone writes it: orientation, camera, time and GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Lobby Test Phone"
    exif[ExifTags.Base.Model] = "LTP 12"
    exif[ExifTags.Base.DateTime] = "2026:05:09 08:15:00"
    exif[ExifTags.IFD.GPSInfo] = GPS_POSITION
    return exif


def srgb_icc_profile() -> bytes:
    """A real ICC profile, as phones embed one."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return profile.tobytes()


def card_scene(size: tuple[int, int], seed: int = 5) -> Image.Image:
    """A landscape photo of a card on a table: gradient light, sensor noise, a white card with
    a coloured band and lines of print, so JPEG sizes and decode times resemble a phone's."""
    width, height = size
    rng = random.Random(seed)
    light = Image.linear_gradient("L").resize(size)
    shade = light.transpose(Image.Transpose.ROTATE_90).resize(size)
    scene = Image.merge("RGB", (light, shade, Image.effect_noise(size, 12)))
    draw = ImageDraw.Draw(scene)
    left, top = width // 6, height // 5
    right, bottom = width - width // 6, height - height // 5
    draw.rounded_rectangle((left, top, right, bottom), radius=width // 40, fill=(246, 246, 240))
    draw.rectangle((left, top + height // 20, right, top + height // 8), fill=(20, 90, 160))
    line_height = max(2, height // 40)
    for row in range(6):
        y = top + height // 5 + row * line_height * 2
        x = left + width // 20
        while x < right - width // 10:
            word = rng.randint(width // 60, width // 15)
            draw.rectangle((x, y, x + word, y + line_height), fill=(30, 30, 30))
            x += word + width // 80
    grain = Image.merge("RGB", [Image.effect_noise(size, 40) for _ in range(3)])
    return Image.blend(scene, grain, 0.25)


def encoded(image: Image.Image, format_name: str, **options: Any) -> bytes:
    """`image` saved in `format_name` with Pillow's `options` (exif=, icc_profile= ...)."""
    buffer = io.BytesIO()
    image.save(buffer, format_name, **options)
    return buffer.getvalue()


def phone_jpeg(size: tuple[int, int] = (4000, 3000), orientation: int = 6) -> bytes:
    """A phone camera JPEG: sensor-orientation pixels, quality 92, EXIF with GPS, an ICC
    profile and XMP."""
    return encoded(
        card_scene(size),
        "JPEG",
        quality=92,
        exif=phone_exif(orientation),
        icc_profile=srgb_icc_profile(),
        xmp=XMP_PACKET,
    )
