"""What the editor shows of one floor of the draft: its elements as lists, the selected element,
the validation issues with the floor each one is on, and the data the map canvas draws.

Everything is read from the draft's JSON document itself, so the editor shows exactly what will
be published, names and all, including elements the loader would refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wayfinding import Issue, ValidationReport
from wayfinding.loader import ID_SECTIONS
from wayfinding.name_clashes import name_clash_warnings

Item = Mapping[str, Any]


@dataclass(frozen=True)
class FloorChoice:
    """A floor in the picker: its id and how staff know it ("Main Building · 2 (Blue)")."""

    id: str
    label: str


@dataclass(frozen=True)
class FloorElements:
    """The elements drawn on one floor, each section in file order."""

    nodes: list[Item] = field(default_factory=list)
    edges: list[Item] = field(default_factory=list)
    connectors: list[Item] = field(default_factory=list)
    destinations: list[Item] = field(default_factory=list)
    kiosks: list[Item] = field(default_factory=list)
    landmarks: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class Selected:
    """The element the editor has selected, with the section it is in."""

    section: str
    item: Item


@dataclass(frozen=True)
class IssueEntry:
    """One validation issue as the editor lists it, with the floor its element is on (empty
    when it is not on one floor, such as a facility-wide warning)."""

    severity: str
    element: str
    floor: str
    message: str


def floor_choices(document: Item) -> list[FloorChoice]:
    """Every floor, named by building and sign, in file order."""
    buildings = {b["id"]: b.get("name", b["id"]) for b in document.get("buildings", [])}
    return [
        FloorChoice(f["id"], f"{buildings.get(f['building'], f['building'])} · {f['sign']}")
        for f in document.get("floors", [])
    ]


def floor_elements(document: Item, floor_id: str) -> FloorElements:
    """The nodes on the floor and everything that touches them."""
    nodes = [n for n in document.get("nodes", []) if n["floor"] == floor_id]
    here = {n["id"] for n in nodes}
    return FloorElements(
        nodes=nodes,
        edges=[e for e in document.get("edges", []) if e["from"] in here or e["to"] in here],
        connectors=[c for c in document.get("connectors", []) if here.intersection(c["stops"])],
        destinations=[d for d in document.get("destinations", []) if d["node"] in here],
        kiosks=[k for k in document.get("kiosks", []) if k["node"] in here],
        landmarks=[m for m in document.get("landmarks", []) if m["node"] in here],
    )


def find_element(document: Item, element_id: str) -> Selected | None:
    """The element with this id, in whichever section it is."""
    for section in ID_SECTIONS:
        for item in document.get(section, []):
            if item["id"] == element_id:
                return Selected(section, item)
    return None


def element_floor(document: Item, element_id: str) -> str:
    """The floor an element is drawn on: a node's floor, an edge's start, a place's node, a
    connector's first stop, a closure's element; "" for anything else."""
    found = find_element(document, element_id)
    if found is None:
        return ""
    item, section = found.item, found.section
    node_floors = {n["id"]: n["floor"] for n in document.get("nodes", [])}
    if section == "floors":
        return str(item["id"])
    if section == "nodes":
        return str(item["floor"])
    if section == "edges":
        return str(node_floors.get(item["from"], ""))
    if section == "connectors":
        return str(node_floors.get(item["stops"][0], "")) if item["stops"] else ""
    if section == "closures":
        return element_floor(document, item["element"]) if item["element"] != element_id else ""
    return str(node_floors.get(item.get("node", ""), ""))


def issue_entries(document: Item, report: ValidationReport) -> list[IssueEntry]:
    """Errors first, then warnings (the validator's, then places sharing a name), each with
    the floor to show it on."""
    floors: dict[str, str] = {}

    def entry(issue: Issue) -> IssueEntry:
        if issue.element not in floors:
            floors[issue.element] = element_floor(document, issue.element)
        return IssueEntry(issue.severity.value, issue.element, floors[issue.element], issue.message)

    clashes = name_clash_warnings(document)
    return [entry(issue) for issue in (*report.errors, *report.warnings, *clashes)]


def reference_floor(document: Item, floor_id: str) -> str:
    """The floor to show faintly under this one while aligning it: the next one down in the
    same building, else the next one up; "" for a building of one floor."""
    floors = document.get("floors", [])
    floor = next((f for f in floors if f["id"] == floor_id), None)
    if floor is None:
        return ""
    same_building = [f for f in floors if f["building"] == floor["building"] and f is not floor]
    below = [f for f in same_building if f["level"] < floor["level"]]
    above = [f for f in same_building if f["level"] > floor["level"]]
    if below:
        return str(max(below, key=lambda f: f["level"])["id"])
    return str(min(above, key=lambda f: f["level"])["id"]) if above else ""


def reference_lines(document: Item, floor_id: str) -> list[list[tuple[float, float]]]:
    """The corridors of the reference floor, as pairs of site points (same frame as this
    floor's), so an image or a new floor can be lined up with the one under it."""
    other = reference_floor(document, floor_id)
    positions = {
        n["id"]: (n["x"], n["y"]) for n in document.get("nodes", []) if n["floor"] == other
    }
    return [
        [positions[e["from"]], positions[e["to"]]]
        for e in document.get("edges", [])
        if e["from"] in positions and e["to"] in positions
    ]


def canvas_data(
    document: Item, floor_id: str, image: Mapping[str, Any] | None, revision: int
) -> dict[str, Any]:
    """What the map canvas draws for one floor, in site metres (x east, y north). Names go
    out as plain JSON strings: the script puts them into the page as text, never as markup."""
    elements = floor_elements(document, floor_id)
    positions = {n["id"]: (n["x"], n["y"]) for n in elements.nodes}
    names = {n["id"]: n.get("name", "") for n in elements.nodes}
    places = [
        {
            "id": item["id"],
            "section": section,
            "node": item["node"],
            "name": item["name"],
            "heading": item.get("heading"),
        }
        for section in ("destinations", "kiosks", "landmarks")
        for item in getattr(elements, section)
    ]
    for place in places:
        names[place["node"]] = names[place["node"]] or place["name"]
    return {
        "floor": floor_id,
        "revision": revision,
        "image": image,
        "reference": reference_lines(document, floor_id),
        "nodes": [
            {
                "id": n["id"],
                "x": n["x"],
                "y": n["y"],
                "kind": n["kind"],
                "staff": n.get("access") == "staff",
                "name": names[n["id"]],
            }
            for n in elements.nodes
        ],
        "edges": [
            {
                "id": e["id"],
                "from": positions[e["from"]],
                "to": positions[e["to"]],
                "kind": e.get("kind", "corridor"),
                "one_way": bool(e.get("one_way")),
                "staff": e.get("access") == "staff",
            }
            for e in elements.edges
            if e["from"] in positions and e["to"] in positions
        ],
        "places": places,
    }
