"""Receipt route maps: cropped to the route against the square full-width maps printed before.

Run:  .venv/bin/python bench/bench_route_maps.py        (prints a Markdown table)

Every public destination of the demo hospital from every demo kiosk, one map per floor the
route visits, at both receipt widths. Lobby's way draws the map cropped to the route, its
markers and its labels (with a one-line legend); the naive way prints a square map as wide as
the paper, which was the rule before. Paper and wire time matter: at 203 dpi a printer feeds 8
dots per millimetre, and a serial printer at 9,600 baud takes about 1 s per 960 bytes.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from wayfinding import Wayfinder, load_floorplan, render_route_bitmap

DEMO = Path(__file__).resolve().parents[1] / "floorplans" / "demo-hospital.json"
DOTS_PER_MM = 8
BYTES_PER_SECOND_AT_9600_BAUD = 960


def map_heights(finder: Wayfinder, width_dots: int) -> list[int]:
    """Height in dots of every receipt map of every demo kiosk route."""
    heights = []
    for kiosk in finder.floorplan.kiosks:
        for destination in finder.floorplan.destinations.values():
            if not destination.is_public:
                continue
            route = finder.route_from_kiosk(kiosk, destination.id)
            for floor in route.floors:
                heights.append(render_route_bitmap(route, floor, width_dots=width_dots).height)
    return heights


def row(name: str, width_dots: int, heights: list[int]) -> str:
    mean = statistics.fmean(heights)
    raster_bytes = width_dots // 8 * mean
    return (
        f"| {name} | {width_dots} | {len(heights)} | {mean:.0f} | {mean / DOTS_PER_MM:.0f} | "
        f"{raster_bytes:,.0f} | {raster_bytes / BYTES_PER_SECOND_AT_9600_BAUD:.1f} |"
    )


def main() -> None:
    finder = Wayfinder(load_floorplan(DEMO))
    print(
        "| maps | width dots | maps drawn | mean height dots | mm of paper | raster bytes "
        "| s at 9,600 baud |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for width_dots in (384, 576):
        heights = map_heights(finder, width_dots)
        print(row("Lobby: cropped to the route, labels, legend", width_dots, heights))
        print(row("naive: square, full paper width", width_dots, [width_dots] * len(heights)))


if __name__ == "__main__":
    main()
