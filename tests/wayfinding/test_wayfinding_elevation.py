"""Floor elevations: buildings at different heights, and links between them that go up or down."""

from __future__ import annotations

from typing import Any

import pytest

from wayfinding import FloorplanError, load_floorplan


def two_buildings_on_a_slope(plan_builder: Any, link_kind: str) -> Any:
    """North building's ground floor sits 3 m above the south building's ground floor."""
    builder = (
        plan_builder()
        .floor("south-g", 0, "G", building="south")
        .floor("north-g", 0, "2", building="north")
        .node("s1", 0, 0, floor="south-g", kind="kiosk")
        .node("s2", 20, 0, floor="south-g")
        .node("n1", 60, 0, floor="north-g")
        .node("n2", 70, 0, floor="north-g", kind="destination")
        .path("s1", "s2")
        .edge("s2", "n1", kind=link_kind)
        .path("n1", "n2")
        .kiosk("k", "s1", 90)
        .destination("clinic", "Clinic", "n2")
    )
    builder.data["floors"][1]["elevation_m"] = 3.0
    return builder


def test_elevation_defaults_to_four_metres_per_level(demo_plan: Any) -> None:
    assert {f.elevation_m for f in demo_plan.floors.values()} == {
        f.level * 4.0 for f in demo_plan.floors.values()
    }


def test_ramp_between_buildings_at_different_heights_is_expressible(plan_builder: Any) -> None:
    plan = two_buildings_on_a_slope(plan_builder, "ramp").load()
    assert plan.floors["north-g"].elevation_m - plan.floors["south-g"].elevation_m == 3.0
    assert plan.floors["north-g"].level == plan.floors["south-g"].level == 0


def test_a_flat_corridor_cannot_join_floors_at_different_heights(plan_builder: Any) -> None:
    with pytest.raises(FloorplanError) as caught:
        load_floorplan(two_buildings_on_a_slope(plan_builder, "corridor").build())
    (issue,) = caught.value.issues
    assert issue.element == "s2--n1"
    assert "0 m and 3 m" in issue.message
