"""How the find screens list places: each with where it is (building and floor), and places
that are equally good answers (the eight restrooms that "toilet" finds) nearest first, since
the nearest is the one a person wants."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wayfinding import (
    Destination,
    NoRouteError,
    Profile,
    SearchResult,
    Wayfinder,
    floor_title,
)


@dataclass(frozen=True)
class ListedPlace:
    """A destination as a list shows it: its name and where it is, in one language."""

    id: str
    name: str
    where: str


def listed_places(
    finder: Wayfinder, destinations: Iterable[Destination], lang: str
) -> list[ListedPlace]:
    """Each destination with its name and "Main Building, Level 2 (Blue)" in `lang`."""
    plan = finder.floorplan
    return [
        ListedPlace(
            d.id,
            d.name.in_language(lang),
            floor_title(plan, plan.floors[plan.nodes[d.node].floor], lang),
        )
        for d in destinations
    ]


def walking_seconds(
    finder: Wayfinder, kiosk_id: str, destination: Destination, profile: Profile
) -> float:
    """Seconds from the kiosk to `destination` in `profile` (from the kiosk's precomputed
    tree); infinite when it cannot be reached now, so such places go last, not away."""
    try:
        return finder.route_from_kiosk(kiosk_id, destination.id, profile).duration_s
    except NoRouteError:
        return math.inf


def nearest_first(
    finder: Wayfinder, kiosk_id: str, destinations: Iterable[Destination], profile: Profile
) -> list[Destination]:
    """`destinations` ordered by walking time from the kiosk, nearest first."""
    return sorted(destinations, key=lambda d: walking_seconds(finder, kiosk_id, d, profile))


def best_then_nearest(
    finder: Wayfinder, kiosk_id: str, results: Sequence[SearchResult], profile: Profile
) -> list[Destination]:
    """Search results best match first and, among equally good matches, nearest first."""
    ranked = sorted(
        results,
        key=lambda r: (-r.score, walking_seconds(finder, kiosk_id, r.destination, profile)),
    )
    return [result.destination for result in ranked]
