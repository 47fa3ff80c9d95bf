"""Show what a printer would put on paper, by interpreting the ESC/POS bytes themselves.

Previewing the bytes (not the `Receipt` they came from) means tests, the dummy printer, staff
screens and `flask print-jobs --show` see exactly what was sent, including any mistake in the
renderer. Only the subset `escpos_render` emits is understood — initialise, code page, print
modes (bold, underline, size, reverse), alignment, line feeds and line spacing (`ESC 2`, `ESC 3`,
`GS P`), raster images (`GS v 0`), native QR codes (`GS ( k`) and cuts; anything else raises
`UnsupportedCommand` rather than guessing. The preview's height is the paper the receipt takes
(`paper_length_mm`), so it also measures how long receipts are.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

import qrcode
from PIL import Image, ImageChops, ImageDraw, ImageFont

from kiosk.printing.profiles import (
    FONT_CELL_HEIGHT,
    FONT_CELL_WIDTH,
    PrinterProfile,
    printer_profile,
)
from kiosk.printing.receipt import Align

ESC, GS, LF, CR = 0x1B, 0x1D, 0x0A, 0x0D
LINE_PITCH = FONT_CELL_HEIGHT + 6  # ESC/POS default line spacing is about 1/6 inch
POWER_ON_CODEC = "cp437"  # ESC @ selects table 0, which ESC/POS defines as PC437
CUT_MARK_HEIGHT = 16
GLYPH_FONT_SIZE = 20
QR_ERROR_CORRECTION = {
    48: qrcode.constants.ERROR_CORRECT_L,
    49: qrcode.constants.ERROR_CORRECT_M,
    50: qrcode.constants.ERROR_CORRECT_Q,
    51: qrcode.constants.ERROR_CORRECT_H,
}
ALIGNMENTS = {0: Align.LEFT, 1: Align.CENTER, 2: Align.RIGHT}


class UnsupportedCommand(ValueError):
    """The bytes hold a command the preview does not know; it will not guess what prints."""


@dataclass(frozen=True)
class Style:
    """The print mode a character was printed in."""

    bold: bool = False
    underline: bool = False
    invert: bool = False
    width: int = 1
    height: int = 1


@dataclass(frozen=True)
class Glyph:
    """One printed character and the mode it was printed in."""

    character: str
    style: Style


@dataclass(frozen=True)
class TextLine:
    """A printed line of text (empty for a blank line), its alignment and, when `ESC 3` set
    one, the line spacing in dots it was fed with (None: the default spacing)."""

    glyphs: tuple[Glyph, ...]
    align: Align
    spacing_dots: int | None = None

    @property
    def text(self) -> str:
        """The line's characters, as decoded with the code page in effect."""
        return "".join(glyph.character for glyph in self.glyphs)


@dataclass(frozen=True)
class RasterImage:
    """A bitmap printed with `GS v 0`."""

    image: Image.Image  # mode "1", as printed
    align: Align


@dataclass(frozen=True)
class QRSymbol:
    """A QR code the printer draws itself from stored data (`GS ( k`)."""

    data: str
    module_dots: int
    error_correction: int
    align: Align


@dataclass(frozen=True)
class PaperCut:
    """Where the cutter cuts the paper."""

    pass


PaperItem = TextLine | RasterImage | QRSymbol | PaperCut


def codec_for(profile: PrinterProfile, number: int) -> str:
    """Python codec of code page `number` (`ESC t n`) on this printer model."""
    try:
        return profile.codecs_by_number[number]
    except KeyError:
        raise UnsupportedCommand(f"code page {number} cannot be previewed") from None


@dataclass
class PaperState:
    """The printer's state while reading the bytes, and what it has printed so far."""

    profile: PrinterProfile
    codec: str
    style: Style = field(default_factory=Style)
    align: Align = Align.LEFT
    line: list[Glyph] = field(default_factory=list)
    line_align: Align = Align.LEFT
    qr_data: str = ""
    qr_module_dots: int = 3
    qr_error_correction: int = qrcode.constants.ERROR_CORRECT_L
    line_spacing_dots: int | None = None
    vertical_units_per_inch: int | None = None
    items: list[PaperItem] = field(default_factory=list)

    def line_width(self) -> int:
        """Dots already used on the current line."""
        return sum(FONT_CELL_WIDTH * glyph.style.width for glyph in self.line)

    def add_character(self, character: str) -> None:
        """Add one character, wrapping like the printer when the line is full."""
        if self.line_width() + FONT_CELL_WIDTH * self.style.width > self.profile.width_dots:
            self.end_line()
        if not self.line:
            self.line_align = self.align
        self.line.append(Glyph(character, self.style))

    def end_line(self) -> None:
        """LF: print the buffered line (an empty one is a blank line)."""
        align = self.line_align if self.line else self.align
        self.items.append(TextLine(tuple(self.line), align, self.line_spacing_dots))
        self.line = []

    def set_line_spacing(self, units: int) -> None:
        """ESC 3 n: spacing of n vertical motion units (one dot unless GS P said otherwise)."""
        per_inch = self.vertical_units_per_inch
        self.line_spacing_dots = (
            units if not per_inch else round(units * self.profile.dpi / per_inch)
        )

    def flush_pending_text(self) -> None:
        """Images and codes start on a new line; a half-filled line prints first."""
        if self.line:
            self.end_line()


