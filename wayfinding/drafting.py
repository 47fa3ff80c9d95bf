"""Edit a floorplan document one operation at a time, as the staff floorplan editor does.

Every operation takes the native JSON document (floorplans/README.md, format version 2) and
returns an `Edit`: a new document, the ids it changed (what `wayfinding.revalidate` needs to
recheck only those) and the id of the element the editor should select next. The input is never
modified: sections an operation does not touch are shared with the new document, and a changed
item is a new dict, so the previous document stays valid for undo.

An operation refuses what would make the file unloadable (an edge with no length, a corridor
between floors at different heights, a destination on a node that is not there, a node deleted
under a kiosk...) by raising `EditRefused` with an `EditProblem` and the id concerned; the
editor turns it into a message in the staff member's language. A document that went through
any sequence of successful operations still loads with `load_floorplan`. Whether the map then
*works* (every destination reachable, step-free routes) is `validate`'s question, shown live.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wayfinding.errors import WayfindingError
from wayfinding.loader import ID_SECTIONS, floor_elevation
from wayfinding.model import Access, ConnectorKind, EdgeKind, NodeKind

Document = Mapping[str, Any]

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}")
MAX_COORDINATE = 100_000.0
MAX_TEXT = 200
MAX_PHONE = 40
MAX_SYNONYMS = 30
MAX_METRES_PER_UNIT = 1000.0
# Edges between floors at different heights must be walked as one of these (loader's rule).
CLIMBING_EDGE_KINDS = frozenset({EdgeKind.RAMP, EdgeKind.STAIRS, EdgeKind.ESCALATOR})
# Edge kinds a file may name (an elevator ride is a connector, never an edge).
EDGE_KINDS = tuple(kind.value for kind in EdgeKind if kind is not EdgeKind.ELEVATOR)
DESTINATION_CATEGORIES = (
    "department",
    "clinic",
    "restroom",
    "food",
    "shop",
    "pharmacy",
    "parking",
    "entrance",
    "faith",
    "service",
    "staff",
)
# Sections whose items stand on one node.
PLACED_SECTIONS = ("destinations", "kiosks", "landmarks")


class EditProblem(enum.StrEnum):
    """Why an edit was refused; each gets its own message in the editor."""

    UNKNOWN_ELEMENT = "unknown-element"
    ID_TAKEN = "id-taken"
    BAD_ID = "bad-id"
    BAD_NUMBER = "bad-number"
    BAD_CHOICE = "bad-choice"
    TEXT_REQUIRED = "text-required"
    TEXT_TOO_LONG = "text-too-long"
    SAME_NODE = "same-node"
    ALREADY_CONNECTED = "already-connected"
    SAME_PLACE = "same-place"
    NEEDS_CLIMBING_KIND = "needs-climbing-kind"
    NODE_IN_USE = "node-in-use"
    STAFF_ONLY_NODE = "staff-only-node"
    TOO_FEW_STOPS = "too-few-stops"
    STOPS_SHARE_A_LEVEL = "stops-share-a-level"
    ESCALATOR_STOPS = "escalator-stops"
    NO_FLOOR_IMAGE = "no-floor-image"
    SAME_POINT = "same-point"


class EditRefused(WayfindingError, ValueError):
    """An edit that would break the floorplan; `problem` says why, `subject` names the id or
    field concerned."""

    def __init__(self, problem: EditProblem, subject: str = "") -> None:
        super().__init__(f"{problem.value}: {subject}" if subject else problem.value)
        self.problem = problem
        self.subject = subject


@dataclass(frozen=True)
class Edit:
    """The outcome of one operation: the new document, every id it added, changed or removed,
    and the element to select afterwards."""

    document: dict[str, Any]
    changed: frozenset[str]
    selected: str = ""


@dataclass(frozen=True)
class Names:
    """An element's name in English and, optionally, Spanish."""

    en: str
    es: str = ""


