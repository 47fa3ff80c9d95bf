"""Routes: precomputed from kiosks, searched between any two places, explained when impossible.

A `Wayfinder` is built once per published floorplan version. It precomputes one shortest-path
tree per kiosk and profile, so `route_from_kiosk` only walks predecessors back from the
destination. `route_between` (a phone's "from here") runs A*. Closures are evaluated against
a given time; when the set of closures in force changes (a closure expires, or staff publish
one with `set_closures`) the precomputation is thrown away and rebuilt.
"""

from __future__ import annotations

import enum
import math
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import NamedTuple

from wayfinding.errors import UnknownPlaceError, WayfindingError
from wayfinding.graph import DEFAULT_COSTS, CostModel, build_graph
from wayfinding.i18n import N_, translator
from wayfinding.model import (
    Access,
    Closure,
    Destination,
    EdgeKind,
    Floorplan,
    Kiosk,
    Profile,
)
from wayfinding.search import DestinationIndex, DirectorySection, SearchResult
from wayfinding.shortest_paths import (
    CompiledProfile,
    LandmarkTrees,
    ShortestPathTree,
    astar_path,
    compile_profile,
    shortest_path_tree,
)


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


class NoRouteCause(enum.StrEnum):
    """Why no route exists, so the kiosk can say what to do about it."""

    CLOSED = "closed"
    NOT_STEP_FREE = "not-step-free"
    UNREACHABLE = "unreachable"


# One message per cause and profile; %(element)s is the name of what blocks the way.
NO_ROUTE_MESSAGES = {
    (NoRouteCause.CLOSED, Profile.STANDARD): N_("No route while %(element)s is closed."),
    (NoRouteCause.CLOSED, Profile.STEP_FREE): N_("No step-free route while %(element)s is closed."),
    (NoRouteCause.NOT_STEP_FREE, Profile.STEP_FREE): N_(
        "No step-free route: the only way uses %(element)s."
    ),
    (NoRouteCause.UNREACHABLE, Profile.STANDARD): N_(
        "%(destination)s cannot be reached from here."
    ),
    (NoRouteCause.UNREACHABLE, Profile.STEP_FREE): N_(
        "%(destination)s cannot be reached from here without steps."
    ),
}


class NoRouteError(WayfindingError):
    """No route exists for this profile now; `cause` and `blocking` say why."""

    def __init__(
        self,
        floorplan: Floorplan,
        profile: Profile,
        target: str,
        cause: NoRouteCause,
        blocking: tuple[str, ...] = (),
    ) -> None:
        self.floorplan = floorplan
        self.profile = profile
        self.target = target
        self.cause = cause
        self.blocking = blocking
        super().__init__(self.describe())

    def describe(self, lang: str = "en") -> str:
        """The reason in words for visitors: "No step-free route while Elevator B is closed."."""
        plan = self.floorplan
        destination = plan.destinations.get(self.target)
        target_name = destination.name if destination else plan.element_name(self.target)
        element = plan.element_name(self.blocking[0]) if self.blocking else target_name
        template = NO_ROUTE_MESSAGES[(self.cause, self.profile)]
        return translator(lang).gettext(template) % {
            "element": element.in_language(lang),
            "destination": target_name.in_language(lang),
        }


def as_utc(now: datetime | None) -> datetime:
    """`now` as an aware UTC time; None means the current time, naive times are taken as UTC."""
    if now is None:
        return datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now


@dataclass
class _RoutingState:
    """Compiled graphs and kiosk trees for one set of closed elements."""

    closed_elements: frozenset[str]
    compiled: dict[Profile, CompiledProfile]
    trees: dict[tuple[str, Profile], ShortestPathTree] = field(default_factory=dict)
    # Trees towards each kiosk: with `trees` they bound A* searches (see astar_path).
    inward_trees: dict[tuple[str, Profile], ShortestPathTree] = field(default_factory=dict)


