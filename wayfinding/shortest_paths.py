"""Shortest-path searches on a compact, integer-indexed copy of the walking graph.

The walking links (`graph.walkable_links`, the same list the networkx graph is made from) are
read once into flat arrays, an `EdgeTable`; each profile with the closures in force is a mask
over that table, compiled into a CSR matrix. No networkx graph is needed to serve routes, which
keeps a 100,000-node campus in a fraction of the memory. Single-source trees come from
`scipy.sparse.csgraph.dijkstra` (compiled code, about 1/16 of the CPU of a Python heap at
100,000 nodes, identical costs) and are kept as one int32 array of predecessors, with the
seconds to the destinations alone as float32 rounded up, good only as bounds: 0.4 MB per tree
at 100,000 nodes where float64 seconds to every node and the predecessors took 1.2 MB (and
the seconds towards a kiosk, float16 bounds, 0.2 MB where they took 0.8), in memory that
forked web workers share as long as nobody writes to it. A kiosk route is then a walk along
the predecessors, and its exact seconds are the sum of its links' seconds in walking order,
the very additions the Dijkstra made. An any-to-any route is a Dijkstra bounded by the
kiosks' trees (a way through a kiosk is never better than the best way, so the search stops
at its cost).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order, dijkstra

from wayfinding.graph import DEFAULT_COSTS, CostModel, cost_attribute, walkable_links
from wayfinding.model import Access, EdgeKind, Floorplan, Profile

NO_CONNECTOR = -1
EDGE_KINDS = tuple(EdgeKind)

FloatArray = npt.NDArray[np.float64]
Float32Array = npt.NDArray[np.float32]
# Seconds kept only to bound searches, in float32 or float16.
BoundArray = npt.NDArray[np.floating[Any]]
IndexArray = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class EdgeTable:
    """Every directed link of the walking graph once, as flat arrays: row k runs from node
    sources[k] to node targets[k] (indices into `ids`).

    `costs` are the seconds per profile (NaN where the profile may not use the link); staff
    access and closures are masks applied by `usable`, as `graph.make_weight` applies them.
    `elements` and `connectors` index `element_ids` (the edge or connector a link belongs to).
    Links are found by their code source * len(ids) + target in `sorted_codes` (a few MB,
    where a dict of id pairs would take tens at 100,000 nodes).
    """

    ids: list[str]
    index: dict[str, int]
    sources: IndexArray
    targets: IndexArray
    public: BoolArray
    costs: dict[Profile, FloatArray]
    lengths: FloatArray
    kinds: npt.NDArray[np.int8]
    elements: IndexArray
    connectors: IndexArray
    element_ids: list[str]
    element_index: dict[str, int]
    node_public: BoolArray
    sorted_codes: npt.NDArray[np.int64]
    rows_by_code: npt.NDArray[np.int64]

    @classmethod
    def of(cls, floorplan: Floorplan, costs: CostModel = DEFAULT_COSTS) -> EdgeTable:
        """Read the walking links once; a later link between the same two nodes replaces an
        earlier one, as it does in the networkx graph."""
        ids, index = floorplan.node_ids, floorplan.node_index
        # Every edge and connector has links, edges first, as `walkable_links` lists them.
        # What the table keeps is made before the links, which are dropped whole afterwards:
        # a kept object made among them would keep their memory pages resident.
        element_ids = [*floorplan.edges, *floorplan.connectors]
        element_index = {element: code for code, element in enumerate(element_ids)}
        links = walkable_links(floorplan, costs)
        # One tight pass per column: quicker in Python than one loop filling them all.
        kind_code = {kind.value: code for code, kind in enumerate(EDGE_KINDS)}
        attrs = [link.attrs for link in links]
        columns = {
            "u": [index[link.source] for link in links],
            "v": [index[link.target] for link in links],
            "e": [element_index[link.element] for link in links],
            "c": [element_index.get(a["connector"], NO_CONNECTOR) for a in attrs],
            "k": [kind_code[a["kind"]] for a in attrs],
            "m": [a["length_m"] for a in attrs],
        }
        public = [a["public"] for a in attrs]
        seconds = {
            profile: [math.nan if a[key] is None else a[key] for a in attrs]
            for profile, key in ((p, cost_attribute(p)) for p in Profile)
        }
        sources = np.array(columns["u"], dtype=np.int32)
        targets = np.array(columns["v"], dtype=np.int32)
        codes = sources.astype(np.int64) * len(ids) + targets
        # The last link of each (source, target) pair, in the order the links came.
        reversed_codes = codes[::-1]
        _, first_of_reversed = np.unique(reversed_codes, return_index=True)
        kept = np.sort(len(codes) - 1 - first_of_reversed)
        codes = codes[kept]
        order = np.argsort(codes)
        nodes = list(floorplan.nodes.values())
        return cls(
            ids=ids,
            index=index,
            sources=sources[kept],
            targets=targets[kept],
            public=np.array(public, dtype=np.bool_)[kept],
            costs={p: np.array(c, dtype=np.float64)[kept] for p, c in seconds.items()},
            lengths=np.array(columns["m"], dtype=np.float64)[kept],
            kinds=np.array(columns["k"], dtype=np.int8)[kept],
            elements=np.array(columns["e"], dtype=np.int32)[kept],
            connectors=np.array(columns["c"], dtype=np.int32)[kept],
            element_ids=element_ids,
            element_index=element_index,
            node_public=np.array([n.access is Access.PUBLIC for n in nodes], dtype=np.bool_),
            sorted_codes=codes[order],
            rows_by_code=order,
        )

    def rows(
        self, sources: npt.NDArray[np.integer], targets: npt.NDArray[np.integer]
    ) -> IndexArray:
        """The row of each (source, target) index pair, -1 where there is no such link."""
        codes = sources.astype(np.int64) * len(self.ids) + targets
        if not len(self.sorted_codes):
            return np.full(len(codes), -1, dtype=np.int32)
        found = np.minimum(np.searchsorted(self.sorted_codes, codes), len(self.sorted_codes) - 1)
        hit = self.sorted_codes[found] == codes
        return np.where(hit, self.rows_by_code[found], -1).astype(np.int32)

    def rows_of_element(self, element: str) -> IndexArray:
        """The links a closure of this node, edge or connector id takes out of use."""
        if element in self.element_index:
            code = self.element_index[element]
            mask = (self.elements == code) | (self.connectors == code)
        elif element in self.index:
            node = self.index[element]
            mask = (self.sources == node) | (self.targets == node)
        else:
            return np.zeros(0, dtype=np.int32)
        return np.flatnonzero(mask).astype(np.int32)

    def element_of(self, row: int) -> str:
        """The connector a link belongs to, else its edge: what a person would name."""
        connector = int(self.connectors[row])
        return self.element_ids[connector if connector != NO_CONNECTOR else self.elements[row]]

    def usable(self, profile: Profile, closed_elements: Iterable[str]) -> BoolArray:
        """Rows a visitor in this profile may walk with these elements closed (make_weight's
        rule for the public, as a mask)."""
        usable = ~np.isnan(self.costs[profile]) & self.public
        for element in closed_elements:
            usable[self.rows_of_element(element)] = False
        return usable


@dataclass(frozen=True)
class CompiledProfile:
    """Adjacency of one profile with one set of closures; index i stands for node ids[i].

    Only the forward links are kept: the reverse matrix serves the searches towards the
    kiosks, made once per build and dropped (see `seconds_to_each`)."""

    profile: Profile
    ids: list[str]
    index: dict[str, int]
    forward: csr_matrix


def compile_profile(
    table: EdgeTable,
    profile: Profile,
    closed_elements: Iterable[str] = (),
) -> CompiledProfile:
    """Compile the links of `profile` visitors may use (minus closed ones) into a CSR matrix."""
    usable = table.usable(profile, closed_elements)
    sources, targets = table.sources[usable], table.targets[usable]
    costs = table.costs[profile][usable]
    count = len(table.ids)
    forward = csr_matrix((costs, (sources, targets)), shape=(count, count))
    return CompiledProfile(profile, table.ids, table.index, forward)


def upper_bounds(seconds: FloatArray, dtype: type[np.floating[Any]] = np.float32) -> BoundArray:
    """Seconds in a smaller float type, each rounded up where it would fall short: never
    below the true cost, so a search it bounds stays exact. Beyond the type's range (float16:
    about 18 hours) a bound is infinite, which only leaves a search unbounded."""
    with np.errstate(over="ignore"):
        bounds = seconds.astype(dtype)
    short = bounds < seconds
    bounds[short] = np.nextafter(bounds[short], dtype(np.inf))
    return bounds


# What scipy's Dijkstra writes as the predecessor of the source and of unreachable nodes.
NO_PREDECESSOR = -9999


@dataclass(frozen=True)
class ShortestPathTree:
    """Predecessors from one source to every node, and the seconds to the `places` (sorted
    node indices shared by every tree: the destinations) as float32 upper bounds, inf where
    a place cannot be reached. Seconds to every node would take as much again as the
    predecessors, and only bound searches towards places."""

    source: int
    predecessor: IndexArray
    places: IndexArray
    place_seconds_bound: Float32Array

    def reaches(self, target: int) -> bool:
        """Whether a path from the source to `target` exists."""
        return target == self.source or int(self.predecessor[target]) != NO_PREDECESSOR

    def seconds_bound(self, target: int) -> float:
        """Seconds to `target` or more; inf for a node that is not a place (no bound known)."""
        slot = int(np.searchsorted(self.places, target))
        if slot < len(self.places) and self.places[slot] == target:
            return float(self.place_seconds_bound[slot])
        return math.inf

    def path_to(self, target: int) -> list[int] | None:
        """Node indices from the source to `target`, or None if it cannot be reached."""
        if not self.reaches(target):
            return None
        return walk_back(self.predecessor, self.source, target)


def walk_back(predecessor: IndexArray, source: int, target: int) -> list[int]:
    """The path from `source` to a reached `target`, read back along the predecessors."""
    before = predecessor.data  # plain ints, far quicker than numpy items
    path = [target]
    while path[-1] != source:
        path.append(before[path[-1]])
    path.reverse()
    return path


def shortest_path_tree(
    compiled: CompiledProfile, source: int, places: IndexArray
) -> ShortestPathTree:
    """The full Dijkstra tree from `source`, kept compact (see `ShortestPathTree`)."""
    seconds, predecessor = dijkstra(
        compiled.forward, indices=np.asarray(source), return_predecessors=True
    )
    return ShortestPathTree(
        source,
        predecessor.astype(np.int32, copy=False),
        places,
        upper_bounds(seconds[places]),
    )


def seconds_to_each(compiled: CompiledProfile, targets: Sequence[int]) -> list[BoundArray]:
    """For each target, the seconds from every node to it as float16 upper bounds (inf:
    cannot reach it or farther than float16 counts): one search over the reversed links
    for all of them. Bounds 0.1 % loose cost a bounded search next to nothing, and 2 bytes
    per node and kiosk are 8 MB at 100,000 nodes and 20 kiosks in 2 profiles."""
    if not targets:
        return []
    backward = compiled.forward.transpose().tocsr()
    seconds = dijkstra(backward, indices=np.asarray(targets))
    return [upper_bounds(row, np.float16) for row in np.atleast_2d(seconds)]


@dataclass(frozen=True)
class LandmarkTrees:
    """Precomputed seconds from and to one landmark (a kiosk), to bound other searches."""

    outward: ShortestPathTree
    inward: BoundArray


# Slack on the landmark bound, so rounding in a sum of seconds never cuts off the best path.
BOUND_SLACK = 1e-9


def shortest_path(
    compiled: CompiledProfile,
    source: int,
    target: int,
    landmarks: Sequence[LandmarkTrees] = (),
) -> list[int] | None:
    """The cheapest path between two nodes as node indices, or None.

    Going by way of a landmark L costs d(source, L) + d(L, target), so the best path costs no
    more: scipy's Dijkstra from `source` stops at that bound instead of covering the whole
    campus. Exact, like any Dijkstra; the bound only saves work.
    """
    bound = min(
        (float(lm.inward[source]) + lm.outward.seconds_bound(target) for lm in landmarks),
        default=math.inf,
    )
    seconds, predecessor = dijkstra(
        compiled.forward,
        indices=np.asarray(source),
        return_predecessors=True,
        limit=bound * (1 + BOUND_SLACK) + BOUND_SLACK,
    )
    if math.isinf(seconds[target]):
        return None
    return walk_back(predecessor, source, target)


def reachable(compiled: CompiledProfile, source: int) -> bytearray:
    """Flags of the nodes reachable from `source`."""
    order = breadth_first_order(compiled.forward, source, directed=True, return_predecessors=False)
    seen = np.zeros(len(compiled.ids), dtype=np.uint8)
    seen[order] = 1
    return bytearray(seen.tobytes())
