"""The published floorplan and its `Wayfinder`, shared by every request of a process.

Publishing a floorplan means loading it, validating it and precomputing one shortest-path tree
per kiosk and profile — done once per version, before the app serves (a floorplan that fails
validation is refused at start unless `ALLOW_INVALID_FLOORPLAN` says otherwise), and never
inside a patient's request.

A version comes from one of two sources. Once staff have published (`kiosk.floorplan_versions`),
the live stored version serves; until then the configured file does. Every process — each
gunicorn worker on each app server — looks at most once every `FLOORPLAN_CHECK_SECONDS` for a
newer version (one indexed row: number and digest, or the file's modification time). A request
that notices one only starts a background build; it and every request after it are answered by
the version already built until the new one is complete and swapped in whole, so no request
ever sees half a graph and no worker needs a restart.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from kiosk.config import PROJECT_ROOT
from kiosk.extensions import db
from kiosk.floorplan_versions import LiveMarker, read_document, read_live_marker
from kiosk.models import Kiosk as KioskDevice
from wayfinding import (
    Floorplan,
    FloorplanError,
    Kiosk,
    ValidationReport,
    Wayfinder,
    load_floorplan,
    validate,
)
from wayfinding.json_input import parse_json_text
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
class FileVersion:
    """The configured floorplan file as it was at one modification time."""

    path: Path
    mtime_ns: int

    @property
    def number(self) -> None:
        """A file has no stored version number."""
        return None

    def describe(self) -> str:
        """How messages name it."""
        return f"the floorplan {self.path}"

    def load(self) -> Floorplan:
        """The file's floorplan (raises `FloorplanError` or `OSError`)."""
        return load_floorplan(self.path)


class StoredVersionMissing(LookupError):
    """The version the database named live a moment ago is not there (a restored backup):
    not a broken document, so it is looked for again on the next check."""


@dataclass(frozen=True)
class StoredVersion:
    """A version stored in the database, known by its number and digest."""

    number: int
    sha256: str
    engine: Engine = field(compare=False, repr=False)

    def describe(self) -> str:
        """How messages name it."""
        return f"the stored floorplan version {self.number}"

    def load(self) -> Floorplan:
        """The stored document's floorplan, read on a connection of its own (the build runs
        outside any request). Raises `FloorplanError`."""
        with self.engine.connect() as connection:
            document = read_document(connection, self.number)
        if document is None:  # versions are never deleted; a restored backup might lack it
            raise StoredVersionMissing(f"floorplan version {self.number} is not stored")
        return load_floorplan(parse_json_text(document))


Source = FileVersion | StoredVersion


@dataclass(frozen=True)
class PublishedFloorplan:
    """One version of the floorplan, ready to answer routes, with its validation report."""

    source: Source
    wayfinder: Wayfinder
    report: ValidationReport

    @property
    def number(self) -> int | None:
        """The stored version number, or None while the configured file serves."""
        return self.source.number


@dataclass
class Installation:
    """What one installation (a database and a configured file) serves in this process: the
    version built, the build under way, and when the live version was last looked up."""

    published: PublishedFloorplan | None = None
    builder: threading.Thread | None = None
    # A version that failed to build is not tried again on every check (a new one is).
    failed: Source | None = None
    checked_at: float = float("-inf")
    marker: LiveMarker | None = None


_lock = threading.Lock()
_installations: dict[tuple[str, Path], Installation] = {}
# Every version built in this process and still served by some installation.
_built: weakref.WeakValueDictionary[Source, PublishedFloorplan] = weakref.WeakValueDictionary()
_frozen = False


def floorplan_path() -> Path:
    """The floorplan file this installation serves until a version is stored (config
    `FLOORPLAN_PATH`, default: the demo)."""
    return Path(current_app.config["FLOORPLAN_PATH"] or DEMO_FLOORPLAN)


def installation() -> Installation:
    """This app's installation in this process (apps on one database and file share one)."""
    key = (str(db.engine.url), floorplan_path())
    with _lock:
        return _installations.setdefault(key, Installation())


def build(source: Source) -> PublishedFloorplan:
    """Load, precompute and validate one version (raises `FloorplanError` or `OSError`);
    a version this process already holds for another installation (the same file, the same
    stored document) is shared, not built twice.

    What the build freed is handed back to the system before anyone forks or serves: on a
    campus that is more than the trees themselves."""
    known = _built.get(source)
    if known is not None:
        return known
    finder = Wayfinder(source.load())
    built = PublishedFloorplan(source, finder, validate(finder.floorplan, finder))
    release_freed_memory()
    _built[source] = built
    return built