def read_paper(payload: bytes, profile: PrinterProfile) -> list[PaperItem]:
    """Interpret ESC/POS bytes into what the paper shows, top to bottom."""
    state = PaperState(profile=profile, codec=POWER_ON_CODEC)
    position = 0
    while position < len(payload):
        byte = payload[position]
        if byte == ESC:
            position = read_esc_command(payload, position, state)
        elif byte == GS:
            position = read_gs_command(payload, position, state)
        elif byte == LF:
            state.end_line()
            position += 1
        elif byte == CR:
            position += 1
        elif byte < 0x20:
            raise UnsupportedCommand(f"control byte 0x{byte:02x} at offset {position}")
        else:
            state.add_character(bytes([byte]).decode(state.codec, errors="replace"))
            position += 1
    state.flush_pending_text()
    return state.items


def command_bytes(payload: bytes, position: int, count: int) -> bytes:
    """The `count` bytes after a command's introducer, or an error if the payload ends first."""
    data = payload[position : position + count]
    if len(data) < count:
        raise UnsupportedCommand(f"truncated command at offset {position}")
    return data


def read_esc_command(payload: bytes, position: int, state: PaperState) -> int:
    """Apply one `ESC x ...` command; return the position after it."""
    command, argument = command_bytes(payload, position + 1, 2)
    match chr(command):
        case "@":
            state.flush_pending_text()
            state.codec = POWER_ON_CODEC
            state.style, state.align = Style(), Align.LEFT
            state.line_spacing_dots = state.vertical_units_per_inch = None
            return position + 2
        case "2":
            state.line_spacing_dots = None
            return position + 2
        case "3":
            state.set_line_spacing(argument)
        case "t":
            state.codec = codec_for(state.profile, argument)
        case "!":
            state.style = replace(
                state.style,
                bold=bool(argument & 0x08),
                height=2 if argument & 0x10 else 1,
                width=2 if argument & 0x20 else 1,
                underline=bool(argument & 0x80),
            )
        case "E":
            state.style = replace(state.style, bold=bool(argument & 1))
        case "-":
            state.style = replace(state.style, underline=argument in (1, 2, 49, 50))
        case "a":
            state.align = ALIGNMENTS.get(argument % 48, Align.LEFT)
        case "M":
            if argument not in (0, 48):
                raise UnsupportedCommand("only font A can be previewed")
        case "d":
            state.flush_pending_text()
            for _ in range(argument):
                state.end_line()
        case _:
            raise UnsupportedCommand(f"ESC 0x{command:02x} at offset {position}")
    return position + 3


def read_gs_command(payload: bytes, position: int, state: PaperState) -> int:
    """Apply one `GS x ...` command; return the position after it."""
    (command,) = command_bytes(payload, position + 1, 1)
    match chr(command):
        case "!":
            (size,) = command_bytes(payload, position + 2, 1)
            state.style = replace(state.style, width=(size >> 4) + 1, height=(size & 0x0F) + 1)
            return position + 3
        case "B":
            (argument,) = command_bytes(payload, position + 2, 1)
            state.style = replace(state.style, invert=bool(argument & 1))
            return position + 3
        case "V":
            (mode,) = command_bytes(payload, position + 2, 1)
            state.flush_pending_text()
            state.items.append(PaperCut())
            return position + (4 if mode in (65, 66) else 3)
        case "v":
            return read_raster_image(payload, position, state)
        case "P":
            _, vertical = command_bytes(payload, position + 2, 2)
            state.vertical_units_per_inch = vertical or None
            return position + 4
        case "(":
            return read_2d_code(payload, position, state)
        case _:
            raise UnsupportedCommand(f"GS 0x{command:02x} at offset {position}")


