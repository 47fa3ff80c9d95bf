"""Route maps as 1-bit Pillow images for thermal receipt printers (384 or 576 dots wide).

Thermal paper loses thin lines and grey, so everything is pure black on white and thick: the
route is several dots wide, corridors a few, and the you-are-here arrow and the destination are
solid shapes. Labels ("You are here", the destination, the elevator, the landmarks the printed
steps name) are bold type at least 24 dots tall on a white backing, placed by the layout so
that none is clipped, overlaps another or covers a marker; a one-line legend sits under the map.
The map is cropped to the route, its markers and labels, so its height follows the route
instead of always being square.
"""

from __future__ import annotations

import io
import math
from functools import cache
from importlib import resources

from PIL import Image, ImageDraw, ImageFont

from wayfinding.directions import directions
from wayfinding.i18n import translator
from wayfinding.map_layout import (
    LEGEND_DESTINATION,
    LEGEND_ROUTE,
    YOU_ARE_HERE,
    MapScene,
    MapStyle,
    arrival_heading,
    build_scene,
    leader,
)
from wayfinding.routing import Route

RECEIPT_WIDTHS = (384, 576)
BLACK, WHITE = 0, 1
# Label type on paper, in dots: printer-legible at 203 dpi (24 dots is 3 mm).
LABEL_DOTS = {384: 24, 576: 28}
# The legend is smaller than the labels, still well above what thermal paper loses.
LEGEND_DOTS = {384: 22, 576: 24}
# Source Sans Pro (SIL Open Font License, shipped by the font-source-sans-pro package): every
# letter of Spanish, and a bold that stays solid on thermal paper.
FONT_PACKAGE = "font_source_sans_pro"
BOLD_FONT = "SourceSansPro-Bold.ttf"
REGULAR_FONT = "SourceSansPro-Semibold.ttf"

Font = ImageFont.FreeTypeFont


@cache
def receipt_font(size: int, *, bold: bool = True) -> Font:
    """The receipt's typeface at `size` dots."""
    name = BOLD_FONT if bold else REGULAR_FONT
    data = (resources.files(FONT_PACKAGE) / "files" / name).read_bytes()
    return ImageFont.truetype(io.BytesIO(data), size=size)


def label_font(width_dots: int) -> Font:
    """The bold label font for a receipt `width_dots` wide."""
    return receipt_font(LABEL_DOTS[width_dots])


def paper_style(width_dots: int, font: Font) -> MapStyle:
    """Marker and label sizes on paper, with text measured in the font that prints it."""
    unit = width_dots // 96  # 4 dots at 384, 6 at 576

    def text_size(text: str) -> tuple[float, float]:
        left, top, right, bottom = font.getbbox(text)
        return right - left + 4, bottom - top + 4

    return MapStyle(
        text_size=text_size,
        dot_radius=unit * 1.5,
        end_radius=unit * 4,
        start_radius=unit * 3,
        arrow_size=width_dots / 9,
        padding=2.0,
    )


def route_paper_scene(
    route: Route,
    floor_id: str | None = None,
    *,
    width_dots: int = 384,
    heading: float | None = None,
    lang: str = "en",
) -> MapScene:
    """The laid-out receipt map of one floor (see `render_route_bitmap`)."""
    if width_dots not in RECEIPT_WIDTHS:
        raise ValueError(f"width_dots must be one of {RECEIPT_WIDTHS}, not {width_dots}")
    floor_id = floor_id or route.floors[0]
    if heading is None:
        heading = (
            route.start_heading
            if floor_id == route.floors[0] and route.start_heading is not None
            else arrival_heading(route, floor_id)
        )
    unit = width_dots // 96
    return build_scene(
        route.floorplan,
        floor_id,
        route=route,
        heading=heading,
        width=width_dots,
        max_height=width_dots,
        margin=unit * 6,
        style=paper_style(width_dots, label_font(width_dots)),
        lang=lang,
        named_places=directions(route, lang).landmark_nodes,
    )


