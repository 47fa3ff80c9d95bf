"""Load a floorplan file into the typed model, or say exactly what is wrong with it.

Loading has three stages, each reporting every problem it finds rather than the first:
JSON syntax, the JSON Schema (shape and types), and cross-references (ids that are duplicated
or point at nothing, geometry that cannot be walked). Graph-level checks that need routing
(reachability, one-way traps) live in `wayfinding.validation`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from wayfinding.errors import FloorplanError, Issue, Severity
from wayfinding.json_input import (
    element_at,
    first_unusable_value,
    json_path,
    read_json_file,
    unreadable_number_message,
    value_at,
)
from wayfinding.json_input import (
    located_error as _error,
)
from wayfinding.migration import CURRENT_FORMAT_VERSION, format_version_of, migrate_to_current
from wayfinding.model import (
    DEFAULT_STOREY_HEIGHT_M,
    NOT_STEP_FREE_KINDS,
    Access,
    Building,
    Closure,
    Connector,
    ConnectorKind,
    Destination,
    Edge,
    EdgeKind,
    Facility,
    Floor,
    FloorImage,
    Floorplan,
    Kiosk,
    Landmark,
    LocalizedName,
    Node,
    NodeKind,
    OpeningHours,
    Phrase,
)

SCHEMA_DIR = Path(__file__).parent / "schema"

# Sections whose items carry an `id`; ids are unique across all of them so that a closure or
# an error message can name any element without saying what kind it is.
ID_SECTIONS = (
    "buildings",
    "floors",
    "nodes",
    "edges",
    "connectors",
    "destinations",
    "kiosks",
    "landmarks",
    "closures",
)

# Enum members by their JSON value; a dict lookup is much quicker than calling the enum for
# each of a campus's hundred thousand nodes.
NODE_KINDS = {kind.value: kind for kind in NodeKind}
EDGE_KINDS = {kind.value: kind for kind in EdgeKind}
ACCESS = {access.value: access for access in Access}

ALWAYS_OPEN_MARKERS = frozenset({"24/7", "24 hours", "always open"})

# The steepest slope a wheelchair user can be sent up or down (1:12, as building codes say);
# a steeper ramp counts as not step-free unless the file says otherwise.
MAX_STEP_FREE_GRADIENT = 1 / 12

# Names for connectors a small clinic's file leaves unnamed ("Take the Elevator up ...").
DEFAULT_CONNECTOR_NAMES = {
    ConnectorKind.ELEVATOR: LocalizedName("Elevator", {"es": "Elevador"}),
    ConnectorKind.STAIRS: LocalizedName("Stairs", {"es": "Escaleras"}),
    ConnectorKind.ESCALATOR: LocalizedName("Escalator", {"es": "Escalera eléctrica"}),
}


@cache
def floorplan_schema(format_version: int = CURRENT_FORMAT_VERSION) -> dict[str, Any]:
    """The JSON Schema of one format version, read once."""
    path = SCHEMA_DIR / f"floorplan-v{format_version}.schema.json"
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@cache
def schema_validator(format_version: int) -> jsonschema_rs.Draft202012Validator:
    """The compiled schema check of one format version, made once."""
    return jsonschema_rs.Draft202012Validator(floorplan_schema(format_version))


def load_floorplan(source: str | Path | Mapping[str, Any]) -> Floorplan:
    """Load and check a floorplan from a file path or an already parsed JSON object.

    Files of an older format version are upgraded on the way in (see `wayfinding.migration`).
    Raises FloorplanError listing every located error; warnings are left to `validate`.
    The parsed JSON is dropped once the model is built (see `Floorplan`).
    """
    return build_floorplan(checked_json(source))


def checked_json(source: str | Path | Mapping[str, Any]) -> dict[str, Any]:
    """The floorplan JSON, checked as `load_floorplan` checks it and in the current format.

    Raises FloorplanError listing every located error.
    """
    raw = read_json_file(source) if isinstance(source, str | Path) else dict(source)
    issues = schema_issues(raw)
    if issues:
        raise FloorplanError(issues)
    raw = migrate_to_current(raw)
    issues = reference_issues(raw)
    if any(issue.severity is Severity.ERROR for issue in issues):
        raise FloorplanError([i for i in issues if i.severity is Severity.ERROR])
    return raw


def schema_issues(raw: Mapping[str, Any]) -> list[Issue]:
    """Shape and type errors against the schema of the file's format version, located.

    Python objects that are not JSON, or nesting too deep for any floorplan, are located by
    `wayfinding.json_input` instead of crashing the schema check.
    """
    try:
        found = located_schema_errors(schema_validator(format_version_of(raw)), raw, raw)
    except ValueError as exc:
        unusable = first_unusable_value(raw)
        if unusable is None:
            return [_error("", "$", f"not a floorplan JSON object: {exc}")]
        parts, message = unusable
        return [_error(element_at(raw, parts), json_path(parts), message)]
    return in_document_order(found)


def located_schema_errors(
    validator: jsonschema_rs.Draft202012Validator,
    instance: Any,
    raw: Mapping[str, Any],
    prefix: Sequence[str | int] = (),
) -> list[tuple[list[str | int], Issue]]:
    """Schema errors of `instance`, which sits at `prefix` in `raw`, with their paths.

    Raises ValueError for values the schema check cannot take (see `schema_issues`).
    """
    located = []
    for error in validator.iter_errors(instance):
        parts = [*prefix, *error.instance_path]
        message = unreadable_number_message(value_at(raw, parts)) or error.message
        located.append((parts, _error(element_at(raw, parts), json_path(parts), message)))
    return located


def in_document_order(located: Iterable[tuple[list[str | int], Issue]]) -> list[Issue]:
    """Issues sorted by where they sit in the file: $.nodes[9] before $.nodes[10]."""

    def order(parts: list[str | int]) -> list[tuple[int, str]]:
        return [(part, "") if isinstance(part, int) else (-1, part) for part in parts]

    return [issue for _, issue in sorted(located, key=lambda pair: order(pair[0]))]


def reference_issues(raw: Mapping[str, Any]) -> list[Issue]:
    """Duplicate ids, dangling references and unwalkable geometry in a schema-valid file."""
    issues: list[Issue] = []
    seen: dict[str, tuple[str, int]] = {}
    for section in ID_SECTIONS:
        for index, item in enumerate(raw.get(section, [])):
            item_id = item["id"]
            if item_id in seen:
                first = json_path([*seen[item_id], "id"])
                message = f"duplicate id (first used at {first})"
                issues.append(_error(item_id, json_path([section, index, "id"]), message))
            else:
                seen[item_id] = (section, index)

    def ids_of(section: str) -> dict[str, dict[str, Any]]:
        return {item["id"]: item for item in raw.get(section, [])}

    buildings, floors, nodes = ids_of("buildings"), ids_of("floors"), ids_of("nodes")
    edges, connectors = ids_of("edges"), ids_of("connectors")

    def check_ref(
        section: str, index: int, item: Mapping[str, Any], key: str, known: Mapping[str, Any]
    ) -> None:
        if item[key] not in known:
            what = "node" if known is nodes else "floor" if known is floors else "building"
            issues.append(
                _error(
                    str(item.get("id", item[key])),
                    json_path([section, index, key]),
                    f"unknown {what} {item[key]!r}",
                )
            )

    for index, floor in enumerate(raw["floors"]):
        check_ref("floors", index, floor, "building", buildings)
    for index, node in enumerate(raw["nodes"]):
        check_ref("nodes", index, node, "floor", floors)
    for section in ("destinations", "kiosks", "landmarks"):
        for index, item in enumerate(raw.get(section, [])):
            check_ref(section, index, item, "node", nodes)
    for index, phrase in enumerate(raw.get("phrases", [])):
        check_ref("phrases", index, phrase, "from", nodes)
        check_ref("phrases", index, phrase, "to", nodes)
    for index, edge in enumerate(raw["edges"]):
        check_ref("edges", index, edge, "from", nodes)
        check_ref("edges", index, edge, "to", nodes)
    if issues:
        return issues  # geometry checks below need every reference to resolve

    issues.extend(_edge_geometry_issues(raw, nodes, floors))
    issues.extend(_connector_issues(raw, nodes, floors))
    known_elements = nodes.keys() | edges.keys() | connectors.keys()
    for index, closure in enumerate(raw.get("closures", [])):
        if closure["element"] not in known_elements:
            issues.append(
                _error(
                    closure["id"],
                    json_path(["closures", index, "element"]),
                    f"closes unknown node, edge or connector {closure['element']!r}",
                )
            )
        if "until" in closure:
            try:
                until = datetime.fromisoformat(closure["until"])
            except ValueError:
                until = None
            if until is None or until.tzinfo is None:
                issues.append(
                    _error(
                        closure["id"],
                        json_path(["closures", index, "until"]),
                        "must be an ISO 8601 date-time with a UTC offset, "
                        "e.g. 2025-03-01T18:00:00+00:00",
                    )
                )
    for index, destination in enumerate(raw.get("destinations", [])):
        public = destination.get("access", "public") == "public"
        if public and nodes[destination["node"]].get("access", "public") != "public":
            issues.append(
                _error(
                    destination["id"],
                    json_path(["destinations", index, "node"]),
                    "a public destination cannot sit on a staff-only node",
                )
            )
    for index, kiosk in enumerate(raw.get("kiosks", [])):
        if nodes[kiosk["node"]].get("access", "public") != "public":
            path = json_path(["kiosks", index, "node"])
            issues.append(_error(kiosk["id"], path, "a kiosk cannot sit on a staff-only node"))
    return issues


def _edge_geometry_issues(
    raw: Mapping[str, Any], nodes: Mapping[str, Any], floors: Mapping[str, Any]
) -> list[Issue]:
    issues: list[Issue] = []
    pairs: dict[tuple[str, str], str] = {}  # (smaller id, larger id) -> first edge
    heights = {floor_id: floor_elevation(floor) for floor_id, floor in floors.items()}
    for index, edge in enumerate(raw["edges"]):
        a, b = nodes[edge["from"]], nodes[edge["to"]]
        problems = []
        pair = (a["id"], b["id"]) if a["id"] < b["id"] else (b["id"], a["id"])
        if a is b:
            problems.append("edge joins a node to itself")
        elif pair in pairs:
            problems.append(f"second edge between the same nodes as {pairs[pair]!r}")
        pairs[pair] = edge["id"]
        if a is not b and a["x"] == b["x"] and a["y"] == b["y"]:
            problems.append("edge has no length: both ends are at the same x, y")
        height_a, height_b = heights[a["floor"]], heights[b["floor"]]
        kind = edge.get("kind", "corridor")
        if height_a != height_b and kind not in ("ramp", "stairs", "escalator"):
            problems.append(
                f"a {kind} edge cannot join floors at {height_a:g} m and {height_b:g} m; "
                "use a connector, or kind ramp/stairs/escalator"
            )
        if problems:
            path = json_path(["edges", index])
            issues.extend(_error(edge["id"], path, message) for message in problems)
    return issues


def floor_elevation(floor: Mapping[str, Any]) -> float:
    """A raw floor's height above the site datum (metres), defaulting from its level."""
    return float(floor.get("elevation_m", floor["level"] * DEFAULT_STOREY_HEIGHT_M))


