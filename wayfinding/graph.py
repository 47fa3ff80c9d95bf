"""Build the networkx walking graph from a floorplan and define what each edge costs.

Costs are walking time in seconds, per profile: metres divided by the walking speed, plus the
time a door takes, plus waits and per-level time on connectors. Climbing is costed by height
(floor elevations), the same way whether a flight of stairs is drawn as an edge or as a
connector. An edge a profile may not use
costs None, which networkx (and our own searches) read as "no edge". Access (staff-only) and
closures are applied on top, by `make_weight`, so a single graph serves every situation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

if TYPE_CHECKING:
    import networkx as nx

from wayfinding.model import (
    DEFAULT_STOREY_HEIGHT_M,
    Access,
    Connector,
    ConnectorKind,
    Edge,
    EdgeKind,
    Floorplan,
    Profile,
)


@dataclass(frozen=True)
class CostModel:
    """The walking-time model. Defaults follow common pedestrian-planning figures."""

    walking_speed_mps: dict[Profile, float] = field(
        default_factory=lambda: {Profile.STANDARD: 1.2, Profile.STEP_FREE: 0.9}
    )
    door_s: float = 5.0
    elevator_wait_s: float = 30.0
    elevator_per_level_s: float = 4.0
    stairs_per_level_s: float = 20.0
    escalator_per_level_s: float = 25.0
    # Walking distance a flight adds to the route's length in metres (elevators add none).
    stairs_per_level_m: float = 8.0
    # The height one "level" in the per-level figures stands for.
    storey_height_m: float = DEFAULT_STOREY_HEIGHT_M

    def climb(
        self, kind: EdgeKind, rise_m: float, run_m: float, length_m: float | None
    ) -> tuple[float, float]:
        """Metres walked and seconds taken on stairs or an escalator that rise `rise_m`.

        One storey is `stairs_per_level_m` of walking line taking the per-level time; a given
        length (a long escalator) scales the time; a long flat run never counts less than the
        climb. Edges and connectors both use this, so one level costs the same either way.
        """
        storeys = abs(rise_m) / self.storey_height_m
        length = length_m if length_m is not None else max(run_m, self.stairs_per_level_m * storeys)
        per_level_s = (
            self.escalator_per_level_s if kind is EdgeKind.ESCALATOR else self.stairs_per_level_s
        )
        return length, per_level_s * length / self.stairs_per_level_m

    def elevator_ride_s(self, travel_m: float) -> float:
        """Seconds for one elevator ride: the wait plus the time per storey travelled."""
        return self.elevator_wait_s + self.elevator_per_level_s * travel_m / self.storey_height_m


DEFAULT_COSTS = CostModel()

Element = TypeVar("Element")
Weight = Callable[[str, str, dict[str, Any]], float | None]
EdgeKey = tuple[str, str]


_COST_ATTRIBUTES = {profile: "cost_s_" + profile.name.lower() for profile in Profile}


def cost_attribute(profile: Profile) -> str:
    """Edge attribute holding the cost in seconds for `profile` (None: not usable)."""
    return _COST_ATTRIBUTES[profile]


@dataclass(frozen=True, slots=True)
class EdgeInfo:
    """What a route needs to know about a directed edge, without going through networkx."""

    element: str
    kind: EdgeKind
    connector: str
    length_m: float
    seconds: dict[Profile, float | None]


@dataclass(frozen=True)
class RoutingGraph:
    """The walking graph of one floorplan plus indexes by element id and by edge."""

    floorplan: Floorplan
    graph: nx.DiGraph[str]
    edges_of_element: dict[str, tuple[EdgeKey, ...]]
    edge_info: dict[EdgeKey, EdgeInfo]
    costs: CostModel

    def closed_edges(self, closed_elements: Iterable[str]) -> frozenset[EdgeKey]:
        """Every directed edge made unusable by closing the given nodes, edges or connectors."""
        return frozenset(
            key for element in closed_elements for key in self.edges_of_element.get(element, ())
        )


def make_weight(
    profile: Profile,
    closed: frozenset[EdgeKey] = frozenset(),
    *,
    include_staff: bool = False,
) -> Weight:
    """A networkx weight function for a profile, hiding staff-only and closed edges.

    This is the one place where "may this person use this edge now?" is decided; the
    precomputed searches call it too, so they cannot disagree with networkx.
    """
    attribute = cost_attribute(profile)

    def weight(u: str, v: str, data: dict[str, Any]) -> float | None:
        if not include_staff and not data["public"]:
            return None
        if (u, v) in closed:
            return None
        cost: float | None = data[attribute]
        return cost

    return weight


class WalkableLink(NamedTuple):
    """One directed way from a node to the next, and everything needed to cost and judge it.

    `attrs`: kind, length_m, one_way, step_free, public (the element and both of its nodes
    are public), connector (id or ""), and the seconds per profile (None: not usable).
    """

    source: str
    target: str
    element: str
    attrs: dict[str, Any]


def walkable_links(
    floorplan: Floorplan,
    costs: CostModel = DEFAULT_COSTS,
    *,
    only: Collection[str] | None = None,
) -> list[WalkableLink]:
    """Every directed link of the walking graph with its costs, without building a graph.

    The networkx graph and the validator's compact searches are both made from this list, so
    they agree on who may walk where. `only` limits it to the links of some edge and
    connector ids (what an edit changed).
    """
    edges = floorplan.edges.values() if only is None else _chosen(floorplan.edges, only)
    connectors = (
        floorplan.connectors.values() if only is None else _chosen(floorplan.connectors, only)
    )
    context = _LinkContext.of(floorplan, costs)
    links: list[WalkableLink] = []
    for edge in edges:
        attrs = _edge_attrs(floorplan, edge, context)
        links.append(WalkableLink(edge.source, edge.target, edge.id, attrs))
        if not edge.one_way:  # the same attributes both ways
            links.append(WalkableLink(edge.target, edge.source, edge.id, attrs))
    for connector in connectors:
        for u, v, hops in _connector_hops(floorplan, connector.kind, connector.stops):
            attrs = _connector_attrs(floorplan, connector, u, v, hops, context)
            links.append(WalkableLink(u, v, connector.id, attrs))
    return links


@dataclass(frozen=True)
class _LinkContext:
    """What costing every link needs, looked up once per floorplan."""

    costs: CostModel
    public_nodes: frozenset[str]
    height: dict[str, float]
    speeds: list[tuple[str, Profile, float]]

    @classmethod
    def of(cls, floorplan: Floorplan, costs: CostModel) -> _LinkContext:
        nodes = floorplan.nodes.values()
        return cls(
            costs,
            frozenset(n.id for n in nodes if n.access is Access.PUBLIC),
            {n.id: floorplan.floors[n.floor].elevation_m for n in nodes},
            [(_COST_ATTRIBUTES[p], p, costs.walking_speed_mps[p]) for p in Profile],
        )

    def public(self, element_is_public: bool, u: str, v: str) -> bool:
        """A link is public when its element and both of its nodes are."""
        return element_is_public and u in self.public_nodes and v in self.public_nodes


def _edge_attrs(floorplan: Floorplan, edge: Edge, context: _LinkContext) -> dict[str, Any]:
    """Attributes and per-profile seconds of an edge: walking, or climbing if it rises."""
    a, b = floorplan.nodes[edge.source], floorplan.nodes[edge.target]
    run = math.dist((a.x, a.y), (b.x, b.y))
    length = edge.length_m if edge.length_m is not None else run
    extra_s = context.costs.door_s if edge.kind is EdgeKind.DOOR else 0.0
    rise = context.height[b.id] - context.height[a.id]
    climb_s: float | None = None
    if rise and edge.kind in (EdgeKind.STAIRS, EdgeKind.ESCALATOR):
        length, climb_s = context.costs.climb(edge.kind, rise, run, edge.length_m)
    attrs: dict[str, Any] = {
        "kind": edge.kind.value,
        "length_m": length,
        "one_way": edge.one_way,
        "step_free": edge.step_free,
        "public": context.public(edge.access is Access.PUBLIC, edge.source, edge.target),
        "connector": "",
    }
    for attribute, profile, speed in context.speeds:
        usable = edge.step_free or profile is Profile.STANDARD
        seconds = climb_s if climb_s is not None else length / speed + extra_s
        attrs[attribute] = seconds if usable else None
    return attrs


def _connector_attrs(
    floorplan: Floorplan,
    connector: Connector,
    u: str,
    v: str,
    hops: int,
    context: _LinkContext,
) -> dict[str, Any]:
    """Attributes and per-profile seconds of one connector hop from stop u to stop v."""
    rise = context.height[v] - context.height[u]
    given = connector.hop_length_m * hops if connector.hop_length_m is not None else None
    if connector.kind is ConnectorKind.ELEVATOR:
        seconds = context.costs.elevator_ride_s(given if given is not None else abs(rise))
        length, step_free = 0.0, True
    else:
        a, b = floorplan.nodes[u], floorplan.nodes[v]
        run = math.dist((a.x, a.y), (b.x, b.y))
        length, seconds = context.costs.climb(EdgeKind(connector.kind.value), rise, run, given)
        step_free = False
    attrs: dict[str, Any] = {
        "kind": connector.kind.value,
        "length_m": length,
        "one_way": connector.kind is ConnectorKind.ESCALATOR,
        "step_free": step_free,
        "public": context.public(connector.access is Access.PUBLIC, u, v),
        "connector": connector.id,
    }
    for attribute, profile, _ in context.speeds:
        usable = step_free or profile is Profile.STANDARD
        attrs[attribute] = seconds if usable else None
    return attrs


def _chosen(elements: Mapping[str, Element], ids: Collection[str]) -> list[Element]:
    return [elements[i] for i in ids if i in elements]


def build_graph(floorplan: Floorplan, costs: CostModel = DEFAULT_COSTS) -> RoutingGraph:
    """Build the directed walking graph with per-profile costs on every edge.

    Node attributes: floor, level, elevation_m, building, x, y, kind, public. Edge attributes:
    id, kind, length_m, one_way, step_free, public, connector (id or ""), one cost per profile.
    """
    # Imported here: serving never builds this graph, and networkx costs a web worker 12 MB.
    import networkx as nx

    graph: nx.DiGraph[str] = nx.DiGraph()
    for node in floorplan.nodes.values():
        floor = floorplan.floors[node.floor]
        graph.add_node(
            node.id,
            floor=node.floor,
            level=floor.level,
            elevation_m=floor.elevation_m,
            building=floor.building,
            x=node.x,
            y=node.y,
            kind=node.kind.value,
            public=node.access is Access.PUBLIC,
        )
    edges_of_element: dict[str, list[EdgeKey]] = {node_id: [] for node_id in floorplan.nodes}
    edge_info: dict[EdgeKey, EdgeInfo] = {}
    for u, v, element, attrs in walkable_links(floorplan, costs):
        graph.add_edge(u, v, id=element, **attrs)
        for key in (element, u, v):
            edges_of_element.setdefault(key, []).append((u, v))
        edge_info[u, v] = EdgeInfo(
            element,
            EdgeKind(attrs["kind"]),
            attrs["connector"],
            attrs["length_m"],
            {profile: attrs[cost_attribute(profile)] for profile in Profile},
        )
    return RoutingGraph(
        floorplan, graph, {k: tuple(v) for k, v in edges_of_element.items()}, edge_info, costs
    )


def _connector_hops(
    floorplan: Floorplan, kind: ConnectorKind, stops: tuple[str, ...]
) -> list[tuple[str, str, int]]:
    """Directed hops a connector offers, each with how many adjacent stops it spans.

    An elevator goes from any stop to any other in one ride; stairs go floor by floor both
    ways; an escalator only from its first stop to its last.
    """
    if kind is ConnectorKind.ESCALATOR:
        return [(stops[0], stops[-1], 1)]
    by_height = sorted(stops, key=lambda stop: floorplan.floor_of(stop).elevation_m)
    if kind is ConnectorKind.ELEVATOR:
        return [
            (u, v, abs(i - j))
            for i, u in enumerate(by_height)
            for j, v in enumerate(by_height)
            if u != v
        ]
    pairs = list(zip(by_height, by_height[1:], strict=False))
    return [(u, v, 1) for u, v in pairs] + [(v, u, 1) for u, v in pairs]
