"""Card photo and signature sanitising against a generated corpus of hostile uploads.

Every upload must end as one of two things: a clean re-encoded JPEG (upright, within the size
limit, with no EXIF, GPS, ICC, XMP, comment or appended payload) or a `RejectedPhoto` with the
reason the patient will be told. Any other exception would be a 500 on the kiosk.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFile, PngImagePlugin

from kiosk.uploads.card_images import (
    DEFAULT_LONG_SIDE,
    DEFAULT_MAX_BYTES,
    MIN_PHOTO_SIDE,
    SIGNATURE_LONG_SIDE,
    SIGNATURE_MAX_BYTES,
    RejectedPhoto,
    RejectionReason,
    SanitisedPhoto,
    sanitise_card_photo,
    sanitise_signature,
)
from tests.uploads.photo_samples import (
    XMP_PACKET,
    card_scene,
    encoded,
    phone_exif,
    phone_jpeg,
    srgb_icc_profile,
)

JFIF_INFO_KEYS = {"jfif", "jfif_version", "jfif_unit", "jfif_density"}
APP0_JFIF = 0xE0
COMMENT_MARKER = 0xFE
START_OF_SCAN = 0xDA
HTML_PAYLOAD = b"<html><body><script>alert(document.cookie)</script></body></html>"
RED = (255, 0, 0)
BLUE = (0, 0, 255)


# --- checking the output ---------------------------------------------------------------------


def jpeg_header_markers(jpeg: bytes) -> list[int]:
    """The markers of every segment before the image data: APPn, COM, DQT, SOF, DHT ..."""
    assert jpeg[:2] == b"\xff\xd8"
    markers, position = [], 2
    while jpeg[position + 1] != START_OF_SCAN:
        assert jpeg[position] == 0xFF
        markers.append(jpeg[position + 1])
        position += 2 + int.from_bytes(jpeg[position + 2 : position + 4], "big")
    return markers


def assert_clean_jpeg(photo: SanitisedPhoto, long_side: int = DEFAULT_LONG_SIDE) -> Image.Image:
    """The photo is a plain RGB JPEG within `long_side`, carrying nothing but pixels; return
    its decoded pixels for further checks."""
    assert max(photo.width, photo.height) <= long_side
    with Image.open(io.BytesIO(photo.jpeg)) as reopened:
        assert reopened.format == "JPEG"
        assert reopened.mode == "RGB"
        assert reopened.size == (photo.width, photo.height)
        assert set(reopened.info) <= JFIF_INFO_KEYS
        assert not reopened.getexif()
        pixels = reopened.convert("RGB")
    metadata_segments = [
        marker
        for marker in jpeg_header_markers(photo.jpeg)
        if 0xE0 <= marker <= 0xEF or marker == COMMENT_MARKER
    ]
    assert metadata_segments == [APP0_JFIF]
    assert photo.jpeg.endswith(b"\xff\xd9"), "nothing may follow the image"
    return pixels


def is_close(pixel: object, colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    """JPEG shifts colours a little; a red corner must still look red."""
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def refused_or_clean(data: bytes, **limits: int) -> None:
    """Whatever `data` is, the sanitiser refuses it with a known reason or returns a clean
    JPEG; any other exception fails the test."""
    try:
        photo = sanitise_card_photo(data, **limits)
    except RejectedPhoto as rejection:
        assert rejection.reason in set(RejectionReason)
        assert str(rejection) == f"upload rejected: {rejection.reason.value}"
    else:
        assert_clean_jpeg(photo, limits.get("target_long_side", DEFAULT_LONG_SIDE))


# --- building hostile files ------------------------------------------------------------------


def scene(size: tuple[int, int] = (480, 320)) -> Image.Image:
    """A small card photo, big enough to be accepted."""
    return card_scene(size)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk with a correct CRC, so only the content is hostile."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(
    width: int,
    height: int,
    bit_depth: int = 8,
    colour_type: int = 2,
    pixel_stream: bytes = zlib.compress(bytes(64)),
) -> bytes:
    """A well-formed PNG whose header declares `width`×`height` whatever its data holds."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", pixel_stream)
        + png_chunk(b"IEND", b"")
    )


