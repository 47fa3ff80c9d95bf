"""The version list as staff read it: each stored version with who published it and whether
it is the live one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kiosk.extensions import db
from kiosk.floorplan_versions import all_versions
from kiosk.models import FloorplanVersion, StaffUser


@dataclass(frozen=True)
class VersionLine:
    """One row of the version list."""

    version: FloorplanVersion
    # The publisher's email; "" for a version a command stored (or an account since deleted).
    published_by: str
    is_live: bool


def version_lines() -> list[VersionLine]:
    """Every stored version, newest (live) first, with its publisher's email."""
    versions = all_versions()
    staff_ids = {v.published_by for v in versions if v.published_by is not None}
    emails: dict[int, str] = {
        staff_id: email
        for staff_id, email in db.session.execute(
            select(StaffUser.id, StaffUser.email).where(StaffUser.id.in_(staff_ids))
        )
    }
    return [
        VersionLine(v, emails.get(v.published_by, "") if v.published_by else "", index == 0)
        for index, v in enumerate(versions)
    ]
