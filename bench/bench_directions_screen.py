"""Directions screen server time on the demo hospital: Lobby's precomputed routes against
computing the route naively on every request.

Lobby builds the floorplan graph and one shortest-path tree per kiosk and profile once per
floorplan version, so the route screen only looks a route up, writes its directions and renders
the page. The naive way builds the graph and searches from the kiosk on every request (a fresh
`Wayfinder` without precomputation), which is what a straightforward implementation does.

Both run in one process through Flask's test client, so the figures are the server's own time
per request (routing, directions text, template, phone link and analytics rows in SQLite),
without network or browser. Run: `.venv/bin/python bench/bench_directions_screen.py`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, g
from flask_migrate import upgrade

from kiosk import create_app, floorplan
from wayfinding import ValidationReport, Wayfinder, load_floorplan


def percentile(samples: list[float], fraction: float) -> float:
    """The value below which `fraction` of the sorted samples lie."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def demo_app(instance: str) -> Flask:
    """Lobby on a fresh SQLite database in a temporary instance folder."""
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/bench.sqlite",
            "LOG_LEVEL": "WARNING",
        }
    )
    with app.app_context():
        upgrade()
    return app


@contextmanager
def naive_routing() -> Iterator[None]:
    """Make every request build its own wayfinder from the floorplan (once per request, shared
    by the screen's parts), without precomputation."""
    original = floorplan.published

    def per_request_floorplan(path: Path) -> floorplan.PublishedFloorplan:
        if "naive_floorplan" not in g:
            finder = Wayfinder(load_floorplan(path), precompute=False)
            g.naive_floorplan = floorplan.PublishedFloorplan(
                path, 0, finder, ValidationReport(errors=(), warnings=())
            )
        naive: floorplan.PublishedFloorplan = g.naive_floorplan
        return naive

    floorplan.published = per_request_floorplan  # type: ignore[assignment]
    try:
        yield
    finally:
        floorplan.published = original  # type: ignore[assignment]


def time_requests(app: Flask, paths: list[str], count: int) -> list[float]:
    """Milliseconds per GET of the route screen, cycling through the destinations."""
    client = app.test_client()
    samples = []
    for index in range(count):
        path = paths[index % len(paths)]
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return samples


def measure(
    name: str, app: Flask, paths: list[str], count: int, setup: Callable[[], object]
) -> tuple[str, int, float, float]:
    """One table row: warm up once per destination, then time `count` requests."""
    with setup():  # type: ignore[attr-defined]
        time_requests(app, paths, len(paths))
        samples = time_requests(app, paths, count)
    return name, count, statistics.median(samples), percentile(samples, 0.99)


@contextmanager
def precomputed() -> Iterator[None]:
    """Lobby's way: nothing to change."""
    yield


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="timed requests for ours")
    parser.add_argument("--naive-requests", type=int, default=80, help="timed naive requests")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as instance:
        os.environ["LOBBY_INSTANCE_PATH"] = instance
        app = demo_app(instance)
        with app.app_context():
            plan = floorplan.current_wayfinder().floorplan
        paths = [f"/find/to/{d.id}" for d in plan.destinations.values() if d.is_public]
        rows = [
            measure(
                "Lobby: precomputed kiosk trees (lookup)", app, paths, args.requests, precomputed
            ),
            measure(
                "naive: build graph + search on every request",
                app,
                paths,
                args.naive_requests,
                naive_routing,
            ),
        ]
    print(
        f"Directions screen (/find/to/<destination>) on the demo hospital: "
        f"{len(plan.nodes)} nodes, {len(paths)} public destinations, kiosk main-lobby.\n"
    )
    print("| routing | requests | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|")
    for name, count, p50, p99 in rows:
        print(f"| {name} | {count} | {p50:.1f} | {p99:.1f} |")


if __name__ == "__main__":
    main()
