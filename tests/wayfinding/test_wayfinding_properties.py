"""Property tests on randomly generated floorplans.

Each example is a jittered multi-floor grid with random corridors, doors, stairs and ramps,
one-way and staff-only edges, connectors of every kind and random closures (some expired).
The expected answer is computed independently from the raw JSON with plain networkx, so the
library's own graph building, precomputed trees and A* are all under test.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wayfinding import (
    DEFAULT_COSTS,
    NoRouteError,
    Profile,
    StepKind,
    Turn,
    Wayfinder,
    directions,
    load_floorplan,
)

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
# No example database: the suite leaves no files behind, and each run draws fresh examples.
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def random_floorplans(draw: st.DrawFn) -> dict[str, Any]:
    levels = draw(st.integers(1, 3))
    columns, rows = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    spacing = draw(st.sampled_from([4.0, 7.5, 10.0]))
    jitter = st.integers(-15, 15).map(lambda d: d / 10)
    floors = [
        {"id": f"f{lv}", "building": "main", "level": lv, "sign": str(lv + 1)}
        for lv in range(levels)
    ]
    nodes, edges, connectors = [], [], []

    def node_id(level: int, row: int, column: int) -> str:
        return f"n{level}-{row}-{column}"

    for level in range(levels):
        for row in range(rows):
            for column in range(columns):
                staff = draw(st.integers(0, 19)) == 0
                nodes.append(
                    {
                        "id": node_id(level, row, column),
                        "floor": f"f{level}",
                        "x": column * spacing + draw(jitter),
                        "y": row * spacing + draw(jitter),
                        "kind": "junction",
                        **({"access": "staff"} if staff else {}),
                    }
                )
        for row in range(rows):
            for column in range(columns):
                for d_row, d_column in ((0, 1), (1, 0), (1, 1)):
                    r, c = row + d_row, column + d_column
                    wanted = draw(st.integers(0, 9)) < (8 if d_row + d_column == 1 else 2)
                    if r >= rows or c >= columns or not wanted:
                        continue
                    edge: dict[str, Any] = {
                        "id": f"e{len(edges)}",
                        "from": node_id(level, row, column),
                        "to": node_id(level, r, c),
                        "kind": draw(
                            st.sampled_from(
                                ["corridor"] * 4 + ["door", "stairs", "ramp", "escalator"]
                            )
                        ),
                        "one_way": draw(st.integers(0, 6)) == 0,
                    }
                    if draw(st.integers(0, 14)) == 0:
                        edge["access"] = "staff"
                    if draw(st.integers(0, 9)) == 0:
                        edge["length_m"] = draw(st.sampled_from([12.5, 20.0, 33.0]))
                    edges.append(edge)
    for column in range(columns if levels > 1 else 0):
        kind = draw(st.sampled_from([None, "elevator", "stairs", "escalator"]))
        if kind is None:
            continue
        if kind == "escalator":
            low = draw(st.integers(0, levels - 2))
            stops = [node_id(low, 0, column), node_id(low + 1, 0, column)]
            if draw(st.booleans()):
                stops.reverse()
        else:
            stops = [node_id(level, 0, column) for level in range(levels)]
        connectors.append(
            {
                "id": f"c{column}",
                "name": f"Connector {column}",
                "kind": kind,
                "stops": stops,
                **({"access": "staff"} if draw(st.integers(0, 9)) == 0 else {}),
            }
        )
    public_nodes = [n["id"] for n in nodes if "access" not in n]
    ground = [n for n in public_nodes if n.startswith("n0-")]
    if not ground:
        ground = public_nodes = [nodes[0]["id"]]
        nodes[0].pop("access", None)
    kiosk_node = draw(st.sampled_from(ground))
    targets = draw(st.lists(st.sampled_from(public_nodes), min_size=1, max_size=3, unique=True))
    elements = [n["id"] for n in nodes] + [e["id"] for e in edges] + [c["id"] for c in connectors]
    closures = []
    for index in range(draw(st.integers(0, 2))):
        closure = {"id": f"x{index}", "element": draw(st.sampled_from(elements)), "reason": "test"}
        offset = draw(st.sampled_from([None, -1, 1]))
        if offset is not None:
            closure["until"] = (NOW + timedelta(hours=offset)).isoformat()
        closures.append(closure)
    return {
        "format": "lobby-floorplan",
        "format_version": 1,
        "version": "random",
        "facility": {"id": "random", "name": "Random", "phone": "0"},
        "buildings": [{"id": "main", "name": "Main"}],
        "floors": floors,
        "nodes": nodes,
        "edges": edges,
        "connectors": connectors,
        "destinations": [
            {"id": f"d{i}", "name": f"Place {i}", "category": "clinic", "node": target}
            for i, target in enumerate(targets)
        ],
        "kiosks": [
            {"id": "k", "name": "Kiosk", "node": kiosk_node, "heading": draw(st.integers(0, 359))}
        ],
        "closures": closures,
    }


def expected_graph(raw: dict[str, Any], profile: Profile) -> nx.DiGraph[str]:
    """The usable graph and its costs, built straight from the JSON, for a profile at NOW."""
    costs = DEFAULT_COSTS
    speed = costs.walking_speed_mps[profile]
    closed = {
        c["element"]
        for c in raw["closures"]
        if "until" not in c or NOW < datetime.fromisoformat(c["until"])
    }
    nodes = {n["id"]: n for n in raw["nodes"]}
    level = {f["id"]: f["level"] for f in raw["floors"]}
    usable_node = {
        n: nodes[n].get("access", "public") == "public" and n not in closed for n in nodes
    }
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(nodes)

    def add(u: str, v: str, cost: float) -> None:
        if usable_node[u] and usable_node[v]:
            graph.add_edge(u, v, cost=cost)

    for edge in raw["edges"]:
        a, b = nodes[edge["from"]], nodes[edge["to"]]
        step_free = edge.get("step_free", edge["kind"] not in ("stairs", "escalator"))
        if edge["id"] in closed or edge.get("access", "public") != "public":
            continue
        if profile is Profile.STEP_FREE and not step_free:
            continue
        length = edge.get("length_m", math.hypot(a["x"] - b["x"], a["y"] - b["y"]))
        cost = length / speed + (costs.door_s if edge["kind"] == "door" else 0.0)
        add(a["id"], b["id"], cost)
        if not edge.get("one_way", False):
            add(b["id"], a["id"], cost)
    for connector in raw["connectors"]:
        kind, stops = connector["kind"], connector["stops"]
        if connector["id"] in closed or connector.get("access", "public") != "public":
            continue
        if profile is Profile.STEP_FREE and kind != "elevator":
            continue

        def levels_between(u: str, v: str) -> int:
            return abs(level[nodes[u]["floor"]] - level[nodes[v]["floor"]])

        if kind == "elevator":
            for u in stops:
                for v in stops:
                    if u != v:
                        add(
                            u,
                            v,
                            costs.elevator_wait_s
                            + costs.elevator_per_level_s * levels_between(u, v),
                        )
        elif kind == "escalator":
            add(stops[0], stops[1], costs.escalator_per_level_s * levels_between(*stops))
        else:
            ordered = sorted(stops, key=lambda s: level[nodes[s]["floor"]])
            for u, v in zip(ordered, ordered[1:], strict=False):
                add(u, v, costs.stairs_per_level_s * levels_between(u, v))
                add(v, u, costs.stairs_per_level_s * levels_between(u, v))
    return graph


def check_route(
    raw: dict[str, Any], graph: nx.DiGraph[str], route: Any, source: str, target: str
) -> None:
    expected = nx.dijkstra_path_length(graph, source, target, weight="cost")
    assert route.duration_s == pytest.approx(expected, abs=1e-6)
    assert route.nodes[0] == source and route.nodes[-1] == target
    walked = list(zip(route.nodes, route.nodes[1:], strict=False))
    # Every hop is an edge of the independently built graph: so one-way edges are walked
    # forwards only, and no closed, staff-only or (step-free) stepped element is used.
    assert all(graph.has_edge(u, v) for u, v in walked)
    assert sum(graph.edges[u, v]["cost"] for u, v in walked) == pytest.approx(expected)


@PROPERTY_SETTINGS
@given(raw=random_floorplans())
def test_routes_are_optimal_and_honour_every_restriction(raw: dict[str, Any]) -> None:
    finder = Wayfinder(load_floorplan(raw), now=NOW)
    kiosk_node = raw["kiosks"][0]["node"]
    for profile in Profile:
        graph = expected_graph(raw, profile)
        for destination in raw["destinations"]:
            target = destination["node"]
            if nx.has_path(graph, kiosk_node, target):
                route = finder.route_from_kiosk("k", destination["id"], profile, NOW)
                check_route(raw, graph, route, kiosk_node, target)
                between = finder.route_between(kiosk_node, destination["id"], profile, NOW)
                check_route(raw, graph, between, kiosk_node, target)
                if profile is Profile.STEP_FREE:
                    kinds = {hop.kind.value for hop in route.hops}
                    assert not kinds & {"stairs", "escalator"}
            else:
                with pytest.raises(NoRouteError) as from_kiosk:
                    finder.route_from_kiosk("k", destination["id"], profile, NOW)
                with pytest.raises(NoRouteError) as between:
                    finder.route_between(kiosk_node, destination["id"], profile, NOW)
                for error in (from_kiosk.value, between.value):
                    assert_reason_shows_no_ids(raw, error)


def assert_reason_shows_no_ids(raw: dict[str, Any], error: NoRouteError) -> None:
    """Visitors read names (or "the stairs on Main, Level 2"), never an element id."""
    ids = {item["id"] for section in ("nodes", "edges", "connectors") for item in raw[section]}
    for lang in ("en", "es"):
        words = set(re.findall(r"[\w-]+", error.describe(lang)))
        assert not words & ids, (error.describe(lang), words & ids)
    assert len({way.element for way in error.ways}) == len(error.ways)  # each way counted once


# Independent reading of the documented thresholds (degrees): the set of turn words allowed
# for a signed angle, both words allowed within a hair of a boundary.
def allowed_turns(angle: float) -> set[Turn]:
    def word(a: float) -> Turn:
        size, right = abs(a), a > 0
        if size <= 20:
            return Turn.STRAIGHT
        if size <= 60:
            return Turn.SLIGHT_RIGHT if right else Turn.SLIGHT_LEFT
        if size <= 120:
            return Turn.RIGHT if right else Turn.LEFT
        if size <= 160:
            return Turn.SHARP_RIGHT if right else Turn.SHARP_LEFT
        return Turn.TURN_AROUND

    return {word(angle - 1e-6), word(angle), word(angle + 1e-6)}


TURN_WORDS = {
    Turn.STRAIGHT: "straight",
    Turn.SLIGHT_LEFT: "slightly left",
    Turn.SLIGHT_RIGHT: "slightly right",
    Turn.LEFT: "left",
    Turn.RIGHT: "right",
    Turn.SHARP_LEFT: "sharp left",
    Turn.SHARP_RIGHT: "sharp right",
    Turn.TURN_AROUND: "Turn around",
}


def compass(a: dict[str, Any], b: dict[str, Any]) -> float:
    return math.degrees(math.atan2(b["x"] - a["x"], b["y"] - a["y"]))


def signed(angle: float) -> float:
    return (angle + 180.0) % 360.0 - 180.0


@PROPERTY_SETTINGS
@given(raw=random_floorplans())
def test_every_printed_turn_agrees_with_the_geometry(raw: dict[str, Any]) -> None:
    finder = Wayfinder(load_floorplan(raw), now=NOW)
    nodes = {n["id"]: n for n in raw["nodes"]}
    heading = raw["kiosks"][0]["heading"]
    for destination in raw["destinations"]:
        try:
            route = finder.route_from_kiosk("k", destination["id"], "standard", NOW)
        except NoRouteError:
            continue
        result = directions(route)
        points = [nodes[n] for n in route.nodes]
        positions = [s.route_index for s in result.steps]
        assert positions == sorted(positions)  # one instruction per point, in walking order
        assert result.steps[-1].kind is StepKind.ARRIVE
        visits = [chunk.floor for chunk in result.chunks]
        assert all(a != b for a, b in zip(visits, visits[1:], strict=False))
        for step in result.steps:
            if step.turn is None:
                continue
            i = step.route_index
            if step.kind is StepKind.START:
                angle = signed(compass(points[0], points[1]) - heading)
            else:
                angle = signed(
                    compass(points[i], points[i + 1]) - compass(points[i - 1], points[i])
                )
            assert step.turn in allowed_turns(angle), (step.text, angle)
            word = TURN_WORDS[step.turn]
            assert word.lower() in step.text.lower()
            if step.turn in (Turn.LEFT, Turn.RIGHT):
                assert "slightly" not in step.text and "sharp" not in step.text
