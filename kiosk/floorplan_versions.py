"""Stored floorplan versions: the source of truth for what the kiosks serve, once there is one.

Every publish, rollback and import stores a new, immutable `FloorplanVersion` with the next
number; the highest number is the live version. While the table is empty the configured
floorplan file serves (a fresh install, the demo); the first publish stores that file as
version 1 (origin "file") before the new version, so staff can always roll back to the map the
kiosks showed before anyone published.

The document is kept exactly as given (byte for byte once encoded as UTF-8), with its SHA-256,
so an export is the text that was imported and a worker can tell a new version from the one it
serves by reading two short columns.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from kiosk.extensions import db
from kiosk.models import FloorplanVersion

# Two publishes at once both read the same live number; the unique number lets one win and the
# other try again. A handful of tries is plenty for people pressing "Publish".
STORE_ATTEMPTS = 5


@dataclass(frozen=True)
class LiveMarker:
    """Which version is live, read without its document: what every worker polls."""

    number: int
    sha256: str


def document_sha256(document: str) -> str:
    """The SHA-256 of a document's UTF-8 text, hex: the same text gives the same digest."""
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def live_version() -> FloorplanVersion | None:
    """The live version (the highest number), or None while the configured file serves."""
    return db.session.scalar(
        select(FloorplanVersion).order_by(FloorplanVersion.number.desc()).limit(1)
    )


def live_number() -> int | None:
    """The live version's number, without loading its document."""
    return db.session.scalar(
        select(FloorplanVersion.number).order_by(FloorplanVersion.number.desc()).limit(1)
    )


def version(number: int) -> FloorplanVersion | None:
    """The stored version with this number, or None."""
    return db.session.scalar(select(FloorplanVersion).where(FloorplanVersion.number == number))


def all_versions() -> list[FloorplanVersion]:
    """Every stored version, newest first, without their documents (the list screen and CLI
    show the metadata; a campus document is megabytes)."""
    return list(
        db.session.scalars(
            select(FloorplanVersion)
            .options(defer(FloorplanVersion.document))
            .order_by(FloorplanVersion.number.desc())
        )
    )


def read_live_marker(connection: Connection) -> LiveMarker | None:
    """The live version's number and digest on `connection`, or None when none is stored.
    Workers call it on their own connection, outside any request's transaction."""
    row = connection.execute(
        select(FloorplanVersion.number, FloorplanVersion.sha256)
        .order_by(FloorplanVersion.number.desc())
        .limit(1)
    ).first()
    return None if row is None else LiveMarker(row.number, row.sha256)


def read_document(connection: Connection, number: int) -> str | None:
    """One version's document on `connection` (a background build has no request session)."""
    return connection.execute(
        select(FloorplanVersion.document).where(FloorplanVersion.number == number)
    ).scalar_one_or_none()


class VersionNumberTaken(Exception):
    """Someone stored a version with the number this one was about to get."""


def store_version(
    document: str,
    *,
    number: int,
    staff_id: int | None,
    note: str,
    origin: str,
    restores_number: int | None = None,
) -> FloorplanVersion:
    """Store `document` as version `number` and commit; raises `VersionNumberTaken` (after
    rolling back) when that number was stored meanwhile, so the caller can decide whether the
    live version it based its decision on still holds."""
    stored = FloorplanVersion(
        number=number,
        document=document,
        sha256=document_sha256(document),
        published_by=staff_id,
        note=note,
        origin=origin,
        restores_number=restores_number,
    )
    db.session.add(stored)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise VersionNumberTaken(number) from None
    return stored


def store_next_version(
    document: str,
    *,
    staff_id: int | None,
    note: str,
    origin: str,
    restores_number: int | None = None,
) -> FloorplanVersion:
    """Store `document` as the next version (live number + 1), trying again when another
    publish took that number first."""
    for _attempt in range(STORE_ATTEMPTS):
        try:
            return store_version(
                document,
                number=(live_number() or 0) + 1,
                staff_id=staff_id,
                note=note,
                origin=origin,
                restores_number=restores_number,
            )
        except VersionNumberTaken:
            continue
    raise VersionNumberTaken("no free version number after several attempts")
