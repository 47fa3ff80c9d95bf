"""Shortest-path searches on a compact, integer-indexed copy of the walking graph.

The networkx graph is the source of truth; for speed, each profile (with the closures in force)
is compiled once into adjacency lists of (neighbour index, seconds), using the very same weight
function networkx would use. On that copy a full single-source tree for a kiosk takes a fraction
of a second on a 100,000-node campus and fits in two flat arrays, so a kiosk route is a lookup.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from wayfinding.graph import EdgeKey, RoutingGraph, make_weight
from wayfinding.model import Profile

UNREACHED = -1


@dataclass(frozen=True)
class CompiledProfile:
    """Adjacency of one profile with one set of closures; index i stands for node ids[i]."""

    profile: Profile
    ids: list[str]
    index: dict[str, int]
    successors: list[list[tuple[int, float]]]
    predecessors: list[list[tuple[int, float]]]
    xs: array[float]
    ys: array[float]
    levels: array[int]
    # The geometric A* estimate is straight-line metres times `seconds_per_metre` plus
    # levels to climb times `seconds_per_level`. Both rates are the smallest any usable edge
    # achieves, so the estimate never overstates (even with length overrides) and stays
    # consistent.
    seconds_per_metre: float
    seconds_per_level: float


def compile_profile(
    routing: RoutingGraph,
    profile: Profile,
    closed: frozenset[EdgeKey] = frozenset(),
    *,
    include_staff: bool = False,
) -> CompiledProfile:
    """Compile the usable edges of `profile` (minus closed ones) into integer adjacency."""
    graph = routing.graph
    ids = list(graph.nodes)
    index = {node_id: i for i, node_id in enumerate(ids)}
    xs = array("d", (graph.nodes[n]["x"] for n in ids))
    ys = array("d", (graph.nodes[n]["y"] for n in ids))
    levels = array("l", (graph.nodes[n]["level"] for n in ids))
    successors: list[list[tuple[int, float]]] = [[] for _ in ids]
    predecessors: list[list[tuple[int, float]]] = [[] for _ in ids]
    weight = make_weight(profile, closed, include_staff=include_staff)
    seconds_per_metre = math.inf
    for u, v, data in graph.edges(data=True):
        cost = weight(u, v, data)
        if cost is None:
            continue
        i, j = index[u], index[v]
        successors[i].append((j, cost))
        predecessors[j].append((i, cost))
        distance = math.hypot(xs[i] - xs[j], ys[i] - ys[j])
        if distance > 0:
            seconds_per_metre = min(seconds_per_metre, cost / distance)
    if math.isinf(seconds_per_metre):
        seconds_per_metre = 0.0
    # What is left of a level-changing edge's cost after its horizontal part, per level.
    seconds_per_level = math.inf
    for i, edges in enumerate(successors):
        for j, cost in edges:
            climbed = abs(levels[i] - levels[j])
            if climbed:
                flat = math.hypot(xs[i] - xs[j], ys[i] - ys[j]) * seconds_per_metre
                seconds_per_level = min(seconds_per_level, max(0.0, cost - flat) / climbed)
    if math.isinf(seconds_per_level):
        seconds_per_level = 0.0
    return CompiledProfile(
        profile,
        ids,
        index,
        successors,
        predecessors,
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
    seconds: array[float]
    predecessor: array[int]

    def path_to(self, target: int) -> list[int] | None:
        """Node indices from the source to `target`, or None if it cannot be reached."""
        if math.isinf(self.seconds[target]):
            return None
        path = [target]
        while path[-1] != self.source:
            path.append(self.predecessor[path[-1]])
        path.reverse()
        return path


def shortest_path_tree(
    compiled: CompiledProfile,
    source: int,
    stop_at: frozenset[int] = frozenset(),
    *,
    backwards: bool = False,
) -> ShortestPathTree:
    """Dijkstra from `source` (towards it, with `backwards`).

    With `stop_at`, stop once the nearest of those nodes is settled: the distances of other
    nodes are then only upper bounds, so such a tree must not be kept for reuse.
    """
    count = len(compiled.ids)
    seconds = array("d", [math.inf]) * count
    predecessor = array("l", [UNREACHED]) * count
    settled = bytearray(count)
    seconds[source] = 0.0
    heap = [(0.0, source)]
    links = compiled.predecessors if backwards else compiled.successors
    while heap:
        cost, node = heapq.heappop(heap)
        if settled[node]:
            continue
        settled[node] = 1
        if node in stop_at:
            break
        for neighbour, edge_cost in links[node]:
            candidate = cost + edge_cost
            if candidate < seconds[neighbour]:
                seconds[neighbour] = candidate
                predecessor[neighbour] = node
                heapq.heappush(heap, (candidate, neighbour))
    return ShortestPathTree(source, seconds, predecessor)


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
    guides: list[tuple[array[float], float, float]] = []
    for landmark in landmarks:
        outward, inward = landmark.outward.seconds, landmark.inward.seconds
        if not math.isinf(outward[target]):
            guides.append((outward, -1.0, outward[target]))
        if not math.isinf(inward[target]):
            guides.append((inward, 1.0, -inward[target]))
    guides.sort(key=lambda guide: guide[1] * guide[0][source] + guide[2], reverse=True)
    del guides[LANDMARKS_PER_SEARCH:]
    xs, ys, levels = compiled.xs, compiled.ys, compiled.levels
    tx, ty, target_level = xs[target], ys[target], levels[target]
    per_metre, per_level = compiled.seconds_per_metre, compiled.seconds_per_level
    hypot = math.hypot

    # Inlined, with local names: this runs for every node the search reaches.
    def estimate(node: int) -> float:
        value = hypot(xs[node] - tx, ys[node] - ty) * per_metre + (
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
    best = array("d", [math.inf]) * count
    came_from = array("l", [UNREACHED]) * count
    done = bytearray(count)
    best[source] = 0.0
    heap = [(first, first, source)]
    successors = compiled.successors
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
        for neighbour, edge_cost in successors[node]:
            candidate = cost + edge_cost
            if candidate < best[neighbour]:
                best[neighbour] = candidate
                came_from[neighbour] = node
                remaining = estimate(neighbour)
                push(heap, (candidate + remaining, remaining, neighbour))
    return None


def reachable(compiled: CompiledProfile, source: int, *, backwards: bool = False) -> bytearray:
    """Flags of the nodes reachable from `source` (or that can reach it, with `backwards`)."""
    seen = bytearray(len(compiled.ids))
    seen[source] = 1
    stack = [source]
    while stack:
        node = stack.pop()
        links = compiled.predecessors if backwards else compiled.successors
        for neighbour, _ in links[node]:
            if not seen[neighbour]:
                seen[neighbour] = 1
                stack.append(neighbour)
    return seen
