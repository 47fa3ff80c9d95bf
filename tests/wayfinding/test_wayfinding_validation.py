"""Graph checks before publishing: each problem is an error (or warning) naming its element."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from wayfinding import Floorplan, Wayfinder, load_floorplan, validate

SECOND_HOSPITAL = Path(__file__).parent / "fixtures" / "second-hospital.json"


@pytest.fixture(scope="module")
def second_plan() -> Floorplan:
    return load_floorplan(SECOND_HOSPITAL)


def corridor(plan_builder: Any) -> Any:
    """Kiosk a - b - c, with a clinic off c."""
    return (
        plan_builder()
        .node("a", 0, 0, kind="kiosk")
        .node("b", 10, 0)
        .node("c", 20, 0)
        .node("clinic-door", 20, 5, kind="destination")
        .path("a", "b", "c", "clinic-door")
        .kiosk("k", "a", 90)
        .destination("clinic", "Clinic", "clinic-door")
    )


def test_demo_hospital_is_publishable_without_warnings(demo_plan: Any, demo_finder: Any) -> None:
    report = validate(demo_plan, demo_finder)
    assert report.ok
    assert report.errors == ()
    assert report.warnings == ()


def test_disconnected_part_is_an_error(plan_builder: Any) -> None:
    plan = (
        corridor(plan_builder)
        .node("island", 50, 50)
        .node("islet", 55, 50)
        .edge("island", "islet")
        .load()
    )
    report = validate(plan)
    assert not report.ok
    [issue] = [i for i in report.errors if "disconnected" in i.message]
    assert issue.element == "island"
    assert issue.json_path == "$.nodes[4]"


def test_destination_only_up_the_stairs_fails_step_free(plan_builder: Any) -> None:
    builder = corridor(plan_builder)
    builder.floor("f2", 1, "2").node("s1", 20, -3, kind="stairs").node(
        "s2", 20, -3, floor="f2", kind="stairs"
    ).node("up", 30, -3, floor="f2", kind="destination")
    builder.edge("c", "s1").edge("s2", "up").connector("stair-a", "Stair A", "stairs", "s1", "s2")
    builder.destination("upstairs", "Upstairs Clinic", "up")
    report = validate(builder.load())
    [issue] = report.errors
    assert issue.element == "upstairs"
    assert issue.json_path == "$.destinations[1]"
    assert "step-free" in issue.message
    assert "stairs or an escalator" in issue.message


def test_staff_only_element_on_the_only_route(plan_builder: Any) -> None:
    builder = corridor(plan_builder)
    builder.data["edges"][1]["access"] = "staff"  # b--c
    report = validate(builder.load())
    assert {i.element for i in report.errors} == {"clinic"}
    assert all("only way passes staff-only 'b--c'" in i.message for i in report.errors)


def test_one_way_trap_names_the_edge(plan_builder: Any) -> None:
    builder = corridor(plan_builder).node("dead-end", 20, -10)
    builder.edge("c", "dead-end", one_way=True)
    report = validate(builder.load())
    traps = [i for i in report.errors if "one-way trap" in i.message]
    assert {i.element for i in traps} == {"c--dead-end"}
    assert traps[0].json_path == "$.edges[3]"


def test_one_way_loop_is_not_a_trap(plan_builder: Any) -> None:
    builder = corridor(plan_builder).node("loop", 10, -10)
    builder.edge("c", "loop", one_way=True).edge("loop", "b", one_way=True)
    assert validate(builder.load()).ok


def test_closures_in_force_warn_about_what_they_cut_off(plan_builder: Any) -> None:
    plan = (
        corridor(plan_builder)
        .closure("wet-floor", "b--c", until="2030-01-01T00:00:00+00:00")
        .closure("old", "a--b", until="2020-01-01T00:00:00+00:00")
        .load()
    )
    report = validate(plan, now=datetime(2025, 6, 1, tzinfo=UTC))
    assert report.ok  # closures never block publishing
    by_element = {i.element: i.message for i in report.warnings}
    assert "expired" in by_element["old"]
    assert "while closures are in force" in by_element["clinic"]


def test_validation_reuses_a_wayfinders_trees(plan_builder: Any) -> None:
    plan = corridor(plan_builder).load()
    finder = Wayfinder(plan)
    assert validate(plan, finder).ok


def test_second_hospital_validates_with_exactly_its_known_problem(second_plan: Any) -> None:
    report = validate(second_plan)
    assert report.warnings == ()
    [issue] = report.errors
    assert (issue.element, issue.json_path) == ("audiology", "$.destinations[7]")
    assert "step-free profile" in issue.message and "stairs or an escalator" in issue.message
    for kiosk in second_plan.kiosks:
        assert repr(kiosk) in issue.message


def test_a_problem_is_stated_once_for_all_the_kiosks_it_affects(plan_builder: Any) -> None:
    builder = plan_builder().floor("f1", 0, "1").floor("f2", 1, "2")
    for index in range(30):
        builder.node(f"k{index}", index * 3, 0, kind="kiosk").kiosk(
            f"kiosk-{index}", f"k{index}", 0
        )
        if index:
            builder.edge(f"k{index - 1}", f"k{index}")
    builder.node("s1", 0, -3, kind="stairs").node("s2", 0, -3, floor="f2", kind="stairs")
    builder.node("up", 5, -3, floor="f2", kind="destination").edge("k0", "s1").edge("s2", "up")
    builder.connector("stairs", "Stairs", "stairs", "s1", "s2")
    builder.destination("upstairs", "Upstairs Clinic", "up")
    [issue] = validate(builder.load()).errors
    assert "kiosks 'kiosk-0', 'kiosk-1', 'kiosk-2', 'kiosk-3', 'kiosk-4' and 25 more" in (
        issue.message
    )


def test_a_one_way_corridor_out_to_an_exit_is_not_a_trap(plan_builder: Any) -> None:
    builder = corridor(plan_builder).node("street", 20, -10, kind="exit")
    builder.edge("c", "street", one_way=True)
    assert validate(builder.load()).ok


def test_a_destination_only_against_a_one_way_edge_says_so(plan_builder: Any) -> None:
    builder = corridor(plan_builder)
    builder.data["edges"][1]["one_way"] = True  # b--c
    builder.data["edges"][1]["from"], builder.data["edges"][1]["to"] = "c", "b"
    [issue] = [i for i in validate(builder.load()).errors if i.element == "clinic"]
    assert "against a one-way edge" in issue.message
