"""What a closure would do to the routes from every kiosk, before anyone confirms it.

`closure_impact(finder, proposed)` compares, for each profile, kiosk and public destination,
the route served now with the route that would be served once the proposed elements are
closed too: unchanged, changed (old and new seconds, metres and connectors), or unreachable.
It builds its own trees off the same floorplan and edge table, with the very functions the
serving `Wayfinder` uses (`compile_profile`, `shortest_path_tree`), so its verdicts are the
routes the kiosks will then show; the trees being served are not touched.

Verdicts for every destination come from the two trees' predecessor arrays at once: a path is
unchanged exactly when every node on it kept its predecessor, which pointer jumping finds for
all nodes in a logarithmic number of array passes. Only the routes that changed are walked,
and at most `max_listed` of them are described, so a large campus gives a bounded page.

`OpenRoutes` keeps the trees with nothing closed, so the kiosk can say which closed element a
detour avoids without searching a second route per request (`avoided_closures`).
"""

from __future__ import annotations

import enum
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from wayfinding.model import Closure, Destination, Kiosk, Profile
from wayfinding.routing import Route, Wayfinder, as_utc
from wayfinding.shortest_paths import (
    NO_CONNECTOR,
    BoolArray,
    ShortestPathTree,
    compile_profile,
    shortest_path_tree,
    walk_back,
)

# Changed routes described in full per preview; the rest are counted only.
DEFAULT_MAX_LISTED = 200


class Verdict(enum.StrEnum):
    """What the proposed closure does to one route."""

    UNCHANGED = "unchanged"
    CHANGED = "changed"
    UNREACHABLE = "unreachable"
    # No route before the closure either: nothing for the closure to change.
    ALREADY_UNREACHABLE = "already-unreachable"


@dataclass(frozen=True)
class WalkedPath:
    """A route's totals as a tree gives them: seconds, metres and the connectors taken."""

    seconds: float
    length_m: float
    connectors: tuple[str, ...]


@dataclass(frozen=True)
class RouteChange:
    """One route the closure changes or cuts; `after` is None when it becomes unreachable."""

    kiosk: str
    destination: str
    profile: Profile
    verdict: Verdict
    before: WalkedPath
    after: WalkedPath | None


@dataclass(frozen=True)
class ClosureImpact:
    """The verdict for every (kiosk, destination, profile), and the changed routes described
    (up to the cap; `listed_all` says whether every one is in `changes`)."""

    proposed: frozenset[str]
    verdicts: dict[tuple[str, str, Profile], Verdict]
    changes: tuple[RouteChange, ...]
    listed_all: bool

    def counts(self, profile: Profile) -> Counter[Verdict]:
        """How many routes of `profile` got each verdict."""
        return Counter(v for (_, _, p), v in self.verdicts.items() if p is profile)

    @property
    def changes_anything(self) -> bool:
        """Whether any route changes or becomes unreachable."""
        return any(v in (Verdict.CHANGED, Verdict.UNREACHABLE) for v in self.verdicts.values())


def kiosk_tree(
    finder: Wayfinder, kiosk: Kiosk, profile: Profile, closed: Iterable[str]
) -> ShortestPathTree:
    """The tree the serving wayfinder would build from `kiosk` with `closed` out of use."""
    compiled = compile_profile(finder.edges, profile, closed)
    return shortest_path_tree(compiled, compiled.index[kiosk.node], finder.places)


def unchanged_paths(before: ShortestPathTree, after: ShortestPathTree) -> BoolArray:
    """For every node, whether its path from the source is the same in both trees.

    A path is the same when each node on it has the same predecessor in both trees. Pointer
    jumping ANDs that over a node's ancestors: after k passes each node has checked the
    2^k nodes above it, so log2(depth) passes check every path."""
    nodes = np.arange(len(before.predecessor), dtype=np.int32)
    same: BoolArray = np.equal(before.predecessor, after.predecessor)
    parent = np.where(before.predecessor >= 0, before.predecessor, nodes)
    while True:
        grandparent = parent[parent]
        same = np.logical_and(same, same[parent])
        if np.array_equal(grandparent, parent):
            return same
        parent = grandparent


def walked(finder: Wayfinder, tree: ShortestPathTree, target: int, profile: Profile) -> WalkedPath:
    """Seconds, metres and connectors of the tree's path to `target` (added in walking order,
    as the served route adds them)."""
    table = finder.edges
    path = np.array(walk_back(tree.predecessor, tree.source, target), dtype=np.int32)
    rows = table.rows(path[:-1], path[1:])
    seconds = sum(table.costs[profile][rows].tolist(), 0.0)
    connectors: list[str] = []
    for code in table.connectors[rows].tolist():
        name = table.element_ids[code] if code != NO_CONNECTOR else ""
        if name and name not in connectors:
            connectors.append(name)
    return WalkedPath(seconds, float(table.lengths[rows].sum()), tuple(connectors))


def public_destinations(finder: Wayfinder) -> list[Destination]:
    """The destinations a kiosk routes to, in file order."""
    return [d for d in finder.floorplan.destinations.values() if d.is_public]