def _draw_map(scene: MapScene, font: Font) -> Image.Image:
    frame = scene.frame
    unit = frame.width // 96
    drawing = Image.new("1", (frame.width, frame.height), WHITE)
    draw = ImageDraw.Draw(drawing)
    for a, b in scene.corridors:
        draw.line([a, b], fill=BLACK, width=unit)
    for line in scene.route:
        draw.line(line, fill=BLACK, width=unit * 3, joint="curve")
        for x, y in line:  # round caps so thick segments join without notches
            r = unit * 1.5
            draw.ellipse((x - r, y - r, x + r, y + r), fill=BLACK)
    for place in scene.places:
        x, y = place.at
        r = unit * 1.5
        draw.rectangle((x - r, y - r, x + r, y + r), fill=BLACK)
    if scene.end is not None:
        x, y = scene.end
        outer, inner = unit * 4, unit * 2
        draw.ellipse((x - outer, y - outer, x + outer, y + outer), fill=BLACK)
        draw.ellipse((x - inner, y - inner, x + inner, y + inner), fill=WHITE)
    if scene.start_arrow is not None:
        draw.polygon(scene.start_arrow, fill=BLACK)
    elif scene.start is not None:
        x, y = scene.start
        r = unit * 3
        draw.rectangle((x - r, y - r, x + r, y + r), fill=BLACK)
    for label in scene.labels:
        pointer = leader(label, unit * 1.5 * 2.5 + 6)
        if pointer is not None:
            draw.line(pointer, fill=BLACK, width=max(2, unit // 2))
    for label in scene.labels:
        left, top, right, bottom = label.box
        draw.rectangle((left, top, right, bottom), fill=WHITE)
        glyph_left, glyph_top, _, _ = font.getbbox(label.text)
        draw.text((left + 2 - glyph_left, top + 2 - glyph_top), label.text, fill=BLACK, font=font)
    return _cropped_to_route(drawing, scene, keep=unit * 3)


def _cropped_to_route(drawing: Image.Image, scene: MapScene, keep: int) -> Image.Image:
    """Only the rows the route, its markers and its labels use (paper costs time to print).

    Corridors beyond them are context that the receipt can do without.
    """
    rows = [y for line in scene.route for _, y in line]
    rows += [
        y for box in (*scene.markers, *(label.box for label in scene.labels)) for y in box[1::2]
    ]
    if not rows:
        return drawing
    top = max(0, math.floor(min(rows)) - keep)
    bottom = min(drawing.height, math.ceil(max(rows)) + keep)
    return drawing.crop((0, top, drawing.width, bottom))


def _legend(scene: MapScene, lang: str) -> Image.Image:
    """One line under the map: the route's line, the you-are-here arrow, the destination."""
    t = translator(lang)
    width = scene.frame.width
    unit = width // 96
    size = LEGEND_DOTS[width]
    font = receipt_font(size, bold=False)
    height = size + unit * 3
    band = Image.new("1", (width, height), WHITE)
    draw = ImageDraw.Draw(band)
    middle = height / 2
    items = [("route", t.gettext(LEGEND_ROUTE))]
    if scene.start_arrow is not None:
        items.append(("here", t.gettext(YOU_ARE_HERE)))
    if scene.end is not None:
        items.append(("destination", t.gettext(LEGEND_DESTINATION)))
    x = float(unit)
    for key, text in items:
        symbol = unit * 5
        text_width = draw.textlength(text, font=font)
        if x + symbol + unit + text_width > width:
            break
        if key == "route":
            draw.line([(x, middle), (x + symbol, middle)], fill=BLACK, width=unit * 2)
        elif key == "here":
            draw.polygon(
                [
                    (x + symbol / 2, middle - symbol / 2),
                    (x + symbol, middle + symbol / 2),
                    (x, middle + symbol / 2),
                ],
                fill=BLACK,
            )
        else:
            r = symbol / 2
            draw.ellipse((x, middle - r, x + symbol, middle + r), fill=BLACK)
            draw.ellipse(
                (x + r / 2, middle - r / 2, x + symbol - r / 2, middle + r / 2), fill=WHITE
            )
        draw.text((x + symbol + unit, middle), text, fill=BLACK, font=font, anchor="lm")
        x += symbol + unit + text_width + unit * 4
    return band


def render_route_bitmap(
    route: Route,
    floor_id: str | None = None,
    *,
    width_dots: int = 384,
    heading: float | None = None,
    title: str | None = None,
    lang: str = "en",
) -> Image.Image:
    """A mode "1" image of the route on one floor, forward-up, labelled, cropped to the route.

    `width_dots` is the printer's width (384 for 58 mm paper, 576 for 80 mm). On the kiosk's
    floor the kiosk's heading points up, on other floors the direction walked on arrival.
    `title` (for example the floor's chunk title from the directions) is printed above the map;
    `lang` is the language of the labels and legend.
    """
    scene = route_paper_scene(route, floor_id, width_dots=width_dots, heading=heading, lang=lang)
    font = label_font(width_dots)
    bands = [_draw_map(scene, font), _legend(scene, lang)]
    if title:
        bands.insert(0, _title(title, width_dots))
    image = Image.new("1", (width_dots, sum(band.height for band in bands)), WHITE)
    top = 0
    for band in bands:
        image.paste(band, (0, top))
        top += band.height
    return image


def _title(title: str, width_dots: int) -> Image.Image:
    """The title on its own band above the map (corridors must not run through it)."""
    unit = width_dots // 96
    band = Image.new("1", (width_dots, unit * 10), WHITE)
    draw = ImageDraw.Draw(band)
    # The largest type (down to a legible minimum) that fits the paper's width.
    size = unit * 7
    font = receipt_font(size)
    while size > unit * 4 and draw.textlength(title, font=font) > width_dots - unit * 4:
        size -= 1
        font = receipt_font(size)
    draw.text((unit * 2, unit), title, fill=BLACK, font=font)
    return band
