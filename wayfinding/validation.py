"""Graph-level checks a floorplan must pass before it is published.

The loader already rejects files it cannot build. These checks need the walking graph:
disconnected parts, public destinations that some kiosk cannot reach in some profile (and why:
a staff-only element on the only way, steps, a one-way edge), one-way traps, and, as warnings,
what the closures in force cut off. Errors block publishing; warnings do not.

The staff editor runs this on every edit, so it is built for speed: one breadth-first search
per kiosk and profile (scipy, on a compact copy of the graph) answers every destination at
once, kiosks that can reach each other share their searches, issues are located through an
index built once, and each problem is stated once per destination and cause, naming the
kiosks it affects, instead of once per kiosk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components

from wayfinding.errors import Issue, Severity
from wayfinding.graph import WalkableLink, cost_attribute, walkable_links
from wayfinding.json_input import json_path
from wayfinding.model import Closure, Floorplan, NodeKind, Profile
from wayfinding.routing import Wayfinder, as_utc

# At most this many ids are listed in one message ("kiosks 'a', 'b', 'c' and 17 more").
MAX_LISTED = 5

Mask = npt.NDArray[np.bool_]
Indices = npt.NDArray[np.int32]

STAFF_ONLY = "its only way passes staff-only"
STEPS = "every way has stairs or an escalator, or a ramp steeper than 1:12"
ONE_WAY = "every way runs against a one-way edge"
NOT_JOINED = "no walkable way joins it to the kiosk"


@dataclass(frozen=True)
class ValidationReport:
    """Located errors (which block publishing) and warnings for one floorplan."""

    errors: tuple[Issue, ...]
    warnings: tuple[Issue, ...]

    @property
    def ok(self) -> bool:
        """True when nothing blocks publishing."""
        return not self.errors


def element_positions(plan: Floorplan) -> dict[str, tuple[str, int]]:
    """Where each element id sits (section, index), built in one pass: each lookup is O(1).

    The model keeps every section in file order (ids are unique across sections), so an
    element's place in its section is its place in the file."""
    # The sections an issue can be about, in the order their paths are looked up.
    sections: dict[str, Iterable[str]] = {
        "nodes": plan.nodes,
        "edges": plan.edges,
        "connectors": plan.connectors,
        "destinations": plan.destinations,
        "kiosks": plan.kiosks,
        "closures": (closure.id for closure in plan.closures),
        "floors": plan.floors,
        "buildings": plan.buildings,
        "landmarks": plan.landmarks,
    }
    positions: dict[str, tuple[str, int]] = {}
    for section, ids in sections.items():
        for index, item_id in enumerate(ids):
            positions.setdefault(item_id, (section, index))
    return positions


def validate(
    floorplan: Floorplan, wayfinder: Wayfinder | None = None, now: datetime | None = None
) -> ValidationReport:
    """Check a loaded floorplan; with a Wayfinder, its closures are the ones checked."""
    closures = wayfinder.closures if wayfinder is not None else floorplan.closures
    return validate_links(floorplan, walkable_links(floorplan), closures, now)


def validate_links(
    floorplan: Floorplan,
    links: Sequence[WalkableLink],
    closures: Iterable[Closure],
    now: datetime | None = None,
) -> ValidationReport:
    """`validate` on links already made (`wayfinding.graph.walkable_links`), for an editor
    that rebuilds only the links an edit touched."""
    checker = _Checker(floorplan, _LinkTable.of(floorplan, links))
    if not floorplan.kiosks:
        checker.add(Severity.WARNING, "", "no kiosks: nothing to route from", path="$.kiosks")
    checker.check_connected()
    checker.check_reachability()
    checker.check_one_way_traps()
    checker.check_closures(closures, as_utc(now))
    for destination in floorplan.destinations.values():
        if destination.is_public and not any(destination.synonyms.values()):
            checker.add(
                Severity.WARNING, destination.id, "no synonyms: people search in their own words"
            )
    return checker.report()


