"""What a route costs on stairs, escalators and elevators: by height, per hop, and the same
whether a flight of stairs is drawn as an edge or as a connector."""

from __future__ import annotations

from typing import Any

import pytest

from wayfinding import DEFAULT_COSTS, Profile, Wayfinder

COSTS = DEFAULT_COSTS


def two_floors(plan_builder: Any, upper_elevation_m: float = 4.0) -> Any:
    """Kiosk on floor 1; a clinic 5 m east of the landing on floor 2."""
    builder = (
        plan_builder()
        .floor("f1", 0, "1")
        .floor("f2", 1, "2")
        .node("kiosk", 0, 0, floor="f1", kind="kiosk")
        .node("foot", 5, 0, floor="f1", kind="stairs")
        .kiosk("k", "kiosk", 90)
        .edge("kiosk", "foot")
    )
    builder.data["floors"][1]["elevation_m"] = upper_elevation_m
    return builder


def seconds_to_clinic(builder: Any, profile: str = "standard") -> tuple[float, float]:
    route = Wayfinder(builder.load()).route_from_kiosk("k", "clinic", profile)
    return route.duration_s, route.length_m


def test_one_level_of_stairs_costs_the_same_as_edge_or_connector(plan_builder: Any) -> None:
    as_connector = two_floors(plan_builder).node("top", 5, 0, floor="f2", kind="stairs")
    as_connector.node("clinic-door", 10, 0, floor="f2", kind="destination")
    as_connector.connector("stairs", "Stairs", "stairs", "foot", "top")
    as_connector.edge("top", "clinic-door").destination("clinic", "Clinic", "clinic-door")

    as_edge = two_floors(plan_builder).node("top", 8, 0, floor="f2", kind="stairs")
    as_edge.node("clinic-door", 13, 0, floor="f2", kind="destination")
    as_edge.edge("foot", "top", kind="stairs")
    as_edge.edge("top", "clinic-door").destination("clinic", "Clinic", "clinic-door")

    connector_s, connector_m = seconds_to_clinic(as_connector)
    edge_s, edge_m = seconds_to_clinic(as_edge)
    assert edge_s == pytest.approx(connector_s)
    assert edge_m == pytest.approx(connector_m)
    walk_s = 10 / COSTS.walking_speed_mps[Profile.STANDARD]
    assert connector_s == pytest.approx(walk_s + COSTS.stairs_per_level_s)


def escalator_plan(plan_builder: Any, hop_length_m: float | None) -> Any:
    builder = two_floors(plan_builder).node("top", 5, 0, floor="f2", kind="escalator")
    builder.node("clinic-door", 10, 0, floor="f2", kind="destination")
    builder.connector("esc", "Long Escalator", "escalator", "foot", "top")
    if hop_length_m is not None:
        builder.data["connectors"][0]["hop_length_m"] = hop_length_m
    return builder.edge("top", "clinic-door").destination("clinic", "Clinic", "clinic-door")


def test_an_escalator_costs_by_its_length_per_hop(plan_builder: Any) -> None:
    default_s, default_m = seconds_to_clinic(escalator_plan(plan_builder, None))
    long_s, long_m = seconds_to_clinic(escalator_plan(plan_builder, 32.0))
    assert long_s - default_s == pytest.approx(COSTS.escalator_per_level_s * (32 / 8 - 1))
    assert (default_m, long_m) == (pytest.approx(10 + 8), pytest.approx(10 + 32))


def test_an_elevator_ride_follows_the_height_travelled(plan_builder: Any) -> None:
    builder = two_floors(plan_builder, upper_elevation_m=12.0)
    builder.node("top", 5, 0, floor="f2", kind="elevator")
    builder.node("clinic-door", 10, 0, floor="f2", kind="destination")
    builder.connector("lift", "Elevator", "elevator", "foot", "top")
    builder.edge("top", "clinic-door").destination("clinic", "Clinic", "clinic-door")
    seconds, _ = seconds_to_clinic(builder, "step-free")
    walk_s = 10 / COSTS.walking_speed_mps[Profile.STEP_FREE]
    assert seconds == pytest.approx(walk_s + COSTS.elevator_wait_s + 3 * COSTS.elevator_per_level_s)
