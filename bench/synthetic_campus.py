"""A synthetic campus of any size as floorplan JSON, shared by the wayfinding benchmarks.

Synthetic data for measuring only: no real hospital. BUILDINGS x LEVELS floors, each a corridor
grid, with elevators, stairwells, skybridges, doors, staff-only corridors and kiosks.
"""

from __future__ import annotations

import math
import random
from typing import Any

BUILDINGS = 8
LEVELS = 6
SPACING_M = 6.0
CATEGORIES = ("department", "clinic", "food", "pharmacy", "restroom")


def synthetic_campus(target_nodes: int, kiosks: int = 20, seed: int = 7) -> dict[str, Any]:
    """A campus of BUILDINGS x LEVELS floors, each a corridor grid, as floorplan JSON.

    Every row is a corridor; cross corridors run at every third column. Each building has two
    elevator banks and two stairwells over all floors; skybridges join neighbours on two levels.
    Doors add time; a few staff-only corridors are closed to visitors.
    """
    rng = random.Random(seed)
    per_floor = max(16, target_nodes // (BUILDINGS * LEVELS))
    columns = max(4, int(math.sqrt(per_floor * 1.5)))
    rows = max(4, per_floor // columns)
    width = columns * SPACING_M + 40
    floors, nodes, edges, connectors, destinations = [], [], [], [], []

    def nid(b: int, level: int, r: int, c: int) -> str:
        return f"b{b}-l{level}-r{r}-c{c}"

    def edge(a: str, z: str, **extra: Any) -> None:
        edges.append({"id": f"{a}--{z}", "from": a, "to": z, **extra})

    for b in range(BUILDINGS):
        for level in range(LEVELS):
            floor_id = f"b{b}-l{level}"
            floors.append(
                {"id": floor_id, "building": f"b{b}", "level": level, "sign": str(level + 1)}
            )
            for r in range(rows):
                for c in range(columns):
                    nodes.append(
                        {
                            "id": nid(b, level, r, c),
                            "floor": floor_id,
                            "x": b * width + c * SPACING_M,
                            "y": r * SPACING_M,
                            "kind": "junction" if c % 3 == 0 else "corridor",
                        }
                    )
            for r in range(rows):
                for c in range(columns):
                    for r2, c2 in ((r, c + 1), (r + 1, c)):
                        if r2 >= rows or c2 >= columns or (r2 != r and c % 3):
                            continue
                        roll = rng.random()
                        extra: dict[str, Any] = {}
                        if roll < 0.05:
                            extra["kind"] = "door"
                        elif roll < 0.06 and r2 == r and c % 3 == 0 and c + 3 < columns:
                            # Never both corridors of a node: nothing is cut off.
                            extra["access"] = "staff"
                        edge(nid(b, level, r, c), nid(b, level, r2, c2), **extra)
            for k in range(4):
                r, c = rng.randrange(rows), rng.randrange(columns)
                destinations.append(
                    {
                        "id": f"d-{floor_id}-{k}",
                        "name": f"Place {floor_id} {k}",
                        "category": CATEGORIES[k % len(CATEGORIES)],
                        "node": nid(b, level, r, c),
                        "synonyms": [f"spot {k}"],
                    }
                )
        corners = {
            "elevator": [(0, 0), (rows - 1, columns - 1)],
            "stairs": [(0, columns - 1), (rows - 1, 0)],
        }
        for kind, spots in corners.items():
            for index, (r, c) in enumerate(spots):
                connectors.append(
                    {
                        "id": f"b{b}-{kind}-{index}",
                        "name": f"{kind} {b}{index}",
                        "kind": kind,
                        "stops": [nid(b, level, r, c) for level in range(LEVELS)],
                    }
                )
        if b + 1 < BUILDINGS:
            for level in (0, 2):
                edge(
                    nid(b, level, rows // 2, columns - 1),
                    nid(b + 1, level, rows // 2, 0),
                    kind="skybridge",
                    length_m=40.0,
                )
    kiosk_list = []
    for k in range(kiosks):
        b = k % BUILDINGS
        node = nid(b, 0, rng.randrange(rows), rng.randrange(columns))
        kiosk_list.append(
            {"id": f"kiosk-{k}", "name": f"Kiosk {k}", "node": node, "heading": rng.randrange(360)}
        )
    return {
        "format": "lobby-floorplan",
        "format_version": 1,
        "version": "bench",
        "facility": {"id": "campus", "name": "Synthetic Campus", "phone": "0", "synthetic": True},
        "buildings": [{"id": f"b{b}", "name": f"Building {b}"} for b in range(BUILDINGS)],
        "floors": floors,
        "nodes": nodes,
        "edges": edges,
        "connectors": connectors,
        "destinations": destinations,
        "kiosks": kiosk_list,
    }
