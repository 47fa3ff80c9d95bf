"""Reasons a visitor reads when there is no route: names people see, every way, the right cause."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from wayfinding import Closure, NoRouteCause, NoRouteError, Profile, Wayfinder, load_floorplan
from wayfinding.no_route import BlockedWay

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)


def no_route(finder: Wayfinder, destination: str, profile: str) -> NoRouteError:
    with pytest.raises(NoRouteError) as caught:
        finder.route_from_kiosk("k", destination, profile, NOW)
    return caught.value


def two_floors(plan_builder: Any) -> Any:
    """A lobby on Level 1 and Imaging on Level 2 of the Main Building."""
    return (
        plan_builder()
        .floor("f1", 0, "1")
        .floor("f2", 1, "2")
        .node("lobby", 0, 0, "f1", kind="kiosk")
        .node("upper", 0, 0, "f2")
        .node("imaging-door", 30, 0, "f2")
        .edge("upper", "imaging-door")
        .kiosk("k", "lobby", 90)
        .destination("imaging", "Imaging", "imaging-door")
    )


def test_every_stepped_way_is_counted_and_named(plan_builder: Any) -> None:
    builder = (
        two_floors(plan_builder)
        .node("stair-a-1", 10, 0, "f1")
        .node("stair-a-2", 10, 0, "f2")
        .node("escalator-1", 20, 0, "f1")
        .node("escalator-2", 20, 0, "f2")
        .node("steps-1", 0, 10, "f1")
        .node("steps-2", 0, 14, "f2")
        .path("lobby", "stair-a-1")
        .path("lobby", "escalator-1")
        .path("lobby", "steps-1")
        .path("stair-a-2", "upper")
        .path("escalator-2", "upper")
        .path("steps-2", "upper")
        .connector("stair-a", "Stair A", "stairs", "stair-a-1", "stair-a-2")
        .connector("escalator-b", "Escalator B", "escalator", "escalator-1", "escalator-2")
        .edge("steps-1", "steps-2", kind="stairs")
    )
    error = no_route(Wayfinder(builder.load()), "imaging", "step-free")
    assert error.cause is NoRouteCause.NOT_STEP_FREE
    assert {way.element for way in error.ways} == {"stair-a", "escalator-b", "steps-1--steps-2"}
    assert str(error) == (
        "No step-free route to Imaging from here: 3 ways have stairs or escalators "
        "(the stairs on Main Building, Level 1, Stair A and Escalator B)."
    )
    spanish = error.describe("es")
    assert spanish.startswith(
        "No hay ruta sin escalones a Imaging desde aquí: 3 caminos tienen escaleras o "
        "una escalera eléctrica ("
    )
    assert spanish.endswith(" en Main Building, piso 1, Stair A y Escalator B).")


def test_a_one_way_exit_is_not_blamed_on_steps(plan_builder: Any) -> None:
    builder = (
        plan_builder()
        .node("lobby", 0, 0, kind="kiosk")
        .node("hall", 10, 0)
        .node("clinic-door", 20, 0)
        .edge("lobby", "hall")
        .edge("clinic-door", "hall", one_way=True, name="the exit corridor")
        .kiosk("k", "lobby", 90)
        .destination("clinic", "Clinic", "clinic-door")
    )
    finder = Wayfinder(builder.load())
    standard = no_route(finder, "clinic", "standard")
    assert standard.cause is NoRouteCause.ONE_WAY
    assert str(standard) == (
        "No route: the only way, the exit corridor, is one-way in the other direction."
    )
    step_free = no_route(finder, "clinic", "step-free")
    assert step_free.cause is NoRouteCause.ONE_WAY
    assert step_free.describe("es") == (
        "No hay ruta sin escalones: el único camino, the exit corridor, es de sentido único "
        "en la dirección contraria."
    )


def test_an_up_escalator_going_down_is_one_way_or_steps_by_profile(plan_builder: Any) -> None:
    builder = (
        plan_builder()
        .floor("f1", 0, "1")
        .floor("f2", 1, "2")
        .node("foot", 0, 0, "f1")
        .node("cafe-door", 10, 0, "f1")
        .node("top", 0, 0, "f2", kind="kiosk")
        .edge("foot", "cafe-door")
        .connector("escalator-up", "the Garden Escalator", "escalator", "foot", "top")
        .kiosk("k", "top", 0)
        .destination("cafe", "Cafe", "cafe-door")
    )
    finder = Wayfinder(builder.load())
    assert no_route(finder, "cafe", "standard").cause is NoRouteCause.ONE_WAY
    step_free = no_route(finder, "cafe", "step-free")
    assert step_free.ways == (BlockedWay(NoRouteCause.NOT_STEP_FREE, "escalator-up"),)
    assert str(step_free) == "No step-free route: the only way uses the Garden Escalator."


def test_a_staff_only_area_is_named_as_staff_only(plan_builder: Any) -> None:
    builder = (
        plan_builder()
        .node("lobby", 0, 0, kind="kiosk")
        .node("processing", 10, 0, access="staff", name="Sterile Processing")
        .node("store-door", 20, 0)
        .path("lobby", "processing", "store-door")
        .kiosk("k", "lobby", 90)
        .destination("store", "Supply Store", "store-door")
    )
    error = no_route(Wayfinder(builder.load()), "store", "standard")
    assert error.cause is NoRouteCause.STAFF_ONLY
    assert error.blocking == ("processing",)
    assert str(error) == (
        "No route: the only way passes Sterile Processing, which is for staff only."
    )


def test_a_closure_leads_and_the_other_ways_are_still_counted(plan_builder: Any) -> None:
    builder = (
        two_floors(plan_builder)
        .node("lift-1", 10, 0, "f1")
        .node("lift-2", 10, 0, "f2")
        .node("stair-1", 20, 0, "f1")
        .node("stair-2", 20, 0, "f2")
        .path("lobby", "lift-1")
        .path("lobby", "stair-1")
        .path("lift-2", "upper")
        .path("stair-2", "upper")
        .connector("lift", "Elevator C", "elevator", "lift-1", "lift-2")
        .connector("stair", "Stair D", "stairs", "stair-1", "stair-2")
        .closure("lift-works", "lift")
    )
    error = no_route(Wayfinder(builder.load(), now=NOW), "imaging", "step-free")
    assert error.cause is NoRouteCause.CLOSED
    assert error.blocking == ("lift",)
    assert str(error) == (
        "No step-free route while Elevator C is closed. 1 way has stairs or an escalator (Stair D)."
    )
    assert error.describe("es") == (
        "No hay ruta sin escalones mientras Elevator C no esté disponible. "
        "1 camino tiene escaleras o una escalera eléctrica (Stair D)."
    )


def test_long_lists_of_ways_are_cut_short(plan_builder: Any) -> None:
    builder = two_floors(plan_builder)
    for index in range(5):
        builder.node(f"s{index}-1", 10 + index, 0, "f1").node(f"s{index}-2", 10 + index, 0, "f2")
        builder.path("lobby", f"s{index}-1").path(f"s{index}-2", "upper")
        builder.connector(f"s{index}", f"Stair {index}", "stairs", f"s{index}-1", f"s{index}-2")
    error = no_route(Wayfinder(builder.load()), "imaging", "step-free")
    assert len(error.ways) == 5
    assert str(error).endswith(
        "5 ways have stairs or escalators (Stair 0, Stair 1, Stair 2 and 2 more)."
    )


def test_nothing_at_all_in_the_way(plan_builder: Any) -> None:
    builder = (
        plan_builder()
        .node("lobby", 0, 0, kind="kiosk")
        .node("hall", 10, 0)
        .node("annex-door", 50, 0)
        .edge("lobby", "hall")
        .kiosk("k", "lobby", 90)
        .destination("annex", "Annex", "annex-door")
    )
    error = no_route(Wayfinder(builder.load()), "annex", "standard")
    assert error.cause is NoRouteCause.UNREACHABLE
    assert error.ways == ()
    assert str(error) == "Annex cannot be reached from here."


SECOND_HOSPITAL = Path(__file__).parent / "fixtures" / "second-hospital.json"


def unroutable(finder: Wayfinder) -> dict[tuple[str, str, Profile], NoRouteError]:
    """Every kiosk, public destination and profile without a route, with its reason."""
    plan, found = finder.floorplan, {}
    for kiosk in plan.kiosks:
        for destination in plan.destinations.values():
            for profile in Profile:
                if not destination.is_public:
                    continue
                try:
                    finder.route_from_kiosk(kiosk, destination.id, profile)
                except NoRouteError as error:
                    found[kiosk, destination.id, profile] = error
    return found


def test_second_hospital_reasons_name_the_mezzanine_stairs() -> None:
    finder = Wayfinder(load_floorplan(SECOND_HOSPITAL))
    reasons = unroutable(finder)
    assert {key[1:] for key in reasons} == {("audiology", Profile.STEP_FREE)}
    for error in reasons.values():
        assert str(error) == "No step-free route: the only way uses Mezzanine Stairs."
        assert error.describe("es") == (
            "No hay ruta sin escalones: el único camino pasa por Escaleras del entresuelo."
        )


def test_second_hospital_closed_ramp_is_blamed_only_where_it_matters() -> None:
    plan = load_floorplan(SECOND_HOSPITAL)
    finder = Wayfinder(plan, background_refresh=False)
    finder.set_closures([Closure("ramp-works", "w1-south--sg-ramp-foot", "Resurfacing", None)])
    finder.refresh()
    reasons = unroutable(finder)
    clinics = reasons["west-lobby", "outpatient-clinics", Profile.STEP_FREE]
    assert clinics.cause is NoRouteCause.CLOSED
    assert str(clinics) == (
        "No step-free route while South Ramp is closed. "
        "1 way has stairs or an escalator (Garden Steps)."
    )
    # Audiology has no step-free way even with the ramp open: the ramp is not blamed.
    audiology = reasons["west-lobby", "audiology", Profile.STEP_FREE]
    assert audiology.cause is NoRouteCause.NOT_STEP_FREE
    assert str(audiology) == "No step-free route: the only way uses Mezzanine Stairs."
    assert all(profile is Profile.STEP_FREE for _, _, profile in reasons)
