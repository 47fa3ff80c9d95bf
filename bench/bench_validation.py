"""Validator benchmark: load + validate, and revalidating one edit, at 1,000 to 100,000 nodes.

Measures, side by side in one run on the synthetic campus of `bench_wayfinding.py` (with the
elevators of one building made staff-only, so that its upper floors have no step-free way for
visitors and the validator has real problems to explain):
- Lobby's way: `load_floorplan` (JSON Schema checked by jsonschema-rs) + `validate` (one
  breadth-first search per kiosk and profile, issues grouped by destination and cause, paths
  from an index), and `wayfinding.editing.revalidate` after moving one node;
- the old way: the same file checked by `jsonschema` (pure Python), then one Dijkstra search
  per kiosk and profile, one more full search per unreachable destination to explain it, and
  a linear scan of the file to locate each issue; an edit means doing it all again.

Targets: load + validate of a 100,000-node campus <= 5 s; one edit revalidated <= 200 ms on a
10,000-node campus.

Run:  .venv/bin/python bench/bench_validation.py                 (1,000 / 10,000 / 100,000)
      .venv/bin/python bench/bench_validation.py --nodes 1000 10000   (quicker)
CPU seconds (time.process_time) are reported, so a busy machine distorts the figures less.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jsonschema
import networkx as nx
from bench_wayfinding import synthetic_campus

from wayfinding import Profile, load_floorplan, validate
from wayfinding.editing import check_floorplan, revalidate
from wayfinding.graph import build_graph, make_weight
from wayfinding.loader import build_floorplan, floorplan_schema, reference_issues
from wayfinding.migration import format_version_of, migrate_to_current

# The building whose elevators are made staff-only.
BLOCKED_BUILDING = "b0"


def campus_with_problems(target_nodes: int) -> dict[str, Any]:
    """The synthetic campus, with one building's elevators for staff only."""
    raw = synthetic_campus(target_nodes)
    for connector in raw["connectors"]:
        if connector["id"].startswith(f"{BLOCKED_BUILDING}-elevator"):
            connector["access"] = "staff"
    return raw


def cpu_seconds(action: Callable[[], object]) -> float:
    start = time.process_time()
    action()
    return time.process_time() - start


def old_load_and_validate(raw: dict[str, Any]) -> int:
    """The old way, end to end; returns how many errors it found."""
    validator = jsonschema.Draft202012Validator(floorplan_schema(format_version_of(raw)))
    if any(True for _ in validator.iter_errors(raw)):
        return -1
    data = migrate_to_current(raw)
    reference_issues(data)
    plan = build_floorplan(data)
    graph = build_graph(plan).graph
    public = [d for d in plan.destinations.values() if d.is_public]
    errors = 0
    for profile in Profile:
        weight = make_weight(profile)
        with_staff = make_weight(profile, include_staff=True)
        for kiosk in plan.kiosks.values():
            seconds = nx.single_source_dijkstra_path_length(graph, kiosk.node, weight=weight)
            for destination in public:
                if destination.node in seconds:
                    continue
                try:  # one more full-graph search per unreachable destination
                    nx.dijkstra_path(graph, kiosk.node, destination.node, weight=with_staff)
                except nx.NetworkXNoPath:
                    pass
                _linear_path_of(data, destination.id)
                errors += 1
    return errors


def _linear_path_of(raw: dict[str, Any], element: str) -> str:
    """The old issue locator: scan the sections until the id turns up."""
    for section in ("nodes", "edges", "connectors", "destinations", "kiosks", "closures"):
        for index, item in enumerate(raw.get(section, [])):
            if item.get("id") == element:
                return f"$.{section}[{index}]"
    return "$"


def moved_node(raw: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """The campus after an editor's drag of one corridor node by 30 cm."""
    edited = dict(raw)
    edited["nodes"] = list(raw["nodes"])
    index = len(edited["nodes"]) // 2
    edited["nodes"][index] = {**raw["nodes"][index], "x": raw["nodes"][index]["x"] + 0.3}
    return edited, {edited["nodes"][index]["id"]}


@dataclass(frozen=True)
class Row:
    """One campus size: Lobby's figures beside the old way's."""

    nodes: int
    errors: str
    new_load_validate_s: float
    old_load_validate_s: float
    new_edit_s: float
    old_edit_s: float


def measure(target_nodes: int, *, old_up_to: int) -> Row:
    """Both ways on one campus size (the old way only up to `old_up_to` nodes)."""
    raw = campus_with_problems(target_nodes)
    holder: dict[str, Any] = {}
    new_s = cpu_seconds(lambda: holder.setdefault("report", validate(load_floorplan(raw))))
    report = holder["report"]
    edited, changed = moved_node(raw)
    before = check_floorplan(raw)
    new_edit_s = cpu_seconds(
        lambda: holder.setdefault("after", revalidate(before, edited, changed))
    )
    assert holder["after"].report == report
    old_s = old_edit_s = math.nan
    if target_nodes <= old_up_to:
        old_s = cpu_seconds(lambda: holder.setdefault("old", old_load_and_validate(raw)))
        old_edit_s = cpu_seconds(lambda: old_load_and_validate(edited))
    old_errors = f"{holder['old']} lines" if "old" in holder else "-"
    return Row(
        len(raw["nodes"]),
        f"{len(report.errors)} grouped / old: {old_errors}",
        new_s,
        old_s,
        new_edit_s,
        old_edit_s,
    )


def _seconds(value: float) -> str:
    return "not run" if math.isnan(value) else f"{value:.2f} s"


def _ratio(old: float, new: float) -> str:
    return "-" if math.isnan(old) or new <= 0 else f"{old / new:,.0f}x"


def markdown_table(rows: list[Row]) -> str:
    """The rows as a Markdown table for the README."""
    lines = [
        "| nodes | errors reported | load + validate: Lobby / old (CPU) | speed-up "
        "| one edit revalidated: Lobby / old (CPU) | speed-up |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.nodes:,} | {row.errors} "
            f"| {_seconds(row.new_load_validate_s)} / {_seconds(row.old_load_validate_s)} "
            f"| {_ratio(row.old_load_validate_s, row.new_load_validate_s)} "
            f"| {row.new_edit_s * 1000:.0f} ms / {_seconds(row.old_edit_s)} "
            f"| {_ratio(row.old_edit_s, row.new_edit_s)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--nodes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument(
        "--old-up-to", type=int, default=100_000, help="largest campus to run the old way on"
    )
    args = parser.parse_args()
    rows = [measure(nodes, old_up_to=args.old_up_to) for nodes in args.nodes]
    print(markdown_table(rows))
    print("targets: load + validate <= 5 s at 100,000 nodes; one edit <= 200 ms at 10,000")


if __name__ == "__main__":
    main()
