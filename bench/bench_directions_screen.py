"""Directions screen server time on the demo hospital: Lobby's precomputed routes against
computing the route naively on every request.

Lobby builds the floorplan graph and one shortest-path tree per kiosk and profile once per
floorplan version, so the route screen only looks a route up, writes its directions and renders
the page. The naive way builds the graph and searches from the kiosk on every request (a fresh
`Wayfinder` without precomputation), which is what a straightforward implementation does.

Both run in one process through Flask's test client, so the figures are the server's own time
per request (routing, directions text, template and analytics row in SQLite), without network
or browser.

A second table counts the phone-link rows that route screens leave behind (each screen: the
page and its QR image): Lobby shares one link per route, language and profile in a link
period; the naive way writes a fresh link for every screen, so the table grows with every view.

Run: `.venv/bin/python bench/bench_directions_screen.py`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from flask import Flask, g
from flask_migrate import upgrade
from sqlalchemy import func, select

from kiosk import create_app, floorplan
from kiosk.extensions import db
from kiosk.find import views
from kiosk.find.phone_links import TOKEN_BYTES, RouteKey
from kiosk.models.types import utcnow
from kiosk.models.wayfinding import PhoneRouteLink
from kiosk.tokens import new_token, token_hash
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
    original = floorplan.current_floorplan

    def per_request_floorplan() -> floorplan.PublishedFloorplan:
        if "naive_floorplan" not in g:
            path = floorplan.floorplan_path()
            finder = Wayfinder(load_floorplan(path), precompute=False)
            g.naive_floorplan = floorplan.PublishedFloorplan(
                floorplan.FileVersion(path, 0), finder, ValidationReport(errors=(), warnings=())
            )
        naive: floorplan.PublishedFloorplan = g.naive_floorplan
        return naive

    floorplan.current_floorplan = per_request_floorplan  # type: ignore[assignment]
    try:
        yield
    finally:
        floorplan.current_floorplan = original  # type: ignore[assignment]


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


@contextmanager
def fresh_link_per_screen() -> Iterator[None]:
    """The naive way: every QR code shown gets a new link row."""
    shared = views.phone_link_for

    def new_link(route: RouteKey) -> str:
        token = new_token(TOKEN_BYTES)
        db.session.add(
            PhoneRouteLink(
                token_hash=token_hash(token),
                origin=route.origin,
                destination_id=route.destination_id,
                profile=route.profile,
                lang=route.lang,
                expires_at=utcnow() + timedelta(hours=4),
            )
        )
        return token

    views.phone_link_for = new_link  # type: ignore[assignment]
    try:
        yield
    finally:
        views.phone_link_for = shared  # type: ignore[assignment]


def link_rows_after_screens(
    app: Flask, paths: list[str], count: int, setup: Callable[[], object]
) -> tuple[int, float, int]:
    """Show `count` route screens (page, then its QR image) from an empty link table: the
    median milliseconds per screen and the link rows left behind."""
    client = app.test_client()
    with app.app_context():
        db.session.execute(PhoneRouteLink.__table__.delete())
        db.session.commit()
    samples = []
    with setup():  # type: ignore[attr-defined]
        for index in range(count):
            path = paths[index % len(paths)]
            started = time.perf_counter()
            page, qr_code = client.get(path), client.get(path + "/qr.svg")
            samples.append((time.perf_counter() - started) * 1000)
            assert (page.status_code, qr_code.status_code) == (200, 200), path
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(PhoneRouteLink)) or 0
    return count, statistics.median(samples), rows


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
        link_rows = [
            ("Lobby: one shared link per route, language, profile and period", precomputed),
            ("naive: a new link for every screen", fresh_link_per_screen),
        ]
        link_table = [
            (name, *link_rows_after_screens(app, paths, args.requests, setup))
            for name, setup in link_rows
        ]
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
    print("\nPhone-link rows left by route screens (page + QR image), same destinations:\n")
    print("| phone links | screens | p50 ms per screen | link rows written |")
    print("|---|---:|---:|---:|")
    for name, count, p50, written in link_table:
        print(f"| {name} | {count} | {p50:.1f} | {written} |")


if __name__ == "__main__":
    main()
