"""Wayfinding benchmark: Lobby's routing beside today's and plain networkx, on synthetic campuses.

Three ways, each measured in its own forked process on the same loaded floorplan (so memory
figures do not mix), at 1,000, 10,000 and 100,000 nodes:

- Lobby: the Wayfinder reads the walking links into flat arrays, then `precompute()` builds
  CSR matrices and one scipy Dijkstra tree from and one towards each of 20 kiosks in each of
  2 profiles, before any request; requests are then served by a worker forked after that, as
  with gunicorn --preload. A kiosk route with directions is `kiosk_directions` (cached text);
  any-to-any is one scipy Dijkstra bounded by the kiosk trees. When a closure expires, the
  first request is answered from the trees being served and starts one background rebuild.
- Today's way (the baseline, kept here only): the same trees built with a pure-Python heapq
  Dijkstra over adjacency lists, directions written on every request, A* over those lists;
  a closure's expiry rebuilds the adjacency and the kiosk's tree inside the next request.
- Plain networkx: `networkx.shortest_path` per request on the same graph and weights.

Measured: build time, process RSS after the build (Lobby: and, for a web worker forked after
it that has served the requests, its RSS, its PSS and what it owns alone), kiosk route +
directions p50/p99, any-to-any
p50/p99, the first kiosk route after a closure expires, and the predecessor-chain walk (the
physical limit of a kiosk route) to compare the warm kiosk route against.

Targets (Lobby, 100,000 nodes): trees for 20 kiosks x 2 profiles built in <= 5 s; <= 250 MB
per worker; warm kiosk route + directions within 5x the chain walk; any-to-any p50 <= 20 ms;
no request ever waits for a tree.

Run:  .venv/bin/python bench/bench_wayfinding.py                 (1k, 10k, 100k; ~3 min)
      .venv/bin/python bench/bench_wayfinding.py --sizes 1000 10000   (quicker)
"""

from __future__ import annotations

import argparse
import gc
import heapq
import math
import multiprocessing
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from smaps import memory_of  # noqa: E402
from synthetic_campus import synthetic_campus  # noqa: E402

from wayfinding import Floorplan, Profile, Route, Wayfinder, directions, load_floorplan  # noqa: E402
from wayfinding.graph import RoutingGraph, build_graph, make_weight  # noqa: E402
from wayfinding.process_memory import release_freed_memory  # noqa: E402
from wayfinding.routing import Hop  # noqa: E402

# The benchmark's own clock: a closure on a skybridge ends at EXPIRY.
BEFORE = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
EXPIRY = BEFORE + timedelta(hours=1)
WAYS = ("Lobby", "today (heapq)", "networkx")
# Kiosk routes whose costs are compared between the ways (networkx's are the reference).
COMPARED = 30


@dataclass(frozen=True)
class Requests:
    """The same random requests for every way."""

    kiosk: list[tuple[str, str, Profile]]
    any_to_any: list[tuple[str, str, Profile]]


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _percentiles_ms(samples: Sequence[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)] * 1000
    return f"{_ms(p50)} / {_ms(p99)}"


def _ms(value_ms: float) -> str:
    return f"{value_ms:.3f} ms" if value_ms < 10 else f"{value_ms:,.0f} ms"


def _encode(costs: Sequence[float]) -> str:
    """Seconds as text that reads back exactly (results come back from a child as text)."""
    return " ".join(repr(float(cost)) for cost in costs)


def _matches(costs: str, reference: str) -> str:
    """How many costs equal the reference ones (to 1e-9 s: ties may sum in another order)."""
    pairs = list(zip(costs.split(), reference.split(), strict=True))
    equal = sum(math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-9) for a, b in pairs)
    return f"{equal} / {len(pairs)} equal"


def _route_of(
    plan: Floorplan, routing: RoutingGraph, profile: Profile, nodes: list[str], kiosk: str
) -> Route:
    """A Route over given node ids, as the library builds it, for the baseline ways."""
    hops = []
    for u, v in zip(nodes, nodes[1:], strict=False):
        info = routing.edge_info[u, v]
        seconds = info.seconds[profile]
        assert seconds is not None
        hops.append(Hop(u, v, info.element, info.kind, info.connector, info.length_m, seconds))
    destination = next(d for d in plan.destinations.values() if d.node == nodes[-1])
    duration = sum(hop.seconds for hop in hops)
    return Route(
        plan, profile, tuple(nodes), tuple(hops), duration, destination, plan.kiosks[kiosk]
    )


