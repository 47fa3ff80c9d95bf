"""Floor and route maps as SVG for screens.

The SVG goes inline into pages served with a strict Content-Security-Policy, so it carries no
script and no <style> element: all styling is presentation attributes. Every text that comes
from the floorplan (staff type the labels) is XML-escaped. Route-map labels are at least 24 px,
bold, with a white halo, placed by the layout so they are never clipped or overlapping; a
small legend under the map explains the route line and the markers.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from wayfinding.directions import directions
from wayfinding.i18n import translator
from wayfinding.map_layout import (
    LEGEND_DESTINATION,
    LEGEND_ROUTE,
    YOU_ARE_HERE,
    MapScene,
    MapStyle,
    Point,
    arrival_heading,
    build_scene,
    leader,
)
from wayfinding.model import Floorplan
from wayfinding.routing import Route

CORRIDOR_COLOUR = "#8a939c"
ROUTE_COLOUR = "#0050b3"
HERE_COLOUR = "#c8102e"
TEXT_COLOUR = "#1b1f23"
# Route maps are read at arm's length on the kiosk: labels at least this tall.
ROUTE_LABEL_PX = 24.0
# A bold sans-serif glyph is at most this wide on average, in ems (measured generously).
EM_WIDTH = 0.62
LINE_HEIGHT = 1.25


def svg_style(width: int, font_px: float) -> MapStyle:
    """Marker and label sizes for an SVG map `width` pixels wide."""
    corridor = max(3.0, width / 150)

    def text_size(text: str) -> tuple[float, float]:
        return len(text) * font_px * EM_WIDTH + font_px * 0.2, font_px * LINE_HEIGHT

    return MapStyle(
        text_size=text_size,
        dot_radius=corridor * 1.5,
        end_radius=corridor * 4,
        start_radius=corridor * 3,
        arrow_size=width / 9,
        padding=4.0,
    )


def _points(points: tuple[Point, ...]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _labels(scene: MapScene, font_px: float) -> list[str]:
    parts = [
        f'<g class="labels" fill="{TEXT_COLOUR}" font-family="sans-serif" font-weight="bold" '
        f'font-size="{font_px:.0f}" stroke="#ffffff" stroke-width="{font_px / 6:.1f}" '
        'stroke-linejoin="round" paint-order="stroke">'
    ]
    reach = (scene.frame.width / 150) * 1.5 * 2.5 + 8
    for label in scene.labels:
        line = leader(label, reach)
        if line is not None:
            (x1, y1), (x2, y2) = line
            parts.append(
                f'<line class="leader" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                f'stroke="{TEXT_COLOUR}" stroke-width="2"/>'
            )
    for label in scene.labels:
        left, top, _, bottom = label.box
        baseline = bottom - (bottom - top - font_px) / 2 - font_px * 0.2
        parts.append(
            f'<text class="label {label.kind}" x="{left + font_px * 0.1:.1f}" '
            f'y="{baseline:.1f}">{escape(label.text)}</text>'
        )
    parts.append("</g>")
    return parts


def _legend(scene: MapScene, font_px: float, lang: str) -> tuple[list[str], float]:
    """A one-line legend under the map: the route line, you-are-here, destination."""
    t = translator(lang)
    frame = scene.frame
    height = font_px * 2
    y = frame.height + height / 2
    items: list[tuple[str, str]] = [("route", t.gettext(LEGEND_ROUTE))]
    if scene.start_arrow is not None:
        items.append(("here", t.gettext(YOU_ARE_HERE)))
    if scene.end is not None:
        items.append(("destination", t.gettext(LEGEND_DESTINATION)))
    parts = [
        f'<g class="legend" font-family="sans-serif" font-size="{font_px:.0f}" '
        f'fill="{TEXT_COLOUR}">',
        f'<line x1="0" y1="{frame.height + 1:.1f}" x2="{frame.width}" '
        f'y2="{frame.height + 1:.1f}" stroke="{CORRIDOR_COLOUR}" stroke-width="2"/>',
    ]
    x = font_px * 0.5
    for key, text in items:
        symbol = font_px * 1.4
        needed = symbol + font_px * 0.4 + len(text) * font_px * EM_WIDTH + font_px
        if x + needed > frame.width:
            break
        if key == "route":
            parts.append(
                f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + symbol:.1f}" y2="{y:.1f}" '
                f'stroke="{ROUTE_COLOUR}" stroke-width="{font_px / 3:.1f}" '
                'stroke-linecap="round"/>'
            )
        elif key == "here":
            r = symbol / 2
            parts.append(
                f'<polygon points="{x + r:.1f},{y - r:.1f} {x + symbol:.1f},{y + r:.1f} '
                f'{x:.1f},{y + r:.1f}" fill="{HERE_COLOUR}"/>'
            )
        else:
            parts.append(
                f'<circle cx="{x + symbol / 2:.1f}" cy="{y:.1f}" r="{symbol / 3:.1f}" '
                f'fill="#ffffff" stroke="{ROUTE_COLOUR}" stroke-width="{font_px / 6:.1f}"/>'
            )
        parts.append(
            f'<text x="{x + symbol + font_px * 0.4:.1f}" y="{y + font_px * 0.35:.1f}">'
            f"{escape(text)}</text>"
        )
        x += needed
    parts.append("</g>")
    return parts, height


def scene_to_svg(scene: MapScene, title: str, *, font_px: float, lang: str = "en") -> str:
    """Serialize a laid-out scene; `title` becomes the accessible name."""
    frame = scene.frame
    corridor_width = max(3.0, frame.width / 150)
    route_width = corridor_width * 3
    legend: list[str] = []
    legend_height = 0.0
    if scene.route:
        legend, legend_height = _legend(scene, font_px, lang)
    height = frame.height + legend_height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{frame.width}" '
        f'height="{height:.0f}" viewBox="0 0 {frame.width} {height:.0f}" role="img" '
        f"aria-label={quoteattr(title)}>",
        f"<title>{escape(title)}</title>",
        f'<rect width="{frame.width}" height="{height:.0f}" fill="#ffffff"/>',
        f'<g class="corridors" stroke="{CORRIDOR_COLOUR}" stroke-width="{corridor_width:.1f}" '
        'stroke-linecap="round" fill="none">',
    ]
    parts += [
        f'<line x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0]:.1f}" y2="{b[1]:.1f}"/>'
        for a, b in scene.corridors
    ]
    parts.append("</g>")
    for line in scene.route:
        parts.append(
            f'<polyline class="route" points="{_points(line)}" fill="none" '
            f'stroke="{ROUTE_COLOUR}" stroke-width="{route_width:.1f}" '
            'stroke-linecap="round" stroke-linejoin="round"/>'
        )
    parts.append(f'<g class="places" fill="{TEXT_COLOUR}">')
    for place in scene.places:
        x, y = place.at
        parts.append(
            f'<circle class="{place.kind}" cx="{x:.1f}" cy="{y:.1f}" '
            f'r="{corridor_width * 1.5:.1f}" stroke="#ffffff" stroke-width="1.5"/>'
        )
    parts.append("</g>")
    if scene.end is not None:
        x, y = scene.end
        parts.append(
            f'<circle class="destination" cx="{x:.1f}" cy="{y:.1f}" '
            f'r="{corridor_width * 3:.1f}" fill="#ffffff" stroke="{ROUTE_COLOUR}" '
            f'stroke-width="{corridor_width * 1.5:.1f}"/>'
        )
    if scene.start_arrow is not None:
        parts.append(
            f'<polygon class="you-are-here" points="{_points(scene.start_arrow)}" '
            f'fill="{HERE_COLOUR}" stroke="#ffffff" stroke-width="2"/>'
        )
    elif scene.start is not None:
        x, y = scene.start
        parts.append(
            f'<circle class="start" cx="{x:.1f}" cy="{y:.1f}" r="{route_width * 0.8:.1f}" '
            f'fill="{HERE_COLOUR}"/>'
        )
    parts += _labels(scene, font_px)
    parts += legend
    parts.append("</svg>")
    return "\n".join(parts)


FLOOR_IMAGE_WIDTH = 1000


def floor_font_px(width: int) -> float:
    """Label size on the staff floor map, which shows every place at once."""
    return max(12.0, width / 60)


def floor_scene(
    floorplan: Floorplan, floor_id: str, *, width: int = FLOOR_IMAGE_WIDTH, lang: str = "en"
) -> MapScene:
    """The layout of a whole floor, north-up; its frame maps image units to site metres."""
    return build_scene(
        floorplan,
        floor_id,
        width=width,
        max_height=width * 2,
        margin=60,
        style=svg_style(width, floor_font_px(width)),
        lang=lang,
    )


def render_floor_svg(
    floorplan: Floorplan, floor_id: str, *, width: int = FLOOR_IMAGE_WIDTH, lang: str = "en"
) -> str:
    """The whole floor, north-up, with every named place: the floor image staff see."""
    scene = floor_scene(floorplan, floor_id, width=width, lang=lang)
    floor = floorplan.floors[floor_id]
    building = floorplan.buildings[floor.building].name.in_language(lang)
    title = f"{building} – {floor.name.in_language(lang)}"
    return scene_to_svg(scene, title, font_px=floor_font_px(width), lang=lang)


def route_font_px(width: int) -> float:
    """Label size on a route map `width` pixels wide: never below 24 px."""
    return max(ROUTE_LABEL_PX, width / 32)


def route_scene(
    route: Route,
    floor_id: str | None = None,
    *,
    heading: float | None = None,
    width: int = 800,
    lang: str = "en",
) -> MapScene:
    """The laid-out route map of one floor (see `render_route_svg`)."""
    floor_id = floor_id or route.floors[0]
    if heading is None:
        heading = (
            route.start_heading
            if floor_id == route.floors[0] and route.start_heading is not None
            else arrival_heading(route, floor_id)
        )
    return build_scene(
        route.floorplan,
        floor_id,
        route=route,
        heading=heading,
        width=width,
        max_height=width,
        margin=40,
        style=svg_style(width, route_font_px(width)),
        lang=lang,
        named_places=directions(route, lang).landmark_nodes,
    )


def render_route_svg(
    route: Route,
    floor_id: str | None = None,
    *,
    heading: float | None = None,
    width: int = 800,
    lang: str = "en",
) -> str:
    """The route on one floor (default: the first), drawn thick, with labels and a legend.

    Maps are forward-up unless `heading` says otherwise: on the kiosk's floor the kiosk's
    heading points up, on any other floor the direction the walker goes on arriving there.
    """
    floor_id = floor_id or route.floors[0]
    scene = route_scene(route, floor_id, heading=heading, width=width, lang=lang)
    floor = route.floorplan.floors[floor_id]
    target = route.destination.name.in_language(lang) if route.destination else route.nodes[-1]
    title = f"{target} – {floor.name.in_language(lang)}"
    return scene_to_svg(scene, title, font_px=route_font_px(width), lang=lang)
