"""Floor and route maps as SVG for screens.

The SVG goes inline into pages served with a strict Content-Security-Policy, so it carries no
script and no <style> element: all styling is presentation attributes. Every text that comes
from the floorplan (staff type the labels) is XML-escaped.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from wayfinding.map_layout import MapScene, Point, build_scene
from wayfinding.model import Floorplan
from wayfinding.routing import Route

CORRIDOR_COLOUR = "#8a939c"
ROUTE_COLOUR = "#0050b3"
HERE_COLOUR = "#c8102e"
TEXT_COLOUR = "#1b1f23"


def _points(points: tuple[Point, ...]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def scene_to_svg(scene: MapScene, title: str) -> str:
    """Serialize a laid-out scene; `title` becomes the accessible name."""
    frame = scene.frame
    size = max(frame.width, frame.height)
    corridor_width = max(3.0, size / 150)
    route_width = corridor_width * 3
    font_size = max(11.0, size / 60)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{frame.width}" '
        f'height="{frame.height}" viewBox="0 0 {frame.width} {frame.height}" role="img" '
        f"aria-label={quoteattr(title)}>",
        f"<title>{escape(title)}</title>",
        f'<rect width="{frame.width}" height="{frame.height}" fill="#ffffff"/>',
        f'<g class="corridors" stroke="{CORRIDOR_COLOUR}" stroke-width="{corridor_width:.1f}" '
        'stroke-linecap="round" fill="none">',
    ]
    parts += [
        f'<line x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0]:.1f}" y2="{b[1]:.1f}"/>'
        for a, b in scene.corridors
    ]
    parts.append("</g>")
    parts.append(
        f'<g class="places" fill="{TEXT_COLOUR}" font-family="sans-serif" '
        f'font-size="{font_size:.0f}">'
    )
    for place in scene.places:
        x, y = place.at
        parts.append(
            f'<circle class="{place.kind}" cx="{x:.1f}" cy="{y:.1f}" r="{corridor_width:.1f}"/>'
        )
        parts.append(
            f'<text x="{x + corridor_width * 1.5:.1f}" y="{y - corridor_width:.1f}">'
            f"{escape(place.label)}</text>"
        )
    parts.append("</g>")
    for line in scene.route:
        parts.append(
            f'<polyline class="route" points="{_points(line)}" fill="none" '
            f'stroke="{ROUTE_COLOUR}" stroke-width="{route_width:.1f}" '
            'stroke-linecap="round" stroke-linejoin="round"/>'
        )
    if scene.end is not None:
        x, y = scene.end
        parts.append(
            f'<circle class="destination" cx="{x:.1f}" cy="{y:.1f}" r="{route_width:.1f}" '
            f'fill="#ffffff" stroke="{ROUTE_COLOUR}" stroke-width="{corridor_width:.1f}"/>'
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
    parts.append("</svg>")
    return "\n".join(parts)


FLOOR_IMAGE_WIDTH = 1000


def floor_scene(
    floorplan: Floorplan, floor_id: str, *, width: int = FLOOR_IMAGE_WIDTH, lang: str = "en"
) -> MapScene:
    """The layout of a whole floor, north-up; its frame maps image units to site metres."""
    return build_scene(floorplan, floor_id, width=width, max_height=width * 2, margin=60, lang=lang)


def render_floor_svg(
    floorplan: Floorplan, floor_id: str, *, width: int = FLOOR_IMAGE_WIDTH, lang: str = "en"
) -> str:
    """The whole floor, north-up, with every named place: the floor image staff see."""
    scene = floor_scene(floorplan, floor_id, width=width, lang=lang)
    floor = floorplan.floors[floor_id]
    building = floorplan.buildings[floor.building].name.in_language(lang)
    return scene_to_svg(scene, f"{building} – {floor.name.in_language(lang)}")


def render_route_svg(
    route: Route,
    floor_id: str | None = None,
    *,
    heading: float | None = None,
    width: int = 800,
    lang: str = "en",
) -> str:
    """The route on one floor (default: the first), drawn thick, with a you-are-here arrow.

    On the starting floor of a kiosk route the map is forward-up (the kiosk's heading points
    up) unless `heading` says otherwise; other floors are north-up.
    """
    floor_id = floor_id or route.floors[0]
    if heading is None and floor_id == route.floors[0]:
        heading = route.start_heading
    scene = build_scene(
        route.floorplan,
        floor_id,
        route=route,
        heading=heading,
        width=width,
        max_height=width,
        margin=40,
        lang=lang,
    )
    floor = route.floorplan.floors[floor_id]
    target = route.destination.name.in_language(lang) if route.destination else route.nodes[-1]
    return scene_to_svg(scene, f"{target} – {floor.name.in_language(lang)}")
