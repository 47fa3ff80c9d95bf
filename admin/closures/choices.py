"""What staff may close, grouped as they look for it: per building and floor, corridors
(edges), doors and entrances (nodes) and single elevator, stair or escalator stops, and the
whole elevator banks, stairwells and escalators. Every choice is labelled with the name people
see ("Elevator A", "the corridor near Imaging"); the id follows only where two look alike.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from kiosk.closures.detours import upper_first
from wayfinding import Floorplan
from wayfinding.model import Access, Floor, NodeKind
from wayfinding.no_route import visible_name

DOOR_KINDS = frozenset({NodeKind.DOOR, NodeKind.ENTRANCE, NodeKind.EXIT})
STOP_KINDS = frozenset({NodeKind.ELEVATOR, NodeKind.STAIRS, NodeKind.ESCALATOR})
GROUP_TITLES = {
    "corridors": _l("%(floor)s: corridors"),
    "doors": _l("%(floor)s: doors and entrances"),
    "stops": _l("%(floor)s: one elevator, stair or escalator stop"),
}
FLOOR_TITLE = _l("%(building)s, %(floor)s")
CONNECTOR_GROUP = _l("Whole elevator banks, stairwells and escalators")
ONE_STOP = _l("%(connector)s, stop on %(floor)s")


@dataclass(frozen=True)
class ElementChoice:
    """One thing staff may close: its id and what people call it."""

    element: str
    label: str


@dataclass(frozen=True)
class ChoiceGroup:
    """A heading of the picker with its choices."""

    title: str
    choices: tuple[ElementChoice, ...]


def element_groups(plan: Floorplan, lang: str) -> list[ChoiceGroup]:
    """Every public element that can be closed, grouped by floor and kind, whole connectors
    first; labels in `lang`."""
    groups = [ChoiceGroup(gettext(CONNECTOR_GROUP), connector_choices(plan, lang))]
    for floor in plan.floors.values():
        groups.extend(floor_groups(plan, floor, lang))
    return groups


def floor_groups(plan: Floorplan, floor: Floor, lang: str) -> list[ChoiceGroup]:
    """One floor's corridors, doors and connector stops (groups with nothing are left out)."""
    floor_name = floor.name.in_language(lang)
    building = plan.buildings[floor.building].name.in_language(lang)
    found: dict[str, list[ElementChoice]] = {kind: [] for kind in GROUP_TITLES}
    for edge in plan.edges.values():
        if edge.access is Access.PUBLIC and plan.nodes[edge.source].floor == floor.id:
            found["corridors"].append(ElementChoice(edge.id, visible_name(plan, edge.id, lang)))
    for node in plan.nodes.values():
        if node.floor != floor.id or node.access is not Access.PUBLIC:
            continue
        if node.kind in DOOR_KINDS:
            found["doors"].append(ElementChoice(node.id, visible_name(plan, node.id, lang)))
        elif node.kind in STOP_KINDS and node.id in plan.connector_of_node:
            connector = plan.connector_of_node[node.id].name.in_language(lang)
            label = str(ONE_STOP) % {"connector": connector, "floor": floor_name}
            found["stops"].append(ElementChoice(node.id, label))
    title = str(FLOOR_TITLE) % {"building": building, "floor": floor_name}
    return [
        ChoiceGroup(str(GROUP_TITLES[kind]) % {"floor": title}, distinct(choices))
        for kind, choices in found.items()
        if choices
    ]


def connector_choices(plan: Floorplan, lang: str) -> tuple[ElementChoice, ...]:
    """Each public elevator bank, stairwell and escalator, whole."""
    return distinct(
        [
            ElementChoice(c.id, c.name.in_language(lang))
            for c in plan.connectors.values()
            if c.access is Access.PUBLIC
        ]
    )


def distinct(choices: list[ElementChoice]) -> tuple[ElementChoice, ...]:
    """The choices A–Z, with the id added to labels that would otherwise look the same (and a
    capital first letter: Spanish names start with their article, "el elevador A")."""
    seen = Counter(choice.label for choice in choices)
    labelled = [
        ElementChoice(
            c.element,
            upper_first(f"{c.label} ({c.element})" if seen[c.label] > 1 else c.label),
        )
        for c in choices
    ]
    return tuple(sorted(labelled, key=lambda c: c.label.casefold()))


def closable_elements(plan: Floorplan, lang: str) -> dict[str, str]:
    """Every element id staff may close, with its label."""
    return {
        choice.element: choice.label
        for group in element_groups(plan, lang)
        for choice in group.choices
    }