@dataclass(frozen=True)
class DestinationFields:
    """Everything the editor's destination form sets."""

    id: str
    node: str
    name: Names
    category: str
    short_name: Names = Names("")
    synonyms: Mapping[str, Sequence[str]] = field(default_factory=dict)
    hours: Names = Names("")
    phone: str = ""
    access: str = Access.PUBLIC.value


# -- nodes ---------------------------------------------------------------------------------


def add_node(
    document: Document,
    floor_id: str,
    x: float,
    y: float,
    kind: str = NodeKind.CORRIDOR.value,
    *,
    node_id: str = "",
    access: str = Access.PUBLIC.value,
) -> Edit:
    """A new node on a floor; without an id it gets a readable free one (`main-1-corridor-3`)."""
    _item(document, "floors", floor_id)
    _choice(kind, NodeKind)
    _choice(access, Access)
    node_id = _new_id(document, node_id) if node_id else _free_id(document, f"{floor_id}-{kind}")
    node: dict[str, Any] = {
        "id": node_id,
        "floor": floor_id,
        "x": _coordinate(x),
        "y": _coordinate(y),
        "kind": kind,
    }
    if access != Access.PUBLIC.value:
        node["access"] = access
    return Edit(_appended(document, "nodes", node), frozenset({node_id}), node_id)


def move_node(document: Document, node_id: str, x: float, y: float) -> Edit:
    """The node at a new position on its floor; refused onto the spot of a node it is joined
    to (the edge would have no length)."""
    node = _item(document, "nodes", node_id)
    moved = {**node, "x": _coordinate(x), "y": _coordinate(y)}
    nodes = _by_id(document, "nodes")
    for edge in _edges_of(document, {node_id}):
        other = nodes[edge["to"] if edge["from"] == node_id else edge["from"]]
        if (other["x"], other["y"]) == (moved["x"], moved["y"]):
            raise EditRefused(EditProblem.SAME_PLACE, other["id"])
    return Edit(_replaced(document, "nodes", moved), frozenset({node_id}), node_id)


def set_node(document: Document, node_id: str, kind: str, access: str) -> Edit:
    """A node's kind and who may walk through it; a node under a public destination or a
    kiosk stays public."""
    node = _item(document, "nodes", node_id)
    _choice(kind, NodeKind)
    _choice(access, Access)
    if access != Access.PUBLIC.value:
        for section in ("destinations", "kiosks"):
            for item in document.get(section, []):
                if item["node"] == node_id and _is_public(item, section):
                    raise EditRefused(EditProblem.STAFF_ONLY_NODE, item["id"])
    changed = {key: value for key, value in node.items() if key != "access"}
    changed["kind"] = kind
    if access != Access.PUBLIC.value:
        changed["access"] = access
    return Edit(_replaced(document, "nodes", changed), frozenset({node_id}), node_id)


def delete_node(document: Document, node_id: str) -> Edit:
    """Remove a node with its edges, its stop on a connector (a connector left with one stop
    goes too), the phrases and the closures that name what was removed. A node a destination,
    kiosk or landmark stands on is refused: move or delete that first."""
    _item(document, "nodes", node_id)
    for section in PLACED_SECTIONS:
        for item in document.get(section, []):
            if item["node"] == node_id:
                raise EditRefused(EditProblem.NODE_IN_USE, item["id"])
    removed = {node_id} | {edge["id"] for edge in _edges_of(document, {node_id})}
    edited = dict(document)
    edited["nodes"] = [n for n in document["nodes"] if n["id"] != node_id]
    edited["edges"] = [e for e in document["edges"] if e["id"] not in removed]
    connectors, shortened = [], set()
    for connector in document.get("connectors", []):
        stops = [stop for stop in connector["stops"] if stop != node_id]
        if len(stops) == len(connector["stops"]):
            connectors.append(connector)
        elif len(stops) < 2:
            removed.add(connector["id"])
        else:
            connectors.append({**connector, "stops": stops})
            shortened.add(connector["id"])
    if "connectors" in document:
        edited["connectors"] = connectors
    _drop_references(edited, removed)
    return Edit(edited, frozenset(removed | shortened))


# -- edges ---------------------------------------------------------------------------------


