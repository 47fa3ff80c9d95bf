"""Insurance card photos and consent signatures, made safe to keep and to show staff.

Every upload is treated as hostile: it comes from a patient's phone, a kiosk camera or whatever
file someone picks. Nothing of the upload survives except its pixels:

- the format is decided by decoding with the JPEG, PNG and WebP decoders only — never by the
  file name or content type — so a GIF, SVG, PDF or HTML page renamed to `.jpg` is refused;
- the size the header declares is checked before any pixel is decoded, so a tiny file claiming
  50000×50000 pixels costs nothing; Pillow's own decompression-bomb limit stays as a backstop;
- large JPEGs are decoded at 1/2, 1/4 or 1/8 scale (`draft()`), which halves the cost of a
  12-megapixel phone photo;
- a file that ends early is refused rather than padded with grey
  (`ImageFile.LOAD_TRUNCATED_IMAGES` stays False);
- the EXIF orientation is applied, then every piece of metadata (EXIF with GPS position, XMP,
  ICC profile, comments, anything appended after the image) is dropped by re-encoding the pixels.

Multi-frame images (animated PNG/WebP, the MPO files some phones write for portrait shots) keep
their first frame: it is the photo the patient saw when choosing the file, and refusing those
phones' ordinary photos would send patients to the desk for nothing.

A refusal raises `RejectedPhoto` whose `reason` the views turn into a message in the patient's
language; no other exception escapes for anything a file can contain.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

# 12 MiB, like the request limit: a phone JPEG is 2–6 MB.
DEFAULT_MAX_BYTES = 12 * 1024 * 1024
# A 48-megapixel phone photo (8000×6000) passes; JPEG draft decoding keeps its decode at 1/4
# scale, and the largest PNG or WebP accepted decodes to at most 200 MB, once, per request.
DEFAULT_MAX_PIXELS = 50_000_000
# Enough to read a member ID on a card that fills a third of the frame, in a JPEG of a few
# hundred kB.
DEFAULT_LONG_SIDE = 1600
# Below this a card's small print cannot be read, so staff would ask the patient again anyway.
MIN_PHOTO_SIDE = 200
JPEG_QUALITY = 85

SIGNATURE_MAX_BYTES = 1024 * 1024
# A full-width canvas at twice the screen's pixel density is about 2000×800.
SIGNATURE_MAX_PIXELS = 4_000_000
SIGNATURE_LONG_SIDE = 1200
SIGNATURE_MIN_SIDE = 20
# A signature needs at least one stroke darker than mid-grey on the white page.
SIGNATURE_INK_LEVEL = 128

PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
SIGNATURE_FORMATS = ("PNG",)
# What Pillow may report for files opened with the decoders above: phones' MPO files are JPEGs
# with extra frames appended.
ACCEPTED_DECODED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})

# What decoders raise on damaged data; anything else would be a bug worth a traceback.
DECODE_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    TypeError,
    struct.error,
)

# File signatures, only to choose the message: a recognised format we do not accept gets "use a
# photo (JPEG, PNG or WebP)" rather than "this is not an image". Acceptance is by decoding alone.
MAGIC_NUMBERS = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"%PDF-", "PDF"),
    (b"\x00\x00\x00\x0cjP  ", "JPEG2000"),
)
HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif"})


class RejectionReason(StrEnum):
    """Why an upload was refused; each value gets its own message on the kiosk."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    NOT_AN_IMAGE = "not_an_image"
    UNSUPPORTED_FORMAT = "unsupported_format"
    TOO_MANY_PIXELS = "too_many_pixels"
    TOO_SMALL = "too_small"
    TRUNCATED = "truncated"
    CORRUPT = "corrupt"
    BLANK = "blank"


class RejectedPhoto(Exception):
    """An upload that will not be stored; `reason` says why in a machine-readable way."""

    def __init__(self, reason: RejectionReason) -> None:
        super().__init__(f"upload rejected: {reason.value}")
        self.reason = reason


@dataclass(frozen=True)
class SanitisedPhoto:
    """A re-encoded baseline JPEG with no metadata, ready to be encrypted and stored."""

    jpeg: bytes
    width: int
    height: int


def sanitise_card_photo(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    target_long_side: int = DEFAULT_LONG_SIDE,
) -> SanitisedPhoto:
    """Turn an uploaded card photo into an upright RGB JPEG no longer than `target_long_side`,
    or raise `RejectedPhoto`.
    """
    with opened_upload(
        data,
        formats=PHOTO_FORMATS,
        max_bytes=max_bytes,
        max_pixels=max_pixels,
        min_side=MIN_PHOTO_SIDE,
    ) as image:
        image.draft("RGB", _draft_request(image.size, target_long_side))
        image.load()
        ImageOps.exif_transpose(image, in_place=True)
        photo = _shrunk(_on_white(image, "RGB"), target_long_side)
        # Encoded inside the block: `photo` may still be the opened image, unusable once closed.
        return SanitisedPhoto(_encoded(photo, "JPEG", quality=JPEG_QUALITY), *photo.size)


