"""Check a floorplan on every edit, as the staff floorplan editor does.

`check_floorplan(raw)` loads and validates a whole file. `revalidate(previous, edited, changed)`
does the same for a file that differs from `previous` only in the elements whose ids are in
`changed` (moved, added, deleted or re-linked), reusing what the edit cannot have affected:
the schema is checked only for the changed items, and the nodes, edges and walkable links the
edit did not touch are reused. Its answer is the one `check_floorplan(edited)` would give. An
edit to a floor, a building or the facility checks everything again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import jsonschema_rs

from wayfinding.errors import FloorplanError, Issue, Severity
from wayfinding.graph import WalkableLink, walkable_links
from wayfinding.loader import (
    ID_SECTIONS,
    build_floorplan,
    floorplan_schema,
    in_document_order,
    load_floorplan,
    located_schema_errors,
    reference_issues,
    schema_issues,
    schema_validator,
)
from wayfinding.migration import CURRENT_FORMAT_VERSION, format_version_of, migrate_to_current
from wayfinding.model import Floorplan
from wayfinding.validation import ValidationReport, validate_links


@dataclass(frozen=True)
class CheckedFloorplan:
    """A floorplan as the editor holds it between edits.

    `plan` is None when the file cannot be built; then `report.errors` says why. The links are
    kept, by element id, so that the next edit rebuilds only those it touches.
    """

    raw: Mapping[str, Any]
    plan: Floorplan | None
    report: ValidationReport
    links_by_element: Mapping[str, Sequence[WalkableLink]]


def check_floorplan(raw: Mapping[str, Any], now: datetime | None = None) -> CheckedFloorplan:
    """Load and validate a whole floorplan; load errors are reported, not raised."""
    try:
        plan = load_floorplan(raw)
    except FloorplanError as error:
        return _unbuildable(raw, error.issues)
    return _validated(raw, plan, _by_element(walkable_links(plan)), now)


def revalidate(
    previous: CheckedFloorplan,
    edited: Mapping[str, Any],
    changed: Iterable[str],
    now: datetime | None = None,
) -> CheckedFloorplan:
    """Check `edited`, which differs from `previous.raw` only in the ids listed in `changed`.

    `changed` names every element added, removed or modified (both ids of a renamed one).
    """
    changed_ids = frozenset(changed)
    plan = previous.plan
    if plan is None or changed_ids & _structure_ids(plan):
        return check_floorplan(edited, now)
    issues = _changed_item_issues(edited, changed_ids)
    if issues:
        return _unbuildable(edited, issues)
    raw = migrate_to_current(edited)
    issues = [i for i in reference_issues(raw) if i.severity is Severity.ERROR]
    if issues:
        return _unbuildable(edited, issues)
    new_plan = build_floorplan(raw, plan, changed_ids)
    touched = _links_touched(new_plan, changed_ids)
    links = {e: v for e, v in previous.links_by_element.items() if e not in touched}
    links.update(_by_element(walkable_links(new_plan, only=touched)))
    return _validated(edited, new_plan, links, now)


def _structure_ids(plan: Floorplan) -> set[str]:
    """Ids whose edit can change everything (a floor's height moves all its nodes)."""
    return plan.floors.keys() | plan.buildings.keys() | {plan.facility.id}


def _links_touched(plan: Floorplan, changed: frozenset[str]) -> set[str]:
    """Edges and connectors whose links an edit of `changed` may have altered."""
    touched = set(changed)
    touched.update(e.id for e in plan.edges.values() if {e.source, e.target} & changed)
    stops = plan.connector_of_node
    touched.update(stops[node].id for node in changed & stops.keys())
    return touched


def _changed_item_issues(raw: Mapping[str, Any], changed: frozenset[str]) -> list[Issue]:
    """Schema errors in the changed items and at the top level, located in the whole file."""
    version = format_version_of(raw)
    if version != raw.get("format_version"):
        return schema_issues(raw)  # a broken or missing format_version: check it all
    sections = (*ID_SECTIONS, "phrases")
    # The top level is checked on a copy keeping one item per section, so it costs nothing on
    # a campus; that item's own errors are left to the per-item check below.
    shallow = {k: v[:1] if isinstance(v, list) else v for k, v in raw.items()}
    try:
        found = [
            (parts, issue)
            for parts, issue in located_schema_errors(schema_validator(version), shallow, raw)
            if not (len(parts) > 1 and parts[0] in sections and parts[1] == 0)
        ]
        for section in sections:
            items = raw.get(section, [])
            if not isinstance(items, list):
                continue  # the top-level check has reported it
            validator = _item_validator(version, section)
            for index, item in enumerate(items):
                # Phrases have no id to name in `changed`: they are few, check them all.
                if section == "phrases" or _id_of(item) in changed:
                    found += located_schema_errors(validator, item, raw, (section, index))
    except ValueError:
        return schema_issues(raw)
    return in_document_order(found)


def _id_of(item: Any) -> Any:
    return item.get("id") if isinstance(item, Mapping) else None


@cache
def _item_validator(format_version: int, section: str) -> jsonschema_rs.Draft202012Validator:
    """A validator for one item of a section, sharing the whole schema's definitions."""
    schema = floorplan_schema(format_version or CURRENT_FORMAT_VERSION)
    item_schema = {"$defs": schema["$defs"], **schema["properties"][section]["items"]}
    return jsonschema_rs.Draft202012Validator(item_schema)


def _by_element(links: Iterable[WalkableLink]) -> dict[str, list[WalkableLink]]:
    grouped: dict[str, list[WalkableLink]] = {}
    for link in links:
        grouped.setdefault(link.element, []).append(link)
    return grouped


def _unbuildable(raw: Mapping[str, Any], issues: list[Issue]) -> CheckedFloorplan:
    return CheckedFloorplan(raw, None, ValidationReport(tuple(issues), ()), {})


def _validated(
    raw: Mapping[str, Any],
    plan: Floorplan,
    links_by_element: Mapping[str, Sequence[WalkableLink]],
    now: datetime | None,
) -> CheckedFloorplan:
    links = [link for group in links_by_element.values() for link in group]
    report = validate_links(plan, links, plan.closures, now)
    return CheckedFloorplan(raw, plan, report, links_by_element)