def connect(
    document: Document,
    from_id: str,
    to_id: str,
    kind: str = EdgeKind.CORRIDOR.value,
    *,
    one_way: bool = False,
    access: str = Access.PUBLIC.value,
    edge_id: str = "",
) -> Edit:
    """A walkable edge between two nodes (both ways unless `one_way`: then from → to only)."""
    if from_id == to_id:
        raise EditRefused(EditProblem.SAME_NODE, from_id)
    a, b = _item(document, "nodes", from_id), _item(document, "nodes", to_id)
    for edge in _edges_of(document, {from_id}):
        if to_id in (edge["from"], edge["to"]):
            raise EditRefused(EditProblem.ALREADY_CONNECTED, edge["id"])
    # The format measures an edge in plan view: two ends at one x, y have no length, even on
    # two floors (floors are joined at one spot by connectors, not edges).
    if (a["x"], a["y"]) == (b["x"], b["y"]):
        raise EditRefused(EditProblem.SAME_PLACE, to_id)
    edge_id = _new_id(document, edge_id) if edge_id else _free_id(document, f"{from_id}--{to_id}")
    edge = _edge_fields({"id": edge_id, "from": from_id, "to": to_id}, kind, one_way, access)
    _check_heights(document, edge)
    return Edit(_appended(document, "edges", edge), frozenset({edge_id}), edge_id)


def set_edge(document: Document, edge_id: str, kind: str, one_way: bool, access: str) -> Edit:
    """An edge's kind, direction and who may use it."""
    edge = _edge_fields(dict(_item(document, "edges", edge_id)), kind, one_way, access)
    _check_heights(document, edge)
    return Edit(_replaced(document, "edges", edge), frozenset({edge_id}), edge_id)


def disconnect(document: Document, edge_id: str) -> Edit:
    """Remove an edge (and the closures that close it)."""
    _item(document, "edges", edge_id)
    edited = dict(document)
    edited["edges"] = [e for e in document["edges"] if e["id"] != edge_id]
    _drop_references(edited, {edge_id})
    return Edit(edited, frozenset({edge_id}))


# -- connectors ----------------------------------------------------------------------------


def link_connector(
    document: Document,
    connector_id: str,
    kind: str,
    stops: Sequence[str],
    name: Names = Names(""),
) -> Edit:
    """Create or replace a connector (an elevator bank, a stairwell, an escalator) with its
    stops, one node per level; an escalator runs from its first stop to its second."""
    _choice(kind, ConnectorKind)
    stops = list(dict.fromkeys(stops))
    if len(stops) < 2:
        raise EditRefused(EditProblem.TOO_FEW_STOPS, connector_id)
    levels = []
    for stop in stops:
        node = _item(document, "nodes", stop)
        levels.append(_item(document, "floors", node["floor"])["level"])
    if len(set(levels)) != len(levels):
        raise EditRefused(EditProblem.STOPS_SHARE_A_LEVEL, connector_id)
    if kind == ConnectorKind.ESCALATOR.value and len(stops) != 2:
        raise EditRefused(EditProblem.ESCALATOR_STOPS, connector_id)
    existing = _by_id(document, "connectors").get(connector_id)
    if existing is None:
        _new_id(document, connector_id)
    connector = {
        **{k: v for k, v in (existing or {}).items() if k not in ("name", "name_i18n")},
        "id": connector_id,
        "kind": kind,
        "stops": stops,
        **_named(name, required=False, kept=existing),
    }
    edited = _saved(document, "connectors", connector, existing is not None)
    changed = {connector_id, *stops, *(existing["stops"] if existing else [])}
    return Edit(edited, frozenset(changed), connector_id)


def unlink_connector(document: Document, connector_id: str) -> Edit:
    """Remove a connector (its stop nodes stay) and the closures that close it."""
    _item(document, "connectors", connector_id)
    edited = dict(document)
    edited["connectors"] = [c for c in document["connectors"] if c["id"] != connector_id]
    _drop_references(edited, {connector_id})
    return Edit(edited, frozenset({connector_id}))


# -- places on nodes -----------------------------------------------------------------------


