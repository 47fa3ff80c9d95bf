"""Printer profiles: what the paper and the printer's character set allow.

A kiosk row names a python-escpos profile ("TM-T20II"); this module turns the name into the
facts the renderer and the preview need — paper width in dots, text columns, whether the printer
draws QR codes itself, and the one code page receipts are printed in. Centring, wrapping and
accents all depend on these, so everything reads them from here rather than assuming 80 mm.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from escpos.capabilities import get_profile  # type: ignore[import-untyped]
from escpos.codepages import CodePages  # type: ignore[import-untyped]

DEFAULT_PROFILE = "TM-T20II"  # Epson 80 mm: 576 dots, 48 columns
EXAMPLE_58MM_PROFILE = "Sunmi-V2"  # 58 mm: 384 dots, 32 columns, native QR

# Dots per inch when a profile does not say (most receipt printers print at 203 dpi).
DEFAULT_DPI = 203
# Font A on ESC/POS printers is 12 x 24 dots; columns x 12 never exceeds the paper width.
FONT_CELL_WIDTH = 12
FONT_CELL_HEIGHT = 24

# Code pages holding every Spanish letter and sign (á é í ó ú ñ ü ¿ ¡ and capitals), best first;
# CP858 is CP850 plus the euro sign. CP437 is the last resort: it lacks Á Í Ó Ú, which are then
# printed as A I O U (see escpos_render.printable_text).
PREFERRED_CODE_PAGES = ("CP858", "CP850", "CP1252", "ISO_8859-15", "CP437")

# Vendors whose models answer the real-time status query DLE EOT n (Epson's ESC/POS reference
# defines it for every TM model). python-escpos's profiles do not say which models answer, and
# other vendors implement it unevenly: their jobs end "sent", never "printed", because a job
# retried for want of an answer the model never gives would print again and again.
STATUS_ANSWERING_VENDORS = frozenset({"Epson"})


class Cutter(enum.Enum):
    """How a model's autocutter cuts; the value is the m of `GS V m n` (feed to the cutter, cut)."""

    FULL = 65
    PARTIAL = 66


class PrinterProfileError(ValueError):
    """The profile name is unknown to python-escpos or cannot print our receipts."""


@dataclass(frozen=True)
class PrinterProfile:
    """The facts about one printer model that shape its receipts."""

    name: str
    width_dots: int
    dpi: int  # dots per inch down the paper as across it: converts dots to millimetres
    columns: int
    native_qr: bool
    code_page: str  # python-escpos name, e.g. "CP858"
    code_page_number: int  # the n of `ESC t n` on this model
    codec: str  # Python codec for the same table, e.g. "cp858"
    # Whether the model answers DLE EOT status queries, so it can prove it read a job.
    answers_status: bool
    # The model's autocutter (None: the paper is torn off at its tear bar).
    cutter: Cutter | None
    # Every `ESC t n` table of this model that Python can decode: n -> codec (for previews).
    codecs_by_number: Mapping[int, str] = field(compare=False)


def python_codecs(code_pages: Mapping[str, str]) -> dict[str, tuple[int, str]]:
    """Code pages of a model that Python can encode: name -> (number, codec)."""
    codecs: dict[str, tuple[int, str]] = {}
    for name, number in code_pages.items():
        codec = CodePages.get_encoding(name).get("python_encode") if name != "Unknown" else None
        if codec:
            codecs[name] = (int(number), str(codec))
    return codecs


def choose_code_page(codecs: Mapping[str, tuple[int, str]]) -> str:
    """The best Spanish-capable code page the model has."""
    for name in PREFERRED_CODE_PAGES:
        if name in codecs:
            return name
    raise PrinterProfileError("profile has no code page that can print Spanish text")


def model_cutter(escpos_profile: Any) -> Cutter | None:
    """The cut python-escpos would choose for the model (full where it can), or None."""
    if escpos_profile.supports("paperFullCut"):
        return Cutter.FULL
    if escpos_profile.supports("paperPartCut"):
        return Cutter.PARTIAL
    return None


@cache
def printer_profile(name: str) -> PrinterProfile:
    """Look up a python-escpos profile by name; raise `PrinterProfileError` if unusable.

    Profiles without a known paper width are refused: python-escpos then silently skips
    centring, and we could not wrap text to the paper.
    """
    try:
        escpos_profile = get_profile(name)
    except KeyError:
        raise PrinterProfileError(f"unknown printer profile {name!r}") from None
    media = escpos_profile.profile_data.get("media", {})
    width = media.get("width", {}).get("pixels")
    if not isinstance(width, int):
        raise PrinterProfileError(f"printer profile {name!r} does not state its paper width")
    columns = min(int(escpos_profile.get_columns("a")), width // FONT_CELL_WIDTH)
    dpi = media.get("dpi")
    codecs = python_codecs(escpos_profile.get_code_pages())
    code_page = choose_code_page(codecs)
    number, codec = codecs[code_page]
    return PrinterProfile(
        name=name,
        width_dots=width,
        dpi=dpi if isinstance(dpi, int) else DEFAULT_DPI,
        columns=columns,
        native_qr=bool(escpos_profile.supports("qrCode")),
        code_page=code_page,
        code_page_number=number,
        codec=codec,
        answers_status=escpos_profile.profile_data.get("vendor") in STATUS_ANSWERING_VENDORS,
        cutter=model_cutter(escpos_profile),
        codecs_by_number={number: codec for number, codec in codecs.values()},
    )
