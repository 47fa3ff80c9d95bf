"""Lobby wayfinding: floorplans, step-free multi-floor routing, directions, search and maps.

A pure library (no Flask) that the kiosk and the staff editor build on. Typical use::

    from wayfinding import Wayfinder, directions, load_floorplan, render_route_svg, validate

    plan = load_floorplan("floorplans/demo-hospital.json")  # raises FloorplanError
    report = validate(plan)                                   # .errors block publishing
    finder = Wayfinder(plan)            # once per floorplan version: precomputes kiosk trees
    route = finder.route_from_kiosk("main-lobby", "imaging", profile="step-free")
    steps = directions(route, lang="es")                      # chunks of steps + totals
    svg = render_route_svg(route)                             # forward-up at the kiosk
    paper = render_route_bitmap(route, width_dots=576)        # mode "1" for thermal printers

Public API
----------
- ``load_floorplan(path_or_dict) -> Floorplan``; ``FloorplanError.issues`` lists located
  ``Issue(severity, element, json_path, message)``.
- ``validate(floorplan, wayfinder=None, now=None) -> ValidationReport`` (errors, warnings),
  each problem once per destination (or element) and cause, naming the kiosks it affects.
- For an editor: ``check_floorplan(raw) -> CheckedFloorplan`` (``.plan`` or None, ``.report``)
  and ``revalidate(previous, edited_raw, changed_ids)``, which rechecks one edit from what it
  changed and answers exactly as ``check_floorplan(edited_raw)`` would.
- Files of format version 1 load as they are; ``migrate_to_current(raw)`` gives the v2 JSON.
- ``Wayfinder(floorplan, *, costs=DEFAULT_COSTS, now=None, precompute=True,
  background_refresh=True, clock=current_time)`` with
  ``route_from_kiosk(kiosk_id, destination_id, profile="standard", now=None)``,
  ``kiosk_directions(kiosk_id, destination_id, profile, lang) -> (Route, Directions)``
  (cached), ``route_between(origin_node_or_kiosk, destination_id, profile, now=None)``,
  ``nearest(category, origin, profile, now=None)``, ``search(text, *, lang)``,
  ``by_category(category, *, lang)``, ``directory(lang)``; serving: ``precompute(now)``,
  ``next_change(now)``, ``is_stale(now)``, ``refresh(now)``, ``refresh_in_background(now)``,
  ``set_closures(closures)``, ``invalidate()``. Routes raise ``NoRouteError`` (``cause``,
  ``blocking``, ``ways``: every ``BlockedWay``, ``describe(lang)``) or ``UnknownPlaceError``.
- ``directions(route, lang="en", kiosk_heading=None) -> Directions`` (chunks of ``Step``).
- ``wayfinding.closure_impact``: ``closure_impact(finder, proposed_elements, now)`` gives the
  verdict (unchanged, changed, unreachable) of every kiosk route a closure would touch, as the
  wayfinder will serve them; ``OpenRoutes`` and ``avoided_closures`` tell which closure a
  served route goes around.
- ``render_route_svg(route, floor_id=None, ...)``, ``render_floor_svg(floorplan, floor_id)``,
  ``render_route_bitmap(route, floor_id=None, *, width_dots=384|576)``.

A new floorplan version means a new ``Wayfinder``, built with ``precompute()`` before it serves
(before web workers fork). Requests without ``now`` never build a tree: they read the trees
being served. A closure change (``set_closures``) or expiry (``next_change``) takes effect when
``refresh()`` builds new trees off the request path and swaps them in; a request that notices
the change first starts that refresh in the background and is answered from the current trees.
An explicit ``now`` asks about that moment's closures (CLI, previews), built on demand.
"""

from wayfinding.directions import Chunk, Directions, Step, StepKind, directions, floor_title
from wayfinding.editing import CheckedFloorplan, check_floorplan, revalidate
from wayfinding.errors import (
    CatalogMissingError,
    FloorplanError,
    Issue,
    Severity,
    UnknownPlaceError,
    UnsupportedLanguageError,
    WayfindingError,
)
from wayfinding.geometry import Side, Turn
from wayfinding.graph import DEFAULT_COSTS, CostModel
from wayfinding.loader import load_floorplan
from wayfinding.migration import CURRENT_FORMAT_VERSION, migrate_to_current
from wayfinding.model import Closure, Destination, Floorplan, Kiosk, LocalizedName, Profile
from wayfinding.render_bitmap import render_route_bitmap
from wayfinding.render_svg import render_floor_svg, render_route_svg
from wayfinding.routing import BlockedWay, NoRouteCause, NoRouteError, Route, Wayfinder
from wayfinding.search import DirectorySection, SearchResult
from wayfinding.validation import ValidationReport, validate

__all__ = [
    "CURRENT_FORMAT_VERSION",
    "DEFAULT_COSTS",
    "BlockedWay",
    "CatalogMissingError",
    "CheckedFloorplan",
    "Chunk",
    "Closure",
    "CostModel",
    "Destination",
    "Directions",
    "DirectorySection",
    "Floorplan",
    "FloorplanError",
    "Issue",
    "Kiosk",
    "LocalizedName",
    "NoRouteCause",
    "NoRouteError",
    "Profile",
    "Route",
    "SearchResult",
    "Severity",
    "Side",
    "Step",
    "StepKind",
    "Turn",
    "UnknownPlaceError",
    "UnsupportedLanguageError",
    "ValidationReport",
    "Wayfinder",
    "WayfindingError",
    "check_floorplan",
    "directions",
    "floor_title",
    "load_floorplan",
    "migrate_to_current",
    "render_floor_svg",
    "render_route_bitmap",
    "render_route_svg",
    "revalidate",
    "validate",
]
