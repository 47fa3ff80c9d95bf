"""Graph-level checks a floorplan must pass before it is published.

The loader already rejects files it cannot build. These checks need the walking graph:
disconnected parts, public destinations that some kiosk cannot reach in some profile (and why:
a staff-only element on the only way, steps), one-way traps, and, as warnings, what the
closures in force cut off. Errors block publishing; warnings do not.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import networkx as nx

from wayfinding.errors import Issue, Severity
from wayfinding.graph import RoutingGraph
from wayfinding.json_input import json_path
from wayfinding.model import Floorplan, Profile
from wayfinding.routing import Wayfinder, as_utc
from wayfinding.shortest_paths import CompiledProfile, astar_path, compile_profile, reachable

# Adds one issue: (severity, element id, message); the JSON path is looked up from the id.
_Reporter = Callable[[Severity, str, str], None]

# Report at most this many one-way traps per kiosk and profile; one usually explains the rest.
MAX_TRAPS_REPORTED = 5


@dataclass(frozen=True)
class ValidationReport:
    """Located errors (which block publishing) and warnings for one floorplan."""

    errors: tuple[Issue, ...]
    warnings: tuple[Issue, ...]

    @property
    def ok(self) -> bool:
        """True when nothing blocks publishing."""
        return not self.errors


def _path_of(plan: Floorplan, element: str) -> str:
    """The JSON path of an element id, for locating issues found on the graph."""
    for section in ("nodes", "edges", "connectors", "destinations", "kiosks", "closures"):
        for index, item in enumerate(plan.raw.get(section, [])):
            if item.get("id") == element:
                return json_path([section, index])
    return "$"


def validate(
    floorplan: Floorplan, wayfinder: Wayfinder | None = None, now: datetime | None = None
) -> ValidationReport:
    """Check a loaded floorplan; pass the Wayfinder if one exists to reuse its kiosk trees."""
    finder = wayfinder or Wayfinder(floorplan, precompute=False)
    plan = finder.floorplan
    errors: list[Issue] = []
    warnings: list[Issue] = []

    def issue(severity: Severity, element: str, message: str) -> None:
        target = errors if severity is Severity.ERROR else warnings
        target.append(Issue(severity, element, _path_of(plan, element), message))

    if not plan.kiosks:
        warnings.append(Issue(Severity.WARNING, "", "$.kiosks", "no kiosks: nothing to route from"))
    _check_connected(finder.routing, issue)
    _check_reachability(finder, issue)
    _check_one_way_traps(finder, issue)
    _check_closures(finder, as_utc(now), issue)
    for destination in plan.destinations.values():
        if destination.is_public and not any(destination.synonyms.values()):
            issue(Severity.WARNING, destination.id, "no synonyms: people search in their own words")
    return ValidationReport(tuple(errors), tuple(warnings))


def _check_connected(routing: RoutingGraph, issue: _Reporter) -> None:
    """Every part of the building must connect to the rest (whatever the access)."""
    parts = sorted(nx.weakly_connected_components(routing.graph), key=len, reverse=True)
    for part in parts[1:]:
        sample = sorted(part)
        issue(
            Severity.ERROR,
            sample[0],
            f"disconnected: {len(part)} node(s) ({', '.join(sample[:3])}"
            f"{', ...' if len(part) > 3 else ''}) are not joined to the rest of the floorplan",
        )


def _check_reachability(finder: Wayfinder, issue: _Reporter) -> None:
    """Each public destination from each kiosk in each profile, with the reason if not."""
    plan = finder.floorplan
    public = [d for d in plan.destinations.values() if d.is_public]
    staff_allowed: dict[Profile, CompiledProfile] = {}
    for profile in Profile:
        for kiosk in plan.kiosks.values():
            seconds = finder.kiosk_seconds(kiosk.id, {d.node for d in public}, profile)
            for destination in public:
                if not math.isinf(seconds[destination.node]):
                    continue
                message = f"not reachable from kiosk {kiosk.id!r} in the {profile} profile"
                if profile not in staff_allowed:
                    staff_allowed[profile] = compile_profile(
                        finder.routing, profile, include_staff=True
                    )
                with_staff = staff_allowed[profile]
                found = astar_path(
                    with_staff, with_staff.index[kiosk.node], with_staff.index[destination.node]
                )
                if found is not None:
                    graph = finder.routing.graph
                    path = [with_staff.ids[i] for i in found[1]]
                    staff = [
                        graph.edges[u, v]["id"]
                        for u, v in zip(path, path[1:], strict=False)
                        if not graph.edges[u, v]["public"]
                    ]
                    message += f": its only way passes staff-only {staff[0]!r}"
                elif profile is Profile.STEP_FREE:
                    message += ": every way has stairs or an escalator"
                issue(Severity.ERROR, destination.id, message)


def _check_one_way_traps(finder: Wayfinder, issue: _Reporter) -> None:
    """Places a visitor can walk into from a kiosk but not back out of."""
    plan = finder.floorplan
    graph = finder.routing.graph
    for profile in Profile:
        compiled = finder.compiled_profile(profile)
        covered = bytearray(len(compiled.ids))
        for kiosk in plan.kiosks.values():
            start = compiled.index[kiosk.node]
            if covered[start]:
                continue  # same strongly connected part as an earlier kiosk: same answer
            forward = reachable(compiled, start)
            back = reachable(compiled, start, backwards=True)
            reported = 0
            for i in range(len(compiled.ids)):
                if forward[i] and back[i]:
                    covered[i] = 1
            for i, node_id in enumerate(compiled.ids):
                if not (forward[i] and not back[i]) or reported >= MAX_TRAPS_REPORTED:
                    continue
                for entry, _ in compiled.predecessors[i]:
                    if not (forward[entry] and back[entry]):
                        continue
                    edge_id = graph.edges[compiled.ids[entry], node_id]["id"]
                    issue(
                        Severity.ERROR,
                        edge_id,
                        f"one-way trap in the {profile} profile: after {edge_id!r} there is "
                        f"no way back to kiosk {kiosk.id!r}",
                    )
                    reported += 1


def _check_closures(finder: Wayfinder, now: datetime, issue: _Reporter) -> None:
    """Warn about expired closures and what the closures in force cut off."""
    plan = finder.floorplan
    for closure in finder.closures:
        if not closure.is_active(now):
            issue(Severity.WARNING, closure.id, "expired; remove it")
    closed = finder.closed_elements(now)
    if not closed:
        return
    public = [d for d in plan.destinations.values() if d.is_public]
    for profile in Profile:
        for kiosk in plan.kiosks.values():
            open_ways = finder.kiosk_seconds(kiosk.id, {d.node for d in public}, profile)
            now_ways = finder.kiosk_seconds(
                kiosk.id, {d.node for d in public}, profile, closed_elements=closed
            )
            for destination in public:
                if math.isinf(now_ways[destination.node]) and not math.isinf(
                    open_ways[destination.node]
                ):
                    issue(
                        Severity.WARNING,
                        destination.id,
                        f"while closures are in force, not reachable from kiosk {kiosk.id!r} "
                        f"in the {profile} profile",
                    )