def closure_impact(
    finder: Wayfinder,
    proposed: Iterable[str],
    now: datetime | None = None,
    *,
    max_listed: int = DEFAULT_MAX_LISTED,
) -> ClosureImpact:
    """The effect of closing `proposed` elements on top of those closed at `now`, for every
    profile, kiosk and public destination (see the module docstring)."""
    closed_now = finder.closed_elements(as_utc(now) if now is not None else None)
    proposed_set = frozenset(proposed)
    closed_after = closed_now | proposed_set
    destinations = public_destinations(finder)
    index = finder.edges.index
    verdicts: dict[tuple[str, str, Profile], Verdict] = {}
    changes: list[RouteChange] = []
    changed_total = 0
    for profile in Profile:
        for kiosk in finder.floorplan.kiosks.values():
            before = kiosk_tree(finder, kiosk, profile, closed_now)
            after = kiosk_tree(finder, kiosk, profile, closed_after)
            same = unchanged_paths(before, after)
            for destination in destinations:
                target = index[destination.node]
                verdict = route_verdict(before, after, same, target)
                verdicts[(kiosk.id, destination.id, profile)] = verdict
                if verdict in (Verdict.CHANGED, Verdict.UNREACHABLE):
                    changed_total += 1
                    if len(changes) < max_listed:
                        described = (kiosk.id, destination.id, profile, verdict)
                        changes.append(route_change(finder, described, before, after, target))
    return ClosureImpact(proposed_set, verdicts, tuple(changes), changed_total <= max_listed)


def route_change(
    finder: Wayfinder,
    described: tuple[str, str, Profile, Verdict],
    before: ShortestPathTree,
    after: ShortestPathTree,
    target: int,
) -> RouteChange:
    """One changed or cut route, with its totals before and (if any) after the closure."""
    kiosk, destination, profile, verdict = described
    new = walked(finder, after, target, profile) if after.reaches(target) else None
    return RouteChange(
        kiosk, destination, profile, verdict, walked(finder, before, target, profile), new
    )


def route_verdict(
    before: ShortestPathTree, after: ShortestPathTree, same: BoolArray, target: int
) -> Verdict:
    """The verdict for one destination node from the two trees."""
    if not before.reaches(target):
        return Verdict.ALREADY_UNREACHABLE
    if not after.reaches(target):
        return Verdict.UNREACHABLE
    return Verdict.UNCHANGED if bool(same[target]) else Verdict.CHANGED


def elements_used(route: Route) -> frozenset[str]:
    """Every id a closure of which would take `route` out of use: its nodes, edges and
    connectors (a closed node closes the links touching it, see `EdgeTable.rows_of_element`)."""
    used = set(route.nodes)
    for hop in route.hops:
        used.add(hop.element)
        if hop.connector:
            used.add(hop.connector)
    return frozenset(used)


@dataclass
class OpenRoutes:
    """The routes from each kiosk with nothing closed, built once per kiosk and profile on
    first use and kept for the wayfinder's life (one tree each, as the serving ones)."""

    finder: Wayfinder
    _trees: dict[tuple[str, Profile], ShortestPathTree] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def tree(self, kiosk: Kiosk, profile: Profile) -> ShortestPathTree:
        """The open tree from `kiosk` in `profile`."""
        key = (kiosk.id, profile)
        found = self._trees.get(key)
        if found is None:
            with self._lock:
                found = self._trees.get(key)
                if found is None:
                    found = kiosk_tree(self.finder, kiosk, profile, ())
                    self._trees[key] = found
        return found

    def nodes_and_elements(self, route: Route) -> tuple[tuple[str, ...], frozenset[str]] | None:
        """The nodes and used elements of the open route with `route`'s start and end, or None
        when `route` does not start at a kiosk or nothing reaches its end even when open."""
        if route.kiosk is None:
            return None
        table = self.finder.edges
        tree = self.tree(route.kiosk, route.profile)
        target = table.index[route.nodes[-1]]
        if not tree.reaches(target):
            return None
        path = walk_back(tree.predecessor, tree.source, target)
        steps = np.array(path, dtype=np.int32)
        rows = table.rows(steps[:-1], steps[1:])
        nodes = tuple(table.ids[i] for i in path)
        used = set(nodes)
        for row in rows.tolist():
            used.add(table.element_ids[table.elements[row]])
            if table.connectors[row] != NO_CONNECTOR:
                used.add(table.element_ids[table.connectors[row]])
        return nodes, frozenset(used)


@dataclass(frozen=True)
class Detour:
    """A closure the route goes around, and the connectors it takes that the open route
    would not have (empty when it only takes other corridors)."""

    closure: Closure
    instead: tuple[str, ...]


def avoided_closures(
    open_routes: OpenRoutes, route: Route, closures: Sequence[Closure], now: datetime
) -> list[Detour]:
    """The closures in force at `now` that `route` avoids although the open route would have
    used them, each with the connectors `route` uses instead. No search: one walk along the
    open tree, and nothing at all when the route is the open route."""
    open_route = open_routes.nodes_and_elements(route)
    if open_route is None or open_route[0] == route.nodes:
        return []
    open_used = open_route[1]
    used = elements_used(route)
    instead = tuple(
        dict.fromkeys(
            hop.connector for hop in route.hops if hop.connector and hop.connector not in open_used
        )
    )
    return [
        Detour(closure, instead)
        for closure in closures
        if closure.is_active(now) and closure.element in open_used and closure.element not in used
    ]
