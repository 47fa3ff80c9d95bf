"""The second, synthetic hospital fixture: a floorplan unlike the demo one, shared by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from wayfinding import Floorplan, load_floorplan
from wayfinding.model import Access, ConnectorKind, EdgeKind, NodeKind

SECOND_HOSPITAL = Path(__file__).parent / "fixtures" / "second-hospital.json"


@pytest.fixture(scope="module")
def second_plan() -> Floorplan:
    return load_floorplan(SECOND_HOSPITAL)


def test_second_hospital_is_synthetic_with_three_buildings(second_plan: Floorplan) -> None:
    assert second_plan.facility.synthetic is True
    assert "SYNTHETIC" in second_plan.facility.description
    assert len(second_plan.buildings) == 3


def test_a_building_whose_ground_floor_is_signed_2(second_plan: Floorplan) -> None:
    ground = second_plan.floors["n-2"]
    assert (ground.level, ground.sign) == (0, "2")


def test_ramp_is_the_only_step_free_link_between_buildings_at_different_heights(
    second_plan: Floorplan,
) -> None:
    plan = second_plan
    links = [
        e
        for e in plan.edges.values()
        if plan.floor_of(e.source).building != plan.floor_of(e.target).building
        and plan.floor_of(e.source).elevation_m != plan.floor_of(e.target).elevation_m
    ]
    assert {e.kind for e in links} == {EdgeKind.RAMP, EdgeKind.STAIRS}
    assert [e.id for e in links if e.step_free] == ["w1-south--sg-ramp-foot"]


def test_one_way_exit_escalator_and_staff_dead_end(second_plan: Floorplan) -> None:
    plan = second_plan
    exits = [e for e in plan.edges.values() if e.one_way]
    assert [plan.nodes[e.target].kind for e in exits] == [NodeKind.EXIT]
    (escalator,) = [c for c in plan.connectors.values() if c.kind is ConnectorKind.ESCALATOR]
    assert plan.floor_of(escalator.stops[0]).level < plan.floor_of(escalator.stops[-1]).level
    store = plan.nodes["n2-store"]
    assert store.access is Access.STAFF
    assert plan.same_floor_neighbours["n2-store"] == {"n2-staff"}
