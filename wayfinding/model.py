"""The floorplan as typed, immutable Python objects.

The loader turns the versioned JSON format (see floorplans/README.md) into these dataclasses;
everything else in the package reads them and never the raw JSON. Coordinates are in metres in
one site-wide frame shared by every floor: x grows to the east, y to the north. Bearings and
headings are compass degrees, clockwise from north.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import numpy as np
import numpy.typing as npt


class NodeKind(enum.StrEnum):
    """What a point on the walking graph is, used for drawing and for describing a route."""

    CORRIDOR = "corridor"
    JUNCTION = "junction"
    DOOR = "door"
    ENTRANCE = "entrance"
    EXIT = "exit"
    ELEVATOR = "elevator"
    STAIRS = "stairs"
    ESCALATOR = "escalator"
    RAMP = "ramp"
    KIOSK = "kiosk"
    DESTINATION = "destination"


class EdgeKind(enum.StrEnum):
    """How a walkable link is traversed; decides step-freeness and extra time."""

    CORRIDOR = "corridor"
    DOOR = "door"
    RAMP = "ramp"
    STAIRS = "stairs"
    ESCALATOR = "escalator"
    ELEVATOR = "elevator"
    SKYBRIDGE = "skybridge"
    TUNNEL = "tunnel"
    OUTDOOR = "outdoor"


# Kinds a wheelchair, walker or pushchair cannot use; everything else is step-free unless the
# floorplan says otherwise for one edge (a corridor with a single step, say).
NOT_STEP_FREE_KINDS = frozenset({EdgeKind.STAIRS, EdgeKind.ESCALATOR})

# Passages between buildings get their own direction step ("Cross the Skybridge ...").
PASSAGE_KINDS = frozenset({EdgeKind.SKYBRIDGE, EdgeKind.TUNNEL, EdgeKind.OUTDOOR})


class ConnectorKind(enum.StrEnum):
    """A vertical connector linking floors."""

    ELEVATOR = "elevator"
    STAIRS = "stairs"
    ESCALATOR = "escalator"


class Access(enum.StrEnum):
    """Who may use an element. Staff-only elements never carry a public route."""

    PUBLIC = "public"
    STAFF = "staff"


class Profile(enum.StrEnum):
    """A routing profile: who is walking and what they can use."""

    STANDARD = "standard"
    STEP_FREE = "step-free"


@dataclass(frozen=True)
class LocalizedName:
    """A display name with optional translations keyed by language code."""

    default: str
    translations: dict[str, str] = field(default_factory=dict)

    def in_language(self, lang: str) -> str:
        """The name in `lang`, falling back to the default (English) name."""
        return self.translations.get(lang, self.default)


@dataclass(frozen=True)
class FloorImage:
    """A background image for a floor and how its units map to site metres."""

    href: str
    metres_per_unit: float
    origin_x: float
    origin_y: float


@dataclass(frozen=True)
class Facility:
    """The hospital or clinic as a whole."""

    id: str
    name: LocalizedName
    phone: str
    synthetic: bool
    description: str


@dataclass(frozen=True)
class Building:
    """A building of the facility."""

    id: str
    name: LocalizedName


# Storey height assumed when a file gives a floor's level but not its elevation.
DEFAULT_STOREY_HEIGHT_M = 4.0


@dataclass(frozen=True)
class Floor:
    """One floor of one building; `sign` is what the signs and elevator buttons say.

    `level` orders the floors of one building (0 its main ground floor); `elevation_m` is the
    height of the floor above the site datum in metres, comparable across buildings, so a
    ramp between two buildings on a slope knows whether it goes up or down. Files that do not
    give it get `level * DEFAULT_STOREY_HEIGHT_M`.
    """

    id: str
    building: str
    level: int
    sign: str
    name: LocalizedName
    image: FloorImage | None
    elevation_m: float


@dataclass(frozen=True, slots=True)
class Node:
    """A point of the walking graph (slots: a campus has a hundred thousand of them)."""

    id: str
    floor: str
    x: float
    y: float
    kind: NodeKind
    access: Access
    name: LocalizedName | None


@dataclass(frozen=True, slots=True)
class Edge:
    """A walkable link between two nodes; both ways unless `one_way` (then from → to only).

    Slots, and `source` / `target` are the very string objects of the nodes' ids, because a
    campus has more edges than nodes."""

    id: str
    source: str
    target: str
    kind: EdgeKind
    length_m: float | None
    one_way: bool
    access: Access
    step_free: bool
    name: LocalizedName | None


@dataclass(frozen=True)
class Connector:
    """A named elevator bank, stairwell or escalator; `stops` are nodes, one per floor.

    Escalators run one way, from the first stop to the last; elevators and stairs run both ways.
    `hop_length_m` is the distance travelled between two adjacent stops (an escalator's
    length, a stair flight's walking line); None means the default for the kind and the
    height climbed (see `wayfinding.graph.CostModel`).
    """

    id: str
    name: LocalizedName
    kind: ConnectorKind
    stops: tuple[str, ...]
    access: Access
    hop_length_m: float | None = None


@dataclass(frozen=True)
class OpeningHours:
    """Opening hours as staff write them for people ("Mon-Fri 07:00-19:00") plus a 24/7 flag."""

    text: LocalizedName
    always_open: bool


@dataclass(frozen=True)
class Destination:
    """A place people ask for: a department, clinic, restroom, cafe, car park ..."""

    id: str
    name: LocalizedName
    short_name: LocalizedName
    category: str
    synonyms: dict[str, tuple[str, ...]]
    node: str
    hours: OpeningHours
    phone: str | None
    access: Access

    @property
    def is_public(self) -> bool:
        """Whether visitors may see and be routed to this destination."""
        return self.access is Access.PUBLIC


@dataclass(frozen=True)
class Kiosk:
    """A kiosk screen; `heading` is the compass direction a user faces when reading it."""

    id: str
    name: LocalizedName
    node: str
    heading: float


@dataclass(frozen=True)
class Landmark:
    """Any named, visible place used in directions ("turn left at the Chapel")."""

    id: str
    name: LocalizedName
    node: str


@dataclass(frozen=True)
class Phrase:
    """Staff-written text that replaces the generated instruction for walking from → to."""

    source: str
    target: str
    text: LocalizedName


@dataclass(frozen=True)
class Closure:
    """A closed node, edge or connector, with the reason and an optional end time."""

    id: str
    element: str
    reason: str
    until: datetime | None

    def is_active(self, now: datetime) -> bool:
        """Whether the closure applies at `now` (closures without an end stay until removed)."""
        return self.until is None or now < self.until


class NodeNeighbours(Mapping[str, frozenset[str]]):
    """Each node's neighbours as compressed rows of integers (CSR): about 8 bytes per link
    where a frozenset per node costs over 200."""

    def __init__(
        self,
        ids: list[str],
        index: dict[str, int],
        starts: npt.NDArray[np.int32],
        neighbours: npt.NDArray[np.int32],
    ) -> None:
        self._ids, self._index = ids, index
        self._starts, self._neighbours = starts, neighbours

    @classmethod
    def of_pairs(
        cls, ids: list[str], index: dict[str, int], pairs: list[tuple[int, int]]
    ) -> NodeNeighbours:
        """The neighbours of undirected links given as (i, j) index pairs, each pair once."""
        links = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        both_ways = np.concatenate([links, links[:, ::-1]])
        codes = np.unique(both_ways[:, 0] * len(ids) + both_ways[:, 1])
        counts = np.bincount(codes // max(len(ids), 1), minlength=len(ids))
        starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        return cls(ids, index, starts, (codes % max(len(ids), 1)).astype(np.int32))

    def __getitem__(self, node_id: str) -> frozenset[str]:
        i = self._index[node_id]
        rows = self._neighbours[self._starts[i] : self._starts[i + 1]].tolist()
        return frozenset(self._ids[j] for j in rows)

    def count(self, node_id: str) -> int:
        """How many neighbours a node has, without naming them."""
        i = self._index[node_id]
        return int(self._starts[i + 1] - self._starts[i])

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


@dataclass(frozen=True)
class Floorplan:
    """A whole, loaded floorplan. Build it with `wayfinding.load_floorplan`.

    It keeps no copy of the JSON it was read from: on a campus the parsed file is several
    times the size of the model, and a web worker must not carry it.
    """

    version: str
    facility: Facility
    buildings: dict[str, Building]
    floors: dict[str, Floor]
    nodes: dict[str, Node]
    edges: dict[str, Edge]
    connectors: dict[str, Connector]
    destinations: dict[str, Destination]
    kiosks: dict[str, Kiosk]
    landmarks: dict[str, Landmark]
    phrases: tuple[Phrase, ...]
    closures: tuple[Closure, ...]

    @cached_property
    def connector_of_node(self) -> dict[str, Connector]:
        """Which connector each stop node belongs to (for naming closed elevators, say)."""
        return {stop: c for c in self.connectors.values() for stop in c.stops}

    @cached_property
    def node_ids(self) -> list[str]:
        """Node ids in file order: node i of the compact arrays routing and search keep."""
        return list(self.nodes)

    @cached_property
    def node_index(self) -> dict[str, int]:
        """Each node id's position in `node_ids`, one map shared by every compact table."""
        return {node_id: i for i, node_id in enumerate(self.node_ids)}

    @cached_property
    def same_floor_neighbours(self) -> NodeNeighbours:
        """Nodes joined to each node on its own floor, both ways and whatever the access.

        This is what a person sees at a junction: every visible branch is a choice, so it
        decides where a direction step is needed. Kept as integer arrays, not a set per
        node, which would take tens of MB on a campus and serve only the few routes read.
        """
        index = self.node_index
        pairs = [
            (index[edge.source], index[edge.target])
            for edge in self.edges.values()
            if self.nodes[edge.source].floor == self.nodes[edge.target].floor
        ]
        return NodeNeighbours.of_pairs(self.node_ids, index, pairs)

    @cached_property
    def places_by_node(self) -> dict[str, LocalizedName]:
        """The name of the landmark or public destination at each node, if any.

        Destinations go by their short name ("Restrooms", not "Restrooms (Level 2)"), as on
        signs. Landmarks win over destinations because staff chose them for being visible.
        """
        places = {d.node: d.short_name for d in self.destinations.values() if d.is_public}
        places.update({landmark.node: landmark.name for landmark in self.landmarks.values()})
        return places

    @cached_property
    def places_by_floor(self) -> dict[str, tuple[tuple[str, LocalizedName], ...]]:
        """Named places (node id, name) on each floor, for finding landmarks near a point."""
        places: dict[str, list[tuple[str, LocalizedName]]] = {f: [] for f in self.floors}
        for node_id, name in self.places_by_node.items():
            places[self.nodes[node_id].floor].append((node_id, name))
        return {floor: tuple(items) for floor, items in places.items()}

    @cached_property
    def phrase_for_step(self) -> dict[tuple[str, str], LocalizedName]:
        """Staff-written phrases keyed by the (from, to) node pair they describe."""
        return {(p.source, p.target): p.text for p in self.phrases}

    def floor_of(self, node_id: str) -> Floor:
        """The floor a node is on."""
        return self.floors[self.nodes[node_id].floor]

    def element_name(self, element_id: str) -> LocalizedName:
        """A name people recognise for any element id, as used in 'while Elevator B is closed'."""
        if element_id in self.connectors:
            return self.connectors[element_id].name
        if element_id in self.connector_of_node:
            return self.connector_of_node[element_id].name
        named = self.edges.get(element_id) or self.nodes.get(element_id)
        if named is not None and named.name is not None:
            return named.name
        if element_id in self.places_by_node:
            return self.places_by_node[element_id]
        return LocalizedName(element_id)

    def active_closures(self, now: datetime) -> tuple[Closure, ...]:
        """The closures in force at `now`."""
        return tuple(c for c in self.closures if c.is_active(now))
