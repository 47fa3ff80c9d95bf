"""Turn a `Receipt` into the ESC/POS bytes for one printer profile, with python-escpos.

Rendering happens when the job is queued, not when it is printed: the bytes are stored on the
job, so the worker only moves bytes, a reprint is byte-identical, and staff previews show exactly
what was sent. Text is printed in one code page chosen per profile (see `profiles`); characters
it cannot hold get a documented replacement (`printable_text`) instead of garbage.

Paper is read by people in a hurry and costs time to print, so steps are numbered with their
wrapped lines hanging under the text, a floor change is one solid band however many lines it
takes, and a printer with a cutter feeds only as far as its cutter before cutting.
"""

from __future__ import annotations

import textwrap
import unicodedata
from functools import cache

from escpos.constants import QR_ECLEVEL_M  # type: ignore[import-untyped]
from escpos.printer import Dummy  # type: ignore[import-untyped]
from PIL import Image

from kiosk.printing.profiles import FONT_CELL_HEIGHT, PrinterProfile, printer_profile
from kiosk.printing.receipt import (
    Align,
    Block,
    Cut,
    FloorChange,
    NumberedStep,
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
# A title longer than this many lines at double width is printed at normal width instead.
WIDE_TITLE_LINES = 2
# GS P x y sets the motion units to 1/x and 1/y inch (0 0: the model's defaults); ESC 3 n sets
# the line spacing to n vertical units and ESC 2 back to the default. Setting the vertical unit
# to one dot first makes "lines that touch" mean the same on every model.
SET_MOTION_UNITS = b"\x1dP"
SET_LINE_SPACING = b"\x1b3"
DEFAULT_LINE_SPACING = b"\x1b2"
# GS V m 0 (m 65 full, 66 partial cut): feed until the last printed line is at the cutter, then
# cut. Feeding a fixed six lines first, as python-escpos does, leaves an inch of blank paper on
# every receipt.
FEED_TO_CUTTER_AND_CUT = b"\x1dV"


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


def step_prefix(number: int | None) -> str:
    """How a step's number is printed before it: "1. " (nothing for an unnumbered step)."""
    return "" if number is None else f"{number}. "


def hanging_lines(text: str, columns: int, prefix: str) -> list[str]:
    """Printable `text` after `prefix`, wrapped to `columns`, with every wrapped line indented
    by the prefix's width so it lines up under the text instead of under the number."""
    return textwrap.wrap(
        " ".join(text.split()),
        columns,
        initial_indent=prefix,
        subsequent_indent=" " * len(prefix),
    ) or [prefix.rstrip()]


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
                self.title(text, align)
            case Text(text=text, bold=bold, underline=underline, align=align):
                self.printer.set(align=align.value, bold=bold, underline=int(underline))
                self.lines(text, self.profile.columns)
                self.reset_style()
            case NumberedStep(number=number, text=text):
                printable = printable_text(text, self.profile)
                for line in hanging_lines(printable, self.profile.columns, step_prefix(number)):
                    self.printer.textln(line)
            case FloorChange(text=text, number=number):
                self.floor_change(text, number)
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
                self.cut()

    def title(self, text: str, align: Align) -> None:
        """Bold, double height and, where the title fits in two lines that way, double width.

        A long name at double width takes four lines or more on 58 mm paper (a quarter of the
        receipt for "Cuidados intensivos neonatales (UCIN)"); at normal width it stays tall
        and bold and takes half as many.
        """
        wide_columns = self.profile.columns // 2
        wide = len(wrap(printable_text(text, self.profile), wide_columns)) <= WIDE_TITLE_LINES
        self.printer.set(align=align.value, bold=True, double_width=wide, double_height=True)
        self.lines(text, wide_columns if wide else self.profile.columns)
        self.reset_style()

    def cut(self) -> None:
        """Cut right below the last line where the model has a cutter; otherwise feed the
        paper past the tear bar as python-escpos does."""
        cutter = self.profile.cutter
        if cutter is None:
            self.printer.cut()
        else:
            self.printer._raw(FEED_TO_CUTTER_AND_CUT + bytes([cutter.value, 0]))

    def floor_change(self, text: str, number: int | None) -> None:
        """White on black, tall and padded to the full width: one band across the paper.

        A long step (a Spanish connector name, a long floor sign) takes several lines; they are
        printed with the line spacing equal to their height, so they touch and read as one band
        instead of several bars with white gaps between them. The last line feeds with the
        normal spacing, which keeps the gap below the band.
        """
        columns = self.profile.columns
        lines = hanging_lines(printable_text(text, self.profile), columns - 2, step_prefix(number))
        *touching, last = [f" {line} ".ljust(columns) for line in lines]
        self.printer.set(align="left", bold=True, double_height=True, invert=True)
        if touching:
            self.set_line_spacing_dots(FONT_CELL_HEIGHT * 2)
            for line in touching:
                self.printer.textln(line)
            self.restore_line_spacing()
        self.printer.textln(last)
        self.reset_style()

    def set_line_spacing_dots(self, dots: int) -> None:
        """Line spacing of exactly `dots` printer dots (vertical motion unit: one dot)."""
        dpi = min(self.profile.dpi, 255)
        self.printer._raw(SET_MOTION_UNITS + bytes([dpi, dpi]) + SET_LINE_SPACING + bytes([dots]))

    def restore_line_spacing(self) -> None:
        """The model's default line spacing and motion units again."""
        self.printer._raw(DEFAULT_LINE_SPACING + SET_MOTION_UNITS + b"\x00\x00")

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
        writer.cut()
    return bytes(printer.output)
