"""The published floorplan and its `Wayfinder`, shared by every request of a process.

Building a `Wayfinder` precomputes one shortest-path tree per kiosk and profile, so it is done
once per floorplan file version and reused: requests only look routes up. A changed file (new
mtime) is picked up on the next request.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import current_app, g

from kiosk.config import PROJECT_ROOT
from wayfinding import Kiosk, Wayfinder, load_floorplan

DEMO_FLOORPLAN = PROJECT_ROOT / "floorplans" / "demo-hospital.json"

_lock = threading.Lock()
_loaded: dict[tuple[str, int], Wayfinder] = {}


def floorplan_path() -> Path:
    """The floorplan this installation publishes (config `FLOORPLAN_PATH`, default: the demo)."""
    return Path(current_app.config["FLOORPLAN_PATH"] or DEMO_FLOORPLAN)


def wayfinder_for(path: Path) -> Wayfinder:
    """The wayfinder for the file's current version, built once per process and version."""
    key = (str(path), path.stat().st_mtime_ns)
    with _lock:
        finder = _loaded.get(key)
        if finder is None:
            _loaded.clear()
            finder = Wayfinder(load_floorplan(path))
            _loaded[key] = finder
        return finder


def current_wayfinder() -> Wayfinder:
    """The wayfinder of this installation's published floorplan."""
    return wayfinder_for(floorplan_path())


def here() -> Kiosk:
    """Where the person at this screen stands: the enrolled kiosk's place, else the default.

    A plain visitor browser (not an enrolled kiosk) is treated as standing at the configured
    `DEFAULT_KIOSK_PLACE`, or at the floorplan's first kiosk.
    """
    kiosks = current_wayfinder().floorplan.kiosks
    device = g.get("kiosk")
    if device is not None and device.place in kiosks:
        return kiosks[device.place]
    default = current_app.config["DEFAULT_KIOSK_PLACE"]
    if default in kiosks:
        return kiosks[default]
    return next(iter(kiosks.values()))