def save_destination(document: Document, fields: DestinationFields) -> Edit:
    """Add a destination, or change one, with its names in English and Spanish, short name,
    category, lay synonyms per language, hours, phone and access."""
    existing = _placed(document, "destinations", fields.id, fields.node)
    _choice(fields.category, DESTINATION_CATEGORIES)
    _choice(fields.access, Access)
    if fields.access == Access.PUBLIC.value:
        _require_public_node(document, fields.node, fields.id)
    destination: dict[str, Any] = {
        "id": fields.id,
        **_named(fields.name, required=True, kept=existing),
        **_named(fields.short_name, required=False, key="short_name", kept=existing),
        "category": fields.category,
        "node": fields.node,
    }
    synonyms = {
        **{k: v for k, v in (existing or {}).get("synonyms", {}).items() if k not in ("en", "es")},
        **{lang: _texts(words) for lang, words in fields.synonyms.items()},
    }
    if any(synonyms.values()):
        destination["synonyms"] = {lang: words for lang, words in synonyms.items() if words}
    destination.update(_named(fields.hours, required=False, key="hours", kept=existing))
    phone = _text(fields.phone, required=False, limit=MAX_PHONE)
    if phone:
        destination["phone"] = phone
    if fields.access != Access.PUBLIC.value:
        destination["access"] = fields.access
    edited = _saved(document, "destinations", destination, existing is not None)
    changed = {fields.id, fields.node, *([existing["node"]] if existing else [])}
    return Edit(edited, frozenset(changed), fields.id)


def save_kiosk(
    document: Document, kiosk_id: str, node_id: str, name: Names, heading: float
) -> Edit:
    """Add or change a kiosk: where it stands and the compass heading its user faces."""
    existing = _placed(document, "kiosks", kiosk_id, node_id)
    _require_public_node(document, node_id, kiosk_id)
    if not math.isfinite(heading):
        raise EditRefused(EditProblem.BAD_NUMBER, "heading")
    kiosk = {
        "id": kiosk_id,
        **_named(name, required=True, kept=existing),
        "node": node_id,
        "heading": _plain_number(heading % 360.0),
    }
    edited = _saved(document, "kiosks", kiosk, existing is not None)
    return Edit(edited, frozenset({kiosk_id, node_id}), kiosk_id)


def save_landmark(document: Document, landmark_id: str, node_id: str, name: Names) -> Edit:
    """Add or change a landmark: a named, visible place directions can mention."""
    existing = _placed(document, "landmarks", landmark_id, node_id)
    landmark = {"id": landmark_id, **_named(name, required=True, kept=existing), "node": node_id}
    edited = _saved(document, "landmarks", landmark, existing is not None)
    return Edit(edited, frozenset({landmark_id, node_id}), landmark_id)


def delete_place(document: Document, section: str, item_id: str) -> Edit:
    """Remove a destination, kiosk or landmark (its node stays)."""
    if section not in PLACED_SECTIONS:
        raise EditRefused(EditProblem.BAD_CHOICE, section)
    _item(document, section, item_id)
    edited = dict(document)
    edited[section] = [item for item in document[section] if item["id"] != item_id]
    return Edit(edited, frozenset({item_id}))


# -- floor images --------------------------------------------------------------------------


def set_floor_image(document: Document, floor_id: str, href: str) -> Edit:
    """Put an image under a floor, keeping its scale and alignment if it had one (1 pixel =
    0.1 m until the scale is set)."""
    floor = _item(document, "floors", floor_id)
    href = _text(href, required=True, limit=500)
    image = {"metres_per_unit": 0.1, **floor.get("image", {}), "href": href}
    return _floor_changed(document, {**floor, "image": image})


