"""Closures staff put on the map, applied on every app server within a second.

`store` reads and writes the `floorplan_closures` rows; `serving` hands the closures in force
(the floorplan file's plus the staff's) to this process's `Wayfinder` from the request path, at
most once a second; `detours` words the note a route screen shows when a route goes around a
closure ("Elevator A is closed until 2:00 PM; this route uses Elevator B.").
"""

from __future__ import annotations

from flask import Flask

from kiosk.closures import serving


def init_app(app: Flask) -> None:
    """Apply staff closures to the published floorplan before requests use it."""
    serving.init_app(app)
