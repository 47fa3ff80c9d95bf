"""Publishing floorplan versions: refuse a document with errors, store the next version, roll
back, and let every worker pick it up.

The editor's "Publish", the import screen, `flask floorplan import` and rollback all end here,
so each checks a document the same way and stores it the same way. A publish names the live
version its author looked at (`expected_live`): when a colleague published meanwhile, or the
same form is submitted twice, it is refused with `LiveVersionChanged` instead of silently
replacing what the colleague published.

Publishing only stores the version. Each process notices it on its next version check
(`kiosk.floorplan`, at most `FLOORPLAN_CHECK_SECONDS` later) and builds it off the request path;
the process that published starts at once.
"""

from __future__ import annotations

import enum
import logging
from typing import Final

from admin.floorplans.diff import FloorplanDiff, diff_floorplans
from kiosk import floorplan
from kiosk.floorplan_versions import (
    VersionNumberTaken,
    live_number,
    store_next_version,
    store_version,
    version,
)
from kiosk.models import FloorplanVersion
from wayfinding import FloorplanError, ValidationReport, check_floorplan
from wayfinding.json_input import parse_json_text

__all__ = [
    "ANY_LIVE",
    "FloorplanDiff",
    "LiveVersionChanged",
    "PublishRefused",
    "UnknownVersion",
    "check_document",
    "diff_floorplans",
    "live_document",
    "publish_document",
    "rollback_to",
]

log = logging.getLogger(__name__)

NOTE_MAX_LENGTH = 500


class AnyLive(enum.Enum):
    """Publish over whatever version is live (commands and rollbacks that were not shown one)."""

    ANY = "any"


ANY_LIVE: Final = AnyLive.ANY


class PublishRefused(Exception):
    """The document has errors that block publishing; `report` lists them, located."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(f"{len(report.errors)} errors block publishing")
        self.report = report


class LiveVersionChanged(Exception):
    """The live version is not the one the publisher looked at any more."""

    def __init__(self, expected: int | None, live: int | None) -> None:
        super().__init__(f"expected live version {expected}, found {live}")
        self.expected = expected
        self.live = live


class UnknownVersion(LookupError):
    """No stored version has that number."""


def check_document(text: str) -> ValidationReport:
    """Load and validate a document as publishing would; what it cannot load is reported as
    errors (located, bounded), never raised."""
    try:
        raw = parse_json_text(text)
    except FloorplanError as problem:
        return ValidationReport(errors=tuple(problem.issues), warnings=())
    return check_floorplan(raw).report


def live_document() -> str:
    """The text of what serves now: the live stored version, else the configured file."""
    live = live_number()
    if live is not None:
        stored = version(live)
        assert stored is not None  # versions are never deleted
        return stored.document
    return floorplan.floorplan_path().read_text(encoding="utf-8")


def publish_document(
    text: str,
    *,
    staff_id: int | None,
    note: str,
    origin: str,
    expected_live: int | None | AnyLive,
    restores_number: int | None = None,
) -> FloorplanVersion:
    """Store `text` as the next live version and start this process's build of it.

    Raises `PublishRefused` (with the validation report) for a document with errors, and
    `LiveVersionChanged` when `expected_live` (None: the configured file, nothing stored) is
    not the live number any more. The first version stored is preceded by the configured file
    as version 1 (origin "file"), so a rollback to the map served before always exists."""
    if len(note) > NOTE_MAX_LENGTH:
        raise ValueError(f"a note is at most {NOTE_MAX_LENGTH} characters")
    report = check_document(text)
    if report.errors:
        raise PublishRefused(report)
    live = live_number()
    if expected_live is not ANY_LIVE and expected_live != live:
        raise LiveVersionChanged(expected_live, live)
    try:
        if live is None:
            live = store_first_file_version()
        if expected_live is ANY_LIVE:
            published = store_next_version(
                text, staff_id=staff_id, note=note, origin=origin, restores_number=restores_number
            )
        else:
            published = store_version(
                text,
                number=live + 1,
                staff_id=staff_id,
                note=note,
                origin=origin,
                restores_number=restores_number,
            )
    except VersionNumberTaken:
        expected = None if expected_live is ANY_LIVE else expected_live
        raise LiveVersionChanged(expected, live_number()) from None
    log.info("floorplan version %s published (%s)", published.number, origin)
    floorplan.refresh_in_background()
    return published


def store_first_file_version() -> int:
    """Store the configured file, which serves until now, as version 1; its number (0 when
    the file cannot be read: then the first publish is version 1 itself)."""
    try:
        text = floorplan.floorplan_path().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 0
    store_version(text, number=1, staff_id=None, note="", origin="file")
    return 1


def rollback_to(
    number: int,
    *,
    staff_id: int | None,
    note: str,
    expected_live: int | None | AnyLive = ANY_LIVE,
) -> FloorplanVersion:
    """Publish version `number`'s document again as a new version (origin "rollback"); the
    versions after it stay in the history. Raises `UnknownVersion`, and what
    `publish_document` raises."""
    earlier = version(number)
    if earlier is None:
        raise UnknownVersion(number)
    return publish_document(
        earlier.document,
        staff_id=staff_id,
        note=note,
        origin="rollback",
        expected_live=expected_live,
        restores_number=number,
    )
