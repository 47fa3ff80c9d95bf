"""Turn a `Receipt` into the ESC/POS bytes for one printer profile, with python-escpos.

Rendering happens when the job is queued, not when it is printed: the bytes are stored on the
job, so the worker only moves bytes, a reprint is byte-identical, and staff previews show exactly
what was sent. Text is printed in one code page chosen per profile (see `profiles`); characters
it cannot hold get a documented replacement (`printable_text`) instead of garbage.
"""

from __future__ import annotations

import textwrap
import unicodedata
from functools import cache

from escpos.constants import QR_ECLEVEL_M  # type: ignore[import-untyped]
from escpos.printer import Dummy  # type: ignore[import-untyped]
from PIL import Image

from kiosk.printing.profiles import PrinterProfile, printer_profile
from kiosk.printing.receipt import (
    Align,
    Block,
    Cut,
    FloorChange,
    Picture,
    QRCode,
    Receipt,
    Rule,
    Spacer,
    Text,
    Title,
)

REPLACEMENT_CHARACTER = "?"
RULE_CHARACTER = "-"
# Dots per QR module: about a sixth of the paper width per 16 modules keeps a phone link
# (version 3-4) near a third of the paper, easy to scan and quick to print.
QR_MODULE_DOTS_PER_PAPER_DOTS = 96
QR_MODULE_DOTS_RANGE = (3, 8)


@cache
def code_page_holds(character: str, codec: str) -> bool:
    """Whether the printer's code page has a glyph for `character`."""
    try:
        character.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def is_printable(character: str, codec: str) -> bool:
    """A visible character the code page holds (control and format characters are not)."""
    return not unicodedata.category(character).startswith("C") and code_page_holds(character, codec)


@cache
def printable_character(character: str, codec: str) -> str:
    """What the paper shows for one character that is not a line break.

    Whitespace becomes a space; control, format and unassigned characters vanish (they are
    invisible anyway); a character the code page lacks is folded to its base letters when that
    is printable ("Ā" → "A", "ﬁ" → "fi"), else replaced by "?".
    """
    if character.isspace():
        return " "
    if unicodedata.category(character).startswith("C"):
        return ""
    if code_page_holds(character, codec):
        return character
    decomposed = unicodedata.normalize("NFKD", character)
    folded = "".join(part for part in decomposed if not unicodedata.combining(part))
    if folded and all(is_printable(part, codec) for part in folded):
        return folded
    return REPLACEMENT_CHARACTER


def printable_text(text: str, profile: PrinterProfile) -> str:
    """The text as the printer will show it, lines separated by "\\n".

    Text is composed first (NFC) so that "e" + combining acute prints as "é".
    """
    lines = unicodedata.normalize("NFC", text).splitlines()
    return "\n".join(
        "".join(printable_character(character, profile.codec) for character in line)
        for line in lines
    )


def wrap(text: str, columns: int) -> list[str]:
    """Break printable text into lines of at most `columns` characters, keeping blank lines."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(textwrap.wrap(paragraph, columns) or [""])
    return lines


def fit_to_paper(image: Image.Image, width_dots: int) -> Image.Image:
    """Scale a 1-bit image down to the paper if needed and centre it on a paper-wide strip.

    Centring by padding (instead of python-escpos's `center=`) also works for tall images,
    which python-escpos splits into fragments and would otherwise print flush left.
    """
    if image.width > width_dots:
        height = max(1, round(image.height * width_dots / image.width))
        image = image.convert("L").resize((width_dots, height), Image.Resampling.LANCZOS)
        image = image.point(lambda value: 255 if value >= 128 else 0).convert("1")
    strip = Image.new("1", (width_dots, image.height), 1)
    strip.paste(image, ((width_dots - image.width) // 2, 0))
    return strip


def qr_module_dots(profile: PrinterProfile) -> int:
    """Size of one QR module in dots for this paper width."""
    low, high = QR_MODULE_DOTS_RANGE
    return max(low, min(high, profile.width_dots // QR_MODULE_DOTS_PER_PAPER_DOTS))


class EscposWriter:
    """Writes receipt blocks to a python-escpos printer object, one method per block kind."""

    def __init__(self, printer: Dummy, profile: PrinterProfile) -> None:
        self.printer = printer
        self.profile = profile

    def lines(self, text: str, columns: int) -> None:
        """Print text in the code page's printable form, wrapped to `columns`."""
        for line in wrap(printable_text(text, self.profile), columns):
            self.printer.textln(line)

    def reset_style(self) -> None:
        """Back to plain left-aligned text, so no block's style leaks into the next."""
        self.printer.set(align="left", bold=False, underline=0, normal_textsize=True, invert=False)

    def write(self, block: Block) -> None:
        """Print one block."""
        match block:
            case Title(text=text, align=align):
                self.printer.set(
                    align=align.value, bold=True, double_width=True, double_height=True
                )
                self.lines(text, self.profile.columns // 2)
                self.reset_style()
            case Text(text=text, bold=bold, underline=underline, align=align):
                self.printer.set(align=align.value, bold=bold, underline=int(underline))
                self.lines(text, self.profile.columns)
                self.reset_style()
            case FloorChange(text=text):
                self.floor_change(text)
            case Rule():
                self.printer.textln(RULE_CHARACTER * self.profile.columns)
            case Spacer(lines=count):
                self.printer.ln(count)
            case Picture(image=image):
                self.printer.image(
                    fit_to_paper(image, self.profile.width_dots), impl="bitImageRaster"
                )
            case QRCode(data=data):
                self.qr_code(data)
            case Cut():
                self.printer.cut()

    def floor_change(self, text: str) -> None:
        """White on black, tall and padded to the full width: a band across the paper."""
        columns = self.profile.columns
        self.printer.set(align="left", bold=True, double_height=True, invert=True)
        for line in wrap(printable_text(text, self.profile), columns - 2):
            self.printer.textln(f" {line} ".ljust(columns))
        self.reset_style()

    def qr_code(self, data: str) -> None:
        """Native QR where the model has it (a few dozen bytes instead of a bitmap).

        Blank lines above and below give the quiet zone phone cameras need.
        """
        self.printer.ln()
        self.printer.set(align=Align.CENTER.value)
        self.printer.qr(
            data,
            ec=QR_ECLEVEL_M,
            size=qr_module_dots(self.profile),
            native=self.profile.native_qr,
            center=not self.profile.native_qr,
        )
        self.reset_style()
        self.printer.ln()


def render_escpos(receipt: Receipt, profile_name: str) -> bytes:
    """The ESC/POS bytes that print `receipt` on a printer of the named python-escpos profile.

    Raises `PrinterProfileError` for profiles that cannot print receipts.
    """
    profile = printer_profile(profile_name)
    printer = Dummy(profile=profile.name)
    printer.hw("INIT")
    printer.charcode(profile.code_page)
    writer = EscposWriter(printer, profile)
    for block in receipt.blocks:
        writer.write(block)
    if not receipt.blocks or not isinstance(receipt.blocks[-1], Cut):
        printer.cut()
    return bytes(printer.output)
