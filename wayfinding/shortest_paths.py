"""Shortest-path searches on a compact, integer-indexed copy of the walking graph.

The walking links (`graph.walkable_links`, the same list the networkx graph is made from) are
read once into flat arrays, an `EdgeTable`; each profile with the closures in force is a mask
over that table, compiled into a CSR matrix. No networkx graph is needed to serve routes, which
keeps a 100,000-node campus in a fraction of the memory. Single-source trees come from
`scipy.sparse.csgraph.dijkstra` (compiled code, about 1/16 of the CPU of a Python heap at
100,000 nodes, identical costs) and are kept as one float64 array of seconds and one int32
array of predecessors: about 1.2 MB per tree at 100,000 nodes, in memory that forked web
workers share as long as nobody writes to it. A kiosk route is then a walk along the
predecessors. Any-to-any routes use A* over the same CSR arrays, guided by the kiosks' trees.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order, dijkstra

from wayfinding.graph import DEFAULT_COSTS, CostModel, cost_attribute, walkable_links
from wayfinding.model import Access, EdgeKind, Floorplan, Profile

# What scipy puts in a predecessor array for the source and for nodes it cannot reach.
UNREACHED = -9999
NO_CONNECTOR = -1
EDGE_KINDS = tuple(EdgeKind)

FloatArray = npt.NDArray[np.float64]
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
    xs: FloatArray
    ys: FloatArray
    levels: npt.NDArray[np.int64]
    sorted_codes: npt.NDArray[np.int64]
    rows_by_code: npt.NDArray[np.int64]

    @classmethod
    def of(cls, floorplan: Floorplan, costs: CostModel = DEFAULT_COSTS) -> EdgeTable:
        """Read the walking links once; a later link between the same two nodes replaces an
        earlier one, as it does in the networkx graph."""
        ids = list(floorplan.nodes)
        index = {node_id: i for i, node_id in enumerate(ids)}
        links = walkable_links(floorplan, costs)
        # One tight pass per column: quicker in Python than one loop filling them all.
        element_ids = list(dict.fromkeys([link.element for link in links]))
        element_index = {element: code for code, element in enumerate(element_ids)}
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
        floors = floorplan.floors
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
            xs=np.array([n.x for n in nodes], dtype=np.float64),
            ys=np.array([n.y for n in nodes], dtype=np.float64),
            levels=np.array([floors[n.floor].level for n in nodes], dtype=np.int64),
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

    def usable(
        self, profile: Profile, closed_elements: Iterable[str], *, include_staff: bool = False
    ) -> BoolArray:
        """Rows this profile may walk with these elements closed (make_weight's rule, as a mask)."""
        usable = ~np.isnan(self.costs[profile])
        if not include_staff:
            usable &= self.public
        for element in closed_elements:
            usable[self.rows_of_element(element)] = False
        return usable


@dataclass(frozen=True)
class CompiledProfile:
    """Adjacency of one profile with one set of closures; index i stands for node ids[i]."""

    profile: Profile
    ids: list[str]
    index: dict[str, int]
    forward: csr_matrix
    backward: csr_matrix
    xs: FloatArray
    ys: FloatArray
    levels: npt.NDArray[np.int64]
    # The geometric A* estimate is straight-line metres times `seconds_per_metre` plus
    # levels to climb times `seconds_per_level`. Both rates are the smallest any usable edge
    # achieves, so the estimate never overstates (even with length overrides) and stays
    # consistent.
    seconds_per_metre: float
    seconds_per_level: float


def compile_profile(
    table: EdgeTable,
    profile: Profile,
    closed_elements: Iterable[str] = (),
    *,
    include_staff: bool = False,
) -> CompiledProfile:
    """Compile the usable links of `profile` (minus closed elements) into CSR matrices."""
    usable = table.usable(profile, closed_elements, include_staff=include_staff)
    sources, targets = table.sources[usable], table.targets[usable]
    costs = table.costs[profile][usable]
    count = len(table.ids)
    forward = csr_matrix((costs, (sources, targets)), shape=(count, count))
    backward = csr_matrix((costs, (targets, sources)), shape=(count, count))
    xs, ys, levels = table.xs, table.ys, table.levels
    distances = np.hypot(xs[sources] - xs[targets], ys[sources] - ys[targets])
    moving = distances > 0
    seconds_per_metre = float(np.min(costs[moving] / distances[moving])) if moving.any() else 0.0
    # What is left of a level-changing edge's cost after its horizontal part, per level.
    climbed = np.abs(levels[sources] - levels[targets])
    climbing = climbed > 0
    seconds_per_level = 0.0
    if climbing.any():
        flat = distances[climbing] * seconds_per_metre
        rest = np.maximum(0.0, costs[climbing] - flat) / climbed[climbing]
        seconds_per_level = float(np.min(rest))
    return CompiledProfile(
        profile,
        table.ids,
        table.index,
        forward,
        backward,
        xs,
        ys,
        levels,
        seconds_per_metre,
        seconds_per_level,
    )


@dataclass(frozen=True)
class ShortestPathTree:
    """Distances (seconds) and predecessors from one source to every node it can reach."""

    source: int
    seconds: FloatArray
    predecessor: IndexArray

    def path_to(self, target: int) -> list[int] | None:
        """Node indices from the source to `target`, or None if it cannot be reached."""
        if math.isinf(self.seconds[target]):
            return None
        predecessor = self.predecessor.data  # plain ints, far quicker than numpy items
        path = [target]
        while path[-1] != self.source:
            path.append(predecessor[path[-1]])
        path.reverse()
        return path


def shortest_path_tree(compiled: CompiledProfile, source: int) -> ShortestPathTree:
    """The full Dijkstra tree from `source`."""
    seconds, predecessor = dijkstra(
        compiled.forward, indices=np.asarray(source), return_predecessors=True
    )
    return ShortestPathTree(source, seconds, predecessor.astype(np.int32, copy=False))


def seconds_to(compiled: CompiledProfile, target: int) -> FloatArray:
    """Seconds from every node to `target` (inf where it cannot be reached); no paths kept."""
    seconds: FloatArray = dijkstra(compiled.backward, indices=np.asarray(target))
    return seconds


# How many precomputed trees guide one A* search; more costs time per node than it saves.
LANDMARKS_PER_SEARCH = 4


@dataclass(frozen=True)
class LandmarkTrees:
    """Precomputed trees from and to one landmark (a kiosk), used to bound A* searches."""

    outward: ShortestPathTree
    inward: FloatArray


def astar_path(
    compiled: CompiledProfile,
    source: int,
    target: int,
    landmarks: Sequence[LandmarkTrees] = (),
) -> tuple[float, list[int]] | None:
    """Cheapest path between two nodes with A*.

    The estimate is the largest of the geometric bound (straight-line metres and levels to
    climb, at the profile's cheapest rates) and, for landmarks L with trees from and to them,
    d(L, target) - d(L, node) and d(node, L) - d(target, L): lower bounds by the triangle
    inequality (the "ALT" technique). All are consistent, so the first time the target is
    popped its cost is optimal. Returns (seconds, node indices) or None. Among equal totals
    the node nearer the target goes first.
    """
    # Each guide is (per-node seconds, sign, offset): bound(node) = sign * seconds[node] + offset.
    guides: list[tuple[memoryview, float, float]] = []
    for landmark in landmarks:
        outward, inward = landmark.outward.seconds, landmark.inward
        if not math.isinf(outward[target]):
            guides.append((outward.data, -1.0, float(outward[target])))
        if not math.isinf(inward[target]):
            guides.append((inward.data, 1.0, -float(inward[target])))
    guides.sort(key=lambda guide: guide[1] * guide[0][source] + guide[2], reverse=True)
    del guides[LANDMARKS_PER_SEARCH:]
    # memoryviews index as plain Python numbers: this loop runs for every node reached.
    xs, ys, levels = compiled.xs.data, compiled.ys.data, compiled.levels.data
    tx, ty, target_level = xs[target], ys[target], levels[target]
    per_metre, per_level = compiled.seconds_per_metre, compiled.seconds_per_level
    hypot = math.hypot

    def estimate(node: int) -> float:
        value: float = hypot(xs[node] - tx, ys[node] - ty) * per_metre + (
            abs(levels[node] - target_level) * per_level
        )
        for seconds, sign, offset in guides:
            bound = sign * seconds[node] + offset  # +inf: node cannot reach the target
            if bound > value:
                value = bound
        return value

    first = estimate(source)
    if math.isinf(first):
        return None  # a landmark proves the target unreachable
    count = len(compiled.ids)
    best = [math.inf] * count
    came_from = [UNREACHED] * count
    done = bytearray(count)
    best[source] = 0.0
    heap = [(first, first, source)]
    matrix = compiled.forward
    indptr, indices, costs = matrix.indptr.data, matrix.indices.data, matrix.data.data
    pop, push = heapq.heappop, heapq.heappush
    while heap:
        node = pop(heap)[2]
        if node == target:
            path = [target]
            while path[-1] != source:
                path.append(came_from[path[-1]])
            path.reverse()
            return best[target], path
        if done[node]:
            continue
        done[node] = 1
        cost = best[node]
        for k in range(indptr[node], indptr[node + 1]):
            neighbour = indices[k]
            candidate = cost + costs[k]
            if candidate < best[neighbour]:
                best[neighbour] = candidate
                came_from[neighbour] = node
                remaining = estimate(neighbour)
                push(heap, (candidate + remaining, remaining, neighbour))
    return None


def reachable(compiled: CompiledProfile, source: int, *, backwards: bool = False) -> bytearray:
    """Flags of the nodes reachable from `source` (or that can reach it, with `backwards`)."""
    matrix = compiled.backward if backwards else compiled.forward
    order = breadth_first_order(matrix, source, directed=True, return_predecessors=False)
    seen = np.zeros(len(compiled.ids), dtype=np.uint8)
    seen[order] = 1
    return bytearray(seen.tobytes())
