"""Generated campuses for property tests of directions and maps: two buildings of jittered
corridor grids side by side, elevators, and passages (bridges, tunnels, ramps, steps) between
them at random heights."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

LINK_KINDS = ["skybridge", "tunnel", "ramp", "stairs", "outdoor"]
SLOPE_KINDS = ["ramp", "stairs"]


@st.composite
def campuses(draw: st.DrawFn) -> dict[str, Any]:
    """Two buildings of jittered grids side by side, with elevators and 1-3 passages."""
    columns, rows = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    spacing = draw(st.sampled_from([6.0, 8.0, 10.0]))
    jitter = st.integers(-20, 20).map(lambda d: d / 10)
    gap = draw(st.sampled_from([12.0, 20.0, 30.0]))
    offset = draw(st.sampled_from([0.0, 1.5, -2.0, 4.0]))
    buildings = [{"id": "a", "name": "Alpha Building"}, {"id": "b", "name": "Beta Building"}]
    floors, nodes, edges, connectors = [], [], [], []
    levels = {"a": draw(st.integers(1, 2)), "b": draw(st.integers(1, 2))}

    def node_id(building: str, level: int, row: int, column: int) -> str:
        return f"{building}{level}-{row}-{column}"

    for building, origin_x in (("a", 0.0), ("b", (columns - 1) * spacing + gap)):
        for level in range(levels[building]):
            floor_id = f"{building}{level}"
            elevation = level * 4.0 + (offset if building == "b" else 0.0)
            floors.append(
                {
                    "id": floor_id,
                    "building": building,
                    "level": level,
                    "sign": str(level + 1),
                    "elevation_m": elevation,
                }
            )
            for row in range(rows):
                for column in range(columns):
                    nodes.append(
                        {
                            "id": node_id(building, level, row, column),
                            "floor": floor_id,
                            "x": origin_x + column * spacing + draw(jitter),
                            "y": row * spacing + draw(jitter),
                            "kind": "junction",
                        }
                    )
            for row in range(rows):
                for column in range(columns):
                    for d_row, d_column in ((0, 1), (1, 0)):
                        r, c = row + d_row, column + d_column
                        if r >= rows or c >= columns or draw(st.integers(0, 9)) < 2:
                            continue
                        edges.append(
                            {
                                "id": f"e{len(edges)}",
                                "from": node_id(building, level, row, column),
                                "to": node_id(building, level, r, c),
                                "kind": "corridor",
                            }
                        )
        if levels[building] > 1:
            connectors.append(
                {
                    "id": f"lift-{building}",
                    "name": f"Elevator {building.upper()}",
                    "kind": "elevator",
                    "stops": [node_id(building, lv, 0, 0) for lv in range(levels[building])],
                }
            )
    link_rows = draw(st.lists(st.integers(0, rows - 1), min_size=1, max_size=3, unique=True))
    for index, row in enumerate(link_rows):
        level_a = draw(st.integers(0, levels["a"] - 1))
        level_b = draw(st.integers(0, levels["b"] - 1))
        level_ground = level_a * 4.0 == level_b * 4.0 + offset
        edges.append(
            {
                "id": f"link{index}",
                "from": node_id("a", level_a, row, columns - 1),
                "to": node_id("b", level_b, row, 0),
                "kind": draw(st.sampled_from(LINK_KINDS if level_ground else SLOPE_KINDS)),
            }
        )
    ids = [n["id"] for n in nodes]
    targets = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=4, unique=True))
    return {
        "format": "lobby-floorplan",
        "format_version": 1,
        "version": "generated",
        "facility": {"id": "generated", "name": "Generated", "phone": "0"},
        "buildings": buildings,
        "floors": floors,
        "nodes": nodes,
        "edges": edges,
        "connectors": connectors,
        "destinations": [
            {"id": f"d{i}", "name": f"Place {i}", "category": "clinic", "node": target}
            for i, target in enumerate(targets)
        ],
        "kiosks": [
            {
                "id": "k",
                "name": "Kiosk",
                "node": draw(st.sampled_from([i for i in ids if i.startswith("a0-")])),
                "heading": draw(st.integers(0, 359)),
            }
        ],
    }
