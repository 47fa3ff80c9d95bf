"""Routes: precomputed from kiosks, searched between any two places, explained when impossible.

A `Wayfinder` is built once per published floorplan version, before it serves anyone:
`precompute()` builds one shortest-path tree from and one towards each kiosk in each profile,
so `route_from_kiosk` only walks predecessors back from the destination and `route_between`
(a phone's "from here") runs one search that those trees bound. Requests read a single
reference to a complete, immutable set of trees (the serving state) and never build one.
When the set of closures in force changes (a closure starts or expires, staff publish
closures), `refresh` builds the next state off the request path and swaps the reference in
one assignment.
Directions text for kiosk routes is cached per serving state, so it is written once per
kiosk, destination, profile and language until the closures change.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

from wayfinding.errors import UnknownPlaceError
from wayfinding.graph import DEFAULT_COSTS, CostModel, RoutingGraph, build_graph
from wayfinding.model import (
    Access,
    Closure,
    Destination,
    EdgeKind,
    Floorplan,
    Kiosk,
    LocalizedName,
    Profile,
)
from wayfinding.no_route import REASON_ORDER, BlockedWay, NoRouteCause, NoRouteError
from wayfinding.search import DestinationIndex, DirectorySection, SearchResult
from wayfinding.shortest_paths import (
    EDGE_KINDS,
    NO_CONNECTOR,
    BoundArray,
    CompiledProfile,
    EdgeTable,
    IndexArray,
    LandmarkTrees,
    ShortestPathTree,
    compile_profile,
    reachable,
    seconds_to_each,
    shortest_path,
    shortest_path_tree,
    walk_back,
)

if TYPE_CHECKING:
    from wayfinding.directions import Directions

__all__ = ["BlockedWay", "Hop", "NoRouteCause", "NoRouteError", "Route", "Wayfinder"]


class Hop(NamedTuple):
    """One edge of a route as walked, with what the direction text needs to know about it.

    A NamedTuple because a long route creates hundreds of these per request.
    """

    source: str
    target: str
    element: str
    kind: EdgeKind
    connector: str
    length_m: float
    seconds: float


@dataclass(frozen=True)
class Route:
    """A found route: node ids in order, what was walked, and the totals."""

    floorplan: Floorplan = field(repr=False, compare=False)
    profile: Profile
    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]
    duration_s: float
    destination: Destination | None
    kiosk: Kiosk | None

    @property
    def origin(self) -> str:
        """The node the route starts at."""
        return self.nodes[0]

    @property
    def length_m(self) -> float:
        """Walking distance in metres (stairs count their flights, elevators nothing)."""
        return sum(hop.length_m for hop in self.hops)

    @property
    def floors(self) -> tuple[str, ...]:
        """Floor ids in the order the route visits them (a floor revisited appears again)."""
        floors: list[str] = []
        for node_id in self.nodes:
            floor = self.floorplan.nodes[node_id].floor
            if not floors or floors[-1] != floor:
                floors.append(floor)
        return tuple(floors)

    @property
    def start_heading(self) -> float | None:
        """The compass direction the user faces at the start, known at a kiosk."""
        return self.kiosk.heading if self.kiosk is not None else None

    def shown_as(self, name: LocalizedName) -> Route:
        """The same route with its destination called `name` wherever it is said or drawn —
        the last direction, the map labels — for a caller who must not show the real name (a
        patient's ticket to a clinic whose name would reveal a condition says "Suite 2B")."""
        if self.destination is None:
            return self
        shown = replace(self.destination, name=name, short_name=name)
        return replace(self, destination=shown)


def current_time() -> datetime:
    """The current time in UTC, the default clock closures are checked against."""
    return datetime.now(UTC)


def as_utc(now: datetime | None) -> datetime:
    """`now` as an aware UTC time; None means the current time, naive times are taken as UTC."""
    if now is None:
        return datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now


# Kiosk directions kept per serving state, bounded by the hops of their routes (what their
# memory grows with; the Hop objects themselves are shared by all routes): some tens of MB
# however large the campus and however many kiosks, destinations and languages it has.
DIRECTIONS_CACHE_HOPS = 1_000_000

DirectionsKey = tuple[str, str, Profile, str]


class _DirectionsCache:
    """A thread-safe least-recently-used map of kiosk directions, bounded by route hops."""

    def __init__(self, max_hops: int) -> None:
        self._max_hops = max_hops
        self._hops = 0
        self._entries: OrderedDict[DirectionsKey, tuple[Route, Directions]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: DirectionsKey) -> tuple[Route, Directions] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: DirectionsKey, value: tuple[Route, Directions]) -> None:
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._hops -= len(previous[0].hops)
            self._entries[key] = value
            self._hops += len(value[0].hops)
            while self._hops > self._max_hops and len(self._entries) > 1:
                _, (route, _) = self._entries.popitem(last=False)
                self._hops -= len(route.hops)


