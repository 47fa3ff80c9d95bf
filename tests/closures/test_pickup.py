"""Every app server applies the staff closures within a second, and they end by themselves.

Two app instances on one database, each with its own wayfinder, stand for two workers: a
closure stored through one is served by the other after its next check, lifted likewise, and
a closure that ends needs nobody: the wayfinder's trees expire with it. Clocks are injected.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from admin.floorplans.publishing import publish_document
from kiosk.closures.serving import pickup_of
from kiosk.closures.store import closures_marker, current_and_upcoming, lift_closure
from kiosk.extensions import db
from kiosk.floorplan import current_wayfinder, refresh_in_background
from kiosk.models import FloorplanClosure
from kiosk.models.types import utcnow
from tests.admin.floorplans.floorplan_documents import renamed_cafeteria
from tests.closures.builders import (
    app_with_own_floorplan,
    clock_of,
    close_now,
    closure_until,
    dispose,
    wait_for_new_trees,
    wayfinder_of,
)
from wayfinding import Profile, Wayfinder


@pytest.fixture
def second_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """Another app server on the same database, with its own wayfinder."""
    app = app_with_own_floorplan(database_url, tmp_path / "second")
    yield app
    dispose(app)


def connectors_to_imaging(finder: Wayfinder, profile: Profile = Profile.STANDARD) -> set[str]:
    """The connectors of the served route from the main lobby to Imaging."""
    route = finder.route_from_kiosk("main-lobby", "imaging", profile)
    return {hop.connector for hop in route.hops if hop.connector}


def visit(app: Flask) -> None:
    """One request to the app, as a kiosk screen makes (the pickup runs before it)."""
    assert app.test_client().get("/find/").status_code == 200


def test_a_closure_stored_by_one_server_is_served_by_the_other(
    closures_app: Flask, second_app: Flask
) -> None:
    other = wayfinder_of(second_app)
    visit(second_app)
    assert "elevators-a" in connectors_to_imaging(other)
    closure_id = close_now(closures_app, "elevators-a")
    # Within the second since its last check the other server has not asked yet...
    visit(second_app)
    assert other.closures == ()
    # ...and after it, it applies the closure and builds new trees in the background.
    clock_of(second_app).advance()
    visit(second_app)
    assert [c.element for c in other.closures] == ["elevators-a"]
    wait_for_new_trees(other)
    assert "elevators-a" not in connectors_to_imaging(other)
    # The first server's own wayfinder is untouched until it checks too.
    assert wayfinder_of(closures_app).closures == ()
    with closures_app.app_context():
        assert lift_closure(closure_id, None, utcnow())
    clock_of(second_app).advance()
    visit(second_app)
    wait_for_new_trees(other)
    assert other.closures == ()
    assert "elevators-a" in connectors_to_imaging(other)


def test_a_closure_ends_by_itself_at_its_end(closures_app: Flask) -> None:
    finder = wayfinder_of(closures_app)
    closure_id = close_now(closures_app, "elevators-a", hours=1)
    visit(closures_app)
    wait_for_new_trees(finder)
    until = closure_until(closures_app, closure_id)
    assert finder.next_change() == until
    assert not finder.is_stale(until - timedelta(seconds=1))
    # At its end the served trees are out of date with no staff action and no new check...
    assert finder.is_stale(until)
    assert finder.refresh(until)
    # ...and the trees built then use the elevator again.
    assert "elevators-a" in connectors_to_imaging(finder)
    assert finder.closed_elements(until) == frozenset()


def test_a_closure_that_starts_later_applies_from_its_start(closures_app: Flask) -> None:
    finder = wayfinder_of(closures_app)
    close_now(closures_app, "stair-1", hours=5, starts_in_hours=1)
    pickup = pickup_of(closures_app)
    with closures_app.app_context():
        assert not pickup.apply(finder, utcnow())
        assert finder.closures == ()
        clock_of(closures_app).advance()
        assert pickup.apply(finder, utcnow() + timedelta(hours=1, seconds=1))
    assert [c.element for c in finder.closures] == ["stair-1"]


def test_the_marker_moves_on_every_add_and_lift(closures_app: Flask) -> None:
    with closures_app.app_context():
        empty = closures_marker()
    first = close_now(closures_app, "elevators-a")
    with closures_app.app_context():
        added = closures_marker()
        assert added != empty
        assert [row.id for row in current_and_upcoming(utcnow())] == [first]
        assert lift_closure(first, None, utcnow())
        assert not lift_closure(first, None, utcnow())
        assert closures_marker() != added
        assert current_and_upcoming(utcnow()) == []
        row = db.session.get(FloorplanClosure, first)
        assert row is not None and row.lifted_at is not None


def test_a_version_published_during_a_closure_serves_around_it_from_its_first_request(
    closures_app: Flask,
) -> None:
    serving_before = wayfinder_of(closures_app)
    close_now(closures_app, "elevators-a")
    with closures_app.app_context():
        publish_document(
            renamed_cafeteria(),
            staff_id=None,
            note="Cafeteria renamed",
            origin="editor",
            expected_live=None,
        )
        # Publishing started this process's build; wait for it unless it is already done.
        builder = refresh_in_background()
        if builder is not None:
            builder.join()
        # No request has run the closures check since the publish, and no tree is pending:
        # the new version was handed the closure, and its trees built for it, before serving.
        finder = current_wayfinder()
    assert finder is not serving_before
    assert [c.element for c in finder.closures] == ["elevators-a"]
    assert not finder.is_stale()
    assert "elevators-a" not in connectors_to_imaging(finder)