@dataclass(frozen=True)
class _LinkTable:
    """Every directed link as integer arrays: what scipy's graph searches take."""

    ids: list[str]
    index: dict[str, int]
    sources: Indices
    targets: Indices
    elements: list[str]
    public: Mask
    usable: dict[Profile, Mask]

    @classmethod
    def of(cls, plan: Floorplan, links: Sequence[WalkableLink]) -> _LinkTable:
        ids, index = plan.node_ids, plan.node_index
        count = len(links)
        usable = {}
        for profile in Profile:
            attribute = cost_attribute(profile)
            usable[profile] = np.fromiter(
                (link.attrs[attribute] is not None for link in links), np.bool_, count
            )
        return cls(
            ids,
            index,
            np.fromiter(map(index.__getitem__, (link.source for link in links)), np.int32, count),
            np.fromiter(map(index.__getitem__, (link.target for link in links)), np.int32, count),
            [link.element for link in links],
            np.fromiter((link.attrs["public"] for link in links), np.bool_, count),
            usable,
        )

    def graph(self, mask: Mask) -> csr_matrix:
        """The links chosen by `mask` as a sparse adjacency matrix."""
        size = len(self.ids)
        ones = np.ones(int(mask.sum()), dtype=np.int8)
        return csr_matrix((ones, (self.sources[mask], self.targets[mask])), shape=(size, size))

    def touching(self, elements: Iterable[str]) -> Mask:
        """Links that belong to, start at or end at any of the given elements."""
        closed = set(elements)
        nodes = np.zeros(len(self.ids), dtype=np.bool_)
        nodes[[self.index[e] for e in closed if e in self.index]] = True
        by_element = np.fromiter((e in closed for e in self.elements), np.bool_, len(self.elements))
        result: Mask = by_element | nodes[self.sources] | nodes[self.targets]
        return result

    @cached_property
    def _pairs(self) -> tuple[npt.NDArray[np.int64], Mask, Indices]:
        """Node pairs joined by links, sorted: (pair key, any link public, first link)."""
        keys = self.sources.astype(np.int64) * len(self.ids) + self.targets
        order = np.argsort(keys, kind="stable")
        unique, starts = np.unique(keys[order], return_index=True)
        any_public = np.logical_or.reduceat(self.public[order], starts)
        return unique, any_public, order[starts].astype(np.int32)

    def first_staff_only(self, path: Indices) -> str:
        """The first element on a path of node indices that only staff may use ("" if none).

        (An edge and a connector may join the same two nodes; a public one wins.)
        """
        unique, any_public, first_link = self._pairs
        hops = np.searchsorted(unique, path[:-1].astype(np.int64) * len(self.ids) + path[1:])
        staff = np.flatnonzero(~any_public[hops])
        return self.elements[int(first_link[hops[staff[0]]])] if staff.size else ""


def _reached(graph: csr_matrix, start: int) -> tuple[Mask, Indices]:
    """Nodes reachable from `start` and the breadth-first predecessor of each."""
    order, predecessors = breadth_first_order(graph, start, directed=True, return_predecessors=True)
    reached = np.zeros(graph.shape[0], dtype=np.bool_)
    reached[order] = True
    return reached, predecessors