def read_raster_image(payload: bytes, position: int, state: PaperState) -> int:
    """`GS v 0 m xL xH yL yH d...`: a bitmap, 1 bits are black dots."""
    header = command_bytes(payload, position + 2, 6)
    if header[0] != ord("0") or header[1] not in (0, 48):
        raise UnsupportedCommand("only normal-density raster images can be previewed")
    width_bytes = header[2] + 256 * header[3]
    height = header[4] + 256 * header[5]
    start = position + 8
    data = command_bytes(payload, start, width_bytes * height)
    bitmap = Image.frombytes("1", (width_bytes * 8, height), data)
    state.flush_pending_text()
    state.items.append(RasterImage(ImageChops.invert(bitmap), state.align))
    return start + width_bytes * height


def read_2d_code(payload: bytes, position: int, state: PaperState) -> int:
    """`GS ( k pL pH cn fn ...`: QR code settings, data and print (cn 49 = QR)."""
    kind, length_low, length_high = command_bytes(payload, position + 2, 3)
    if kind != ord("k"):
        raise UnsupportedCommand(f"GS ( 0x{kind:02x} at offset {position}")
    length = length_low + 256 * length_high
    body = command_bytes(payload, position + 5, length)
    symbol, function, arguments = body[0], body[1], body[2:]
    if symbol != ord("1"):
        raise UnsupportedCommand("only QR codes can be previewed")
    match chr(function):
        case "A":  # model
            pass
        case "C":
            state.qr_module_dots = arguments[0]
        case "E":
            state.qr_error_correction = QR_ERROR_CORRECTION[arguments[0]]
        case "P":  # store data (after the m byte)
            state.qr_data = arguments[1:].decode("utf-8", errors="replace")
        case "Q":
            state.flush_pending_text()
            state.items.append(
                QRSymbol(
                    state.qr_data,
                    state.qr_module_dots,
                    state.qr_error_correction,
                    state.align,
                )
            )
        case _:
            raise UnsupportedCommand(f"QR function 0x{function:02x} at offset {position}")
    return position + 5 + length


def receipt_text(payload: bytes, profile_name: str) -> str:
    """The printed text, one line per printed line, decoded with the code page in effect.

    Images and QR codes appear as "[image WxH]" and "[QR: data]", cuts as "[cut]"; the blank
    feed before a cut or at the end is left out.
    """
    lines: list[str] = []

    def drop_trailing_blank_lines() -> None:
        while lines and not lines[-1]:
            lines.pop()

    for item in read_paper(payload, printer_profile(profile_name)):
        match item:
            case TextLine():
                lines.append(item.text.rstrip())
            case RasterImage(image=image):
                lines.append(f"[image {image.width}x{image.height}]")
            case QRSymbol(data=data):
                lines.append(f"[QR: {data}]")
            case PaperCut():
                drop_trailing_blank_lines()
                lines.append("[cut]")
    drop_trailing_blank_lines()
    return "\n".join(lines)


