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


# Longest message an Issue keeps. A message may quote what it found (a value, a list of
# kiosks); a broken file must not turn that quote into megabytes on a terminal.
MAX_MESSAGE_CHARS = 300


def shorten(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """`text` cut in the middle to at most `limit` characters, keeping both ends readable."""
    if len(text) <= limit:
        return text
    tail = limit // 3
    return f"{text[: limit - tail - 5]} ... {text[-tail:]}"


@dataclass(frozen=True)
class Issue:
    """One problem found in a floorplan, located by element id and JSON path.

    Every field is bounded in length, whatever was found in the file.
    """

    severity: Severity
    element: str
    json_path: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "element", shorten(self.element, 120))
        object.__setattr__(self, "json_path", shorten(self.json_path, 200))
        object.__setattr__(self, "message", shorten(self.message))

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