def scale_floor_image(
    document: Document,
    floor_id: str,
    first: tuple[float, float],
    second: tuple[float, float],
    distance_m: float,
) -> Edit:
    """Set the floor image's scale from two points clicked on it (image units) and the real
    distance between them in metres."""
    floor = _item(document, "floors", floor_id)
    if "image" not in floor:
        raise EditRefused(EditProblem.NO_FLOOR_IMAGE, floor_id)
    units = math.dist(first, second)
    if not all(math.isfinite(v) for v in (*first, *second)):
        raise EditRefused(EditProblem.BAD_NUMBER, "point")
    if units == 0:
        raise EditRefused(EditProblem.SAME_POINT, floor_id)
    if not (math.isfinite(distance_m) and distance_m > 0):
        raise EditRefused(EditProblem.BAD_NUMBER, "distance")
    metres_per_unit = distance_m / units
    if not 0 < metres_per_unit <= MAX_METRES_PER_UNIT:
        raise EditRefused(EditProblem.BAD_NUMBER, "distance")
    image = {**floor["image"], "metres_per_unit": metres_per_unit}
    return _floor_changed(document, {**floor, "image": image})


def align_floor_image(document: Document, floor_id: str, origin_x: float, origin_y: float) -> Edit:
    """Place the floor image's top-left corner at site coordinates, so floors line up."""
    floor = _item(document, "floors", floor_id)
    if "image" not in floor:
        raise EditRefused(EditProblem.NO_FLOOR_IMAGE, floor_id)
    origin = [_coordinate(origin_x), _coordinate(origin_y)]
    return _floor_changed(document, {**floor, "image": {**floor["image"], "origin": origin}})


# -- helpers -------------------------------------------------------------------------------


def element_ids(document: Document) -> dict[str, str]:
    """Every id in the document with the section it is in."""
    return {item["id"]: section for section in ID_SECTIONS for item in document.get(section, [])}


def _floor_changed(document: Document, floor: dict[str, Any]) -> Edit:
    return Edit(_replaced(document, "floors", floor), frozenset({floor["id"]}), floor["id"])


def _by_id(document: Document, section: str) -> dict[str, Mapping[str, Any]]:
    return {item["id"]: item for item in document.get(section, [])}


def _item(document: Document, section: str, item_id: str) -> Mapping[str, Any]:
    """The item of `section` with `item_id`, or refused as unknown."""
    for item in document.get(section, []):
        if item["id"] == item_id:
            return item  # type: ignore[no-any-return]
    raise EditRefused(EditProblem.UNKNOWN_ELEMENT, item_id)


def _placed(
    document: Document, section: str, item_id: str, node_id: str
) -> Mapping[str, Any] | None:
    """The item being edited (None for a new one, whose id must be free) after checking that
    its node exists."""
    existing = _by_id(document, section).get(item_id)
    if existing is None:
        _new_id(document, item_id)
    _item(document, "nodes", node_id)
    return existing


def _require_public_node(document: Document, node_id: str, subject: str) -> None:
    if _item(document, "nodes", node_id).get("access", "public") != Access.PUBLIC.value:
        raise EditRefused(EditProblem.STAFF_ONLY_NODE, subject)


def _is_public(item: Mapping[str, Any], section: str) -> bool:
    return section == "kiosks" or item.get("access", "public") == Access.PUBLIC.value


def _edges_of(document: Document, node_ids: Iterable[str]) -> list[Mapping[str, Any]]:
    wanted = set(node_ids)
    return [e for e in document["edges"] if e["from"] in wanted or e["to"] in wanted]


def _edge_fields(edge: dict[str, Any], kind: str, one_way: bool, access: str) -> dict[str, Any]:
    """`edge` with its kind, direction and access set, defaults left out as the format does."""
    _choice(kind, EDGE_KINDS)
    _choice(access, Access)
    for key in ("kind", "one_way", "access"):
        edge.pop(key, None)
    if kind != EdgeKind.CORRIDOR.value:
        edge["kind"] = kind
    if one_way:
        edge["one_way"] = True
    if access != Access.PUBLIC.value:
        edge["access"] = access
    return edge


def _check_heights(document: Document, edge: Mapping[str, Any]) -> None:
    """Floors at different heights are joined only by a ramp, stairs or an escalator."""
    nodes = _by_id(document, "nodes")
    floors = _by_id(document, "floors")
    heights = {floor_elevation(floors[nodes[end]["floor"]]) for end in (edge["from"], edge["to"])}
    if len(heights) > 1 and edge.get("kind", "corridor") not in CLIMBING_EDGE_KINDS:
        raise EditRefused(EditProblem.NEEDS_CLIMBING_KIND, edge["id"])


