"""What a floor map shows and where, in screen pixels, shared by the SVG and 1-bit renderers.

A map is "forward-up" when given a heading: the world is rotated so that the heading points to
the top of the picture, as a person at the kiosk (or stepping out of the elevator) sees the
building in front of them. Without a heading it is north-up. Route maps are cropped to the
route on that floor plus some context, so their height follows the route; floor maps show the
whole floor.

Labels are placed here, not by the renderers, so that both can promise the same thing: every
label lies wholly inside the picture, no two labels overlap, and no label covers a marker (the
you-are-here arrow, the destination ring, the dot of a place). A route map labels only what the
walker needs: "You are here", the destination, the connectors and passages on the route, and
the landmarks the direction steps name. Each renderer passes its own text measure, because a
browser's sans-serif and the receipt's bitmap font have different widths.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from wayfinding.geometry import bearing
from wayfinding.i18n import N_, translator
from wayfinding.model import Floorplan, NodeKind
from wayfinding.no_route import KIND_NOUNS
from wayfinding.noun_phrases import ARTICLES
from wayfinding.routing import Route

Point = tuple[float, float]
# left, top, right, bottom in pixels
Box = tuple[float, float, float, float]
TextSize = Callable[[str], tuple[float, float]]

# Metres of building shown around the route on a route map.
CONTEXT_M = 10.0
# Smallest area shown, so a route of a few metres is not blown up to a blur.
MIN_SPAN_M = 24.0
# A route map never zooms in further than showing this many metres across its width.
MIN_WIDTH_SHOWN_M = 40.0
# Label kinds in the order they are placed; earlier kinds are never dropped for later ones.
LABEL_PRIORITY = ("start", "destination", "connector", "landmark", "place")
YOU_ARE_HERE = N_("You are here")
START = N_("Start")
LEGEND_ROUTE = N_("Your route")
LEGEND_DESTINATION = N_("Destination")


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
    points: list[Point],
    rotation_deg: float,
    width: int,
    max_height: int,
    margin: int,
    max_scale: float = math.inf,
) -> MapFrame:
    """The frame that fits `points` into `width` pixels (and at most `max_height`).

    The height follows what is shown; `max_scale` (pixels per metre) keeps a short route from
    being blown up to fill the whole picture.
    """
    probe = MapFrame(rotation_deg, 1.0, 0.0, 0.0, width, max_height)
    rotated = [probe.rotate(x, y) for x, y in points]
    min_x, max_x = min(p[0] for p in rotated), max(p[0] for p in rotated)
    min_y, max_y = min(p[1] for p in rotated), max(p[1] for p in rotated)
    span_x, span_y = max(max_x - min_x, 1e-9), max(max_y - min_y, 1e-9)
    scale = min((width - 2 * margin) / span_x, (max_height - 2 * margin) / span_y, max_scale)
    height = min(max_height, math.ceil(span_y * scale + 2 * margin))
    offset_x = margin - min_x * scale + ((width - 2 * margin) - span_x * scale) / 2
    offset_y = margin + max_y * scale
    return MapFrame(rotation_deg, scale, offset_x, offset_y, width, height)


def route_extent(frame_rotation: float, points: list[Point]) -> list[Point]:
    """Corners, in site metres, of the route's box in the map's own orientation plus context.

    Boxing after rotation keeps a diagonal route from being framed by a needlessly large square.
    """
    probe = MapFrame(frame_rotation, 1.0, 0.0, 0.0, 1, 1)
    rotated = [probe.rotate(x, y) for x, y in points]
    xs, ys = [p[0] for p in rotated], [p[1] for p in rotated]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    half_x = max((max(xs) - min(xs)) / 2 + CONTEXT_M, MIN_SPAN_M / 2)
    half_y = max((max(ys) - min(ys)) / 2 + CONTEXT_M, MIN_SPAN_M / 2)
    back = MapFrame(-frame_rotation, 1.0, 0.0, 0.0, 1, 1)
    return [back.rotate(cx + dx * half_x, cy + dy * half_y) for dx in (-1, 1) for dy in (-1, 1)]


@dataclass(frozen=True)
class Place:
    """A marked point: a destination, landmark, kiosk or connector, with its dot's radius."""

    at: Point
    label: str
    kind: str


