"""What changed between two floorplan documents, element by element: the answer a refused
stale save links to ("what did my colleague change?")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wayfinding.drafting import ID_SECTIONS


@dataclass(frozen=True)
class Change:
    """One element added, removed or changed: its section and id."""

    section: str
    id: str


@dataclass(frozen=True)
class ElementChanges:
    """Every element that differs between two documents, in file order."""

    added: list[Change]
    removed: list[Change]
    changed: list[Change]

    @property
    def none(self) -> bool:
        """True when the documents hold the same elements with the same fields."""
        return not (self.added or self.removed or self.changed)


def element_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> ElementChanges:
    """Compare two documents section by section, by element id."""
    added, removed, changed = [], [], []
    for section in ID_SECTIONS:
        old = {item["id"]: item for item in before.get(section, [])}
        new = {item["id"]: item for item in after.get(section, [])}
        added += [Change(section, item_id) for item_id in new if item_id not in old]
        removed += [Change(section, item_id) for item_id in old if item_id not in new]
        changed += [
            Change(section, item_id)
            for item_id, item in new.items()
            if item_id in old and old[item_id] != item
        ]
    return ElementChanges(added, removed, changed)
