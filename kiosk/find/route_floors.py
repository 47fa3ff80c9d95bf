"""One floor visit of a route at a time: how the kiosk's route screen fits a portrait screen.

A route through three floors with a map each is about 4,000 px tall; a person at the kiosk
would have to scroll past the steps to find Print, the QR code and the footer. The screen
shows instead the floor visit the person is on (the first, unless they turned to another with
`?floor=N`) with its map and steps, and a "Next" button naming the floor that comes after.
"""

from __future__ import annotations

from dataclasses import dataclass

from wayfinding import Chunk, Directions


@dataclass(frozen=True)
class FloorVisitShown:
    """The floor visit on screen (`number` counts from 1) and its neighbours, if any."""

    chunk: Chunk
    number: int
    total: int
    previous: Chunk | None
    following: Chunk | None


def floor_visit_shown(directions: Directions, asked: int | None) -> FloorVisitShown:
    """The floor visit `asked` for (1-based), the first when none was asked, and the nearest
    one there is when the number is out of range: a link kept from a route that has since got
    shorter (say after switching step-free on) still shows a floor of the route, not an error."""
    chunks = directions.chunks
    number = min(max(asked or 1, 1), len(chunks))
    return FloorVisitShown(
        chunk=chunks[number - 1],
        number=number,
        total=len(chunks),
        previous=chunks[number - 2] if number > 1 else None,
        following=chunks[number] if number < len(chunks) else None,
    )