def live_source(place: Installation, *, fresh: bool = False) -> Source | None:
    """The version that should serve now: the live stored version, else the configured file.
    The database is asked at most once every `FLOORPLAN_CHECK_SECONDS` (unless `fresh`).
    None when nothing can be said (the file is missing mid-replace, the database is not
    answering): keep serving what is built."""
    now = time.monotonic()
    if fresh or now - place.checked_at >= float(current_app.config["FLOORPLAN_CHECK_SECONDS"]):
        try:
            with db.engine.connect() as connection:
                place.marker = read_live_marker(connection)
        except SQLAlchemyError as problem:
            if place.published is not None:
                # A database outage must not make a worker fall back to the file: keep what
                # serves, look again later.
                log.warning("floorplan version check failed: %s", type(problem).__name__)
                return None
            place.marker = None  # at start before the first migration: no table, the file
        place.checked_at = now
    if place.marker is not None:
        return StoredVersion(place.marker.number, place.marker.sha256, db.engine)
    path = floorplan_path()
    try:
        return FileVersion(path, path.stat().st_mtime_ns)
    except OSError:
        return None


def build_in_background(place: Installation, source: Source) -> threading.Thread:
    """The thread that builds `source` and swaps it in whole, started unless one is already
    at work; a version that fails to load keeps the old one serving (and says so in the log).
    """

    def rebuild() -> None:
        try:
            place.published = build(source)
        except (FloorplanError, OSError, SQLAlchemyError, StoredVersionMissing) as problem:
            if isinstance(problem, FloorplanError | OSError):  # else: try again on a later check
                place.failed = source
            log.error(
                "floorplan change not published (%s): %s", source.describe(), str(problem)[:2000]
            )
        finally:
            with _lock:
                place.builder = None

    with _lock:
        builder = place.builder
        if builder is None:
            builder = threading.Thread(target=rebuild, name="floorplan-rebuild", daemon=True)
            place.builder = builder
            builder.start()
        return builder


def current_floorplan() -> PublishedFloorplan:
    """The published floorplan of this installation. A newer version noticed here is built in
    the background; until it is ready the previous version answers."""
    place = installation()
    wanted = live_source(place)
    current = place.published
    if current is None:
        with _lock:
            current = place.published
            if current is None:  # the first request of a process that skipped the start
                current = place.published = build(wanted or FileVersion(floorplan_path(), 0))
        return current
    if wanted is not None and is_new(place, wanted):
        build_in_background(place, wanted)
    return current


def is_new(place: Installation, wanted: Source) -> bool:
    """Whether `wanted` is a version to build: not the one serving, nor one that failed."""
    served = place.published.source if place.published is not None else None
    return wanted != served and wanted != place.failed


def refresh_in_background() -> threading.Thread | None:
    """Look for a newer version now (whatever the check interval) and start building it;
    the build's thread, or None when the version built is the newest. For commands and tests
    that must see a publish take effect without waiting for a request."""
    place = installation()
    wanted = live_source(place, fresh=True)
    if wanted is not None and is_new(place, wanted):
        return build_in_background(place, wanted)
    return place.builder


def current_wayfinder() -> Wayfinder:
    """The wayfinder of this installation's published floorplan."""
    return current_floorplan().wayfinder


def version_label(plan: Floorplan) -> str:
    """How a receipt names the version `plan` belongs to: its content version, with the stored
    version number when it is the one serving ("2025.1 v3"), so staff holding a receipt can
    tell a rollback from the version it restored."""
    current = current_floorplan()
    if current.wayfinder.floorplan is plan and current.number is not None:
        return f"{plan.version} v{current.number}"
    return plan.version


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
    """Publish the live version (else the configured file) before serving; refuse one that
    cannot be loaded, or that fails validation unless `ALLOW_INVALID_FLOORPLAN` is set."""
    with app.app_context():
        place = installation()
        # A build an earlier app on the same database started in this process finishes
        # first, so it cannot replace what this start publishes.
        builder = place.builder
        if builder is not None:
            builder.join()
        source = live_source(place, fresh=True) or FileVersion(floorplan_path(), 0)
        plan = place.published
        try:
            if plan is None or plan.source != source:
                plan = place.published = build(source)
        except (FloorplanError, OSError, SQLAlchemyError, StoredVersionMissing) as problem:
            lines: Sequence[object] = (
                problem.issues if isinstance(problem, FloorplanError) else [problem]
            )
            raise FloorplanRefused(
                refusal(source, "cannot be loaded", issue_lines(lines))
            ) from None
        finally:
            # Workers forked after this (gunicorn --preload) must not share the connections
            # the version check and the stored document's read used.
            db.engine.dispose()
    freeze_once()
    if plan.report.errors and not app.config["ALLOW_INVALID_FLOORPLAN"]:
        raise FloorplanRefused(
            refusal(source, "fails validation", issue_lines(plan.report.errors))
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


def refusal(source: Source, why: str, lines: list[str]) -> str:
    """The message Lobby stops with."""
    return f"Lobby will not publish {source.describe()}: it {why}.\n" + "\n".join(
        f"  {line}" for line in lines
    )


def init_app(app: Flask) -> None:
    """Publish the floorplan now, so no request ever waits for it to be built."""
    publish_at_start(app)