class Wayfinder:
    """Routing for one floorplan version; build once, then answer requests from lookups.

    Thread-safe for concurrent requests: a change of closures swaps in a new state object,
    while requests already running keep the one they started with.
    """

    def __init__(
        self,
        floorplan: Floorplan,
        *,
        costs: CostModel = DEFAULT_COSTS,
        now: datetime | None = None,
        precompute: bool = True,
    ) -> None:
        self.floorplan = floorplan
        self.routing = build_graph(floorplan, costs)
        self._closures: tuple[Closure, ...] = floorplan.closures
        self._lock = threading.Lock()
        self._states: dict[frozenset[str], _RoutingState] = {}
        if precompute:
            self.precompute(now)

    # -- precomputation -------------------------------------------------------------------

    @property
    def closures(self) -> tuple[Closure, ...]:
        """The closures this wayfinder applies (from the floorplan unless replaced)."""
        return self._closures

    def set_closures(self, closures: Iterable[Closure]) -> None:
        """Replace the closures (staff published a change); drops every precomputed tree."""
        with self._lock:
            self._closures = tuple(closures)
            self._states.clear()

    def invalidate(self) -> None:
        """Drop all precomputed trees; the next request or `precompute` rebuilds them."""
        with self._lock:
            self._states.clear()

    def precompute(self, now: datetime | None = None) -> None:
        """Build the tree of every kiosk in every profile for the closures in force at `now`."""
        state = self._state_at(now)
        for kiosk in self.floorplan.kiosks.values():
            for profile in Profile:
                self._tree(state, kiosk, profile)
                self._inward_tree(state, kiosk, profile)

    def closed_elements(self, now: datetime | None = None) -> frozenset[str]:
        """Ids of the nodes, edges and connectors closed at `now`."""
        moment = as_utc(now)
        return frozenset(c.element for c in self._closures if c.is_active(moment))

    def _state_at(self, now: datetime | None) -> _RoutingState:
        return self._state_for(self.closed_elements(now))

    def _state_for(self, closed_elements: frozenset[str]) -> _RoutingState:
        with self._lock:
            state = self._states.get(closed_elements)
            if state is None:
                # Keep the closure-free state (used to explain failures) and the latest one.
                self._states = {k: v for k, v in self._states.items() if not k}
                state = _RoutingState(closed_elements, {})
                self._states[closed_elements] = state
            return state

    def _compiled(self, state: _RoutingState, profile: Profile) -> CompiledProfile:
        compiled = state.compiled.get(profile)
        if compiled is None:
            closed = self.routing.closed_edges(state.closed_elements)
            compiled = compile_profile(self.routing, profile, closed)
            state.compiled[profile] = compiled
        return compiled

    def _tree(self, state: _RoutingState, kiosk: Kiosk, profile: Profile) -> ShortestPathTree:
        tree = state.trees.get((kiosk.id, profile))
        if tree is None:
            compiled = self._compiled(state, profile)
            tree = shortest_path_tree(compiled, compiled.index[kiosk.node])
            state.trees[(kiosk.id, profile)] = tree
        return tree

    def _inward_tree(
        self, state: _RoutingState, kiosk: Kiosk, profile: Profile
    ) -> ShortestPathTree:
        tree = state.inward_trees.get((kiosk.id, profile))
        if tree is None:
            compiled = self._compiled(state, profile)
            tree = shortest_path_tree(compiled, compiled.index[kiosk.node], backwards=True)
            state.inward_trees[(kiosk.id, profile)] = tree
        return tree

    def _landmarks(self, state: _RoutingState, profile: Profile) -> list[LandmarkTrees]:
        """Kiosks with both trees built for this profile, as A* landmarks.

        list() snapshots a dict in one step, safe against another thread adding a tree.
        """
        outward = dict(list(state.trees.items()))
        return [
            LandmarkTrees(outward[key], tree)
            for key, tree in list(state.inward_trees.items())
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
        profile = Profile(profile)
        kiosk = self.kiosk(kiosk_id)
        target_node, destination = self._resolve_target(destination_id)
        state = self._state_at(now)
        compiled = self._compiled(state, profile)
        tree = self._tree(state, kiosk, profile)
        path = tree.path_to(compiled.index[target_node])
        if path is None:
            raise self._explain(kiosk.node, target_node, destination_id, profile, state)
        seconds = tree.seconds[compiled.index[target_node]]
        return self._route(compiled, path, seconds, destination, kiosk)

    def route_between(
        self,
        origin: str,
        destination_id: str,
        profile: Profile | str = Profile.STANDARD,
        now: datetime | None = None,
    ) -> Route:
        """The best route from any public node (or kiosk id) to a destination, by A*."""
        profile = Profile(profile)
        source_node, kiosk = self._resolve_origin(origin)
        target_node, destination = self._resolve_target(destination_id)
        state = self._state_at(now)
        compiled = self._compiled(state, profile)
        found = astar_path(
            compiled,
            compiled.index[source_node],
            compiled.index[target_node],
            self._landmarks(state, profile),
        )
        if found is None:
            raise self._explain(source_node, target_node, destination_id, profile, state)
        seconds, path = found
        return self._route(compiled, path, seconds, destination, kiosk)

    def nearest(
        self,
        category: str,
        origin: str,
        profile: Profile | str = Profile.STANDARD,
        now: datetime | None = None,
    ) -> Route:
        """The route to the quickest-to-reach public destination of `category` from `origin`.

        `origin` is a kiosk id (answered from its tree) or a public node id. Raises
        NoRouteError (cause unreachable) when no destination of that category can be reached.
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
        targets = frozenset(compiled.index[node] for node in candidates)
        if kiosk is not None:
            tree = self._tree(state, kiosk, profile)
        else:
            tree = shortest_path_tree(compiled, compiled.index[source_node], stop_at=targets)
        best = min(targets, key=lambda target: tree.seconds[target])
        path = tree.path_to(best)
        if path is None:
            raise NoRouteError(self.floorplan, profile, category, NoRouteCause.UNREACHABLE)
        destination = candidates[compiled.ids[best]]
        return self._route(compiled, path, tree.seconds[best], destination, kiosk)

    def kiosk_seconds(
        self,
        kiosk_id: str,
        node_ids: Iterable[str],
        profile: Profile | str,
        *,
        closed_elements: frozenset[str] = frozenset(),
    ) -> Mapping[str, float]:
        """Walking seconds from a kiosk to each node (inf when unreachable), from its tree.

        Used by validation to check every destination against every kiosk without new searches.
        """
        profile = Profile(profile)
        state = self._state_for(closed_elements)
        compiled = self._compiled(state, profile)
        tree = self._tree(state, self.kiosk(kiosk_id), profile)
        return {node: tree.seconds[compiled.index[node]] for node in node_ids}

    def compiled_profile(
        self, profile: Profile | str, closed_elements: frozenset[str] = frozenset()
    ) -> CompiledProfile:
        """The compiled adjacency for a profile and set of closures (shared, do not modify)."""
        return self._compiled(self._state_for(closed_elements), Profile(profile))

    def _route(
        self,
        compiled: CompiledProfile,
        path: list[int],
        seconds: float,
        destination: Destination | None,
        kiosk: Kiosk | None,
    ) -> Route:
        nodes = tuple(compiled.ids[i] for i in path)
        edge_info = self.routing.edge_info
        profile = compiled.profile
        hops = []
        for u, v in zip(nodes, nodes[1:], strict=False):
            info = edge_info[u, v]
            hop_seconds = info.seconds[profile]
            assert hop_seconds is not None  # the search only walks usable edges
            hops.append(
                Hop(u, v, info.element, info.kind, info.connector, info.length_m, hop_seconds)
            )
        return Route(
            self.floorplan, compiled.profile, nodes, tuple(hops), seconds, destination, kiosk
        )

    def _explain(
        self,
        source: str,
        target: str,
        target_id: str,
        profile: Profile,
        state: _RoutingState,
    ) -> NoRouteError:
        """Find why there is no route: a closure on the way, steps, or nothing at all."""

        def path_without_closures(search_profile: Profile) -> list[str] | None:
            compiled = self._compiled(self._state_for(frozenset()), search_profile)
            found = astar_path(compiled, compiled.index[source], compiled.index[target])
            return None if found is None else [compiled.ids[i] for i in found[1]]

        plan = self.floorplan
        path = path_without_closures(profile) if state.closed_elements else None
        if path is not None:
            walked = set(zip(path, path[1:], strict=False))
            blocking = tuple(
                closure.element
                for closure in self._closures
                if closure.element in state.closed_elements
                and walked & set(self.routing.edges_of_element.get(closure.element, ()))
            )
            return NoRouteError(plan, profile, target_id, NoRouteCause.CLOSED, blocking)
        if profile is Profile.STEP_FREE:
            path = path_without_closures(Profile.STANDARD)
            if path is not None:
                graph = self.routing.graph
                stepped = tuple(
                    dict.fromkeys(
                        graph.edges[u, v]["connector"] or graph.edges[u, v]["id"]
                        for u, v in zip(path, path[1:], strict=False)
                        if not graph.edges[u, v]["step_free"]
                    )
                )
                return NoRouteError(plan, profile, target_id, NoRouteCause.NOT_STEP_FREE, stepped)
        return NoRouteError(plan, profile, target_id, NoRouteCause.UNREACHABLE)


def seconds_to_minutes(seconds: float) -> int:
    """Whole minutes to show people, rounded up so a 70-second walk reads "2 min"."""
    return max(1, math.ceil(seconds / 60.0))