@cache
def glyph_font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans Mono as shipped inside python-barcode (a python-escpos dependency).

    Taking the font from an installed package, not the system, makes previews the same on every
    machine; it also has every letter of the Latin code pages, which Pillow's built-in font
    lacks (accents would show as boxes). Pillow's font is the fallback if the file is missing.
    """
    font_file = resources.files("barcode") / "fonts" / "DejaVuSansMono.ttf"
    try:
        with resources.as_file(font_file) as path:
            return ImageFont.truetype(str(path), size=GLYPH_FONT_SIZE)
    except OSError:
        return ImageFont.load_default(size=GLYPH_FONT_SIZE)


@cache
def glyph_bitmap(character: str, style: Style) -> Image.Image:
    """One character cell as the printer head would burn it (black = 0, mode "1")."""
    cell = Image.new("L", (FONT_CELL_WIDTH, FONT_CELL_HEIGHT), 0 if style.invert else 255)
    draw = ImageDraw.Draw(cell)
    ink = 255 if style.invert else 0
    offsets = (0, 1) if style.bold else (0,)
    for offset in offsets:
        draw.text(
            (FONT_CELL_WIDTH // 2 + offset, FONT_CELL_HEIGHT // 2),
            character,
            font=glyph_font(),
            fill=ink,
            anchor="mm",
        )
    if style.underline:
        draw.line((0, FONT_CELL_HEIGHT - 2, FONT_CELL_WIDTH, FONT_CELL_HEIGHT - 2), fill=ink)
    size = (FONT_CELL_WIDTH * style.width, FONT_CELL_HEIGHT * style.height)
    return (
        cell.resize(size, Image.Resampling.NEAREST)
        .point(lambda value: 255 if value >= 128 else 0)
        .convert("1")
    )


def qr_bitmap(symbol: QRSymbol) -> Image.Image:
    """Draw the QR code the printer draws from the same data, module size and error level."""
    code = qrcode.QRCode(
        error_correction=symbol.error_correction, box_size=symbol.module_dots, border=0
    )
    code.add_data(symbol.data)
    code.make(fit=True)
    image: Image.Image = code.make_image().get_image()
    return image.convert("1")


def aligned_x(align: Align, content_width: int, paper_width: int) -> int:
    """Left edge of content placed by ESC a alignment."""
    if align is Align.CENTER:
        return max(0, (paper_width - content_width) // 2)
    if align is Align.RIGHT:
        return max(0, paper_width - content_width)
    return 0


def text_line_bitmap(line: TextLine, paper_width: int) -> Image.Image:
    """A printed line: glyph cells on a common baseline, then the line spacing.

    With the default spacing a gap follows the tallest glyph; a spacing set with `ESC 3` is
    the whole line's pitch, never less than its tallest glyph (lines do not overprint).
    """
    height = max((glyph.style.height for glyph in line.glyphs), default=1)
    glyphs_height = FONT_CELL_HEIGHT * height
    if line.spacing_dots is None:
        pitch = glyphs_height + LINE_PITCH - FONT_CELL_HEIGHT
    else:
        pitch = max(line.spacing_dots, glyphs_height)
    strip = Image.new("1", (paper_width, pitch), 1)
    line_width = sum(FONT_CELL_WIDTH * glyph.style.width for glyph in line.glyphs)
    x = aligned_x(line.align, line_width, paper_width)
    baseline = glyphs_height
    for glyph in line.glyphs:
        bitmap = glyph_bitmap(glyph.character, glyph.style)
        strip.paste(bitmap, (x, baseline - bitmap.height))
        x += bitmap.width
    return strip


def cut_mark_bitmap(paper_width: int) -> Image.Image:
    """A dashed line where the paper is cut between two receipts."""
    strip = Image.new("1", (paper_width, CUT_MARK_HEIGHT), 1)
    draw = ImageDraw.Draw(strip)
    for x in range(0, paper_width, 16):
        draw.line((x, CUT_MARK_HEIGHT // 2, x + 8, CUT_MARK_HEIGHT // 2), fill=0, width=2)
    return strip


def item_bitmap(item: PaperItem, paper_width: int) -> Image.Image:
    """The strip of paper one printed item takes."""
    match item:
        case TextLine():
            return text_line_bitmap(item, paper_width)
        case RasterImage(image=image, align=align):
            return placed_bitmap(image, align, paper_width)
        case QRSymbol(align=align):
            return placed_bitmap(qr_bitmap(item), align, paper_width)
        case PaperCut():
            return cut_mark_bitmap(paper_width)


def placed_bitmap(content: Image.Image, align: Align, paper_width: int) -> Image.Image:
    """A paper-wide strip with `content` placed by the alignment in effect."""
    strip = Image.new("1", (paper_width, content.height), 1)
    strip.paste(content, (aligned_x(align, content.width, paper_width), 0))
    return strip


def render_preview(payload: bytes, profile_name: str) -> Image.Image:
    """A 1-bit image of the paper, as wide as the printer's head (e.g. 576 dots at 80 mm).

    The last cut ends the paper; earlier cuts show as dashed lines.
    """
    profile = printer_profile(profile_name)
    items = read_paper(payload, profile)
    while items and isinstance(items[-1], PaperCut):
        items.pop()
    strips = [item_bitmap(item, profile.width_dots) for item in items]
    paper = Image.new("1", (profile.width_dots, max(1, sum(strip.height for strip in strips))), 1)
    y = 0
    for strip in strips:
        paper.paste(strip, (0, y))
        y += strip.height
    return paper


def paper_length_mm(payload: bytes, profile_name: str) -> float:
    """How much paper the receipt takes, in millimetres: its preview's height at the model's dpi.

    A model with a cutter adds its own fixed distance from print head to cutter, the same for
    every receipt; the figure leaves it out.
    """
    profile = printer_profile(profile_name)
    return render_preview(payload, profile_name).height * 25.4 / profile.dpi