# -- today's way, kept only as the baseline ----------------------------------------------------

Adjacency = list[list[tuple[int, float]]]


@dataclass
class HeapqRouting:
    """Today's precomputation: adjacency lists per profile and heapq Dijkstra trees."""

    ids: list[str]
    index: dict[str, int]
    successors: dict[Profile, Adjacency]
    predecessors: dict[Profile, Adjacency]
    trees: dict[tuple[str, Profile], tuple[list[float], list[int]]]
    inward: dict[tuple[str, Profile], list[float]]

    @classmethod
    def build(cls, plan: Floorplan, routing: RoutingGraph, closed: frozenset[Any]) -> HeapqRouting:
        ids = list(routing.graph.nodes)
        index = {node: i for i, node in enumerate(ids)}
        built = cls(ids, index, {}, {}, {}, {})
        for profile in Profile:
            built.compile(routing, profile, closed)
            for kiosk in plan.kiosks.values():
                built.add_trees(kiosk.id, kiosk.node, profile)
        return built

    def compile(self, routing: RoutingGraph, profile: Profile, closed: frozenset[Any]) -> None:
        successors: Adjacency = [[] for _ in self.ids]
        predecessors: Adjacency = [[] for _ in self.ids]
        weight = make_weight(profile, closed)
        for u, v, data in routing.graph.edges(data=True):
            cost = weight(u, v, data)
            if cost is not None:
                successors[self.index[u]].append((self.index[v], cost))
                predecessors[self.index[v]].append((self.index[u], cost))
        self.successors[profile], self.predecessors[profile] = successors, predecessors

    def add_trees(self, kiosk: str, node: str, profile: Profile) -> None:
        source = self.index[node]
        self.trees[kiosk, profile] = heapq_dijkstra(self.successors[profile], source)
        self.inward[kiosk, profile] = heapq_dijkstra(self.predecessors[profile], source)[0]

    def path(self, kiosk: str, profile: Profile, target: str) -> list[str]:
        seconds, predecessor = self.trees[kiosk, profile]
        path = [self.index[target]]
        assert not math.isinf(seconds[path[0]])
        while predecessor[path[-1]] != -1:
            path.append(predecessor[path[-1]])
        return [self.ids[i] for i in reversed(path)]

    def astar(self, profile: Profile, source: int, target: int) -> list[int] | None:
        """Today's A*: landmark bounds from the kiosk trees (distances only here)."""
        guides = []
        for (_, tree_profile), (outward, _) in self.trees.items():
            if tree_profile is profile and not math.isinf(outward[target]):
                guides.append((outward, -1.0, outward[target]))
        for (_, tree_profile), inward in self.inward.items():
            if tree_profile is profile and not math.isinf(inward[target]):
                guides.append((inward, 1.0, -inward[target]))
        guides.sort(key=lambda g: g[1] * g[0][source] + g[2], reverse=True)
        del guides[4:]

        def estimate(node: int) -> float:
            value = 0.0
            for seconds, sign, offset in guides:
                bound = sign * seconds[node] + offset
                if bound > value:
                    value = bound
            return value

        best = [math.inf] * len(self.ids)
        came_from = [-1] * len(self.ids)
        done = bytearray(len(self.ids))
        best[source] = 0.0
        heap = [(estimate(source), source)]
        while heap:
            node = heapq.heappop(heap)[1]
            if node == target:
                path = [target]
                while path[-1] != source:
                    path.append(came_from[path[-1]])
                return path[::-1]
            if done[node]:
                continue
            done[node] = 1
            for neighbour, cost in self.successors[profile][node]:
                if best[node] + cost < best[neighbour]:
                    best[neighbour] = best[node] + cost
                    came_from[neighbour] = node
                    heapq.heappush(heap, (best[neighbour] + estimate(neighbour), neighbour))
        return None


