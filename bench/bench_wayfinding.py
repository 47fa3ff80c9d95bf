"""Wayfinding benchmark on a synthetic campus of about 100,000 nodes.

Measures, side by side in one run:
- load (schema + reference checks), building the graph and precomputing the shortest-path
  trees from (for kiosk routes) and to (to guide A*) each kiosk in each profile (20 kiosks x
  2 profiles), and validating with those trees; peak memory;
- a kiosk route with its directions, warm (a lookup in the precomputed tree), against plain
  `networkx.shortest_path` per request on the same graph and weights;
- any-to-any routes (A* from a random public node, what a phone's "from here" does).

Targets: kiosk route p50 <= 1 ms; any-to-any p50 <= 20 ms; load + validate + precompute <= 60 s.

Run:  .venv/bin/python bench/bench_wayfinding.py            (prints a Markdown table)
      .venv/bin/python bench/bench_wayfinding.py --nodes 20000   (quicker, smaller campus)
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from wayfinding import Profile, Wayfinder, directions, load_floorplan, validate
from wayfinding.graph import make_weight

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


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    measurement: str
    result: str
    target: str = ""


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _percentiles_ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)] * 1000
    return f"{p50:.3f} ms / {p99:.3f} ms"


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_benchmark(
    target_nodes: int = 100_000,
    *,
    kiosk_requests: int = 2000,
    networkx_requests: int = 30,
    any_requests: int = 300,
    seed: int = 7,
) -> list[Row]:
    """Build the campus, measure everything, and return the table rows."""
    raw = synthetic_campus(target_nodes, seed=seed)
    rss_before = _peak_rss_mb()
    started = time.perf_counter()
    holder: dict[str, Any] = {}
    load_s = _timed(lambda: holder.setdefault("plan", load_floorplan(raw)))
    plan = holder["plan"]
    precompute_s = _timed(lambda: holder.setdefault("finder", Wayfinder(plan)))
    finder: Wayfinder = holder["finder"]
    validate_s = _timed(lambda: holder.setdefault("report", validate(plan, finder)))
    total_s = time.perf_counter() - started
    rss_after = _peak_rss_mb()

    rng = random.Random(seed)
    kiosks = list(plan.kiosks)
    public = [d.id for d in plan.destinations.values() if d.is_public]
    profiles = list(Profile)
    requests = [
        (rng.choice(kiosks), rng.choice(public), rng.choice(profiles))
        for _ in range(kiosk_requests)
    ]
    for kiosk, destination, profile in requests[:50]:  # warm caches (neighbour index etc.)
        directions(finder.route_from_kiosk(kiosk, destination, profile))
    kiosk_samples = [
        _timed(lambda k=k, d=d, p=p: directions(finder.route_from_kiosk(k, d, p)))
        for k, d, p in requests
    ]

    graph = finder.routing.graph
    weights = {profile: make_weight(profile) for profile in profiles}
    nx_samples = [
        _timed(
            lambda k=k, d=d, p=p: nx.shortest_path(
                graph, plan.kiosks[k].node, plan.destinations[d].node, weight=weights[p]
            )
        )
        for k, d, p in requests[:networkx_requests]
    ]

    public_nodes = [n.id for n in plan.nodes.values() if n.access.value == "public"]
    pairs = [
        (rng.choice(public_nodes), rng.choice(public), rng.choice(profiles))
        for _ in range(any_requests)
    ]
    any_samples = [_timed(lambda o=o, d=d, p=p: finder.route_between(o, d, p)) for o, d, p in pairs]

    report = holder["report"]
    return [
        Row(
            "campus",
            f"{len(plan.nodes):,} nodes, {graph.number_of_edges():,} directed edges, "
            f"{len(plan.kiosks)} kiosks, {len(public)} destinations",
        ),
        Row("load (JSON Schema + reference checks)", f"{load_s:.1f} s"),
        Row(
            f"build graph + precompute trees from and to {len(plan.kiosks)} kiosks x 2 profiles",
            f"{precompute_s:.1f} s",
        ),
        Row(
            "validate, reusing the trees",
            f"{validate_s:.1f} s ({len(report.errors)} errors, {len(report.warnings)} warnings)",
        ),
        Row("load + validate + precompute", f"{total_s:.1f} s", "<= 60 s"),
        Row(
            "peak memory (process RSS; growth during load)",
            f"{rss_after:,.0f} MB (+{rss_after - rss_before:,.0f} MB)",
        ),
        Row(
            f"kiosk route + directions, warm, p50 / p99 (n={len(kiosk_samples)})",
            _percentiles_ms(kiosk_samples),
            "p50 <= 1 ms",
        ),
        Row(
            f"plain networkx.shortest_path per request, p50 / p99 (n={len(nx_samples)})",
            _percentiles_ms(nx_samples),
            "(baseline)",
        ),
        Row(
            f"any-to-any route (A*), p50 / p99 (n={len(any_samples)})",
            _percentiles_ms(any_samples),
            "p50 <= 20 ms",
        ),
    ]


def markdown_table(rows: list[Row]) -> str:
    """The rows as a Markdown table for the README."""
    lines = ["| measurement | result | target |", "|---|---|---|"]
    lines += [f"| {row.measurement} | {row.result} | {row.target} |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--nodes", type=int, default=100_000, help="approximate campus size")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(markdown_table(run_benchmark(args.nodes, seed=args.seed)))


if __name__ == "__main__":
    main()