@dataclass
class _RoutingState:
    """Compiled graphs and kiosk trees for one set of closed elements.

    A serving state is complete before anyone reads it and never changes afterwards; other
    states (for a `now` or closures asked about explicitly) fill in on demand.
    """

    closed_elements: frozenset[str]
    closures_version: int
    valid_until: datetime | None
    compiled: dict[Profile, CompiledProfile] = field(default_factory=dict)
    # The same profiles with nothing closed, to tell whether a closure is what blocks a way.
    open_compiled: dict[Profile, CompiledProfile] = field(default_factory=dict)
    trees: dict[tuple[str, Profile], ShortestPathTree] = field(default_factory=dict)
    # Seconds from every node to each kiosk: with `trees` they bound other searches.
    inward_seconds: dict[tuple[str, Profile], BoundArray] = field(default_factory=dict)
    directions: _DirectionsCache = field(
        default_factory=lambda: _DirectionsCache(DIRECTIONS_CACHE_HOPS)
    )


# States kept besides the serving one, for an explicit `now` with other closures in force (the
# CLI, a preview of a closure's effect); built on demand, off the serving path.
OTHER_STATES_KEPT = 2


class Wayfinder:
    """Routing for one floorplan version; build once, then answer requests from lookups.

    Serving: `precompute()` before the first request (before web workers fork, so they share
    the trees), then `refresh()` whenever `next_change()` comes or closures are replaced.
    Requests that pass no `now` read the serving state and never build a tree; if they notice
    the closures in force have changed they start one background refresh and keep answering
    from the state they have until the new one is swapped in.
    A Wayfinder made with `precompute=False` (the CLI) builds what each call needs on demand.
    """

    def __init__(
        self,
        floorplan: Floorplan,
        *,
        costs: CostModel = DEFAULT_COSTS,
        now: datetime | None = None,
        precompute: bool = True,
        background_refresh: bool = True,
        clock: Callable[[], datetime] = current_time,
    ) -> None:
        self.floorplan = floorplan
        self.clock = clock
        self.costs = costs
        self.edges = EdgeTable.of(floorplan, costs)
        self.background_refresh = background_refresh
        self._closures: tuple[Closure, ...] = floorplan.closures
        self._closures_version = 0
        self._serving: _RoutingState | None = None
        self._refreshing = threading.Lock()
        self._lock = threading.Lock()
        self._other_states: dict[frozenset[str], _RoutingState] = {}
        self._hops: dict[Profile, dict[int, Hop]] = {profile: {} for profile in Profile}
        if precompute:
            self.precompute(now)

    # -- closures and the serving state ------------------------------------------------------

    @property
    def closures(self) -> tuple[Closure, ...]:
        """The closures this wayfinder applies (from the floorplan unless replaced)."""
        return self._closures

    def set_closures(self, closures: Iterable[Closure]) -> None:
        """Replace the closures (staff published a change).

        The serving trees stay in use until `refresh()` (or the background refresh the next
        request starts) swaps in trees built for the new closures.
        """
        with self._lock:
            self._closures = tuple(closures)
            self._closures_version += 1
            self._other_states.clear()

    def invalidate(self) -> None:
        """Mark the serving trees out of date, as a change of closures does; nothing is dropped."""
        self.set_closures(self._closures)

    def closed_elements(self, now: datetime | None = None) -> frozenset[str]:
        """Ids of the nodes, edges and connectors closed at `now`."""
        moment = self._moment(now)
        return frozenset(c.element for c in self._closures if c.is_active(moment))

    def next_change(self, now: datetime | None = None) -> datetime | None:
        """When the set of closures in force next changes after `now` (None: not by itself).

        Call `refresh()` at that moment, so the first visitor after it is served new trees.
        """
        moment = self._moment(now)
        ends = [c.until for c in self._closures if c.until is not None and c.until > moment]
        return min(ends, default=None)

    def _moment(self, now: datetime | None) -> datetime:
        """`now` in UTC, or the clock's time when None."""
        return as_utc(now if now is not None else self.clock())

    def precompute(self, now: datetime | None = None) -> None:
        """Build every tree for the closures in force at `now` and serve them.

        Call once before serving (before a web server forks its workers). The floorplan's
        lookups that directions and search fill on first use are filled here too, so that a
        forked worker shares them instead of building its own copy in a visitor's request.
        """
        plan = self.floorplan
        for name, member in vars(type(plan)).items():
            if isinstance(member, cached_property):
                getattr(plan, name)
        _ = self.index  # the search index, built on first use
        with self._refreshing:
            self._serving = self._build_state(now)

    def refresh(self, now: datetime | None = None) -> bool:
        """Rebuild off the request path if the closures in force at `now` changed; then swap.

        Requests keep reading the old trees while the new ones are built and see the new
        ones from one reference assignment on. Returns whether new trees were swapped in.
        """
        with self._refreshing:
            if not self.is_stale(now):
                return False
            self._serving = self._build_state(now)
            return True

    def refresh_in_background(self, now: datetime | None = None) -> bool:
        """Start `refresh(now)` on a thread if it is due and none is running; never waits."""
        if not self.is_stale(now) or not self._refreshing.acquire(blocking=False):
            return False
        self._refreshing.release()
        worker = threading.Thread(
            target=self.refresh, args=(now,), name="wayfinding-refresh", daemon=True
        )
        worker.start()
        return True

    def is_stale(self, now: datetime | None = None) -> bool:
        """Whether the serving trees are out of date at `now` (closures changed or expired)."""
        serving = self._serving
        if serving is None:
            return True
        if serving.closures_version != self._closures_version:
            return True
        if serving.valid_until is not None and self._moment(now) >= serving.valid_until:
            return self.closed_elements(now) != serving.closed_elements
        return False

    def _build_state(self, now: datetime | None) -> _RoutingState:
        """A complete state for the closures in force at `now`: every profile and kiosk."""
        state = _RoutingState(
            self.closed_elements(now), self._closures_version, self.next_change(now)
        )
        kiosks = list(self.floorplan.kiosks.values())
        for profile in Profile:
            self._open_compiled(state, profile)
            compiled = self._compiled(state, profile)
            for kiosk in kiosks:
                self._tree(state, kiosk, profile)
            inward = seconds_to_each(compiled, [compiled.index[kiosk.node] for kiosk in kiosks])
            state.inward_seconds.update(
                ((kiosk.id, profile), seconds)
                for kiosk, seconds in zip(kiosks, inward, strict=True)
            )
        return state

    def _state_at(self, now: datetime | None) -> _RoutingState:
        """The state a request uses: the serving one unless `now` asks for other closures."""
        serving = self._serving
        if now is None and serving is not None:
            if self.background_refresh and self.is_stale(None):
                self.refresh_in_background()
            return serving
        return self._state_for(self.closed_elements(now))

    def _state_for(self, closed_elements: frozenset[str]) -> _RoutingState:
        serving = self._serving
        if (
            serving is not None
            and serving.closed_elements == closed_elements
            and serving.closures_version == self._closures_version
        ):
            return serving
        with self._lock:
            state = self._other_states.get(closed_elements)
            if state is None:
                while len(self._other_states) >= OTHER_STATES_KEPT:
                    del self._other_states[next(iter(self._other_states))]
                state = _RoutingState(closed_elements, self._closures_version, None)
                self._other_states[closed_elements] = state
            return state

    @cached_property
    def places(self) -> IndexArray:
        """Sorted node indices of the public destinations: the trees keep seconds to these."""
        index = self.edges.index
        nodes = {index[d.node] for d in self.floorplan.destinations.values() if d.is_public}
        return np.array(sorted(nodes), dtype=np.int32)

    @cached_property
    def routing(self) -> RoutingGraph:
        """The networkx walking graph, built on first use: routes are served without it."""
        return build_graph(self.floorplan, self.costs)

    def _compiled(self, state: _RoutingState, profile: Profile) -> CompiledProfile:
        compiled = state.compiled.get(profile)
        if compiled is None:
            compiled = compile_profile(self.edges, profile, state.closed_elements)
            state.compiled[profile] = compiled
        return compiled

    def _open_compiled(self, state: _RoutingState, profile: Profile) -> CompiledProfile:
        compiled = state.open_compiled.get(profile)
        if compiled is None:
            if state.closed_elements:
                compiled = compile_profile(self.edges, profile)
            else:
                compiled = self._compiled(state, profile)
            state.open_compiled[profile] = compiled
        return compiled

    def _tree(self, state: _RoutingState, kiosk: Kiosk, profile: Profile) -> ShortestPathTree:
        tree = state.trees.get((kiosk.id, profile))
        if tree is None:
            compiled = self._compiled(state, profile)
            tree = shortest_path_tree(compiled, compiled.index[kiosk.node], self.places)
            state.trees[(kiosk.id, profile)] = tree
        return tree

    def _landmarks(self, state: _RoutingState, profile: Profile) -> list[LandmarkTrees]:
        """Kiosks with both trees built for this profile, as landmarks that bound a search.

        list() snapshots a dict in one step, safe against another thread adding a tree.
        """
        outward = dict(list(state.trees.items()))
        return [
            LandmarkTrees(outward[key], inward)
            for key, inward in list(state.inward_seconds.items())
            if key[1] is profile and key in outward
        ]

    # -- search -----------------------------------------------------------------------------

    @cached_property
    def index(self) -> DestinationIndex:
        """The search index over public destinations."""
        return DestinationIndex(self.floorplan)

    def search(self, text: str, *, lang: str = "en", limit: int = 10) -> list[SearchResult]:
        """Public destinations matching what a visitor typed (synonyms, typos, accents)."""
        return self.index.search(text, lang=lang, limit=limit)

    def by_category(self, category: str, *, lang: str = "en") -> list[Destination]:
        """Public destinations of a category, A-Z in `lang`."""
        return self.index.by_category(category, lang=lang)

    def directory(self, lang: str = "en") -> list[DirectorySection]:
        """The A-Z directory of public destinations in `lang`."""
        return self.index.directory(lang)

    # -- lookups --------------------------------------------------------------------------

    def kiosk(self, kiosk_id: str) -> Kiosk:
        """The kiosk with this id, or UnknownPlaceError."""
        try:
            return self.floorplan.kiosks[kiosk_id]
        except KeyError:
            raise UnknownPlaceError("kiosk", kiosk_id) from None

    def public_destination(self, destination_id: str) -> Destination:
        """A destination visitors may see; staff-only ones are reported as unknown."""
        destination = self.floorplan.destinations.get(destination_id)
        if destination is None or not destination.is_public:
            raise UnknownPlaceError("destination", destination_id)
        return destination

    def _resolve_target(self, target: str) -> tuple[str, Destination | None]:
        """A destination id, or a public node id for routes to a bare point."""
        if target in self.floorplan.destinations:
            destination = self.public_destination(target)
            return destination.node, destination
        node = self.floorplan.nodes.get(target)
        if node is None or node.access is not Access.PUBLIC:
            raise UnknownPlaceError("destination", target)
        return node.id, None

    def _resolve_origin(self, origin: str) -> tuple[str, Kiosk | None]:
        """A kiosk id or a public node id."""
        if origin in self.floorplan.kiosks:
            kiosk = self.floorplan.kiosks[origin]
            return kiosk.node, kiosk
        node = self.floorplan.nodes.get(origin)
        if node is None or node.access is not Access.PUBLIC:
            raise UnknownPlaceError("kiosk or node", origin)
        return node.id, None

    # -- routes ---------------------------------------------------------------------------

    def route_from_kiosk(
        self,
        kiosk_id: str,
        destination_id: str,
        profile: Profile | str = Profile.STANDARD,
        now: datetime | None = None,
    ) -> Route:
        """The best route from a kiosk, read from its precomputed tree.

        Raises UnknownPlaceError for ids visitors cannot use, NoRouteError with the reason when
        the destination cannot be reached in this profile at `now`.
        """
        return self._route_from_kiosk(
            self.kiosk(kiosk_id), destination_id, Profile(profile), self._state_at(now)
        )

    def _route_from_kiosk(
        self, kiosk: Kiosk, destination_id: str, profile: Profile, state: _RoutingState
    ) -> Route:
        target_node, destination = self._resolve_target(destination_id)
        compiled = self._compiled(state, profile)
        tree = self._tree(state, kiosk, profile)
        target = compiled.index[target_node]
        path = tree.path_to(target)
        if path is None:
            raise self._explain(kiosk.node, target_node, destination_id, profile, state)
        return self._route(compiled, path, destination, kiosk)

    def kiosk_directions(
        self,
        kiosk_id: str,
        destination_id: str,
        profile: Profile | str = Profile.STANDARD,
        lang: str = "en",
    ) -> tuple[Route, Directions]:
        """The kiosk route and its directions text in `lang`, written once and then reused.

        Cached per kiosk, destination, profile and language for the trees being served (a
        change of closures starts an empty cache; a new floorplan version is a new Wayfinder).
        The text starts from the kiosk's own heading, as `directions(route, lang)` does.
        """
        # directions.py builds on Route from this module, so it is imported where it is used.
        from wayfinding.directions import directions

        profile = Profile(profile)
        kiosk = self.kiosk(kiosk_id)
        state = self._state_at(None)
        key = (kiosk.id, destination_id, profile, lang)
        cached = state.directions.get(key)
        if cached is None:
            route = self._route_from_kiosk(kiosk, destination_id, profile, state)
            cached = (route, directions(route, lang))
            state.directions.put(key, cached)
        return cached

    def route_between(
        self,
        origin: str,
        destination_id: str,
        profile: Profile | str = Profile.STANDARD,
        now: datetime | None = None,
    ) -> Route:
        """The best route from any public node (or kiosk id) to a destination (one search)."""
        profile = Profile(profile)
        source_node, kiosk = self._resolve_origin(origin)
        target_node, destination = self._resolve_target(destination_id)
        state = self._state_at(now)
        compiled = self._compiled(state, profile)
        path = shortest_path(
            compiled,
            compiled.index[source_node],
            compiled.index[target_node],
            self._landmarks(state, profile),
        )
        if path is None:
            raise self._explain(source_node, target_node, destination_id, profile, state)
        return self._route(compiled, path, destination, kiosk)

    def nearest(
        self,
        category: str,
        origin: str,
        profile: Profile | str = Profile.STANDARD,
        now: datetime | None = None,
    ) -> Route:
        """The route to the quickest-to-reach public destination of `category` from `origin`.

        `origin` is a kiosk id (answered from its tree) or a public node id (one search).
        Raises NoRouteError (cause unreachable) when no destination of that category can be
        reached.
        """
        profile = Profile(profile)
        source_node, kiosk = self._resolve_origin(origin)
        candidates = {
            d.node: d
            for d in self.floorplan.destinations.values()
            if d.is_public and d.category == category
        }
        if not candidates:
            raise UnknownPlaceError("category", category)
        state = self._state_at(now)
        compiled = self._compiled(state, profile)
        targets = [compiled.index[node] for node in candidates]
        if kiosk is not None:
            tree = self._tree(state, kiosk, profile)
        else:
            tree = shortest_path_tree(compiled, compiled.index[source_node], self.places)
        reached = [target for target in targets if tree.reaches(target)]
        if not reached:
            raise NoRouteError(self.floorplan, profile, category, NoRouteCause.UNREACHABLE)
        # The tree keeps seconds only as float32 bounds: those within rounding of the best
        # bound are told apart by their exact seconds (the first listed wins a tie).
        fewest = min(tree.seconds_bound(target) for target in reached)
        close = [t for t in reached if tree.seconds_bound(t) <= fewest * (1 + 1e-6) + 1e-6]
        routes = [
            self._route(
                compiled,
                walk_back(tree.predecessor, tree.source, t),
                candidates[compiled.ids[t]],
                kiosk,
            )
            for t in close
        ]
        return min(routes, key=lambda route: route.duration_s)

    def _route(
        self,
        compiled: CompiledProfile,
        path: list[int],
        destination: Destination | None,
        kiosk: Kiosk | None,
    ) -> Route:
        """The Route along `path`; its seconds are its links' seconds added in walking order,
        the same additions, in the same order, as the Dijkstra that found it."""
        profile = compiled.profile
        steps = np.array(path, dtype=np.int32)
        rows = self.edges.rows(steps[:-1], steps[1:]).tolist()
        known = self._hops[profile]
        hops = tuple(known.get(row) or self._new_hop(row, profile) for row in rows)
        nodes = tuple(compiled.ids[i] for i in path)
        seconds = sum((hop.seconds for hop in hops), 0.0)
        return Route(self.floorplan, profile, nodes, hops, seconds, destination, kiosk)

    def _new_hop(self, row: int, profile: Profile) -> Hop:
        """The Hop of a link, made once and shared by every route over it (and the cache)."""
        table = self.edges
        connector = table.element_of(row) if table.connectors[row] != NO_CONNECTOR else ""
        u, v = table.ids[table.sources[row]], table.ids[table.targets[row]]
        hop = Hop(
            u,
            v,
            table.element_ids[table.elements[row]],
            EDGE_KINDS[table.kinds[row]],
            connector,
            float(table.lengths[row]),
            float(table.costs[profile][row]),
        )
        return self._hops[profile].setdefault(row, hop)

    # -- reasons ----------------------------------------------------------------------------

    def _explain(
        self,
        source: str,
        target: str,
        target_id: str,
        profile: Profile,
        state: _RoutingState,
    ) -> NoRouteError:
        """Say why there is no route: every blocked way out towards the target, and the cause.

        The cause is what would open a route first: lifting the closures, else allowing steps,
        else the most common reason among the blocked ways. When lifting the closures would
        not help, they are not blamed: the ways are told as if nothing were closed.
        No tree is built for this.
        """
        compiled = self._compiled(state, profile)
        start, goal = compiled.index[source], compiled.index[target]
        if state.closed_elements:
            open_compiled = self._open_compiled(state, profile)
            if reachable(open_compiled, start)[goal]:
                ways = self._blocked_ways(compiled, start, goal, profile, state.closed_elements)
                return NoRouteError(
                    self.floorplan, profile, target_id, NoRouteCause.CLOSED, ways=ways
                )
            # Closed or not, there is no way: tell what blocks it for good.
            compiled = open_compiled
        ways = self._blocked_ways(compiled, start, goal, profile, frozenset())
        reasons = {way.reason for way in ways}
        if profile is Profile.STEP_FREE and NoRouteCause.NOT_STEP_FREE in reasons:
            cause = NoRouteCause.NOT_STEP_FREE
        elif reasons:
            cause = max(REASON_ORDER, key=lambda r: sum(way.reason is r for way in ways))
        else:
            cause = NoRouteCause.UNREACHABLE
        return NoRouteError(self.floorplan, profile, target_id, cause, ways=ways)

    def _blocked_ways(
        self,
        compiled: CompiledProfile,
        start: int,
        goal: int,
        profile: Profile,
        closed_elements: frozenset[str],
    ) -> tuple[BlockedWay, ...]:
        """Each blocked link out of the area walkable from `start` that leads on to `goal`.

        "Leads on" means a path of any links, ignoring every rule, from its far end to the
        goal that does not come back through the walkable area.
        """
        table = self.edges
        inside = np.frombuffer(reachable(compiled, start), dtype=np.uint8).astype(bool)
        sources, targets = table.sources, table.targets
        outside_rows = ~inside[sources] & ~inside[targets]
        outside_links = csr_matrix(
            (np.ones(int(outside_rows.sum())), (sources[outside_rows], targets[outside_rows])),
            shape=(len(table.ids),) * 2,
        )
        leads_on = np.zeros(len(table.ids), dtype=bool)
        leads_on[breadth_first_order(outside_links, goal, directed=False)[0]] = True
        closed_by = {
            row: element
            for element in closed_elements
            for row in table.rows_of_element(element).tolist()
        }
        rows_out = np.flatnonzero(inside[sources] & leads_on[targets])
        rows_in = np.flatnonzero(inside[targets] & leads_on[sources])
        # Links towards the visitor with no link back: one-way the other way.
        rows_in = rows_in[table.rows(targets[rows_in], sources[rows_in]) < 0]
        # One reason per element: the first found, links away from the visitor first.
        found: dict[str, NoRouteCause] = {}
        for row in rows_out.tolist():
            reason, element = self._why_blocked(row, profile, closed_by)
            found.setdefault(element, reason)
        for row in rows_in.tolist():
            stepped = profile is Profile.STEP_FREE and math.isnan(table.costs[profile][row])
            reason = NoRouteCause.NOT_STEP_FREE if stepped else NoRouteCause.ONE_WAY
            found.setdefault(table.element_of(row), reason)
        ways = [BlockedWay(reason, element) for element, reason in found.items()]
        return tuple(sorted(ways, key=lambda way: REASON_ORDER.index(way.reason)))

    def _why_blocked(
        self, row: int, profile: Profile, closed_by: Mapping[int, str]
    ) -> tuple[NoRouteCause, str]:
        """The lasting reason first: staff only, then steps, then a closure."""
        table = self.edges
        if not table.public[row]:
            ends = (int(table.targets[row]), int(table.sources[row]))
            staff_area = next((table.ids[n] for n in ends if not table.node_public[n]), None)
            return NoRouteCause.STAFF_ONLY, staff_area or table.element_of(row)
        if math.isnan(table.costs[profile][row]):
            return NoRouteCause.NOT_STEP_FREE, table.element_of(row)
        return NoRouteCause.CLOSED, closed_by.get(row, table.element_of(row))


def seconds_to_minutes(seconds: float) -> int:
    """Whole minutes to show people, rounded up so a 70-second walk reads "2 min"."""
    return max(1, math.ceil(seconds / 60.0))