def heapq_dijkstra(links: Adjacency, source: int) -> tuple[list[float], list[int]]:
    """Today's hand-written Dijkstra: seconds and predecessors from `source`."""
    seconds = [math.inf] * len(links)
    predecessor = [-1] * len(links)
    settled = bytearray(len(links))
    seconds[source] = 0.0
    heap = [(0.0, source)]
    while heap:
        cost, node = heapq.heappop(heap)
        if settled[node]:
            continue
        settled[node] = 1
        for neighbour, edge_cost in links[node]:
            if cost + edge_cost < seconds[neighbour]:
                seconds[neighbour] = cost + edge_cost
                predecessor[neighbour] = node
                heapq.heappush(heap, (seconds[neighbour], neighbour))
    return seconds, predecessor


# -- the three ways -------------------------------------------------------------------------


def measure_lobby(plan: Floorplan, requests: Requests, isolated: bool) -> dict[str, str]:
    """Lobby's way: precompute, then serve from a worker forked afterwards (as gunicorn's
    --preload does), with cached directions and a background refresh at a closure's expiry."""
    clock = _Clock(BEFORE)
    holder: dict[str, Wayfinder] = {}
    cpu_start = time.process_time()
    links_s = _timed(
        lambda: holder.setdefault("finder", Wayfinder(plan, clock=clock, precompute=False))
    )
    finder = holder["finder"]
    trees_s = _timed(finder.precompute)
    cpu_s = time.process_time() - cpu_start  # what other work on the machine does not inflate
    release_freed_memory()  # as kiosk.floorplan does after a build, before workers fork
    built = memory_of()
    if isolated:
        gc.freeze()  # what an app does before forking, so workers keep sharing these pages

    def serve() -> dict[str, str]:
        kiosk = requests.kiosk
        for k, d, p in kiosk:  # warm: each text written once, as on a kiosk in use
            finder.kiosk_directions(k, d, p, "en")
        warm = [
            _timed(lambda k=k, d=d, p=p: finder.kiosk_directions(k, d, p, "en"))
            for k, d, p in kiosk
        ]
        state = finder._state_at(None)

        def chain_walk(k: str, d: str, p: Profile) -> None:
            compiled = state.compiled[p]
            state.trees[k, p].path_to(compiled.index[plan.destinations[d].node])

        chain = [_timed(lambda k=k, d=d, p=p: chain_walk(k, d, p)) for k, d, p in kiosk]
        any_samples = [
            _timed(lambda o=o, d=d, p=p: finder.route_between(o, d, p))
            for o, d, p in requests.any_to_any
        ]
        worker = memory_of()
        costs = [finder.route_from_kiosk(k, d, p).duration_s for k, d, p in kiosk[:COMPARED]]
        clock.now = EXPIRY + timedelta(seconds=1)
        k, d, p = kiosk[0]
        first = _timed(lambda: finder.kiosk_directions(k, d, p, "es"))  # text not cached yet
        swapped = _timed(_join_refresh)
        ratio = statistics.median(warm) / statistics.median(chain)
        return {
            "rss": f"{built.resident:,.0f} MB (a worker forked after it, serving: "
            f"RSS {worker.resident:,.0f} MB, PSS {worker.proportional:,.0f} MB, "
            f"own {worker.own:,.0f} MB)",
            "kiosk": _percentiles_ms(warm),
            "chain": f"{_percentiles_ms(chain)} (route is {ratio:.1f}x)",
            "any": _percentiles_ms(any_samples),
            "expiry": f"{_ms(first * 1000)} (new trees served {swapped:.2f} s later)",
            "costs": _encode(costs),
        }

    build = (
        f"{links_s + trees_s:.2f} s (links {links_s:.2f} s, trees {trees_s:.2f} s; "
        f"CPU {cpu_s:.2f} s)"
    )
    return {"build": build, **_in_child(serve, isolated)}