@dataclass
class _Checker:
    """Runs the checks on one floorplan and collects grouped, located issues."""

    plan: Floorplan
    links: _LinkTable
    issues: list[Issue] = field(default_factory=list)

    @cached_property
    def positions(self) -> dict[str, tuple[str, int]]:
        return element_positions(self.plan)

    @cached_property
    def kiosk_nodes(self) -> dict[str, int]:
        return {k.id: self.links.index[k.node] for k in self.plan.kiosks.values()}

    @cached_property
    def public_destinations(self) -> dict[str, int]:
        return {
            d.id: self.links.index[d.node] for d in self.plan.destinations.values() if d.is_public
        }

    def add(self, severity: Severity, element: str, message: str, path: str = "") -> None:
        if not path:
            position = self.positions.get(element)
            path = json_path(position) if position else "$"
        self.issues.append(Issue(severity, element, path, message))

    def report(self) -> ValidationReport:
        """Issues in file order (then in the order of the checks), whatever order links had."""
        ordered = sorted(self.issues, key=lambda issue: _file_order(issue.json_path))
        errors = tuple(i for i in ordered if i.severity is Severity.ERROR)
        warnings = tuple(i for i in ordered if i.severity is Severity.WARNING)
        return ValidationReport(errors, warnings)

    def profile_mask(self, profile: Profile, *, include_staff: bool = False) -> Mask:
        usable = self.links.usable[profile]
        return usable if include_staff else usable & self.links.public

    def check_connected(self) -> None:
        """Every part of the building must connect to the rest (whatever the access)."""
        everything = self.links.graph(np.ones(len(self.links.elements), dtype=np.bool_))
        count, labels = connected_components(everything, directed=True, connection="weak")
        if count < 2:
            return
        sizes = np.bincount(labels)
        main = int(sizes.argmax())
        for label in range(count):
            if label == main:
                continue
            members = sorted(self.links.ids[i] for i in np.flatnonzero(labels == label))
            self.add(
                Severity.ERROR,
                members[0],
                f"disconnected: {len(members)} node(s) ({_listing(members, quoted=False)}) "
                "are not joined to the rest of the floorplan",
            )

    def searches(self, mask: Mask) -> _Searches:
        return _Searches(self.links.graph(mask), self.kiosk_nodes)

    def check_reachability(self) -> None:
        """Each public destination from each kiosk in each profile, grouped by cause."""
        if not self.kiosk_nodes or not self.public_destinations:
            return
        failures: dict[tuple[str, str], dict[str, list[str]]] = {}
        staff_elements: dict[str, list[str]] = {}  # destination -> staff-only elements named
        standard = self.searches(self.profile_mask(Profile.STANDARD))
        for profile in Profile:
            ways = _ProfileWays(
                profile,
                self.searches(self.profile_mask(profile)),
                self.searches(self.profile_mask(profile, include_staff=True)),
                standard,
            )
            for kiosk_id in self.kiosk_nodes:
                for destination_id, node in self.unreached(ways.visitors.reached(kiosk_id)):
                    cause, element = self.cause(ways, kiosk_id, node)
                    named = staff_elements.setdefault(destination_id, [])
                    if element and element not in named:
                        named.append(element)
                    by_kiosk = failures.setdefault((destination_id, cause), {})
                    by_kiosk.setdefault(kiosk_id, []).append(profile.value)
        for (destination_id, cause), by_kiosk in failures.items():
            if cause == STAFF_ONLY:
                cause = f"{cause} {_listing(staff_elements[destination_id])}"
            for profiles, kiosks in _by_profiles(by_kiosk).items():
                self.add(
                    Severity.ERROR,
                    destination_id,
                    f"not reachable from {_kiosks(kiosks)} in the {_profiles(profiles)}: {cause}",
                )

    def cause(self, ways: _ProfileWays, kiosk_id: str, node: int) -> tuple[str, str]:
        """Why visitors cannot get from the kiosk to a node, and the staff-only element if so."""
        if ways.with_staff.reached(kiosk_id)[node]:
            element = self.links.first_staff_only(ways.with_staff.path(kiosk_id, node))
            if element:
                return STAFF_ONLY, element
        if ways.profile is Profile.STEP_FREE and ways.standard.reached(kiosk_id)[node]:
            return STEPS, ""
        if ways.undirected.joined(self.kiosk_nodes[kiosk_id], node):
            return ONE_WAY, ""
        return NOT_JOINED, ""

    @cached_property
    def destination_nodes(self) -> Indices:
        return np.fromiter(self.public_destinations.values(), np.int32)

    def unreached(self, reached: Mask) -> list[tuple[str, int]]:
        """The public destinations (id, node) that `reached` leaves out."""
        ids = list(self.public_destinations)
        missing = np.flatnonzero(~reached[self.destination_nodes])
        return [(ids[i], int(self.destination_nodes[i])) for i in missing]

    def check_one_way_traps(self) -> None:
        """Places a visitor can walk into from a kiosk but not back out of (exits excepted)."""
        exits = np.fromiter(
            (n.kind is NodeKind.EXIT for n in self.plan.nodes.values()),
            np.bool_,
            len(self.links.ids),
        )
        traps: dict[str, dict[str, list[str]]] = {}  # element -> kiosk -> profiles
        for profile in Profile:
            mask = self.profile_mask(profile)
            forward = self.searches(mask)
            backward = _Searches(forward.graph.T.tocsr(), self.kiosk_nodes)
            for kiosk_id in self.kiosk_nodes:
                there, back = forward.reached(kiosk_id), backward.reached(kiosk_id)
                trapped = there & ~back & ~exits
                if not trapped.any():
                    continue
                both_ways = there & back
                entering = mask & both_ways[self.links.sources] & trapped[self.links.targets]
                for link in np.flatnonzero(entering):
                    by_kiosk = traps.setdefault(self.links.elements[link], {})
                    seen_in = by_kiosk.setdefault(kiosk_id, [])
                    if profile.value not in seen_in:
                        seen_in.append(profile.value)
        for element, by_kiosk in traps.items():
            for profiles, kiosks in _by_profiles(by_kiosk).items():
                self.add(
                    Severity.ERROR,
                    element,
                    f"one-way trap in the {_profiles(profiles)}: after {element!r} "
                    f"there is no way back to {_kiosks(kiosks)}",
                )

    def check_closures(self, closures: Iterable[Closure], now: datetime) -> None:
        """Warn about expired closures and what the closures in force cut off."""
        in_force = []
        for closure in closures:
            if closure.is_active(now):
                in_force.append(closure.element)
            else:
                self.add(Severity.WARNING, closure.id, "expired; remove it")
        if not in_force or not self.kiosk_nodes:
            return
        open_links = ~self.links.touching(in_force)
        cut_off: dict[str, dict[str, list[str]]] = {}  # destination -> kiosk -> profiles
        for profile in Profile:
            mask = self.profile_mask(profile)
            usually, now_open = self.searches(mask), self.searches(mask & open_links)
            for kiosk_id in self.kiosk_nodes:
                before, after = usually.reached(kiosk_id), now_open.reached(kiosk_id)
                for destination_id, node in self.public_destinations.items():
                    if before[node] and not after[node]:
                        by_kiosk = cut_off.setdefault(destination_id, {})
                        by_kiosk.setdefault(kiosk_id, []).append(profile.value)
        for destination_id, by_kiosk in cut_off.items():
            for profiles, kiosks in _by_profiles(by_kiosk).items():
                self.add(
                    Severity.WARNING,
                    destination_id,
                    f"while closures are in force, not reachable from {_kiosks(kiosks)} "
                    f"in the {_profiles(profiles)}",
                )


