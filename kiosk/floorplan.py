"""The published floorplan and its `Wayfinder`, shared by every request of a process.

Publishing a floorplan means loading it, validating it and precomputing one shortest-path tree
per kiosk and profile — done once per floorplan file version, before the app serves (a floorplan
that fails validation is refused at start unless `ALLOW_INVALID_FLOORPLAN` says otherwise), and
never inside a patient's request: when the file changes, the new version is built in a
background thread while requests keep using the old one, then swapped in whole.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, g

from kiosk.config import PROJECT_ROOT
from kiosk.models import Kiosk as KioskDevice
from wayfinding import FloorplanError, Kiosk, ValidationReport, Wayfinder, load_floorplan, validate
from wayfinding.process_memory import release_freed_memory

log = logging.getLogger(__name__)

DEMO_FLOORPLAN = PROJECT_ROOT / "floorplans" / "demo-hospital.json"
# How many issues a refusal or /healthz lists in full (the rest are counted).
ISSUES_SHOWN = 20


class FloorplanRefused(SystemExit):
    """The configured floorplan cannot be published; the message says why and what to do.

    A `SystemExit`, so `flask run`, `gunicorn` and every `flask` command stop with the message
    and a non-zero status instead of a traceback."""


@dataclass(frozen=True)
class PublishedFloorplan:
    """One version of the floorplan, ready to answer routes, with its validation report."""

    path: Path
    mtime_ns: int
    wayfinder: Wayfinder
    report: ValidationReport


_lock = threading.Lock()
_published: dict[Path, PublishedFloorplan] = {}
_rebuilding: dict[Path, threading.Thread] = {}
_frozen = False


def floorplan_path() -> Path:
    """The floorplan this installation publishes (config `FLOORPLAN_PATH`, default: the demo)."""
    return Path(current_app.config["FLOORPLAN_PATH"] or DEMO_FLOORPLAN)


def build(path: Path) -> PublishedFloorplan:
    """Load, precompute and validate the file as it is now (raises `FloorplanError`).

    What the build freed is handed back to the system before anyone forks or serves: on a
    campus that is more than the trees themselves."""
    mtime_ns = path.stat().st_mtime_ns
    finder = Wayfinder(load_floorplan(path))
    built = PublishedFloorplan(path, mtime_ns, finder, validate(finder.floorplan, finder))
    release_freed_memory()
    return built


def published(path: Path) -> PublishedFloorplan:
    """The published version of `path`, building it the first time in this process. A newer
    file is rebuilt in the background; until it is ready the previous version answers."""
    current = _published.get(path)
    if current is None:
        with _lock:
            current = _published.get(path)
            if current is None:
                current = build(path)
                _published[path] = current
        return current
    if file_mtime_ns(path) != current.mtime_ns:
        rebuild_in_background(path)
    return current


def file_mtime_ns(path: Path) -> int | None:
    """The file's modification time, or None while it is missing (mid-replace)."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def rebuild_in_background(path: Path) -> threading.Thread:
    """The thread that builds the file's new version and swaps it in, started unless one is
    already at work; a file that fails to load keeps the old version serving (and says so in
    the log)."""

    def rebuild() -> None:
        try:
            _published[path] = build(path)
        except (FloorplanError, OSError) as problem:
            log.error("floorplan change not published: %s", str(problem)[:2000])
        finally:
            with _lock:
                _rebuilding.pop(path, None)

    with _lock:
        builder = _rebuilding.get(path)
        if builder is None:
            builder = threading.Thread(target=rebuild, name="floorplan-rebuild", daemon=True)
            _rebuilding[path] = builder
            builder.start()
        return builder


def current_floorplan() -> PublishedFloorplan:
    """The published floorplan of this installation."""
    return published(floorplan_path())


def current_wayfinder() -> Wayfinder:
    """The wayfinder of this installation's published floorplan."""
    return current_floorplan().wayfinder


def here() -> Kiosk:
    """Where the person at this request's screen stands (see `place_of`)."""
    return place_of(g.get("kiosk"))


def place_of(device: KioskDevice | None) -> Kiosk:
    """Where the person at `device` stands: its place in the published floorplan, else the
    default. Find your way and check-in both ask here, so a screen's route and its ticket's
    directions always start from the same spot.

    A plain visitor browser (not an enrolled kiosk) stands at the configured
    `DEFAULT_KIOSK_PLACE`, or at the floorplan's first kiosk. So does a kiosk whose place the
    floorplan lacks (enrolment refuses such a place, but a new floorplan can drop one): it is
    listed by `/healthz` under `kiosks_off_floorplan` so staff notice.
    """
    kiosks = current_wayfinder().floorplan.kiosks
    if device is not None and device.place in kiosks:
        return kiosks[device.place]
    default = current_app.config["DEFAULT_KIOSK_PLACE"]
    if default in kiosks:
        return kiosks[default]
    return next(iter(kiosks.values()))


def is_known_place(place: str) -> bool:
    """Whether the published floorplan has a kiosk spot named `place`."""
    return place in current_wayfinder().floorplan.kiosks


def issue_lines(issues: Sequence[object]) -> list[str]:
    """The first `ISSUES_SHOWN` issues as text, each cut to a readable length."""
    lines = [str(issue)[:300] for issue in issues[:ISSUES_SHOWN]]
    if len(issues) > ISSUES_SHOWN:
        lines.append(f"... and {len(issues) - ISSUES_SHOWN} more")
    return lines


def publish_at_start(app: Flask) -> None:
    """Publish the configured floorplan before serving; refuse one that cannot be loaded, or
    that fails validation unless `ALLOW_INVALID_FLOORPLAN` is set."""
    with app.app_context():
        path = floorplan_path()
        try:
            plan = published(path)
        except (FloorplanError, OSError) as problem:
            lines: Sequence[object] = (
                problem.issues if isinstance(problem, FloorplanError) else [problem]
            )
            raise FloorplanRefused(refusal(path, "cannot be loaded", issue_lines(lines))) from None
    freeze_once()
    if plan.report.errors and not app.config["ALLOW_INVALID_FLOORPLAN"]:
        raise FloorplanRefused(
            refusal(path, "fails validation", issue_lines(plan.report.errors))
            + "\nFix the file (python -m wayfinding validate FILE), or set"
            " LOBBY_ALLOW_INVALID_FLOORPLAN=true to serve it anyway."
        )


def freeze_once() -> None:
    """After the first floorplan a process publishes, keep everything built so far out of the
    garbage collector's reach, so workers forked after it (gunicorn --preload) share those
    memory pages instead of copying them as the collector touches them. Once per process:
    frozen objects are never collected, so later apps (tests, rebuilds) stay collectable."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()


def refusal(path: Path, why: str, lines: list[str]) -> str:
    """The message Lobby stops with."""
    return f"Lobby will not publish the floorplan {path}: it {why}.\n" + "\n".join(
        f"  {line}" for line in lines
    )


def init_app(app: Flask) -> None:
    """Publish the floorplan now, so no request ever waits for it to be built."""
    publish_at_start(app)