def png_decompression_bomb(side: int = 20000) -> bytes:
    """A complete, valid 1-bit PNG of side² pixels (400 megapixels) in about 50 kB."""
    row = bytes((side + 7) // 8 + 1)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    rows_per_block = 500
    stream = b"".join(
        compressor.compress(row * rows_per_block) for _ in range(side // rows_per_block)
    )
    return png_claiming(side, side, 1, 0, stream + compressor.flush())


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small baseline JPEG with its frame header rewritten to declare `width`×`height`."""
    data = bytearray(encoded(scene(), "JPEG"))
    frame = data.index(b"\xff\xc0")
    data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def zip_archive() -> bytes:
    """A ZIP holding a web page, as appended to a photo to make a polyglot."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", HTML_PAYLOAD)
    return buffer.getvalue()


def half(data: bytes) -> bytes:
    """An upload cut off halfway."""
    return data[: len(data) // 2]


def png_with_metadata() -> bytes:
    """A PNG carrying text (with HTML), EXIF with GPS, an ICC profile and XMP."""
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", HTML_PAYLOAD.decode())
    text.add_itxt("XML:com.adobe.xmp", XMP_PACKET.decode())
    return encoded(scene(), "PNG", pnginfo=text, exif=phone_exif(1), icc_profile=srgb_icc_profile())


def jpeg_with_corrupt_exif() -> bytes:
    """A JPEG whose EXIF has a camera-model tag pointing past its end (Pillow warns), followed
    by a valid orientation: a quirk real phones and editors produce."""
    entries = struct.pack("<HHII", 0x010F, 2, 1000, 26) + struct.pack("<HHII", 0x0112, 3, 1, 6)
    tiff = b"II*\x00" + struct.pack("<IH", 8, 2) + entries + struct.pack("<I", 0)
    return encoded(scene(), "JPEG", exif=b"Exif\x00\x00" + tiff)


def frames(format_name: str) -> bytes:
    """A two-frame image (red, then blue): animated PNG or WebP, or a phone's MPO."""
    first, second = Image.new("RGB", (300, 240), RED), Image.new("RGB", (300, 240), BLUE)
    return encoded(first, format_name, save_all=True, append_images=[second], duration=100)


def svg_named_jpg() -> bytes:
    """An SVG with script: a browser would run it if it were ever served as is."""
    return (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)'
        b"</script></svg>"
    )


def heic_header() -> bytes:
    """The start of an iPhone HEIC photo, which Pillow cannot decode."""
    return b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(200)


@dataclass(frozen=True)
class Upload:
    """One corpus entry: how to make it and what must happen (None: accepted and clean)."""

    make: Callable[[], bytes]
    refused_as: RejectionReason | None


CORPUS: dict[str, Upload] = {
    # Accepted, with everything but the pixels removed.
    "phone jpeg with gps": Upload(lambda: phone_jpeg((1200, 900)), None),
    "progressive jpeg": Upload(lambda: encoded(scene(), "JPEG", progressive=True), None),
    "greyscale jpeg": Upload(lambda: encoded(scene().convert("L"), "JPEG"), None),
    "cmyk jpeg": Upload(lambda: encoded(scene().convert("CMYK"), "JPEG"), None),
    "jpeg + zip polyglot": Upload(lambda: encoded(scene(), "JPEG") + zip_archive(), None),
    "jpeg + html polyglot": Upload(lambda: encoded(scene(), "JPEG") + HTML_PAYLOAD, None),
    "jpeg with html comment": Upload(lambda: encoded(scene(), "JPEG", comment=HTML_PAYLOAD), None),
    "jpeg with corrupt exif": Upload(jpeg_with_corrupt_exif, None),
    "png with text, exif, icc, xmp": Upload(png_with_metadata, None),
    "png + html polyglot": Upload(lambda: encoded(scene(), "PNG") + HTML_PAYLOAD, None),
    "png with alpha": Upload(lambda: encoded(scene().convert("RGBA"), "PNG"), None),
    "png palette": Upload(lambda: encoded(scene().convert("P"), "PNG"), None),
    "png 1-bit": Upload(lambda: encoded(scene().convert("1"), "PNG"), None),
    "png 16-bit grey": Upload(lambda: encoded(scene().convert("I;16"), "PNG"), None),
    "png 16-bit grey with transparency key": Upload(
        lambda: encoded(scene().convert("I;16"), "PNG", transparency=1000), None
    ),
    "png grey + alpha": Upload(lambda: encoded(scene().convert("LA"), "PNG"), None),
    "png without end chunk": Upload(lambda: encoded(scene(), "PNG")[:-12], None),
    "webp lossy with exif": Upload(lambda: encoded(scene(), "WEBP", exif=phone_exif(1)), None),
    "webp with alpha, icc, xmp": Upload(
        lambda: encoded(
            scene().convert("RGBA"), "WEBP", icc_profile=srgb_icc_profile(), xmp=XMP_PACKET
        ),
        None,
    ),
    "animated png": Upload(lambda: frames("PNG"), None),
    "animated webp": Upload(lambda: frames("WEBP"), None),
    "mpo from a phone": Upload(lambda: frames("MPO"), None),
    "smallest readable": Upload(
        lambda: encoded(scene((MIN_PHOTO_SIDE, MIN_PHOTO_SIDE)), "PNG"), None
    ),
    # Refused.
    "0 bytes": Upload(lambda: b"", RejectionReason.EMPTY),
    "oversize": Upload(
        lambda: encoded(scene(), "JPEG") + bytes(DEFAULT_MAX_BYTES), RejectionReason.TOO_LARGE
    ),
    "png claiming 50000x50000": Upload(
        lambda: png_claiming(50000, 50000), RejectionReason.TOO_MANY_PIXELS
    ),
    "jpeg claiming 50000x50000": Upload(
        lambda: jpeg_claiming(50000, 50000), RejectionReason.TOO_MANY_PIXELS
    ),
    "png over our limit, under pillow's": Upload(
        lambda: png_claiming(8000, 8000), RejectionReason.TOO_MANY_PIXELS
    ),
    "png in pillow's warning band": Upload(
        lambda: png_claiming(10000, 10000), RejectionReason.TOO_MANY_PIXELS
    ),
    "png decompression bomb": Upload(png_decompression_bomb, RejectionReason.TOO_MANY_PIXELS),
    "truncated jpeg": Upload(lambda: half(phone_jpeg((800, 600))), RejectionReason.TRUNCATED),
    "truncated progressive jpeg": Upload(
        lambda: half(encoded(scene(), "JPEG", progressive=True)), RejectionReason.TRUNCATED
    ),
    "truncated png": Upload(lambda: half(encoded(scene(), "PNG")), RejectionReason.TRUNCATED),
    # libwebp reports a cut-off file as undecodable, like any other damage.
    "truncated webp": Upload(lambda: half(encoded(scene(), "WEBP")), RejectionReason.CORRUPT),
    "jpeg cut inside its header": Upload(
        lambda: encoded(scene(), "JPEG")[:40], RejectionReason.CORRUPT
    ),
    "png with zero width": Upload(lambda: png_claiming(0, 300), RejectionReason.CORRUPT),
    "tiny png": Upload(lambda: encoded(scene((100, 60)), "PNG"), RejectionReason.TOO_SMALL),
    "gif named .jpg": Upload(lambda: encoded(scene(), "GIF"), RejectionReason.UNSUPPORTED_FORMAT),
    "gif + zip (gifar)": Upload(
        lambda: encoded(scene(), "GIF") + zip_archive(), RejectionReason.UNSUPPORTED_FORMAT
    ),
    "bmp named .jpg": Upload(lambda: encoded(scene(), "BMP"), RejectionReason.UNSUPPORTED_FORMAT),
    "tiff named .jpg": Upload(lambda: encoded(scene(), "TIFF"), RejectionReason.UNSUPPORTED_FORMAT),
    "pdf named .jpg": Upload(lambda: encoded(scene(), "PDF"), RejectionReason.UNSUPPORTED_FORMAT),
    "svg with script": Upload(svg_named_jpg, RejectionReason.UNSUPPORTED_FORMAT),
    "heic from an iphone": Upload(heic_header, RejectionReason.UNSUPPORTED_FORMAT),
    "html named .jpg": Upload(lambda: HTML_PAYLOAD, RejectionReason.NOT_AN_IMAGE),
    "zip named .jpg": Upload(zip_archive, RejectionReason.NOT_AN_IMAGE),
    "text": Upload(lambda: b"Member ID: XYZ123456789", RejectionReason.NOT_AN_IMAGE),
}


# --- the corpus ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CORPUS)
def test_hostile_corpus_is_cleaned_or_refused_with_its_reason(name: str) -> None:
    upload = CORPUS[name]
    data = upload.make()
    if upload.refused_as is None:
        photo = sanitise_card_photo(data)
        assert_clean_jpeg(photo)
        for payload in (b"PK\x03\x04", b"<script", b"Lobby Test Phone", XMP_PACKET):
            assert payload not in photo.jpeg
    else:
        with pytest.raises(RejectedPhoto) as refused:
            sanitise_card_photo(data)
        assert refused.value.reason == upload.refused_as
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


# --- what patients and staff see -------------------------------------------------------------


def marked_landscape(orientation: int) -> bytes:
    """A blue landscape JPEG with a red top-left corner as stored by the camera sensor."""
    image = Image.new("RGB", (480, 320), BLUE)
    ImageDraw.Draw(image).rectangle((0, 0, 59, 59), fill=RED)
    return encoded(image, "JPEG", exif=phone_exif(orientation))


# Where the sensor's top-left corner ends up once the photo is shown upright.
UPRIGHT_CORNER = {
    1: "top left",
    2: "top right",
    3: "bottom right",
    4: "bottom left",
    5: "top left",
    6: "top right",
    7: "bottom right",
    8: "bottom left",
}


@pytest.mark.parametrize("orientation", UPRIGHT_CORNER)
def test_card_comes_out_upright_for_every_exif_orientation(orientation: int) -> None:
    photo = sanitise_card_photo(marked_landscape(orientation))
    pixels = assert_clean_jpeg(photo)
    turned = orientation >= 5
    assert (photo.width, photo.height) == ((320, 480) if turned else (480, 320))
    right, bottom = photo.width - 10, photo.height - 10
    corners = {
        "top left": (10, 10),
        "top right": (right, 10),
        "bottom left": (10, bottom),
        "bottom right": (right, bottom),
    }
    for corner, point in corners.items():
        expected = RED if corner == UPRIGHT_CORNER[orientation] else BLUE
        assert is_close(pixels.getpixel(point), expected), corner


def test_twelve_megapixel_phone_photo_is_upright_downscaled_and_free_of_gps() -> None:
    data = phone_jpeg((4000, 3000), orientation=6)
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(0x8825), "the sample must carry GPS to test its removal"
    photo = sanitise_card_photo(data)
    assert_clean_jpeg(photo)
    assert (photo.width, photo.height) == (1200, 1600)
    assert len(photo.jpeg) < len(data) // 5


def test_transparent_areas_become_white_paper() -> None:
    card = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    ImageDraw.Draw(card).rectangle((100, 100, 299, 199), fill=(*BLUE, 255))
    for format_name in ("PNG", "WEBP"):
        pixels = assert_clean_jpeg(sanitise_card_photo(encoded(card, format_name, lossless=True)))
        assert is_close(pixels.getpixel((20, 20)), (255, 255, 255), 8), format_name
        assert is_close(pixels.getpixel((200, 150)), BLUE), format_name


def test_sixteen_bit_grey_keeps_its_shade_instead_of_turning_white() -> None:
    grey = Image.new("I;16", (400, 300), 0x8000)
    pixels = assert_clean_jpeg(sanitise_card_photo(encoded(grey, "PNG")))
    assert is_close(pixels.getpixel((200, 150)), (128, 128, 128), 4)


def test_cmyk_photo_keeps_its_colours() -> None:
    red_in_cmyk = Image.new("RGB", (400, 300), RED).convert("CMYK")
    pixels = assert_clean_jpeg(sanitise_card_photo(encoded(red_in_cmyk, "JPEG")))
    assert is_close(pixels.getpixel((200, 150)), RED)


@pytest.mark.parametrize("format_name", ["PNG", "WEBP", "MPO"])
def test_multi_frame_images_keep_the_first_frame(format_name: str) -> None:
    pixels = assert_clean_jpeg(sanitise_card_photo(frames(format_name)))
    assert is_close(pixels.getpixel((150, 120)), RED)


def test_small_photos_are_not_enlarged() -> None:
    photo = sanitise_card_photo(encoded(scene((640, 480)), "JPEG"))
    assert (photo.width, photo.height) == (640, 480)


def test_limits_can_be_tightened_per_call() -> None:
    data = encoded(scene((900, 600)), "PNG")
    assert_clean_jpeg(sanitise_card_photo(data, target_long_side=300), long_side=300)
    with pytest.raises(RejectedPhoto) as refused:
        sanitise_card_photo(data, max_pixels=900 * 600 - 1)
    assert refused.value.reason == RejectionReason.TOO_MANY_PIXELS
    with pytest.raises(RejectedPhoto) as refused:
        sanitise_card_photo(data, max_bytes=len(data) - 1)
    assert refused.value.reason == RejectionReason.TOO_LARGE


# --- generated inputs ------------------------------------------------------------------------

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEED_FILES = {
    "JPEG": encoded(scene((240, 220)), "JPEG", exif=phone_exif(6), comment=b"x"),
    "PNG": encoded(scene((240, 220)), "PNG", exif=phone_exif(3)),
    "WEBP": encoded(scene((240, 220)), "WEBP", exif=phone_exif(8)),
}
MAGIC_PREFIXES = [b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x10\x00\x00WEBPVP8 "]


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_are_refused_cleanly(data: bytes) -> None:
    refused_or_clean(data)


@FUZZ
@given(st.sampled_from(MAGIC_PREFIXES), st.binary(max_size=4096))
def test_random_bytes_behind_a_real_signature_are_refused_cleanly(
    prefix: bytes, rest: bytes
) -> None:
    refused_or_clean(prefix + rest)


@FUZZ
@given(
    st.sampled_from(sorted(SEED_FILES)),
    st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=12),
    st.floats(0.05, 1),
)
def test_damaged_photos_are_refused_or_come_out_clean(
    format_name: str, damage: list[tuple[float, int]], kept_fraction: float
) -> None:
    data = bytearray(SEED_FILES[format_name])
    for position, value in damage:
        data[int(position * len(data))] = value
    refused_or_clean(bytes(data[: max(1, int(len(data) * kept_fraction))]))


TIFF_HEADERS = [b"", b"II*\x00\x08\x00\x00\x00", b"MM\x00*\x00\x00\x00\x08"]


@FUZZ
@given(st.sampled_from(TIFF_HEADERS), st.binary(min_size=1, max_size=600))
def test_any_exif_blob_is_dropped(tiff_header: bytes, exif: bytes) -> None:
    data = encoded(scene((240, 220)), "JPEG", exif=b"Exif\x00\x00" + tiff_header + exif)
    assert_clean_jpeg(sanitise_card_photo(data))


# (format, modes it can store) for photos a patient might really send.
ENCODABLE_MODES = {
    "JPEG": ["RGB", "L", "CMYK"],
    "PNG": ["RGB", "RGBA", "L", "LA", "P", "1", "I;16"],
    "WEBP": ["RGB", "RGBA"],
}


@settings(max_examples=60, deadline=None)
@given(
    format_and_mode=st.sampled_from(
        [(fmt, mode) for fmt, modes in ENCODABLE_MODES.items() for mode in modes]
    ),
    width=st.integers(MIN_PHOTO_SIDE, 1100),
    height=st.integers(MIN_PHOTO_SIDE, 1100),
    orientation=st.integers(1, 8),
    long_side=st.integers(MIN_PHOTO_SIDE, 800),
)
def test_any_valid_photo_comes_out_upright_within_bounds_without_metadata(
    format_and_mode: tuple[str, str], width: int, height: int, orientation: int, long_side: int
) -> None:
    format_name, mode = format_and_mode
    image = card_scene((width, height)).convert(mode)
    data = encoded(image, format_name, exif=phone_exif(orientation))
    photo = sanitise_card_photo(data, target_long_side=long_side)
    assert_clean_jpeg(photo, long_side=long_side)
    upright = (height, width) if orientation >= 5 else (width, height)
    scale = min(1.0, long_side / max(upright))
    assert max(photo.width, photo.height) == min(long_side, max(upright))
    for got, wanted in zip((photo.width, photo.height), upright, strict=True):
        # Draft decoding rounds each side up to a whole 1/8 block before the final resize.
        assert abs(got - wanted * scale) <= 2


# --- signatures ------------------------------------------------------------------------------


def canvas_signature(size: tuple[int, int] = (1400, 500), *, signed: bool = True) -> bytes:
    """What the kiosk canvas uploads: a transparent PNG with black strokes."""
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    if signed:
        ImageDraw.Draw(canvas).line(
            [(100, 300), (300, 120), (500, 380), (800, 150)], fill=(0, 0, 0, 255), width=12
        )
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Patient Name")
    return encoded(canvas, "PNG", pnginfo=text)


def test_signature_becomes_small_greyscale_png_on_white_without_text() -> None:
    cleaned = sanitise_signature(canvas_signature())
    with Image.open(io.BytesIO(cleaned)) as signature:
        assert signature.format == "PNG"
        assert signature.mode == "L"
        assert max(signature.size) == SIGNATURE_LONG_SIDE
        assert "Author" not in signature.info
        assert signature.getpixel((10, 10)) == 255
        darkest, _ = signature.getextrema()
        assert isinstance(darkest, int) and darkest < 64
    assert b"Patient Name" not in cleaned


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (canvas_signature(signed=False), RejectionReason.BLANK),
        (b"", RejectionReason.EMPTY),
        (bytes(SIGNATURE_MAX_BYTES + 1), RejectionReason.TOO_LARGE),
        (png_claiming(4000, 4000), RejectionReason.TOO_MANY_PIXELS),
        (encoded(scene(), "JPEG"), RejectionReason.UNSUPPORTED_FORMAT),
        (half(canvas_signature()), RejectionReason.TRUNCATED),
        (HTML_PAYLOAD, RejectionReason.NOT_AN_IMAGE),
    ],
    ids=["blank", "empty", "oversize", "pixel flood", "jpeg", "truncated", "html"],
)
def test_bad_signatures_are_refused_with_their_reason(data: bytes, reason: RejectionReason) -> None:
    with pytest.raises(RejectedPhoto) as refused:
        sanitise_signature(data)
    assert refused.value.reason == reason
