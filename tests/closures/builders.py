"""An application with a floorplan of its own (so its wayfinder and closures are its alone,
not the demo wayfinder other tests share), a movable clock for the closures pickup, staff
closures stored as the Closures screen stores them, and a wait for the new trees."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask

from kiosk import create_app
from kiosk.closures.serving import pickup_of
from kiosk.closures.store import ClosureRequest, add_closure
from kiosk.extensions import db
from kiosk.floorplan import DEMO_FLOORPLAN, current_wayfinder
from kiosk.models import ClosureReason, FloorplanClosure
from kiosk.models.types import utcnow
from kiosk.tokens import new_token
from tests.helpers import app_config, empty_all_tables
from wayfinding import Wayfinder

# The longest a test waits for a background tree build (it takes milliseconds on the demo).
REFRESH_DEADLINE_SECONDS = 20


@dataclass
class MovableClock:
    """Monotonic seconds that only move when a test says so."""

    seconds: float = 1_000.0

    def __call__(self) -> float:
        return self.seconds

    def advance(self, seconds: float = 1.5) -> None:
        """Move on, past the pickup's once-a-second limit by default."""
        self.seconds += seconds


def app_with_own_floorplan(database_url: str, folder: Path, **config: object) -> Flask:
    """The app serving a copy of the demo floorplan at a path of its own, with a movable
    closures clock (`app.extensions["test_clock"]`)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo-hospital.json"
    shutil.copyfile(DEMO_FLOORPLAN, path)
    app = create_app(app_config(database_url, FLOORPLAN_PATH=str(path), **config))
    clock = MovableClock()
    pickup_of(app).clock = clock
    app.extensions["test_clock"] = clock
    return app


def clock_of(app: Flask) -> MovableClock:
    """The app's movable closures clock."""
    clock: MovableClock = app.extensions["test_clock"]
    return clock


def dispose(app: Flask) -> None:
    """Empty the tables and close the connections after a test (a fixture's teardown)."""
    with app.app_context():
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


def wayfinder_of(app: Flask) -> Wayfinder:
    """The wayfinder `app` serves."""
    with app.app_context():
        return current_wayfinder()


def close_now(
    app: Flask,
    element: str,
    *,
    hours: float = 2,
    starts_in_hours: float = 0,
    staff_id: int | None = None,
) -> int:
    """Store a staff closure of `element` as the Closures screen does; returns its id."""
    now = utcnow()
    asked = ClosureRequest(
        element,
        ClosureReason.WORKS,
        "Work order 1234 (staff only)",
        now + timedelta(hours=starts_in_hours),
        now + timedelta(hours=hours),
    )
    with app.app_context():
        row, _ = add_closure(asked, staff_id, new_token(24), now)
        return row.id


def closure_until(app: Flask, closure_id: int) -> datetime:
    """When a stored closure ends."""
    with app.app_context():
        row = db.session.get(FloorplanClosure, closure_id)
        assert row is not None
        return row.until


def wait_for_new_trees(finder: Wayfinder) -> None:
    """Poll until the wayfinder serves trees for the closures it was given (with a deadline)."""
    deadline = time.monotonic() + REFRESH_DEADLINE_SECONDS
    while finder.is_stale():
        assert time.monotonic() < deadline, "the wayfinder did not build its new trees in time"
        time.sleep(0.01)
