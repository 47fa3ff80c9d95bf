"""No turn left unsaid: turns onto and off ramps, bridges and passages, "towards" only when the
place is ahead, "right here" only when it is, and up or down between buildings on a slope."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.wayfinding.campus_strategies import campuses
from wayfinding import Profile, StepKind, Wayfinder, directions, load_floorplan

SECOND_HOSPITAL = Path(__file__).parent / "fixtures" / "second-hospital.json"
PROPERTY_SETTINGS = settings(
    max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def two_buildings(plan_builder: Any, link: str = "skybridge", rise_m: float = 0.0) -> Any:
    """West: kiosk facing north, 20 m to a T (west arm, east arm = the link). East: the link
    lands at a T (north and south arms), the clinic at the end of the north arm."""
    builder = plan_builder().floor("w1", 0, "1", "west").floor("e1", 0, "G", "east")
    builder.data["buildings"] = [
        {"id": "west", "name": "West Building"},
        {"id": "east", "name": "East Building"},
    ]
    builder.data["floors"][1]["elevation_m"] = rise_m
    builder.node("k", 0, 0, floor="w1", kind="kiosk").node("p", 0, 10, floor="w1")
    builder.node("j", 0, 20, floor="w1").node("west-arm", -10, 20, floor="w1")
    builder.path("k", "p", "j", "west-arm").kiosk("kiosk", "k", 0)
    builder.node("landing", 30, 20, floor="e1").edge("j", "landing", kind=link)
    builder.node("north-arm", 30, 32, floor="e1").node("south-arm", 30, 8, floor="e1")
    builder.node("door", 30, 36, floor="e1", kind="destination")
    builder.path("south-arm", "landing", "north-arm", "door")
    return builder.destination("clinic", "Clinic", "door")


def test_a_turn_onto_a_bridge_and_off_it_is_said(plan_builder: Any) -> None:
    route = Wayfinder(two_buildings(plan_builder).load()).route_from_kiosk("kiosk", "clinic")
    assert [s.text for s in directions(route).steps] == [
        "Walk straight ahead towards the skybridge.",
        "In 20 m, turn right and cross the skybridge to the East Building.",
        "At the end of the skybridge, turn left and walk towards the Clinic.",
        "The Clinic is straight ahead.",
    ]
    spanish = [s.text for s in directions(route, "es").steps]
    assert (
        spanish[1]
        == "A los 20 m, gire a la derecha y cruce el puente peatonal hasta East Building."
    )
    assert spanish[2] == "Al final del puente peatonal, gire a la izquierda y camine hacia Clinic."


@pytest.mark.parametrize(("rise_m", "verb"), [(1.5, "Go up"), (-1.5, "Go down")])
def test_a_ramp_between_buildings_at_different_heights_says_up_or_down(
    plan_builder: Any, rise_m: float, verb: str
) -> None:
    builder = two_buildings(plan_builder, "ramp", rise_m)
    route = Wayfinder(builder.load()).route_from_kiosk("kiosk", "clinic", "step-free")
    texts = [s.text for s in directions(route).steps]
    assert (
        texts[1]
        == f"In 20 m, turn right and {verb.lower()} the ramp to the East Building, Level G."
    )
    assert texts[2] == "At the end of the ramp, turn left and walk towards the Clinic."


def test_second_hospital_ramp_stairs_and_bridge_say_up_down_or_across() -> None:
    finder = Wayfinder(load_floorplan(SECOND_HOSPITAL))

    def crossings(kiosk: str, destination: str, profile: str) -> list[str]:
        route = finder.route_from_kiosk(kiosk, destination, profile)
        return [s.text for s in directions(route).steps if s.kind is StepKind.CROSS]

    assert crossings("west-lobby", "outpatient-clinics", "step-free") == [
        "Go up the South Ramp to the South Pavilion, Level G."
    ]
    assert crossings("south-pavilion", "reception", "step-free") == [
        "Go down the South Ramp to the West Building, Level 1."
    ]
    [standard] = crossings("west-lobby", "outpatient-clinics", "standard")
    assert standard.startswith("Go up the") and standard.endswith("to the South Pavilion, Level G.")
    assert "Cross the Hill Bridge to the North Tower." in crossings(
        "west-lobby", "cardiology", "step-free"
    )


def test_head_towards_only_what_lies_ahead(plan_builder: Any) -> None:
    # From s the Chapel is 59 degrees right of the corridor: it is the turn's landmark, not
    # something to head towards.
    builder = plan_builder().node("s", 0, 0).node("j", 0, 8).node("e", 10, 8)
    builder.node("door", 10, 12, kind="destination").path("s", "j", "e", "door")
    builder.node("chapel-door", 8, 4.8).edge("j", "chapel-door").landmark(
        "chapel", "Chapel", "chapel-door"
    )
    builder.destination("clinic", "Clinic", "door")
    route = Wayfinder(builder.load()).route_between("s", "clinic", "standard")
    texts = [s.text for s in directions(route).steps]
    assert texts[:2] == [
        "Follow the corridor.",
        "In 8 m, turn right at the Chapel (on your right).",
    ]


@pytest.mark.parametrize(
    ("door_x", "last_step"),
    [(16.0, "Imaging is 6 m from here."), (11.5, "Imaging is right here.")],
)
def test_right_here_only_when_it_is(plan_builder: Any, door_x: float, last_step: str) -> None:
    builder = plan_builder().floor("f1", 0, "1").floor("f3", 2, "3")
    builder.node("k", 0, 0, kind="kiosk").node("lift-1", 10, 0, kind="elevator")
    builder.node("lift-3", 10, 0, floor="f3", kind="elevator")
    builder.node("door", door_x, 0, floor="f3", kind="destination")
    builder.edge("k", "lift-1").edge("lift-3", "door")
    builder.connector("lift-b", "Elevator B", "elevator", "lift-1", "lift-3")
    builder.kiosk("kiosk", "k", 90).destination("imaging", "Imaging", "door")
    route = Wayfinder(builder.load()).route_from_kiosk("kiosk", "imaging")
    assert directions(route).steps[-1].text == last_step


def test_plural_names_agree_straight_ahead(plan_builder: Any) -> None:
    builder = plan_builder().node("k", 0, 0, kind="kiosk").node("e", 0, 20)
    builder.node("door", 0, 30, kind="destination").path("k", "e", "door")
    builder.kiosk("kiosk", "k", 0)
    builder.destination("toilets", "Toilets", "door", "restroom", name_i18n={"es": "Baños"})
    route = Wayfinder(builder.load()).route_from_kiosk("kiosk", "toilets")
    assert directions(route).steps[-1].text == "The Toilets are straight ahead."
    assert directions(route, "es").steps[-1].text == "Los Baños están justo al frente."


# -- generated campuses: two buildings, passages between them at random heights -------------

# A change of heading above this, at a point with more than two ways out, must be said.
TURN_THRESHOLD_DEG = 60.0


def signed_turn(a: dict[str, Any], b: dict[str, Any], c: dict[str, Any]) -> float:
    first = math.degrees(math.atan2(b["x"] - a["x"], b["y"] - a["y"]))
    second = math.degrees(math.atan2(c["x"] - b["x"], c["y"] - b["y"]))
    return (second - first + 180.0) % 360.0 - 180.0


def flat(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return math.hypot(a["x"] - b["x"], a["y"] - b["y"]) >= 0.5


def routes_of(raw: dict[str, Any]) -> list[Any]:
    finder = Wayfinder(load_floorplan(raw))
    routes = []
    for destination in raw["destinations"]:
        for profile in Profile:
            try:
                routes.append(finder.route_from_kiosk("k", destination["id"], profile))
            except Exception as error:  # noqa: BLE001 - a disconnected campus has no route
                assert type(error).__name__ in ("NoRouteError", "UnknownPlaceError")
    return routes


@PROPERTY_SETTINGS
@given(raw=campuses())
def test_every_real_turn_at_a_junction_is_said(raw: dict[str, Any]) -> None:
    nodes = {n["id"]: n for n in raw["nodes"]}
    ways: dict[str, set[str]] = {n: set() for n in nodes}
    for edge in raw["edges"]:
        ways[edge["from"]].add(edge["to"])
        ways[edge["to"]].add(edge["from"])
    for route in routes_of(raw):
        steps = directions(route).steps
        points = [nodes[n] for n in route.nodes]
        for i in range(1, len(points) - 1):
            before, here, after = points[i - 1], points[i], points[i + 1]
            walked = not (route.hops[i - 1].connector or route.hops[i].connector)
            if not (walked and flat(before, here) and flat(here, after)):
                continue  # an elevator ride has no direction to turn from
            if len(ways[here["id"]]) <= 2:
                continue
            angle = signed_turn(before, here, after)
            if abs(angle) <= TURN_THRESHOLD_DEG:
                continue
            words = [s.text.lower() for s in steps if s.route_index == i]
            wanted = "around" if abs(angle) > 160 else ("right" if angle > 0 else "left")
            assert any(wanted in text for text in words), (i, angle, words)


@PROPERTY_SETTINGS
@given(raw=campuses())
def test_one_section_per_floor_visit_and_passages_say_up_or_down(raw: dict[str, Any]) -> None:
    floors = {f["id"]: f for f in raw["floors"]}
    for route in routes_of(raw):
        result = directions(route)
        visits = [chunk.floor for chunk in result.chunks]
        assert all(a != b for a, b in zip(visits, visits[1:], strict=False)), visits
        remaining = iter(route.floors)
        assert all(floor in remaining for floor in visits)  # in visiting order
        plan = route.floorplan
        for step in result.steps:
            if step.kind in (StepKind.TURN, StepKind.CONTINUE) and step.landmark is None:
                assert step.text.startswith(("In ", "Then ", "At the end of ")), step.text
            if step.kind is not StepKind.CROSS or step.to_floor is None:
                continue
            start, end = floors[step.floor], floors[step.to_floor]
            rise = end["elevation_m"] - start["elevation_m"]
            if start["building"] == end["building"]:
                continue
            expected = "go up " if rise >= 0.5 else "go down " if rise <= -0.5 else "cross "
            assert expected in step.text.lower(), (rise, step.text)
            assert plan.floors[step.to_floor].sign in step.text or expected == "cross "
