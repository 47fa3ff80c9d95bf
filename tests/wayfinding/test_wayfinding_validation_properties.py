"""The validator's reachability verdicts against networkx, on generated floorplans.

One search per kiosk and profile must flag exactly the destinations that some kiosk cannot
reach in some profile, as plain networkx path searches on the same rules say.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wayfinding import load_floorplan, validate

SETTINGS = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def floorplans(draw: st.DrawFn) -> dict[str, Any]:
    """Two floors of a 3 x 3 corridor grid with random one-way, staff and stepped edges."""
    size = 3
    nodes, edges = [], []
    for level in (0, 1):
        for row in range(size):
            for column in range(size):
                staff = draw(st.integers(0, 9)) == 0 and (row, column) != (0, 0)
                nodes.append(
                    {
                        "id": f"n{level}{row}{column}",
                        "floor": f"f{level}",
                        "x": column * 10.0,
                        "y": row * 10.0,
                        "kind": "junction",
                        **({"access": "staff"} if staff else {}),
                    }
                )
        for row in range(size):
            for column in range(size):
                for r, c in ((row, column + 1), (row + 1, column)):
                    if r >= size or c >= size or draw(st.integers(0, 4)) == 0:
                        continue
                    edges.append(
                        {
                            "id": f"e{len(edges)}",
                            "from": f"n{level}{row}{column}",
                            "to": f"n{level}{r}{c}",
                            "kind": draw(st.sampled_from(["corridor"] * 3 + ["stairs"])),
                            "one_way": draw(st.integers(0, 5)) == 0,
                            **({"access": "staff"} if draw(st.integers(0, 9)) == 0 else {}),
                        }
                    )
    connectors = []
    for column in range(size):
        kind = draw(st.sampled_from([None, "elevator", "stairs", "escalator"]))
        if kind is not None:
            stops = [f"n0{size - 1}{column}", f"n1{size - 1}{column}"]
            if kind == "escalator" and draw(st.booleans()):
                stops.reverse()
            staff = draw(st.integers(0, 5)) == 0
            connectors.append(
                {
                    "id": f"c{column}",
                    "kind": kind,
                    "stops": stops,
                    **({"access": "staff"} if staff else {}),
                }
            )
    public = [n["id"] for n in nodes if "access" not in n]
    kiosks = draw(st.lists(st.sampled_from(public), min_size=1, max_size=2, unique=True))
    targets = draw(st.lists(st.sampled_from(public), min_size=1, max_size=4, unique=True))
    return {
        "format": "lobby-floorplan",
        "format_version": 2,
        "version": "generated",
        "facility": {"id": "gen", "name": "Generated Clinic"},
        "buildings": [{"id": "main", "name": "Main"}],
        "floors": [
            {"id": f"f{level}", "building": "main", "level": level, "sign": str(level + 1)}
            for level in (0, 1)
        ],
        "nodes": nodes,
        "edges": edges,
        "connectors": connectors,
        "destinations": [
            {"id": f"d-{node}", "name": f"Place {node}", "category": "clinic", "node": node}
            for node in targets
        ],
        "kiosks": [
            {"id": f"k-{node}", "name": "Kiosk", "node": node, "heading": 0} for node in kiosks
        ],
    }


def reference_graph(raw: dict[str, Any], step_free: bool) -> nx.DiGraph[str]:
    """Who may walk where, straight from the JSON: public, and no steps when step-free."""
    public = {n["id"] for n in raw["nodes"] if n.get("access", "public") == "public"}
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(n["id"] for n in raw["nodes"])

    def add(u: str, v: str) -> None:
        if u in public and v in public:
            graph.add_edge(u, v)

    for edge in raw["edges"]:
        if edge.get("access") == "staff" or (step_free and edge["kind"] == "stairs"):
            continue
        add(edge["from"], edge["to"])
        if not edge["one_way"]:
            add(edge["to"], edge["from"])
    for connector in raw["connectors"]:
        if connector.get("access") == "staff" or (step_free and connector["kind"] != "elevator"):
            continue
        first, last = connector["stops"]
        add(first, last)
        if connector["kind"] != "escalator":
            add(last, first)
    return graph


@SETTINGS
@given(floorplans())
def test_flags_exactly_the_destinations_some_kiosk_cannot_reach(raw: dict[str, Any]) -> None:
    report = validate(load_floorplan(raw))
    flagged = {i.element for i in report.errors if "not reachable" in i.message}
    expected = set()
    for step_free in (False, True):
        graph = reference_graph(raw, step_free)
        for kiosk in raw["kiosks"]:
            for destination in raw["destinations"]:
                if not nx.has_path(graph, kiosk["node"], destination["node"]):
                    expected.add(destination["id"])
    assert flagged == expected


@SETTINGS
@given(floorplans())
def test_names_exactly_the_one_way_edges_into_traps(raw: dict[str, Any]) -> None:
    report = validate(load_floorplan(raw))
    named = {i.element for i in report.errors if "one-way trap" in i.message}
    element_of = {(e["from"], e["to"]): e["id"] for e in raw["edges"]}
    element_of.update({tuple(c["stops"]): c["id"] for c in raw["connectors"]})
    element_of.update({tuple(reversed(c["stops"])): c["id"] for c in raw["connectors"]})
    expected = set()
    for step_free in (False, True):
        graph = reference_graph(raw, step_free)
        for kiosk in raw["kiosks"]:
            there = nx.descendants(graph, kiosk["node"]) | {kiosk["node"]}
            back = nx.ancestors(graph, kiosk["node"]) | {kiosk["node"]}
            for u, v in graph.edges:
                if u in there and u in back and v not in back:
                    expected.add(element_of.get((u, v)) or element_of[v, u])
    assert named == expected
