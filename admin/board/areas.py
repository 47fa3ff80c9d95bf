"""What a board shows: an area, which is one department or a named group of departments.

Named areas come from the `BOARD_AREAS` setting; every department is also an area of its own,
named after its public place label ("imaging", "suite-2b"), never its code: the area's name is
in the board's address and its page, and a code such as "oncology" would reveal what a neutral
label ("Suite 2B") hides. An area's title on the screen is the configured title, or for one
department its place label.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.models import Department


@dataclass(frozen=True)
class Area:
    """The departments one board shows, and its title per language."""

    slug: str
    department_ids: tuple[int, ...]
    titles: dict[str, str]

    def title_in(self, lang: str) -> str:
        """The area's title in `lang`, else in English."""
        return self.titles.get(lang) or self.titles.get("en", "")


def configured_areas() -> dict[str, dict[str, Any]]:
    """The named areas of `BOARD_AREAS`."""
    areas: dict[str, dict[str, Any]] = current_app.config["BOARD_AREAS"]
    return areas


def department_area_slug(department: Department) -> str:
    """A department's own area name: its English place label, lower-case ASCII words joined by
    hyphens ("Suite 2B" → "suite-2b")."""
    label = unicodedata.normalize("NFKD", department.place_label("en"))
    ascii_label = label.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_label).strip("-") or f"department-{department.id}"


def department_areas() -> dict[str, Department]:
    """Every department by its area name (departments are few: one query, no index needed)."""
    departments = db.session.scalars(select(Department).order_by(Department.code))
    return {department_area_slug(department): department for department in departments}


def find_area(slug: str) -> Area | None:
    """The named area `slug`, else the department whose area name it is, else None."""
    named = configured_areas().get(slug)
    if named is not None:
        codes = list(named.get("departments", []))
        ids = tuple(db.session.scalars(select(Department.id).where(Department.code.in_(codes))))
        return Area(slug, ids, dict(named.get("title", {}))) if ids else None
    department = department_areas().get(slug)
    if department is None:
        return None
    titles = {lang: department.place_label(lang) for lang in current_app.config["LANGUAGES"]}
    return Area(slug, (department.id,), titles)


def known_area_slugs() -> list[str]:
    """Every area a board may be enrolled for: named areas, then departments' own."""
    named = sorted(configured_areas())
    return named + [slug for slug in department_areas() if slug not in named]