def _connector_issues(
    raw: Mapping[str, Any], nodes: Mapping[str, Any], floors: Mapping[str, Any]
) -> list[Issue]:
    issues = []
    for index, connector in enumerate(raw.get("connectors", [])):
        stops = connector["stops"]
        path = json_path(["connectors", index, "stops"])
        if len(stops) < 2:
            issues.append(_error(connector["id"], path, "a connector needs at least two stops"))
            continue
        unknown = [stop for stop in stops if stop not in nodes]
        if unknown:
            issues.append(_error(connector["id"], path, f"unknown stop node(s) {unknown}"))
            continue
        levels = [floors[nodes[stop]["floor"]]["level"] for stop in stops]
        if len(set(levels)) != len(levels):
            issues.append(
                _error(connector["id"], path, "two stops on the same level; one stop per level")
            )
        if connector["kind"] == "escalator" and len(stops) != 2:
            issues.append(
                _error(connector["id"], path, "an escalator runs between exactly two stops")
            )
    return issues


def _name(item: Mapping[str, Any], key: str = "name") -> LocalizedName:
    return LocalizedName(item[key], dict(item.get(f"{key}_i18n", {})))


def _optional_name(item: Mapping[str, Any]) -> LocalizedName | None:
    return _name(item) if "name" in item else None


