"""Floor elevations: buildings at different heights, and links between them that go up or down."""

from __future__ import annotations

from typing import Any

import pytest

from wayfinding import FloorplanError, NoRouteError, Wayfinder, load_floorplan


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


@pytest.mark.parametrize(
    ("north_x", "step_free"),
    [(60, True), (40, True), (30, False)],  # rise 3 m over 40 m, 20 m (1:6.7), 10 m (1:3.3)
)
def test_step_free_routing_uses_the_height_a_ramp_climbs(
    plan_builder: Any, north_x: float, step_free: bool
) -> None:
    builder = two_buildings_on_a_slope(plan_builder, "ramp")
    for node in builder.data["nodes"]:
        if node["id"] in ("n1", "n2"):
            node["x"] = node["x"] - 60 + north_x
    if north_x == 40:
        builder.data["edges"][1]["step_free"] = True  # staff measured it: gentle enough
    plan = builder.load()
    assert plan.edges["s2--n1"].step_free is step_free
    finder = Wayfinder(plan)
    if step_free:
        assert finder.route_from_kiosk("k", "clinic", "step-free").nodes[-1] == "n2"
    else:
        with pytest.raises(NoRouteError):
            finder.route_from_kiosk("k", "clinic", "step-free")
