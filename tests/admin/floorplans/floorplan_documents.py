"""Floorplan documents for the publishing tests: the demo hospital as text, and edits of it
whose effect on elements and routes is known."""

from __future__ import annotations

import json
from typing import Any

from kiosk.floorplan import DEMO_FLOORPLAN
from tests.builders import elevators_closed


def demo_raw() -> dict[str, Any]:
    """The demo hospital's JSON, parsed (a fresh copy each call)."""
    raw: dict[str, Any] = json.loads(DEMO_FLOORPLAN.read_text(encoding="utf-8"))
    return raw


def as_text(raw: dict[str, Any]) -> str:
    """A document as staff would upload it: indented, accents kept as they are."""
    return json.dumps(raw, indent=2, ensure_ascii=False) + "\n"


def renamed_cafeteria(version: str = "2025.2") -> str:
    """The demo with the cafeteria renamed and a new content version."""
    raw = demo_raw()
    raw["version"] = version
    for destination in raw["destinations"]:
        if destination["id"] == "cafeteria":
            destination["name"] = "Garden Café"
    return as_text(raw)


def without_elevators() -> str:
    """The demo with both elevator banks closed: upstairs is unreachable step-free (a warning,
    not an error, so it publishes)."""
    return as_text(elevators_closed(demo_raw()))


def with_island() -> str:
    """The demo plus a corridor node joined to nothing: a validation error."""
    raw = demo_raw()
    raw["nodes"].append(
        {"id": "lost-corridor", "floor": "main-1", "x": 90, "y": 90, "kind": "corridor"}
    )
    return as_text(raw)
