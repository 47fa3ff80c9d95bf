"""Shortest-path searches on a compact, integer-indexed copy of the walking graph.

The networkx graph is the source of truth; for speed, its edges are read once into flat arrays
(`EdgeTable`, costs from the very same weight function networkx uses), and each profile with
the closures in force is a mask over that table, compiled into a CSR matrix. Single-source
trees come from `scipy.sparse.csgraph.dijkstra` (compiled code, about 1/16 of the CPU of a
Python heap at 100,000 nodes, identical costs) and are kept as one float64 array of seconds
and one int32 array of predecessors: about 1.2 MB per tree at 100,000 nodes, in memory that
forked web workers share as long as nobody writes to it. A kiosk route is then a walk along
the predecessors. Any-to-any routes use A* over the same CSR arrays, guided by the kiosks'
trees as landmarks.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order, dijkstra

from wayfinding.graph import EdgeKey, RoutingGraph, make_weight
from wayfinding.model import Profile

# What scipy puts in a predecessor array for the source and for nodes it cannot reach.
UNREACHED = -9999

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.int32]


@dataclass(frozen=True)
class EdgeTable:
    """Every directed edge of the walking graph once, as flat arrays: row k runs from node
    sources[k] to node targets[k] (indices into `ids`).

    Costs are what `make_weight` gives when access is ignored (NaN where the profile may not
    use the edge); `public` and closures are applied later as masks, as `make_weight` does.
    Edges are found by their code source * len(ids) + target in `sorted_codes` (a few MB,
    where a dict of id pairs would take tens at 100,000 nodes).
    """

    ids: list[str]
    index: dict[str, int]
    sources: IndexArray
    targets: IndexArray
    public: npt.NDArray[np.bool_]
    costs: dict[Profile, FloatArray]
    xs: FloatArray
    ys: FloatArray
    levels: npt.NDArray[np.int64]
    sorted_codes: npt.NDArray[np.int64]
    rows_by_code: npt.NDArray[np.int64]

    @classmethod
    def of(cls, routing: RoutingGraph) -> EdgeTable:
        """Read the walking graph once (the only pass over networkx edges a Wayfinder makes)."""
        graph = routing.graph
        ids = list(graph.nodes)
        index = {node_id: i for i, node_id in enumerate(ids)}
        sources: list[int] = []
        targets: list[int] = []
        public: list[bool] = []
        costs: dict[Profile, list[float]] = {profile: [] for profile in Profile}
        weights = {profile: make_weight(profile, include_staff=True) for profile in Profile}
        for u, v, data in graph.edges(data=True):
            sources.append(index[u])
            targets.append(index[v])
            public.append(bool(data["public"]))
            for profile, weight in weights.items():
                cost = weight(u, v, data)
                costs[profile].append(math.nan if cost is None else cost)
        nodes = graph.nodes
        source_array = np.array(sources, dtype=np.int32)
        target_array = np.array(targets, dtype=np.int32)
        codes = source_array.astype(np.int64) * len(ids) + target_array
        order = np.argsort(codes)
        return cls(
            ids=ids,
            index=index,
            sources=source_array,
            targets=target_array,
            public=np.array(public, dtype=np.bool_),
            costs={p: np.array(c, dtype=np.float64) for p, c in costs.items()},
            xs=np.fromiter((nodes[n]["x"] for n in ids), np.float64, len(ids)),
            ys=np.fromiter((nodes[n]["y"] for n in ids), np.float64, len(ids)),
            levels=np.fromiter((nodes[n]["level"] for n in ids), np.int64, len(ids)),
            sorted_codes=codes[order],
            rows_by_code=order,
        )

    def key(self, row: int) -> EdgeKey:
        """The (from, to) node ids of a row."""
        return self.ids[int(self.sources[row])], self.ids[int(self.targets[row])]

    def rows(
        self, sources: npt.NDArray[np.integer], targets: npt.NDArray[np.integer]
    ) -> npt.NDArray[np.int64]:
        """The row of each (source, target) index pair, -1 where there is no such edge."""
        codes = sources.astype(np.int64) * len(self.ids) + targets
        found = np.searchsorted(self.sorted_codes, codes)
        found = np.minimum(found, len(self.sorted_codes) - 1)
        hit = self.sorted_codes[found] == codes if len(self.sorted_codes) else codes < 0
        return np.where(hit, self.rows_by_code[found], -1)

    def rows_of(self, keys: Iterable[EdgeKey]) -> npt.NDArray[np.int64]:
        """The rows of edges given by node ids (keys that are no edge are left out)."""
        pairs = np.array([(self.index[u], self.index[v]) for u, v in keys], dtype=np.int64)
        if not len(pairs):
            return np.zeros(0, dtype=np.int64)
        rows = self.rows(pairs[:, 0], pairs[:, 1])
        return rows[rows >= 0]

    def usable(
        self, profile: Profile, closed: frozenset[EdgeKey], *, include_staff: bool
    ) -> npt.NDArray[np.bool_]:
        """Rows this profile may walk with these edges closed (the mask form of make_weight)."""
        usable = ~np.isnan(self.costs[profile])
        if not include_staff:
            usable &= self.public
        usable[self.rows_of(closed)] = False
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

    @cached_property
    def successors(self) -> list[list[tuple[int, float]]]:
        """(neighbour, seconds) lists per node, for whole-graph checks outside requests."""
        return _adjacency_lists(self.forward)

    @cached_property
    def predecessors(self) -> list[list[tuple[int, float]]]:
        """(neighbour, seconds) lists of the edges into each node."""
        return _adjacency_lists(self.backward)


def _adjacency_lists(matrix: csr_matrix) -> list[list[tuple[int, float]]]:
    indptr, indices, data = matrix.indptr.tolist(), matrix.indices.tolist(), matrix.data.tolist()
    return [
        list(zip(indices[start:end], data[start:end], strict=True))
        for start, end in zip(indptr, indptr[1:], strict=False)
    ]


def compile_profile(
    routing: RoutingGraph,
    profile: Profile,
    closed: frozenset[EdgeKey] = frozenset(),
    *,
    include_staff: bool = False,
    table: EdgeTable | None = None,
) -> CompiledProfile:
    """Compile the usable edges of `profile` (minus closed ones) into CSR matrices.

    Pass the `table` read once from `routing` when compiling more than once (a Wayfinder does).
    """
    table = table or EdgeTable.of(routing)
    usable = table.usable(profile, closed, include_staff=include_staff)
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
    """Distances (seconds) and predecessors from one source to every node it can reach.

    A tree built `backwards` holds the seconds from every node *to* the source instead.
    """

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


def shortest_path_tree(
    compiled: CompiledProfile, source: int, *, backwards: bool = False
) -> ShortestPathTree:
    """The full Dijkstra tree from `source` (towards it, with `backwards`)."""
    matrix = compiled.backward if backwards else compiled.forward
    seconds, predecessor = dijkstra(matrix, indices=np.asarray(source), return_predecessors=True)
    return ShortestPathTree(source, seconds, predecessor.astype(np.int32, copy=False))


# How many precomputed trees guide one A* search; more costs time per node than it saves.
LANDMARKS_PER_SEARCH = 4


@dataclass(frozen=True)
class LandmarkTrees:
    """Precomputed trees from and to one landmark (a kiosk), used to bound A* searches."""

    outward: ShortestPathTree
    inward: ShortestPathTree


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
        outward, inward = landmark.outward.seconds, landmark.inward.seconds
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