def measure_today(plan: Floorplan, requests: Requests, isolated: bool) -> dict[str, str]:
    """Today's way: heapq trees, directions written per request, rebuild inside a request."""
    holder: dict[str, Any] = {}

    def build() -> None:
        holder["routing"] = routing = build_graph(plan)
        closed = routing.closed_edges(c.element for c in plan.active_closures(BEFORE))
        holder["heapq"] = HeapqRouting.build(plan, routing, closed)

    cpu_start = time.process_time()
    build_s = _timed(build)
    cpu_s = time.process_time() - cpu_start
    routing: RoutingGraph = holder["routing"]
    today: HeapqRouting = holder["heapq"]
    memory = memory_of()

    def kiosk_route(k: str, d: str, p: Profile) -> None:
        nodes = today.path(k, p, plan.destinations[d].node)
        directions(_route_of(plan, routing, p, nodes, k), "en")

    kiosk = requests.kiosk[: max(50, len(requests.kiosk) // 10)]
    samples = [_timed(lambda k=k, d=d, p=p: kiosk_route(k, d, p)) for k, d, p in kiosk]
    index = today.index
    any_samples = [
        _timed(lambda o=o, d=d, p=p: today.astar(p, index[o], index[plan.destinations[d].node]))
        for o, d, p in requests.any_to_any[: max(10, len(requests.any_to_any) // 3)]
    ]
    k, d, p = requests.kiosk[0]

    def first_after_expiry() -> None:
        today.compile(routing, p, frozenset())  # what the old request did: one profile,
        source = today.index[plan.kiosks[k].node]  # then this kiosk's tree
        today.trees[k, p] = heapq_dijkstra(today.successors[p], source)
        kiosk_route(k, d, p)

    costs = [
        today.trees[k, p][0][index[plan.destinations[d].node]]
        for k, d, p in requests.kiosk[:COMPARED]
    ]
    first = _timed(first_after_expiry)
    return {
        "costs": _encode(costs),
        "build": f"{build_s:.2f} s (CPU {cpu_s:.2f} s)",
        "rss": f"{memory.resident:,.0f} MB ({memory.own:,.0f} MB own)",
        "kiosk": _percentiles_ms(samples),
        "any": _percentiles_ms(any_samples),
        "expiry": f"{_ms(first * 1000)} (inside the request)",
    }


def measure_networkx(plan: Floorplan, requests: Requests, isolated: bool) -> dict[str, str]:
    """Plain networkx: the graph only, one shortest_path search per request."""
    holder: dict[str, RoutingGraph] = {}
    cpu_start = time.process_time()
    build_s = _timed(lambda: holder.setdefault("routing", build_graph(plan)))
    cpu_s = time.process_time() - cpu_start
    routing = holder["routing"]
    memory = memory_of()
    closed = routing.closed_edges(c.element for c in plan.active_closures(BEFORE))
    weights = {profile: make_weight(profile, closed) for profile in Profile}

    costs: list[float] = []

    def kiosk_route(k: str, d: str, p: Profile, weight: Any) -> None:
        source, target = plan.kiosks[k].node, plan.destinations[d].node
        nodes = nx.shortest_path(routing.graph, source, target, weight=weight)
        route = _route_of(plan, routing, p, nodes, k)
        directions(route, "en")
        costs.append(route.duration_s)

    count = COMPARED  # a search per request is slow: few samples keep the run short
    kiosk = requests.kiosk[:count]
    samples = [_timed(lambda k=k, d=d, p=p: kiosk_route(k, d, p, weights[p])) for k, d, p in kiosk]
    reference = list(costs)
    any_samples = [
        _timed(
            lambda o=o, d=d, p=p: nx.shortest_path(
                routing.graph, o, plan.destinations[d].node, weight=weights[p]
            )
        )
        for o, d, p in requests.any_to_any[:count]
    ]
    k, d, p = requests.kiosk[0]
    first = _timed(lambda: kiosk_route(k, d, p, make_weight(p)))
    return {
        "build": f"{build_s:.2f} s (graph only; CPU {cpu_s:.2f} s)",
        "rss": f"{memory.resident:,.0f} MB ({memory.own:,.0f} MB own)",
        "kiosk": _percentiles_ms(samples),
        "any": _percentiles_ms(any_samples),
        "expiry": f"{_ms(first * 1000)} (a search, as always)",
        "costs": _encode(reference),
    }


class _Clock:
    """The benchmark's settable clock for closures."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _join_refresh() -> None:
    for worker in threading.enumerate():
        if worker.name == "wayfinding-refresh":
            worker.join()


MEASURES: dict[str, Callable[[Floorplan, Requests, bool], dict[str, str]]] = {
    "Lobby": measure_lobby,
    "today (heapq)": measure_today,
    "networkx": measure_networkx,
}


def _in_child(action: Callable[[], dict[str, str]], isolated: bool) -> dict[str, str]:
    """Run `action` in a forked process (its own memory figures), or here when not isolated."""
    if not isolated:
        return action()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=lambda: sender.send(action()))
    child.start()
    result: dict[str, str] = receiver.recv()
    child.join()
    return result


def campus_with_closure(target_nodes: int, seed: int) -> dict[str, Any]:
    """The synthetic campus with one skybridge closed until EXPIRY."""
    raw = synthetic_campus(target_nodes, seed=seed)
    bridge = next(edge["id"] for edge in raw["edges"] if edge.get("kind") == "skybridge")
    raw["closures"] = [
        {"id": "bridge-works", "element": bridge, "reason": "works", "until": EXPIRY.isoformat()}
    ]
    return raw


def measure_size(
    target_nodes: int,
    *,
    kiosk_requests: int = 2000,
    any_requests: int = 300,
    seed: int = 7,
    isolated: bool = True,
) -> list[list[str]]:
    """Table rows (measurement, one cell per way, target) for one campus size."""
    holder: dict[str, Any] = {"raw": campus_with_closure(target_nodes, seed)}
    load_s = _timed(lambda: holder.setdefault("plan", load_floorplan(holder["raw"])))
    plan: Floorplan = holder["plan"]
    # A server holds the loaded floorplan, not the JSON it came from: nor do the ways here.
    del holder["raw"]
    gc.collect()
    release_freed_memory()
    rng = random.Random(seed)
    kiosks = list(plan.kiosks)
    public = [d.id for d in plan.destinations.values() if d.is_public]
    public_nodes = [n.id for n in plan.nodes.values() if n.access.value == "public"]
    profiles = list(Profile)
    requests = Requests(
        [
            (rng.choice(kiosks), rng.choice(public), rng.choice(profiles))
            for _ in range(kiosk_requests)
        ],
        [
            (rng.choice(public_nodes), rng.choice(public), rng.choice(profiles))
            for _ in range(any_requests)
        ],
    )
    results = {
        way: _in_child(lambda way=way: MEASURES[way](plan, requests, isolated), isolated)
        for way in WAYS
    }
    size = f"{len(plan.nodes):,} nodes"

    def row(name: str, key: str, target: str = "") -> list[str]:
        return [f"{size}: {name}", *(results[way].get(key, "") for way in WAYS), target]

    big = len(plan.nodes) >= 100_000
    return [
        [f"{size}: load (schema + references), shared by all", f"{load_s:.1f} s", "", "", ""],
        row(
            f"build before serving ({len(kiosks)} kiosks x 2 profiles)",
            "build",
            "<= 5 s" if big else "",
        ),
        row("process RSS after build (own share)", "rss", "<= 250 MB" if big else ""),
        row("kiosk route + directions, warm, p50 / p99", "kiosk"),
        row("predecessor-chain walk, p50 / p99", "chain", "route <= 5x"),
        row("any-to-any route, p50 / p99", "any", "p50 <= 20 ms"),
        row("first kiosk route after a closure expires", "expiry", "no wait"),
        [
            f"{size}: kiosk route costs, against networkx's",
            _matches(results["Lobby"]["costs"], results["networkx"]["costs"]),
            _matches(results["today (heapq)"]["costs"], results["networkx"]["costs"]),
            "(reference)",
            "all equal",
        ],
    ]


def markdown_table(rows: list[list[str]]) -> str:
    """The rows as a Markdown table for the README."""
    lines = ["| measurement | " + " | ".join(WAYS) + " | target |", "|---" * (len(WAYS) + 2) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rows = [row for size in args.sizes for row in measure_size(size, seed=args.seed)]
    print(markdown_table(rows))


if __name__ == "__main__":
    main()
