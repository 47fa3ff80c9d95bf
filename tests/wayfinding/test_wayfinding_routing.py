"""Routing on the demo hospital and small plans: profiles, closures, reasons, lookups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from wayfinding import (
    Closure,
    NoRouteCause,
    NoRouteError,
    Profile,
    StepKind,
    UnknownPlaceError,
    Wayfinder,
    directions,
)
from wayfinding.model import Access, EdgeKind

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)


def test_every_public_destination_reachable_from_every_kiosk(demo_finder: Wayfinder) -> None:
    plan = demo_finder.floorplan
    for kiosk in plan.kiosks:
        for destination in plan.destinations.values():
            if not destination.is_public:
                continue
            for profile in Profile:
                route = demo_finder.route_from_kiosk(kiosk, destination.id, profile)
                assert route.nodes[-1] == destination.node
                steps = directions(route).steps
                assert steps[-1].kind is StepKind.ARRIVE
                assert destination.short_name.default in steps[-1].text


def test_step_free_routes_use_elevators_not_stairs(demo_finder: Wayfinder) -> None:
    standard = demo_finder.route_from_kiosk("main-lobby", "cardiology", "standard")
    step_free = demo_finder.route_from_kiosk("main-lobby", "cardiology", "step-free")
    assert {h.kind for h in standard.hops} & {EdgeKind.STAIRS, EdgeKind.ESCALATOR}
    assert not {h.kind for h in step_free.hops} & {EdgeKind.STAIRS, EdgeKind.ESCALATOR}
    assert "elevators-a" in {h.connector for h in step_free.hops}
    assert step_free.duration_s >= standard.duration_s


def test_staff_only_corridor_is_never_on_a_public_route(demo_finder: Wayfinder) -> None:
    plan = demo_finder.floorplan
    staff_edges = {e.id for e in plan.edges.values() if e.access is Access.STAFF}
    assert staff_edges
    for kiosk in plan.kiosks:
        for profile in Profile:
            route = demo_finder.route_from_kiosk(kiosk, "imaging", profile)
            assert not {h.element for h in route.hops} & staff_edges


def test_staff_only_destinations_are_unknown_to_visitors(demo_finder: Wayfinder) -> None:
    with pytest.raises(UnknownPlaceError):
        demo_finder.route_from_kiosk("main-lobby", "sterile-processing")
    with pytest.raises(UnknownPlaceError):
        demo_finder.route_between("main-lg-loading-dock", "imaging")
    with pytest.raises(UnknownPlaceError):
        demo_finder.route_from_kiosk("no-such-kiosk", "imaging")
    with pytest.raises(UnknownPlaceError):
        demo_finder.route_from_kiosk("main-lobby", "no-such-place")


def test_one_way_corridor_is_walked_forwards_only(demo_finder: Wayfinder) -> None:
    out = demo_finder.route_between("main-1-pharmacy-exit", "pharmacy")
    pairs = set(zip(out.nodes, out.nodes[1:], strict=False))
    assert ("main-1-pharmacy-exit", "main-1-pharmacy-queue") not in pairs
    assert out.nodes[1] == "main-1-spine-95"


def test_route_between_matches_the_kiosk_tree(demo_finder: Wayfinder) -> None:
    for destination in ("maternity", "parking", "oncology"):
        from_tree = demo_finder.route_from_kiosk("east-lobby", destination, "step-free")
        searched = demo_finder.route_between("east-1-lobby", destination, "step-free")
        assert searched.duration_s == pytest.approx(from_tree.duration_s)


def test_closed_elevator_gives_the_reason(demo_plan: Any) -> None:
    closure = Closure("lift-service", "elevators-b", "Annual inspection", None)
    finder = Wayfinder(demo_plan, precompute=False)
    finder.set_closures([closure])
    with pytest.raises(NoRouteError) as caught:
        finder.route_from_kiosk("east-lobby", "childrens-ward", "step-free", NOW)
    error = caught.value
    assert error.cause is NoRouteCause.CLOSED
    assert error.blocking == ("elevators-b",)
    # The closure leads; the one other way out of the step-free area is counted too.
    assert str(error) == (
        "No step-free route while Elevator B is closed. 1 way has stairs or an escalator (Stair 3)."
    )
    assert error.describe("es") == (
        "No hay ruta sin escalones mientras el elevador B no esté disponible. "
        "1 camino tiene escaleras o una escalera eléctrica (la escalera 3)."
    )
    # The stairs still work, and Maternity is reached over the skybridge instead.
    stairs = finder.route_from_kiosk("east-lobby", "childrens-ward", "standard", NOW)
    assert "stair-3" in {h.connector for h in stairs.hops}
    detour = finder.route_from_kiosk("east-lobby", "maternity", "step-free", NOW)
    assert EdgeKind.SKYBRIDGE in {h.kind for h in detour.hops}
    assert "elevators-b" not in {h.connector for h in detour.hops}


def test_closure_expiry_and_invalidation(plan_builder: Any) -> None:
    until = NOW + timedelta(hours=1)
    builder = (
        plan_builder()
        .node("a", 0, 0, kind="kiosk")
        .node("b", 10, 0)
        .node("c", 20, 0)
        .node("d", 10, 10)
        .path("a", "b", "c")
        .path("a", "d", "c")
        .kiosk("k", "a", 90)
        .destination("clinic", "Clinic", "c")
        .closure("works", "b", until=until.isoformat())
    )
    finder = Wayfinder(builder.load(), now=NOW)
    during = finder.route_from_kiosk("k", "clinic", now=NOW)
    assert "b" not in during.nodes
    after = finder.route_from_kiosk("k", "clinic", now=until + timedelta(seconds=1))
    assert after.nodes == ("a", "b", "c")
    finder.set_closures([Closure("new", "a--b", "spill", None)])
    assert "b" not in finder.route_from_kiosk("k", "clinic", now=NOW).nodes
    finder.set_closures([])
    assert finder.route_from_kiosk("k", "clinic", now=NOW).nodes == ("a", "b", "c")


def test_no_step_free_way_names_the_stairs(plan_builder: Any) -> None:
    builder = (
        plan_builder()
        .node("a", 0, 0, kind="kiosk")
        .node("b", 10, 0)
        .node("c", 20, 0)
        .edge("a", "b")
        .edge("b", "c", kind="stairs", name="the Garden Steps")
        .kiosk("k", "a", 90)
        .destination("garden", "Garden", "c")
    )
    finder = Wayfinder(builder.load())
    with pytest.raises(NoRouteError) as caught:
        finder.route_from_kiosk("k", "garden", "step-free")
    assert caught.value.cause is NoRouteCause.NOT_STEP_FREE
    assert str(caught.value) == "No step-free route: the only way uses the Garden Steps."


def test_one_way_corridor_towards_the_kiosk_is_the_reason(plan_builder: Any) -> None:
    builder = (
        plan_builder()
        .node("a", 0, 0, kind="kiosk")
        .node("b", 10, 0)
        .node("c", 20, 0)
        .edge("a", "b")
        .edge("c", "b", one_way=True)
        .kiosk("k", "a", 90)
        .destination("annex", "Annex", "c")
    )
    finder = Wayfinder(builder.load())
    with pytest.raises(NoRouteError) as caught:
        finder.route_from_kiosk("k", "annex")
    assert caught.value.cause is NoRouteCause.ONE_WAY
    assert str(caught.value) == (
        "No route: the only way, the corridor near Annex, is one-way in the other direction."
    )


def test_nearest_restroom_by_route_cost(demo_finder: Wayfinder) -> None:
    plan = demo_finder.floorplan
    assert (
        demo_finder.nearest("restroom", "main-lobby").destination
        == plan.destinations["restroom-main-1"]
    )
    assert (
        demo_finder.nearest("restroom", "east-lobby", "step-free").destination
        == (plan.destinations["restroom-east-1"])
    )
    from_node = demo_finder.nearest("restroom", "main-3-spine-85")
    assert from_node.destination == plan.destinations["restroom-main-3"]
    nearest_costs = [
        demo_finder.route_from_kiosk("parking-lobby", d.id).duration_s
        for d in demo_finder.by_category("restroom")
    ]
    assert demo_finder.nearest("restroom", "parking-lobby").duration_s == min(nearest_costs)
    with pytest.raises(UnknownPlaceError):
        demo_finder.nearest("spa", "main-lobby")


def test_route_totals_and_floors(demo_finder: Wayfinder) -> None:
    route = demo_finder.route_from_kiosk("main-lobby", "imaging", "step-free")
    assert route.floors == ("main-1", "main-lg")
    assert route.length_m == pytest.approx(sum(h.length_m for h in route.hops))
    assert route.duration_s == pytest.approx(sum(h.seconds for h in route.hops))
    assert route.start_heading == 0.0
