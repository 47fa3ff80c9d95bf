"""Every worker applies the closures in force within a second, without a restart.

Before a request, at most once a second per app, `ClosurePickup.apply` asks the database for
the closures marker (one aggregate). When it moved, the staff closures are read again. The
closures the wayfinder should apply are the floorplan file's plus the staff closures that have
started; when they differ from what it applies, `Wayfinder.set_closures` takes them and a
background refresh builds new trees while the old ones keep answering. A closure's end needs
no check here: the wayfinder's trees are valid until `next_change`, and the first request
after it rebuilds them, so a closure lifts itself at expiry on every worker.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask, current_app, request
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from kiosk.closures.store import as_wayfinder_closure, closures_marker, current_and_upcoming
from kiosk.extensions import db
from kiosk.floorplan import current_wayfinder, prepare_versions_with
from kiosk.models import FloorplanClosure
from kiosk.models.types import utcnow
from wayfinding import Closure, Wayfinder

log = logging.getLogger(__name__)

# The most often one process asks the database whether closures changed.
CHECK_EVERY_SECONDS = 1.0
EXTENSION_KEY = "lobby_closure_pickup"
Marker = tuple[int, int | None, datetime | None]


@dataclass
class ClosurePickup:
    """One app's view of the staff closures; `clock` is monotonic seconds (tests move it)."""

    clock: Callable[[], float] = time.monotonic
    _checked_at: float | None = None
    _marker: Marker | None = None
    # The staff closures not lifted or over when last read, with when each starts.
    _staff: tuple[tuple[datetime, Closure], ...] = ()
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def apply(self, finder: Wayfinder, now: datetime, *, at_once: bool = False) -> bool:
        """Hand `finder` the closures in force at `now` if they changed; at most once a
        second unless `at_once`. Returns whether it was given new closures (the caller has
        its trees rebuilt)."""
        with self._lock:
            moment = self.clock()
            recent = (
                self._checked_at is not None and moment - self._checked_at < CHECK_EVERY_SECONDS
            )
            if not at_once:
                if recent:
                    return False
                # Only the periodic checks pace each other; one made for a new version does not
                # put off the next request's.
                self._checked_at = moment
            marker = closures_marker()
            if marker != self._marker:
                rows = current_and_upcoming(now)
                self._staff = tuple((row.starts_at, as_wayfinder_closure(row)) for row in rows)
                self._marker = marker
            wanted = finder.floorplan.closures + tuple(
                closure for starts_at, closure in self._staff if starts_at <= now
            )
        if wanted == finder.closures:
            return False
        finder.set_closures(wanted)
        return True


def pickup_of(app: Flask) -> ClosurePickup:
    """The app's closure pickup."""
    pickup: ClosurePickup = app.extensions[EXTENSION_KEY]
    return pickup


def apply_closures_before_request() -> None:
    """Bring this process's wayfinder up to date with the closures (static files skip it).

    A database that does not answer leaves the closures as they were: the request goes on
    (and `/healthz` still reports the database), it is not turned into an error here."""
    if request.endpoint == "static":
        return
    try:
        finder = current_wayfinder()
        if pickup_of(current_app).apply(finder, utcnow()):
            finder.refresh_in_background()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("closures not checked: the database did not answer")


def apply_before_serving(app: Flask, finder: Wayfinder) -> None:
    """Give a freshly built floorplan version the closures in force, and its trees for them,
    before it answers anyone (`kiosk.floorplan.prepare_versions_with`). Without this a newly
    published version would route through a closed elevator until a request's check and a
    background rebuild caught up. Before the closures table exists (`flask db upgrade` on a
    new database) there is nothing to apply."""
    if EXTENSION_KEY not in app.extensions:
        return
    with app.app_context():
        try:
            if not inspect(db.engine).has_table(FloorplanClosure.__tablename__):
                return  # `flask db upgrade` on a new database: nothing can be closed yet
            if pickup_of(app).apply(finder, utcnow(), at_once=True):
                finder.refresh()
        except SQLAlchemyError:
            # The requests' own checks apply them as soon as the database answers.
            db.session.rollback()
            log.warning("closures not applied to the new floorplan version: no database answer")


def init_app(app: Flask) -> None:
    """Check the closures before requests."""
    app.extensions[EXTENSION_KEY] = ClosurePickup()
    app.before_request(apply_closures_before_request)
    prepare_versions_with(apply_before_serving)