def _detached(text: str) -> str:
    """A new string equal to `text`, for the ids the model keeps of every node and edge.

    The parsed file's strings sit among its dicts, a hundred MB on a campus; one string kept
    from a memory page keeps the whole page resident after the file is dropped. Copies made
    together share pages only with each other.
    """
    return text.encode().decode()


def _detached_number(value: float) -> float:
    """A new float equal to `value`, for the coordinates every node keeps (see `_detached`)."""
    return float(value) * 1.0


def _node(n: Mapping[str, Any], floors: Mapping[str, Floor]) -> Node:
    return Node(
        id=_detached(n["id"]),
        floor=floors[n["floor"]].id,  # one string per floor, not one per node
        x=_detached_number(n["x"]),
        y=_detached_number(n["y"]),
        kind=NODE_KINDS[n["kind"]],
        access=ACCESS[n.get("access", "public")],
        name=_optional_name(n),
    )


def _edge(e: Mapping[str, Any], nodes: Mapping[str, Node], floors: Mapping[str, Floor]) -> Edge:
    kind = EDGE_KINDS[e.get("kind", "corridor")]
    length = float(e["length_m"]) if "length_m" in e else None
    source, target = nodes[e["from"]], nodes[e["to"]]
    step_free_by_kind = kind not in NOT_STEP_FREE_KINDS and not _too_steep(
        source, target, floors, length
    )
    return Edge(
        id=_detached(e["id"]),
        source=source.id,  # the node's own id string, not the file's copy of it
        target=target.id,
        kind=kind,
        length_m=length,
        one_way=bool(e.get("one_way", False)),
        access=ACCESS[e.get("access", "public")],
        step_free=bool(e.get("step_free", step_free_by_kind)),
        name=_optional_name(e),
    )


