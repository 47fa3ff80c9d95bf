"""A receipt as a list of typed blocks, independent of any printer.

Screens (directions, check-in tickets) describe *what* the paper says; `escpos_render` decides
*how* a given printer model prints it. Keeping the two apart lets one receipt print on 58 mm and
80 mm paper, be previewed, and be tested without a printer. Nothing here knows about routes or
patients: callers must never put patient data into a receipt.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from PIL import Image


class Align(enum.StrEnum):
    """Horizontal position of a block on the paper."""

    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class Title:
    """Large text (double width and height), e.g. the destination."""

    text: str
    align: Align = Align.CENTER


@dataclass(frozen=True)
class Text:
    """Ordinary text, wrapped to the paper's columns; newlines start new lines."""

    text: str
    bold: bool = False
    underline: bool = False
    align: Align = Align.LEFT


@dataclass(frozen=True)
class NumberedStep:
    """One step of the directions, numbered as the screen numbers it ("2. Turn left ...").

    Wrapped lines hang under the step's text, not under its number, so the numbers stand out
    in a column a person can count down.
    """

    number: int
    text: str


@dataclass(frozen=True)
class FloorChange:
    """A step that changes floor, printed white on black as one band so nobody misses it.

    `number` is its place among the steps of its floor section, as on screen (None: unnumbered).
    """

    text: str
    number: int | None = None


@dataclass(frozen=True)
class Rule:
    """A dashed line across the paper between sections."""


@dataclass(frozen=True)
class Picture:
    """A 1-bit image (PIL mode "1"), e.g. a floor map, centred on the paper.

    Only 1-bit images are accepted: dithering a greyscale map on thermal paper turns thin
    lines into noise, so callers draw for paper on purpose. Images wider than the paper are
    scaled down to fit.
    """

    image: Image.Image

    def __post_init__(self) -> None:
        if self.image.mode != "1":
            raise ValueError(f"receipt pictures must be 1-bit (mode '1'), not {self.image.mode!r}")


@dataclass(frozen=True)
class QRCode:
    """A QR code holding `data` (e.g. the phone link), centred on the paper."""

    data: str

    def __post_init__(self) -> None:
        if not self.data:
            raise ValueError("a QR code needs data")


@dataclass(frozen=True)
class Spacer:
    """Blank lines."""

    lines: int = 1

    def __post_init__(self) -> None:
        if self.lines < 0:
            raise ValueError("a spacer cannot have a negative number of lines")


@dataclass(frozen=True)
class Cut:
    """Cut the paper here (the renderer always cuts at the end as well)."""


Block = Title | Text | NumberedStep | FloorChange | Rule | Picture | QRCode | Spacer | Cut


@dataclass
class Receipt:
    """What one printout says, top to bottom.

    `purpose` labels the job in staff lists ("directions", "ticket"); it must not carry patient
    data either.
    """

    purpose: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> Receipt:
        """Append blocks; returns the receipt so building reads top to bottom."""
        self.blocks.extend(blocks)
        return self
