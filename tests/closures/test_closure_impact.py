"""The closure impact preview says exactly what the kiosks will show once the closure applies.

Acceptance: for several closures of the demo hospital (an elevator bank, one elevator stop, a
stairwell, a corridor, a door), over every kiosk, every public destination and both profiles,
the preview's verdict equals what the live `Wayfinder` returns after the closure is applied,
and a changed route's new seconds, metres and connectors are those of the route served.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.wayfinding.conftest import DEMO_PATH
from wayfinding import Closure, Floorplan, NoRouteError, Profile, Route, Wayfinder, load_floorplan
from wayfinding.closure_impact import (
    ClosureImpact,
    Verdict,
    closure_impact,
    public_destinations,
)
from wayfinding.routing import seconds_to_minutes

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
RouteKey = tuple[str, str, Profile]
Served = dict[RouteKey, tuple[Route | None, Route | None]]
CLOSURES_TO_CHECK = {
    "elevator bank": "elevators-a",
    "one elevator stop": "main-2-elevators-a",
    "stairwell": "stair-1",
    "corridor": "main-1-spine-40--main-1-spine-55",
    "door": "main-1-east-door",
}


@pytest.fixture(scope="module")
def demo_plan() -> Floorplan:
    """The demo hospital, loaded once for the module."""
    return load_floorplan(DEMO_PATH)


def served_routes(finder: Wayfinder) -> Iterator[tuple[RouteKey, Route | None]]:
    """Every kiosk route the finder serves now (None where it says there is no route)."""
    for profile in Profile:
        for kiosk in finder.floorplan.kiosks:
            for destination in public_destinations(finder):
                key = (kiosk, destination.id, profile)
                try:
                    yield key, finder.route_from_kiosk(kiosk, destination.id, profile)
                except NoRouteError:
                    yield key, None


def actual_verdict(before: Route | None, after: Route | None) -> Verdict:
    """What a person at the kiosk would notice, in the preview's words."""
    if before is None:
        return Verdict.ALREADY_UNREACHABLE
    if after is None:
        return Verdict.UNREACHABLE
    return Verdict.UNCHANGED if before.nodes == after.nodes else Verdict.CHANGED


def connectors_of(route: Route) -> tuple[str, ...]:
    """The connectors a route takes, in order, each once."""
    return tuple(dict.fromkeys(hop.connector for hop in route.hops if hop.connector))


def preview_then_apply(plan: Floorplan, elements: list[str]) -> tuple[ClosureImpact, Served]:
    """The preview for closing `elements`, then the routes served once they are closed."""
    finder = Wayfinder(plan, background_refresh=False, clock=lambda: NOW)
    before = dict(served_routes(finder))
    impact = closure_impact(finder, elements, NOW, max_listed=10_000)
    until = NOW + timedelta(hours=3)
    finder.set_closures(
        [*finder.closures, *(Closure(f"c-{e}", e, "works", until) for e in elements)]
    )
    assert finder.refresh()
    after = dict(served_routes(finder))
    return impact, {key: (before[key], after[key]) for key in before}


def assert_preview_matches(impact: ClosureImpact, routes: Served) -> None:
    """Every verdict, and every described change, is what the live wayfinder serves."""
    actual = {key: actual_verdict(*pair) for key, pair in routes.items()}
    assert impact.verdicts == actual
    assert impact.listed_all
    listed = {(c.kiosk, c.destination, c.profile): c for c in impact.changes}
    assert set(listed) == {
        k for k, v in actual.items() if v in (Verdict.CHANGED, Verdict.UNREACHABLE)
    }
    for key, change in listed.items():
        old, new = routes[key]
        assert change.before.connectors == connectors_of(old)
        assert change.before.length_m == pytest.approx(old.length_m)
        if new is None:
            assert change.after is None
            continue
        assert change.after is not None
        assert change.after.seconds == pytest.approx(new.duration_s)
        assert seconds_to_minutes(change.after.seconds) == seconds_to_minutes(new.duration_s)
        assert change.after.length_m == pytest.approx(new.length_m)
        assert change.after.connectors == connectors_of(new)


@pytest.mark.parametrize("what", sorted(CLOSURES_TO_CHECK))
def test_preview_equals_the_routes_served_after_the_closure(
    demo_plan: Floorplan, what: str
) -> None:
    impact, routes = preview_then_apply(demo_plan, [CLOSURES_TO_CHECK[what]])
    assert_preview_matches(impact, routes)
    # Every closure checked here matters to someone: the preview is not trivially "unchanged".
    assert impact.changes_anything
    assert len(impact.verdicts) == len(routes) == 2 * 4 * len(public_destinations_of(demo_plan))


def public_destinations_of(plan: Floorplan) -> list[str]:
    """Ids of the destinations kiosks route to."""
    return [d.id for d in plan.destinations.values() if d.is_public]


def test_an_elevator_closure_cuts_step_free_routes_and_reroutes_standard_ones(
    demo_plan: Floorplan,
) -> None:
    impact, _ = preview_then_apply(demo_plan, ["elevators-a"])
    imaging = impact.verdicts[("main-lobby", "imaging", Profile.STANDARD)]
    assert imaging is Verdict.CHANGED
    change = next(
        c for c in impact.changes if (c.kiosk, c.destination) == ("main-lobby", "imaging")
    )
    assert change.before.connectors == ("elevators-a",)
    assert change.after is not None and "elevators-a" not in change.after.connectors
    assert impact.counts(Profile.STEP_FREE)[Verdict.UNREACHABLE] > 0


def test_the_listed_changes_are_capped_but_every_verdict_is_given(demo_plan: Floorplan) -> None:
    finder = Wayfinder(demo_plan, background_refresh=False, clock=lambda: NOW)
    full = closure_impact(finder, ["elevators-a"], NOW, max_listed=10_000)
    capped = closure_impact(finder, ["elevators-a"], NOW, max_listed=5)
    assert len(capped.changes) == 5 and not capped.listed_all
    assert capped.verdicts == full.verdicts
    assert capped.changes == full.changes[:5]


def test_the_preview_leaves_the_serving_trees_alone(demo_plan: Floorplan) -> None:
    finder = Wayfinder(demo_plan, background_refresh=False, clock=lambda: NOW)
    closure_impact(finder, ["elevators-a", "elevators-b"], NOW)
    assert not finder.is_stale()
    route = finder.route_from_kiosk("main-lobby", "imaging", Profile.STEP_FREE)
    assert "elevators-a" in connectors_of(route)


ELEMENTS = st.sampled_from(
    sorted(load_floorplan(DEMO_PATH).edges)
    + sorted(load_floorplan(DEMO_PATH).connectors)
    + ["main-1-east-door", "main-2-elevators-a", "east-2-skybridge-east", "main-1-spine-40"]
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(elements=st.lists(ELEMENTS, min_size=1, max_size=3, unique=True))
def test_any_closure_preview_equals_the_routes_served(
    demo_plan: Floorplan, elements: list[str]
) -> None:
    impact, routes = preview_then_apply(demo_plan, elements)
    assert_preview_matches(impact, routes)