@dataclass
class _Searches:
    """Breadth-first searches from each kiosk on one graph, shared by kiosks that can reach
    each other (same strongly connected part: same answer)."""

    graph: csr_matrix
    kiosk_nodes: Mapping[str, int]
    _by_part: dict[int, Mask] = field(default_factory=dict)
    _predecessors: dict[str, Indices] = field(default_factory=dict)

    @cached_property
    def parts(self) -> npt.NDArray[np.int32]:
        _, labels = connected_components(self.graph, directed=True, connection="strong")
        return labels

    def reached(self, kiosk_id: str) -> Mask:
        """Which nodes a visitor starting at the kiosk can get to."""
        start = self.kiosk_nodes[kiosk_id]
        part = int(self.parts[start])
        if part not in self._by_part:
            self._by_part[part] = _reached(self.graph, start)[0]
        return self._by_part[part]

    def path(self, kiosk_id: str, node: int) -> Indices:
        """A way from the kiosk to a reached node (predecessors belong to one start)."""
        start = self.kiosk_nodes[kiosk_id]
        if kiosk_id not in self._predecessors:
            self._predecessors[kiosk_id] = _reached(self.graph, start)[1]
        predecessors = self._predecessors[kiosk_id]
        path = [node]
        while path[-1] != start:
            path.append(int(predecessors[path[-1]]))
        return np.array(path[::-1], dtype=np.int32)


@dataclass
class _ProfileWays:
    """The searches that explain why a destination is out of reach in one profile."""

    profile: Profile
    visitors: _Searches
    with_staff: _Searches
    standard: _Searches

    @cached_property
    def undirected(self) -> _WeakParts:
        return _WeakParts(self.visitors.graph)


@dataclass
class _WeakParts:
    """Which nodes are joined at all when one-way edges are ignored."""

    graph: csr_matrix

    @cached_property
    def labels(self) -> npt.NDArray[np.int32]:
        _, labels = connected_components(self.graph, directed=True, connection="weak")
        return labels

    def joined(self, a: int, b: int) -> bool:
        return bool(self.labels[a] == self.labels[b])


def _file_order(path: str) -> list[tuple[int, str]]:
    """Sort key putting $.nodes[9] before $.nodes[10]."""
    return [(int(t), "") if t.isdigit() else (-1, t) for t in re.findall(r"\d+|\D+", path)]


def _by_profiles(by_kiosk: Mapping[str, list[str]]) -> dict[tuple[str, ...], list[str]]:
    """Kiosks grouped by the profiles a problem affects them in (usually one group)."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for kiosk_id, profiles in by_kiosk.items():
        groups.setdefault(tuple(profiles), []).append(kiosk_id)
    return groups


def _profiles(profiles: tuple[str, ...]) -> str:
    return " and ".join(profiles) + (" profile" if len(profiles) == 1 else " profiles")


def _listing(names: list[str], *, quoted: bool = True) -> str:
    """Up to MAX_LISTED names, then how many more: messages stay short on a campus."""
    shown = [repr(n) if quoted else n for n in names[:MAX_LISTED]]
    more = f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else ""
    return ", ".join(shown) + more


def _kiosks(kiosk_ids: list[str]) -> str:
    return ("kiosk " if len(kiosk_ids) == 1 else "kiosks ") + _listing(kiosk_ids)
