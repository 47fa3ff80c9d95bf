"""What publishing a floorplan would change: elements added, removed and changed, section by
section, and the kiosk → destination routes that change for each profile.

Staff see it before they publish, import or roll back, so a wrong file shows up as "42 nodes
removed, 'Imaging' now unreachable from the Main entrance" before a patient meets it. Elements
are compared by id in the current format (a version 1 file and its version 2 twin are equal).
Routes are compared with two `Wayfinder`s, one per version, from every kiosk both versions
have to every public destination either has.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.floorplan_versions import document_sha256
from wayfinding import (
    Floorplan,
    LocalizedName,
    NoRouteError,
    Profile,
    UnknownPlaceError,
    Wayfinder,
    load_floorplan,
)
from wayfinding.json_input import parse_json_text
from wayfinding.loader import ID_SECTIONS, checked_json

# Sections in the order the format lists them; the facility and phrases have no `id` list.
DIFF_SECTIONS = ("facility", *ID_SECTIONS[:-1], "phrases", "closures")
# Lengths closer than this are the same route drawn a hair differently, not a change.
LENGTH_TOLERANCE_M = 0.05
# Diffs kept per process (see `diff_floorplans`).
CACHED_DIFFS = 4


@dataclass(frozen=True)
class SectionDiff:
    """The ids added, removed and changed in one section of the document."""

    section: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]


@dataclass(frozen=True)
class RouteChange:
    """One kiosk → destination route that is not the same in the new version.

    A length of None means no route: `new_length_m is None` is "now unreachable",
    `old_length_m is None` a route that did not exist before."""

    kiosk: str
    kiosk_name: LocalizedName
    destination: str
    destination_name: LocalizedName
    profile: Profile
    old_length_m: float | None
    new_length_m: float | None

    @property
    def now_unreachable(self) -> bool:
        """Whether people could get there before and cannot now."""
        return self.old_length_m is not None and self.new_length_m is None


@dataclass(frozen=True)
class FloorplanDiff:
    """Everything that differs between two floorplan documents."""

    old_content_version: str
    new_content_version: str
    sections: tuple[SectionDiff, ...]
    route_changes: tuple[RouteChange, ...]

    @property
    def is_empty(self) -> bool:
        """True when publishing would change no element and no route."""
        return not self.sections and not self.route_changes

    def count(self, kind: str) -> int:
        """How many elements were `added`, `removed` or `changed` in all sections."""
        return sum(len(getattr(section, kind)) for section in self.sections)


def diff_floorplans(old_text: str, new_text: str) -> FloorplanDiff:
    """The difference between two floorplan documents, each already loadable (the live
    version, and a draft, an upload or an earlier version that passed its checks).

    Remembered by the two documents' digests: the rollback and import pages ask for the same
    pair again after a refused post, and a campus diff builds two wayfinders.
    Raises `wayfinding.FloorplanError` for a document that cannot be loaded."""
    key = (document_sha256(old_text), document_sha256(new_text))
    with _cache_lock:
        known = _recent_diffs.get(key)
    if known is not None:
        return known
    old_raw = checked_json(parse_json_text(old_text))
    new_raw = checked_json(parse_json_text(new_text))
    found = FloorplanDiff(
        old_content_version=str(old_raw.get("version", "")),
        new_content_version=str(new_raw.get("version", "")),
        sections=tuple(section_diffs(old_raw, new_raw)),
        route_changes=tuple(route_changes(load_floorplan(old_raw), load_floorplan(new_raw))),
    )
    with _cache_lock:
        _recent_diffs[key] = found
        while len(_recent_diffs) > CACHED_DIFFS:
            _recent_diffs.popitem(last=False)
    return found


_cache_lock = threading.Lock()
_recent_diffs: OrderedDict[tuple[str, str], FloorplanDiff] = OrderedDict()


def elements_of(raw: Mapping[str, Any], section: str) -> dict[str, str]:
    """A section's elements by id, each as canonical JSON text (so key order and spacing do
    not count as a change). Phrases are named "from → to"; the facility is one element."""
    if section == "facility":
        facility = raw.get("facility", {})
        return {str(facility.get("id", "facility")): canonical(facility)}
    items = raw.get(section, [])
    if section == "phrases":
        return {f"{item['from']} → {item['to']}": canonical(item) for item in items}
    return {str(item["id"]): canonical(item) for item in items}


def canonical(value: object) -> str:
    """JSON text that is equal for equal values."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def section_diffs(old_raw: Mapping[str, Any], new_raw: Mapping[str, Any]) -> Iterator[SectionDiff]:
    """The sections where something was added, removed or changed, in the format's order."""
    for section in DIFF_SECTIONS:
        old, new = elements_of(old_raw, section), elements_of(new_raw, section)
        added = tuple(sorted(new.keys() - old.keys()))
        removed = tuple(sorted(old.keys() - new.keys()))
        changed = tuple(sorted(key for key in old.keys() & new.keys() if old[key] != new[key]))
        if added or removed or changed:
            yield SectionDiff(section, added, removed, changed)


def route_changes(old_plan: Floorplan, new_plan: Floorplan) -> Iterator[RouteChange]:
    """Every route from a kiosk both versions have to a public destination either has that
    differs in its way or its length, for each profile."""
    old_finder = Wayfinder(old_plan, background_refresh=False)
    new_finder = Wayfinder(new_plan, background_refresh=False)
    kiosks = [kiosk for kiosk in new_plan.kiosks.values() if kiosk.id in old_plan.kiosks]
    destinations = {
        **{d.id: d for d in old_plan.destinations.values() if d.is_public},
        **{d.id: d for d in new_plan.destinations.values() if d.is_public},
    }
    for kiosk in kiosks:
        for destination in destinations.values():
            for profile in Profile:
                old = way(old_finder, kiosk.id, destination.id, profile)
                new = way(new_finder, kiosk.id, destination.id, profile)
                if not same_way(old, new):
                    yield RouteChange(
                        kiosk=kiosk.id,
                        kiosk_name=kiosk.name,
                        destination=destination.id,
                        destination_name=destination.name,
                        profile=profile,
                        old_length_m=None if old is None else old[1],
                        new_length_m=None if new is None else new[1],
                    )


def way(
    finder: Wayfinder, kiosk_id: str, destination_id: str, profile: Profile
) -> tuple[tuple[str, ...], float] | None:
    """A route's nodes and length, or None where the version has no route (or no such place)."""
    try:
        route = finder.route_from_kiosk(kiosk_id, destination_id, profile)
    except (NoRouteError, UnknownPlaceError):
        return None
    return route.nodes, route.length_m


def same_way(
    old: tuple[tuple[str, ...], float] | None, new: tuple[tuple[str, ...], float] | None
) -> bool:
    """Whether two routes are the same walk (same nodes, same length within a tolerance)."""
    if old is None or new is None:
        return old is new
    return old[0] == new[0] and abs(old[1] - new[1]) <= LENGTH_TOLERANCE_M