def _too_steep(a: Node, b: Node, floors: Mapping[str, Floor], length_m: float | None) -> bool:
    """Whether a link climbs more steeply than a wheelchair ramp may (1:12), by elevation."""
    rise = abs(floors[a.floor].elevation_m - floors[b.floor].elevation_m)
    run = length_m if length_m is not None else math.dist((a.x, a.y), (b.x, b.y))
    return rise > run * MAX_STEP_FREE_GRADIENT


def build_floorplan(
    raw: dict[str, Any],
    previous: Floorplan | None = None,
    changed: AbstractSet[str] = frozenset(),
) -> Floorplan:
    """Turn a checked JSON object into model objects; assumes every reference resolves.

    With `previous` (the same floorplan before an edit) and the ids the edit `changed`, the
    nodes and edges it did not touch are reused rather than built again.
    """
    facility_raw = raw["facility"]
    facility = Facility(
        id=facility_raw["id"],
        name=_name(facility_raw),
        phone=facility_raw.get("phone", ""),
        synthetic=bool(facility_raw.get("synthetic", False)),
        description=facility_raw.get("description", ""),
    )
    buildings = {b["id"]: Building(b["id"], _name(b)) for b in raw["buildings"]}
    floors = {}
    for f in raw["floors"]:
        image = None
        if "image" in f:
            origin = f["image"].get("origin", [0, 0])
            image = FloorImage(
                f["image"]["href"], float(f["image"]["metres_per_unit"]), origin[0], origin[1]
            )
        name = _name(f) if "name" in f else LocalizedName(f"Level {f['sign']}")
        # JSON Schema counts 1.0 as an integer; the model wants a real int.
        level = int(f["level"])
        elevation = float(f.get("elevation_m", level * DEFAULT_STOREY_HEIGHT_M))
        floors[f["id"]] = Floor(f["id"], f["building"], level, f["sign"], name, image, elevation)
    reusable = previous is not None and not (changed & (previous.floors.keys() | {"facility"}))
    old_nodes = previous.nodes if previous is not None and reusable else {}
    old_edges = previous.edges if previous is not None and reusable else {}
    nodes = {
        node.id: node
        for node in (
            old_nodes[n["id"]]
            if n["id"] in old_nodes and n["id"] not in changed
            else _node(n, floors)
            for n in raw["nodes"]
        )
    }
    edges = {
        edge.id: edge
        for edge in (
            old_edges[e["id"]]
            if e["id"] in old_edges and not changed & {e["id"], e["from"], e["to"]}
            else _edge(e, nodes, floors)
            for e in raw["edges"]
        )
    }
    connectors = {
        c["id"]: Connector(
            id=c["id"],
            name=_name(c) if "name" in c else DEFAULT_CONNECTOR_NAMES[ConnectorKind(c["kind"])],
            kind=ConnectorKind(c["kind"]),
            stops=tuple(c["stops"]),
            access=Access(c.get("access", "public")),
            hop_length_m=float(c["hop_length_m"]) if "hop_length_m" in c else None,
        )
        for c in raw.get("connectors", [])
    }
    destinations = {}
    for d in raw.get("destinations", []):
        hours_text = d.get("hours", "")
        synonyms: dict[str, tuple[str, ...]] = {"en": ()}
        synonyms.update({lang: tuple(words) for lang, words in d.get("synonyms", {}).items()})
        destinations[d["id"]] = Destination(
            id=d["id"],
            name=_name(d),
            short_name=_name(d, "short_name") if "short_name" in d else _name(d),
            category=d["category"],
            synonyms=synonyms,
            node=d["node"],
            hours=OpeningHours(
                LocalizedName(hours_text, dict(d.get("hours_i18n", {}))),
                hours_text.strip().lower() in ALWAYS_OPEN_MARKERS,
            ),
            phone=d.get("phone"),
            access=Access(d.get("access", "public")),
        )
    kiosks = {
        k["id"]: Kiosk(k["id"], _name(k), k["node"], float(k["heading"]) % 360.0)
        for k in raw.get("kiosks", [])
    }
    landmarks = {m["id"]: Landmark(m["id"], _name(m), m["node"]) for m in raw.get("landmarks", [])}
    phrases = tuple(Phrase(p["from"], p["to"], _name(p, "text")) for p in raw.get("phrases", []))
    closures = tuple(
        Closure(
            c["id"],
            c["element"],
            c["reason"],
            datetime.fromisoformat(c["until"]).astimezone(UTC) if "until" in c else None,
        )
        for c in raw.get("closures", [])
    )
    return Floorplan(
        version=raw["version"],
        facility=facility,
        buildings=buildings,
        floors=floors,
        nodes=nodes,
        edges=edges,
        connectors=connectors,
        destinations=destinations,
        kiosks=kiosks,
        landmarks=landmarks,
        phrases=phrases,
        closures=closures,
    )
