"""Errors and located issues raised by the wayfinding library.

Every problem with a floorplan names the element (its id) and the JSON path where it sits, so
facility staff can find it in the file or the editor can highlight it. Nothing here ever needs
a traceback to be understood.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.StrEnum):
    """Errors block publishing a floorplan; warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One problem found in a floorplan, located by element id and JSON path."""

    severity: Severity
    element: str
    json_path: str
    message: str

    def __str__(self) -> str:
        element = self.element or "-"
        return f"{self.severity.value}: {self.json_path} [{element}]: {self.message}"


class WayfindingError(Exception):
    """Base class for every error the library raises on purpose."""


class FloorplanError(WayfindingError):
    """A floorplan could not be loaded; `issues` says where and why."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


class UnknownPlaceError(WayfindingError, LookupError):
    """A kiosk, node or destination id that the floorplan does not have (or hides)."""

    def __init__(self, kind: str, place_id: str) -> None:
        self.kind = kind
        self.place_id = place_id
        super().__init__(f"unknown {kind}: {place_id!r}")


class CatalogMissingError(WayfindingError):
    """A language was asked for whose compiled message catalog is not installed."""


class UnsupportedLanguageError(WayfindingError, ValueError):
    """A language the wayfinding text has no catalog for."""