@dataclass(frozen=True)
class Label:
    """A placed label: its text, the point it names, and the box its text fills."""

    text: str
    anchor: Point
    box: Box
    kind: str


def leader(label: Label, reach: float) -> tuple[Point, Point] | None:
    """A line from the labelled point to its label, when the label had to sit further away."""
    left, top, right, bottom = label.box
    x, y = label.anchor
    nearest = (min(max(x, left), right), min(max(y, top), bottom))
    if math.dist(nearest, label.anchor) <= reach:
        return None
    return label.anchor, nearest


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
    labels: tuple[Label, ...] = ()
    markers: tuple[Box, ...] = ()


@dataclass(frozen=True)
class MapStyle:
    """Sizes in pixels that the layout needs from a renderer."""

    text_size: TextSize
    dot_radius: float
    end_radius: float
    start_radius: float
    arrow_size: float
    padding: float


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


def _around(point: Point, radius: float) -> Box:
    return (point[0] - radius, point[1] - radius, point[0] + radius, point[1] + radius)


def _overlaps(a: Box, b: Box, gap: float = 0.0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _fit_text(text: str, text_size: TextSize, max_width: float) -> str:
    """`text`, shortened with an ellipsis if it is wider than the picture allows."""
    if text_size(text)[0] <= max_width:
        return text
    while len(text) > 1 and text_size(text + "…")[0] > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


def _candidates(anchor: Point, size: tuple[float, float], clearance: float) -> Iterable[Box]:
    """Boxes for a label near `anchor`: beside it first, then all round, further and further.

    Each box touches the circle of radius `reach` round the anchor at one of 16 directions, so
    nearer boxes come first and the label stays close to what it names.
    """
    width, height = size
    x, y = anchor
    for reach in (clearance, clearance * 2.5, clearance * 4, clearance * 6, clearance * 9):
        for step in (0, 8, 4, 12, 2, 6, 10, 14, 1, 3, 5, 7, 9, 11, 13, 15):
            angle = math.radians(step * 22.5)
            dx, dy = math.cos(angle), -math.sin(angle)
            # the box corner or edge nearest the anchor sits `reach` away along (dx, dy)
            left = x + dx * reach - (width if dx < -0.01 else 0 if dx > 0.01 else width / 2)
            top = y + dy * reach - (height if dy < -0.01 else 0 if dy > 0.01 else height / 2)
            yield (left, top, left + width, top + height)


def _route_boxes(route: tuple[tuple[Point, ...], ...], thickness: float) -> list[Box]:
    """Small boxes along the drawn route, to keep labels off it where there is room."""
    boxes = []
    for line in route:
        for (x1, y1), (x2, y2) in zip(line, line[1:], strict=False):
            pieces = max(1, math.ceil(math.hypot(x2 - x1, y2 - y1) / thickness))
            for k in range(pieces + 1):
                t = k / pieces
                boxes.append(_around((x1 + (x2 - x1) * t, y1 + (y2 - y1) * t), thickness / 2))
    return boxes


def place_labels(
    wanted: list[tuple[str, Point, str]],
    markers: list[Box],
    route_boxes: list[Box],
    frame: MapFrame,
    style: MapStyle,
) -> tuple[Label, ...]:
    """Put each (text, anchor, kind) label where it fits, most important first.

    A label that cannot be placed wholly inside the picture without touching another label or
    a marker is left out rather than drawn over something; the start and the destination come
    first, so they always find room on a map framed around them.
    """
    pad = style.padding
    placed: list[Label] = []
    order = sorted(wanted, key=lambda item: LABEL_PRIORITY.index(item[2]))
    for text, anchor, kind in order:
        text = _fit_text(text, style.text_size, frame.width - 2 * pad)
        size = style.text_size(text)
        best: tuple[int, Box] | None = None
        for box in _candidates(anchor, size, style.dot_radius + style.padding):
            inside = box[0] >= pad and box[1] >= pad
            inside = inside and box[2] <= frame.width - pad and box[3] <= frame.height - pad
            if not inside:
                continue
            if any(_overlaps(box, other.box, gap=2) for other in placed):
                continue
            if any(_overlaps(box, marker, gap=2) for marker in markers):
                continue
            crossing = sum(_overlaps(box, piece) for piece in route_boxes)
            if best is None or crossing < best[0]:
                best = (crossing, box)
            if crossing == 0:
                break
        if best is not None:
            placed.append(Label(text, anchor, best[1], kind))
    return tuple(placed)


def arrival_heading(route: Route, floor_id: str) -> float | None:
    """The walking direction on reaching `floor_id`: the first walked hop on that floor."""
    nodes = route.floorplan.nodes
    for a, b in zip(route.nodes, route.nodes[1:], strict=False):
        first, second = nodes[a], nodes[b]
        if first.floor != floor_id or second.floor != floor_id:
            continue
        if math.hypot(second.x - first.x, second.y - first.y) >= 0.5:
            return bearing(first.x, first.y, second.x, second.y)
    return None


def _runs(route: Route, floor_id: str) -> list[list[str]]:
    """The stretches of `route` on `floor_id`, in walking order."""
    nodes = route.floorplan.nodes
    runs: list[list[str]] = [[]]
    for node_id in route.nodes:
        if nodes[node_id].floor == floor_id:
            runs[-1].append(node_id)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _passage_label(route: Route, edge_id: str, lang: str) -> str:
    """A passage's sign name, or its kind as a label: "Covered walkway", "Rampa"."""
    edge = route.floorplan.edges[edge_id]
    if edge.name is not None:
        return label_text(edge.name.in_language(lang), lang)
    return label_text(translator(lang).gettext(KIND_NOUNS[edge.kind]), lang)


def label_text(name: str, lang: str) -> str:
    """A name as a map label names the thing, like a sign: "Covered walkway", "Elevador A",
    "Up escalator", not the sentence form "the covered walkway", "el elevador A"."""
    first, _, rest = name.partition(" ")
    if rest and first in ARTICLES.get(lang, ()):
        name = rest
    return name[:1].upper() + name[1:]


def _route_labels(
    route: Route, floor_id: str, runs: list[list[str]], named: frozenset[str], lang: str
) -> list[tuple[str, str, str]]:
    """(node, text, kind) of what a route map labels on this floor."""
    plan = route.floorplan
    t = translator(lang)
    wanted: list[tuple[str, str, str]] = []
    origin = runs[0][0]
    if origin == route.origin:
        start_text = YOU_ARE_HERE if route.kiosk is not None else START
        wanted.append((origin, t.gettext(start_text), "start"))
    if runs[-1][-1] == route.nodes[-1]:
        destination = route.destination
        name = destination.short_name if destination else plan.element_name(route.nodes[-1])
        wanted.append((route.nodes[-1], name.in_language(lang), "destination"))
    ends = {run[0] for run in runs} | {run[-1] for run in runs}
    for hop in route.hops:
        if hop.source in ends - {route.origin} and hop.source not in plan.connector_of_node:
            if plan.nodes[hop.target].floor != floor_id:
                wanted.append((hop.source, _passage_label(route, hop.element, lang), "connector"))
        if hop.target in ends - {route.nodes[-1]} and hop.target not in plan.connector_of_node:
            if plan.nodes[hop.source].floor != floor_id:
                wanted.append((hop.target, _passage_label(route, hop.element, lang), "connector"))
    for node_id in ends - {route.origin, route.nodes[-1]}:
        connector = plan.connector_of_node.get(node_id)
        if connector is not None:
            wanted.append(
                (node_id, label_text(connector.name.in_language(lang), lang), "connector")
            )
    for node_id in named:
        if plan.nodes[node_id].floor == floor_id and node_id in plan.places_by_node:
            wanted.append((node_id, plan.places_by_node[node_id].in_language(lang), "landmark"))
    return wanted


def build_scene(
    floorplan: Floorplan,
    floor_id: str,
    *,
    route: Route | None = None,
    heading: float | None = None,
    width: int,
    max_height: int,
    margin: int,
    style: MapStyle,
    lang: str = "en",
    named_places: frozenset[str] = frozenset(),
) -> MapScene:
    """Lay out one floor, with the part of `route` on it, rotated so `heading` points up.

    Without a route every named place on the floor is marked (the staff floor map); with one,
    only the start, the destination, the connectors used and `named_places` (the landmarks the
    direction steps name) are.
    """
    nodes = floorplan.nodes
    on_floor = [n for n in nodes.values() if n.floor == floor_id]
    runs = _runs(route, floor_id) if route is not None else []
    rotation = heading or 0.0
    if runs:
        points = [(nodes[n].x, nodes[n].y) for run in runs for n in run]
        extent = route_extent(rotation, points)
    else:
        extent = [(n.x, n.y) for n in on_floor] or [(0.0, 0.0)]
    max_scale = width / MIN_WIDTH_SHOWN_M if runs else math.inf
    frame = fit_frame(extent, rotation, width, max_height, margin, max_scale)

    corridors = tuple(
        (
            frame.project(nodes[e.source].x, nodes[e.source].y),
            frame.project(nodes[e.target].x, nodes[e.target].y),
        )
        for e in floorplan.edges.values()
        if nodes[e.source].floor == floor_id and nodes[e.target].floor == floor_id
    )
    if route is not None and runs:
        wanted = _route_labels(route, floor_id, runs, named_places, lang)
    else:
        wanted = [
            (node_id, name.in_language(lang), "place")
            for node_id, name in floorplan.places_by_floor[floor_id]
        ]
        wanted += [
            (n.id, floorplan.element_name(n.id).in_language(lang), "connector")
            for n in on_floor
            if n.kind in (NodeKind.ELEVATOR, NodeKind.STAIRS, NodeKind.ESCALATOR)
        ]
    places = tuple(
        Place(frame.project(nodes[node_id].x, nodes[node_id].y), text, kind)
        for node_id, text, kind in wanted
        if kind not in ("start", "destination")
    )
    route_lines = tuple(tuple(frame.project(nodes[n].x, nodes[n].y) for n in run) for run in runs)
    start = end = None
    arrow = None
    markers = [_around(place.at, style.dot_radius) for place in places]
    if runs:
        first = nodes[runs[0][0]]
        start = frame.project(first.x, first.y)
        if route is not None and runs[0][0] == route.origin and heading is not None:
            arrow = _arrow(frame, first.x, first.y, heading, size=style.arrow_size)
            xs, ys = [p[0] for p in arrow], [p[1] for p in arrow]
            markers.append((min(xs), min(ys), max(xs), max(ys)))
        else:
            markers.append(_around(start, style.start_radius))
        if route is not None and runs[-1][-1] == route.nodes[-1]:
            last = nodes[runs[-1][-1]]
            end = frame.project(last.x, last.y)
            markers.append(_around(end, style.end_radius))
    anchors = {
        node_id: frame.project(nodes[node_id].x, nodes[node_id].y) for node_id, _, _ in wanted
    }
    labels = place_labels(
        [(text, anchors[node_id], kind) for node_id, text, kind in wanted],
        markers,
        _route_boxes(route_lines, style.dot_radius * 2),
        frame,
        style,
    )
    return MapScene(
        frame, corridors, places, route_lines, start, arrow, end, labels, tuple(markers)
    )
