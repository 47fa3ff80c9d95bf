"""Serving: trees built before the first request, closures swapped in off the request path,
and kiosk directions written once per kiosk, destination, profile and language."""

from __future__ import annotations

import importlib
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

import wayfinding.routing
from wayfinding import Closure, Profile, Wayfinder, directions
from wayfinding.model import Floorplan

OPENS = datetime(2025, 6, 2, 11, 0, tzinfo=UTC)


class Clock:
    """A settable clock, so a test decides when a closure expires."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def detour_plan(plan_builder: Any) -> Floorplan:
    """Kiosk a, clinic at c: straight through b (closed until OPENS) or round by d."""
    return (
        plan_builder()
        .node("a", 0, 0, kind="kiosk")
        .node("b", 10, 0)
        .node("c", 20, 0)
        .node("d", 10, 10)
        .path("a", "b", "c")
        .path("a", "d", "c")
        .kiosk("k", "a", 90)
        .destination("clinic", "Clinic", "c")
        .closure("works", "b", until=OPENS.isoformat())
        .load()
    )


# The module, not the function of the same name that the package exports.
DIRECTIONS_MODULE = importlib.import_module("wayfinding.directions")


def count_directions_written(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[str, ...], str]]:
    """Record (route nodes, language) each time directions text is written."""
    written: list[tuple[tuple[str, ...], str]] = []

    def counting(route: Any, lang: str = "en", kiosk_heading: float | None = None) -> Any:
        written.append((route.nodes, lang))
        return directions(route, lang, kiosk_heading)

    monkeypatch.setattr(DIRECTIONS_MODULE, "directions", counting)
    return written


def forbid_tree_building(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a request built a shortest-path tree")

    monkeypatch.setattr(wayfinding.routing, "shortest_path_tree", refuse)


def test_requests_after_precompute_never_build_a_tree(
    demo_plan: Floorplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    finder = Wayfinder(demo_plan)
    forbid_tree_building(monkeypatch)
    for kiosk in demo_plan.kiosks:
        for destination in demo_plan.destinations.values():
            if destination.is_public:
                for profile in Profile:
                    route = finder.route_from_kiosk(kiosk, destination.id, profile)
                    assert route.nodes[-1] == destination.node
                    assert finder.kiosk_directions(kiosk, destination.id, profile, "es")
    assert finder.route_between("main-3-spine-85", "imaging").nodes[-1]
    assert finder.nearest("restroom", "east-lobby", "step-free").destination is not None


def test_trees_are_compact_arrays(demo_finder: Wayfinder) -> None:
    tree = demo_finder._tree(
        demo_finder._state_at(None), demo_finder.kiosk("main-lobby"), Profile.STANDARD
    )
    assert tree.predecessor.dtype == np.int32
    assert tree.place_seconds_bound.dtype == np.float32
    assert len(tree.place_seconds_bound) == len(demo_finder.places) < len(tree.predecessor)


def test_closure_expiry_is_swapped_in_by_refresh_not_by_a_request(
    plan_builder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(OPENS - timedelta(hours=1))
    finder = Wayfinder(detour_plan(plan_builder), clock=clock, background_refresh=False)
    assert finder.next_change() == OPENS
    assert finder.route_from_kiosk("k", "clinic").nodes == ("a", "d", "c")
    clock.now = OPENS + timedelta(seconds=1)
    assert finder.is_stale()
    forbid_tree_building(monkeypatch)
    # The first visitor after the expiry is answered at once, from the trees being served.
    assert finder.route_from_kiosk("k", "clinic").nodes == ("a", "d", "c")
    monkeypatch.undo()
    assert finder.refresh() is True
    assert finder.route_from_kiosk("k", "clinic").nodes == ("a", "b", "c")
    assert not finder.is_stale() and finder.next_change() is None
    assert finder.refresh() is False  # nothing changed: nothing rebuilt


def test_a_request_that_notices_an_expiry_starts_one_background_refresh(
    plan_builder: Any,
) -> None:
    clock = Clock(OPENS + timedelta(minutes=5))
    finder = Wayfinder(detour_plan(plan_builder), now=OPENS - timedelta(hours=1), clock=clock)
    assert finder.is_stale()
    assert finder.route_from_kiosk("k", "clinic").nodes == ("a", "d", "c")
    for worker in threading.enumerate():
        if worker.name == "wayfinding-refresh":
            worker.join(timeout=30)
    assert finder.route_from_kiosk("k", "clinic").nodes == ("a", "b", "c")


def test_requests_during_a_rebuild_neither_wait_nor_see_half_built_trees(
    plan_builder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(OPENS - timedelta(hours=1))
    finder = Wayfinder(detour_plan(plan_builder), clock=clock, background_refresh=False)
    building, release = threading.Event(), threading.Event()
    real_tree = wayfinding.routing.shortest_path_tree

    def slow_tree(*args: Any, **kwargs: Any) -> Any:
        building.set()
        assert release.wait(timeout=30)
        return real_tree(*args, **kwargs)

    monkeypatch.setattr(wayfinding.routing, "shortest_path_tree", slow_tree)
    clock.now = OPENS
    rebuild = threading.Thread(target=finder.refresh)
    rebuild.start()
    assert building.wait(timeout=30)
    # The rebuild is stuck half-way: visitors still get complete answers from the old trees.
    for profile in Profile:
        assert finder.route_from_kiosk("k", "clinic", profile).nodes == ("a", "d", "c")
        assert finder.route_between("d", "clinic", profile).nodes == ("d", "c")
    release.set()
    rebuild.join(timeout=30)
    assert finder.route_from_kiosk("k", "clinic").nodes == ("a", "b", "c")


def test_published_closures_take_effect_at_refresh(plan_builder: Any) -> None:
    finder = Wayfinder(detour_plan(plan_builder), now=OPENS, background_refresh=False)
    assert finder.route_from_kiosk("k", "clinic").nodes == ("a", "b", "c")
    finder.set_closures([Closure("spill", "a--b", "Wet floor", None)])
    assert finder.route_from_kiosk("k", "clinic").nodes == ("a", "b", "c")
    assert finder.refresh() is True
    assert finder.route_from_kiosk("k", "clinic").nodes == ("a", "d", "c")


def test_kiosk_directions_are_written_once_per_key_and_renewed_with_closures(
    plan_builder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = count_directions_written(monkeypatch)
    finder = Wayfinder(detour_plan(plan_builder), now=OPENS, background_refresh=False)
    route, text = finder.kiosk_directions("k", "clinic", "standard", "es")
    assert text == directions(finder.route_from_kiosk("k", "clinic"), "es")
    assert route == finder.route_from_kiosk("k", "clinic")
    for _ in range(3):
        assert finder.kiosk_directions("k", "clinic", "standard", "es") == (route, text)
    finder.kiosk_directions("k", "clinic", "standard", "en")
    finder.kiosk_directions("k", "clinic", "step-free", "es")
    assert written == [(("a", "b", "c"), "es"), (("a", "b", "c"), "en"), (("a", "b", "c"), "es")]
    finder.set_closures([Closure("spill", "a--b", "Wet floor", None)])
    finder.refresh()
    detour, _ = finder.kiosk_directions("k", "clinic", "standard", "es")
    assert detour.nodes == ("a", "d", "c")
    assert written[-1] == (("a", "d", "c"), "es")


def test_the_directions_cache_is_bounded(
    demo_plan: Floorplan, monkeypatch: pytest.MonkeyPatch
) -> None:
    public = [d.id for d in demo_plan.destinations.values() if d.is_public][:5]
    probe = Wayfinder(demo_plan)
    hops = [len(probe.route_from_kiosk("main-lobby", d).hops) for d in public]
    # Room for the last two routes written, not for all five.
    monkeypatch.setattr(wayfinding.routing, "DIRECTIONS_CACHE_HOPS", hops[-1] + hops[-2])
    finder = Wayfinder(demo_plan)
    written = count_directions_written(monkeypatch)
    for destination in public:
        finder.kiosk_directions("main-lobby", destination)
    assert len(written) == 5
    finder.kiosk_directions("main-lobby", public[-1])  # among those kept
    finder.kiosk_directions("main-lobby", public[-2])
    assert len(written) == 5
    finder.kiosk_directions("main-lobby", public[0])  # pushed out by newer ones
    assert len(written) == 6
