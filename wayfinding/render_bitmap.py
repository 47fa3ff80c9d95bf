"""Route maps as 1-bit Pillow images for thermal receipt printers (384 or 576 dots wide).

Thermal paper loses thin lines and grey, so everything is pure black on white and thick: the
route is several dots wide, corridors a few, and the you-are-here arrow and the destination are
solid shapes. No labels are drawn on the map; the printed directions carry the words.
"""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

from wayfinding.map_layout import build_scene
from wayfinding.routing import Route

RECEIPT_WIDTHS = (384, 576)
BLACK, WHITE = 0, 1


def render_route_bitmap(
    route: Route,
    floor_id: str | None = None,
    *,
    width_dots: int = 384,
    heading: float | None = None,
    title: str | None = None,
) -> Image.Image:
    """A mode "1" image of the route on one floor, forward-up on the kiosk's floor.

    `width_dots` is the printer's width (384 for 58 mm paper, 576 for 80 mm). `title` (for
    example the floor's chunk title from the directions) is printed above the map.
    """
    if width_dots not in RECEIPT_WIDTHS:
        raise ValueError(f"width_dots must be one of {RECEIPT_WIDTHS}, not {width_dots}")
    floor_id = floor_id or route.floors[0]
    if heading is None and floor_id == route.floors[0]:
        heading = route.start_heading
    unit = width_dots // 96  # 4 dots at 384, 6 at 576
    scene = build_scene(
        route.floorplan,
        floor_id,
        route=route,
        heading=heading,
        width=width_dots,
        max_height=width_dots,
        margin=unit * 6,
    )
    drawing = Image.new("1", (width_dots, scene.frame.height), WHITE)
    draw = ImageDraw.Draw(drawing)
    for a, b in scene.corridors:
        draw.line([a, b], fill=BLACK, width=unit)
    for line in scene.route:
        draw.line(line, fill=BLACK, width=unit * 3, joint="curve")
        for x, y in line:  # round caps so thick segments join without notches
            r = unit * 1.5
            draw.ellipse((x - r, y - r, x + r, y + r), fill=BLACK)
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
    if not title:
        return drawing

    # The title goes above the map, on its own band (corridors must not run through it).
    title_height = unit * 10
    image = Image.new("1", (width_dots, drawing.height + title_height), WHITE)
    image.paste(drawing, (0, title_height))
    draw = ImageDraw.Draw(image)
    # The largest type (down to a legible minimum) that fits the paper's width.
    size = unit * 7
    font = ImageFont.load_default(size=size)
    while size > unit * 4 and draw.textlength(title, font=font) > width_dots - unit * 4:
        size -= 1
        font = ImageFont.load_default(size=size)
    draw.text((unit * 2, unit), title, fill=BLACK, font=font)
    return image
