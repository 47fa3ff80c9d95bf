"""What a floor map shows and where, in screen pixels, shared by the SVG and 1-bit renderers.

A map is "forward-up" when given a heading: the world is rotated so that the heading points to
the top of the picture, as a person at the kiosk sees the building in front of them. Without a
heading it is north-up. Route maps are cropped to the route on that floor plus some context;
floor maps show the whole floor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from wayfinding.model import Floorplan, NodeKind
from wayfinding.routing import Route

Point = tuple[float, float]

# Metres of building shown around the route on a route map.
CONTEXT_M = 12.0
# Smallest area shown, so a route of a few metres is not blown up to a blur.
MIN_SPAN_M = 30.0


@dataclass(frozen=True)
class MapFrame:
    """Projection from site metres to picture pixels: rotate, flip y, scale, shift."""

    rotation_deg: float
    scale: float
    offset_x: float
    offset_y: float
    width: int
    height: int

    def rotate(self, x: float, y: float) -> Point:
        """Rotate site coordinates so that bearing `rotation_deg` points up (+y)."""
        angle = math.radians(self.rotation_deg)
        return (
            x * math.cos(angle) - y * math.sin(angle),
            x * math.sin(angle) + y * math.cos(angle),
        )

    def project(self, x: float, y: float) -> Point:
        """Pixel position (x right, y down) of a site point."""
        rx, ry = self.rotate(x, y)
        return (rx * self.scale + self.offset_x, -ry * self.scale + self.offset_y)


def fit_frame(
    points: list[Point], rotation_deg: float, width: int, max_height: int, margin: int
) -> MapFrame:
    """The frame that fits `points` into `width` pixels (and at most `max_height`)."""
    probe = MapFrame(rotation_deg, 1.0, 0.0, 0.0, width, max_height)
    rotated = [probe.rotate(x, y) for x, y in points]
    min_x, max_x = min(p[0] for p in rotated), max(p[0] for p in rotated)
    min_y, max_y = min(p[1] for p in rotated), max(p[1] for p in rotated)
    span_x, span_y = max(max_x - min_x, 1e-9), max(max_y - min_y, 1e-9)
    scale = min((width - 2 * margin) / span_x, (max_height - 2 * margin) / span_y)
    height = min(max_height, math.ceil(span_y * scale + 2 * margin))
    offset_x = margin - min_x * scale + ((width - 2 * margin) - span_x * scale) / 2
    offset_y = margin + max_y * scale
    return MapFrame(rotation_deg, scale, offset_x, offset_y, width, height)


@dataclass(frozen=True)
class Place:
    """A labelled point: a destination, landmark, kiosk or connector."""

    at: Point
    label: str
    kind: str


@dataclass(frozen=True)
class MapScene:
    """Everything to draw for one floor, already in pixels."""

    frame: MapFrame
    corridors: tuple[tuple[Point, Point], ...]
    places: tuple[Place, ...]
    route: tuple[tuple[Point, ...], ...]
    start: Point | None
    start_arrow: tuple[Point, ...] | None
    end: Point | None


def _arrow(frame: MapFrame, x: float, y: float, heading: float, size: float) -> tuple[Point, ...]:
    """A triangle `size` pixels long at (x, y), pointing along compass `heading`."""
    ahead = math.radians(heading)
    cx, cy = frame.project(x, y)
    fx, fy = frame.project(x + math.sin(ahead), y + math.cos(ahead))
    length = math.hypot(fx - cx, fy - cy) or 1.0
    dx, dy = (fx - cx) / length, (fy - cy) / length  # unit vector on screen
    half = size * 0.45
    return (
        (cx + dx * size * 0.6, cy + dy * size * 0.6),
        (cx - dx * size * 0.4 - dy * half, cy - dy * size * 0.4 + dx * half),
        (cx - dx * size * 0.4 + dy * half, cy - dy * size * 0.4 - dx * half),
    )


def build_scene(
    floorplan: Floorplan,
    floor_id: str,
    *,
    route: Route | None = None,
    heading: float | None = None,
    width: int,
    max_height: int,
    margin: int,
    lang: str = "en",
) -> MapScene:
    """Lay out one floor, with the part of `route` on it, rotated so `heading` points up."""
    nodes = floorplan.nodes
    on_floor = [n for n in nodes.values() if n.floor == floor_id]
    runs: list[list[str]] = []
    if route is not None:
        for node_id in route.nodes:
            if nodes[node_id].floor != floor_id:
                if runs and runs[-1]:
                    runs.append([])
                continue
            if not runs:
                runs.append([])
            runs[-1].append(node_id)
        runs = [run for run in runs if run]
    if runs:
        xs = [nodes[n].x for run in runs for n in run]
        ys = [nodes[n].y for run in runs for n in run]
        cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        half_x = max((max(xs) - min(xs)) / 2 + CONTEXT_M, MIN_SPAN_M / 2)
        half_y = max((max(ys) - min(ys)) / 2 + CONTEXT_M, MIN_SPAN_M / 2)
        extent = [
            (cx - half_x, cy - half_y),
            (cx + half_x, cy + half_y),
            (cx - half_x, cy + half_y),
            (cx + half_x, cy - half_y),
        ]
    else:
        extent = [(n.x, n.y) for n in on_floor] or [(0.0, 0.0)]
    frame = fit_frame(extent, heading or 0.0, width, max_height, margin)

    corridors = tuple(
        (
            frame.project(nodes[e.source].x, nodes[e.source].y),
            frame.project(nodes[e.target].x, nodes[e.target].y),
        )
        for e in floorplan.edges.values()
        if nodes[e.source].floor == floor_id and nodes[e.target].floor == floor_id
    )
    places = [
        Place(frame.project(nodes[node_id].x, nodes[node_id].y), name.in_language(lang), "place")
        for node_id, name in floorplan.places_by_floor[floor_id]
    ]
    places += [
        Place(frame.project(n.x, n.y), floorplan.element_name(n.id).in_language(lang), n.kind)
        for n in on_floor
        if n.kind in (NodeKind.ELEVATOR, NodeKind.STAIRS, NodeKind.ESCALATOR)
    ]
    route_lines = tuple(tuple(frame.project(nodes[n].x, nodes[n].y) for n in run) for run in runs)
    start = end = None
    arrow = None
    if runs:
        first = nodes[runs[0][0]]
        start = frame.project(first.x, first.y)
        if route is not None and runs[0][0] == route.origin and heading is not None:
            arrow = _arrow(frame, first.x, first.y, heading, size=width / 9)
        last = nodes[runs[-1][-1]]
        end = frame.project(last.x, last.y)
    return MapScene(frame, corridors, tuple(places), route_lines, start, arrow, end)