def sanitise_signature(data: bytes) -> bytes:
    """Turn a finger signature from the kiosk canvas (a PNG, usually black strokes on a
    transparent background) into a small greyscale PNG on white, or raise `RejectedPhoto`.

    An untouched canvas is refused as `blank`, so a consent always carries a stroke.
    """
    with opened_upload(
        data,
        formats=SIGNATURE_FORMATS,
        max_bytes=SIGNATURE_MAX_BYTES,
        max_pixels=SIGNATURE_MAX_PIXELS,
        min_side=SIGNATURE_MIN_SIDE,
    ) as image:
        image.load()
        signature = _shrunk(_on_white(image, "L"), SIGNATURE_LONG_SIDE)
        darkest, _ = signature.getextrema()
        if not isinstance(darkest, int) or darkest >= SIGNATURE_INK_LEVEL:
            raise RejectedPhoto(RejectionReason.BLANK)
        return _encoded(signature, "PNG", optimize=True)


@contextmanager
def opened_upload(
    data: bytes,
    *,
    formats: tuple[str, ...],
    max_bytes: int,
    max_pixels: int,
    min_side: int,
) -> Iterator[ImageFile.ImageFile]:
    """Open `data` with only `formats`' decoders and check the declared size before the
    caller decodes anything (card photos, signatures and floor plan images share it);
    decoding errors inside the block become `RejectedPhoto`.

    Pillow's bomb warning is made an error only inside this block. `catch_warnings` swaps the
    process-wide filter list, so under threads another request may briefly see these filters;
    that is harmless because the size check below, not the warning, is what refuses a flood.
    Other decoder warnings (odd EXIF, malformed MPO index) are ignored: the output is
    re-encoded from pixels, so they cannot matter, and they must not reject a real photo.
    """
    if not data:
        raise RejectedPhoto(RejectionReason.EMPTY)
    if len(data) > max_bytes:
        raise RejectedPhoto(RejectionReason.TOO_LARGE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=formats)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise RejectedPhoto(RejectionReason.TOO_MANY_PIXELS) from error
        except UnidentifiedImageError as error:
            raise RejectedPhoto(_reason_for_unidentified(data, formats)) from error
        except DECODE_ERRORS as error:
            raise RejectedPhoto(RejectionReason.CORRUPT) from error
        with image:
            if image.format not in ACCEPTED_DECODED_FORMATS:
                raise RejectedPhoto(RejectionReason.UNSUPPORTED_FORMAT)
            width, height = image.size
            if width * height > max_pixels:
                raise RejectedPhoto(RejectionReason.TOO_MANY_PIXELS)
            if min(width, height) < min_side:
                raise RejectedPhoto(RejectionReason.TOO_SMALL)
            try:
                yield image
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
                raise RejectedPhoto(RejectionReason.TOO_MANY_PIXELS) from error
            except DECODE_ERRORS as error:
                raise RejectedPhoto(_reason_for_decode_error(error)) from error


def _reason_for_unidentified(data: bytes, formats: tuple[str, ...]) -> RejectionReason:
    """Tell a damaged file of an accepted format and a known-but-refused format apart from
    anything else."""
    sniffed = _sniffed_format(data[:1024])
    if sniffed is None:
        return RejectionReason.NOT_AN_IMAGE
    if sniffed in formats:
        return RejectionReason.CORRUPT
    return RejectionReason.UNSUPPORTED_FORMAT


def _sniffed_format(head: bytes) -> str | None:
    """The format a file's first bytes announce, if it is one people upload as a photo."""
    for magic, format_name in MAGIC_NUMBERS:
        if head.startswith(magic):
            return format_name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "HEIF"
    if b"<svg" in head.lower():
        return "SVG"
    return None


def _reason_for_decode_error(error: Exception) -> RejectionReason:
    """A file that ends early is most likely an interrupted upload: say so.

    Pillow reports truncation only in its message; if that wording changes, the file is still
    refused, just as `corrupt`.
    """
    if isinstance(error, EOFError) or "truncated" in str(error):
        return RejectionReason.TRUNCATED
    return RejectionReason.CORRUPT


def _draft_request(size: tuple[int, int], long_side: int) -> tuple[int, int] | None:
    """The smallest size a JPEG may be decoded at and still be downscaled to `long_side`;
    `draft()` picks the largest 1/2, 1/4 or 1/8 scale that stays at least this big.
    """
    width, height = size
    if max(width, height) <= long_side:
        return None
    scale = long_side / max(width, height)
    return math.ceil(width * scale), math.ceil(height * scale)


def _on_white(image: Image.Image, mode: str) -> Image.Image:
    """Convert to `mode` ("RGB" or "L"), putting transparent areas on white paper and scaling
    16-bit samples down (a plain conversion clips them, turning a grey card white).
    """
    if image.mode.startswith("I"):
        image = image.point(lambda value: value / 256).convert("L")
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        page = Image.new(mode, image.size, "white")
        page.paste(rgba.convert(mode), mask=rgba.getchannel("A"))
        return page
    return image if image.mode == mode else image.convert(mode)


def _shrunk(image: Image.Image, long_side: int) -> Image.Image:
    """Scale down, keeping the aspect ratio, so the longer side is at most `long_side`.

    Bicubic rather than Lanczos: after a draft decode the step is small (2000 → 1600 px), where
    the two look the same on print, and bicubic takes a third less time (~25 vs ~37 ms).
    """
    width, height = image.size
    if max(width, height) <= long_side:
        return image
    scale = long_side / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(size, Image.Resampling.BICUBIC, reducing_gap=3.0)


def _encoded(image: Image.Image, format_name: str, **options: int | bool) -> bytes:
    """Encode the pixels alone: Pillow copies a comment or ICC profile from `info` when it
    saves, so `info` is emptied first.
    """
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, format_name, **options)
    return buffer.getvalue()