def _drop_references(edited: dict[str, Any], removed: set[str]) -> None:
    """Remove the phrases and closures that name removed elements; the closures' ids join
    `removed`."""
    if "phrases" in edited:
        edited["phrases"] = [
            p for p in edited["phrases"] if p["from"] not in removed and p["to"] not in removed
        ]
    if "closures" in edited:
        closed = {c["id"] for c in edited["closures"] if c["element"] in removed}
        edited["closures"] = [c for c in edited["closures"] if c["id"] not in closed]
        removed |= closed


def _appended(document: Document, section: str, item: dict[str, Any]) -> dict[str, Any]:
    return {**document, section: [*document.get(section, []), item]}


def _replaced(document: Document, section: str, item: dict[str, Any]) -> dict[str, Any]:
    return {
        **document,
        section: [item if old["id"] == item["id"] else old for old in document[section]],
    }


def _saved(document: Document, section: str, item: dict[str, Any], exists: bool) -> dict[str, Any]:
    return _replaced(document, section, item) if exists else _appended(document, section, item)


def _new_id(document: Document, item_id: str) -> str:
    """`item_id` if it is a well-formed id no element uses yet."""
    if not ID_PATTERN.fullmatch(item_id):
        raise EditRefused(EditProblem.BAD_ID, item_id[:100])
    if item_id in element_ids(document):
        raise EditRefused(EditProblem.ID_TAKEN, item_id)
    return item_id


def _free_id(document: Document, stem: str) -> str:
    """`stem-1`, `stem-2`, ... the first one no element uses (cut to the id length limit)."""
    taken = element_ids(document)
    stem = re.sub(r"[^A-Za-z0-9_.:-]", "-", stem)[:90]
    number = 1
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"


def _choice(value: str, allowed: Iterable[str] | type[enum.StrEnum]) -> str:
    if value not in {str(option) for option in allowed}:
        raise EditRefused(EditProblem.BAD_CHOICE, str(value)[:100])
    return value


def _coordinate(value: float) -> float:
    if not (math.isfinite(value) and -MAX_COORDINATE <= value <= MAX_COORDINATE):
        raise EditRefused(EditProblem.BAD_NUMBER, "coordinate")
    return _plain_number(value)


def _plain_number(value: float) -> float:
    """Rounded to the millimetre, and whole metres written as whole numbers (70, not 70.0),
    so the file stays readable and an unmoved value never shows up in a diff."""
    rounded = round(float(value), 3) + 0.0
    return int(rounded) if rounded.is_integer() else rounded


def _text(value: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    text = " ".join(value.split())
    if required and not text:
        raise EditRefused(EditProblem.TEXT_REQUIRED)
    if len(text) > limit:
        raise EditRefused(EditProblem.TEXT_TOO_LONG, text[:40])
    return text


def _texts(words: Sequence[str]) -> list[str]:
    cleaned = [_text(word, required=False) for word in words]
    unique = list(dict.fromkeys(word for word in cleaned if word))
    if len(unique) > MAX_SYNONYMS:
        raise EditRefused(EditProblem.TEXT_TOO_LONG, "synonyms")
    return unique


def _named(
    names: Names, *, required: bool, key: str = "name", kept: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """`{"name": en, "name_i18n": {"es": es}}` with empty parts left out. Translations into
    languages the editor does not show, in the item being changed (`kept`), stay as they are."""
    english = _text(names.en, required=required)
    spanish = _text(names.es, required=False)
    if not english:
        return {}
    fields: dict[str, Any] = {key: english}
    others = {k: v for k, v in (kept or {}).get(f"{key}_i18n", {}).items() if k != "es"}
    translations = {**others, **({"es": spanish} if spanish else {})}
    if translations:
        fields[f"{key}_i18n"] = translations
    return fields
