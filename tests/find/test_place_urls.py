"""Every URL that takes a place id, walked with every id the floorplan has and random text:
only public destinations are routable, anything else is a friendly 404, never a 500, and a 404
writes nothing (no phone link, no analytics event, no print job)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from kiosk.extensions import db
from kiosk.floorplan import current_wayfinder
from kiosk.models import PhoneRouteLink, PrintJob, WayfindingEvent
from tests.builders import enrolled_client
from tests.helpers import csrf_token_from

WRITTEN_TABLES = (PhoneRouteLink, WayfindingEvent, PrintJob)


def rows_written(app: Flask) -> int:
    with app.app_context():
        return sum(
            db.session.scalar(select(func.count()).select_from(t)) or 0 for t in WRITTEN_TABLES
        )


def floorplan_ids(app: Flask) -> dict[str, list[str]]:
    with app.app_context():
        plan = current_wayfinder().floorplan
        return {
            "node": sorted(plan.nodes),
            "connector": sorted(plan.connectors),
            "kiosk": sorted(plan.kiosks),
            "destination": sorted(plan.destinations),
            "floor": sorted(plan.floors),
        }


def public_destinations(app: Flask) -> set[str]:
    with app.app_context():
        plan = current_wayfinder().floorplan
        return {d.id for d in plan.destinations.values() if d.is_public}


def id_urls(place: str, floor: str) -> Iterator[tuple[str, str]]:
    """(method, path) of every URL that takes an id, with `place` in the id's slot."""
    quoted = quote(place, safe="")
    yield "GET", f"/find/to/{quoted}"
    yield "POST", f"/find/to/{quoted}/print"
    yield "GET", f"/find/to/{quoted}/map/{quote(floor, safe='')}.svg"
    yield "GET", f"/find/to/{quoted}/qr.svg"
    yield "GET", f"/find/nearest/{quoted}"
    yield "GET", f"/find/category/{quoted}"
    yield "GET", f"/d/{quoted}"
    yield "GET", f"/d/{quoted}/map/{quote(floor, safe='')}.svg"


def visit(client: FlaskClient, csrf: str, method: str, path: str) -> int:
    if method == "POST":
        return client.post(path, data={"csrf_token": csrf}).status_code
    return client.get(path).status_code


@pytest.fixture
def kiosk(app: Flask) -> tuple[FlaskClient, str]:
    """An enrolled kiosk with a printer (so "Print" gets as far as it can) and its CSRF token."""
    client = enrolled_client(app)
    return client, csrf_token_from(client.get("/find/").get_data(as_text=True))


def assert_friendly(app: Flask, client: FlaskClient, csrf: str, place: str, floor: str) -> None:
    """No URL answers an error of ours, and when every URL refused the id, none wrote a row."""
    before = rows_written(app)
    statuses = {}
    for method, path in id_urls(place, floor):
        statuses[method, path] = visit(client, csrf, method, path)
    assert all(status < 500 for status in statuses.values()), statuses
    if all(status == 404 for status in statuses.values()):
        assert rows_written(app) == before, f"{place!r} wrote a row on a 404"


def test_plain_nodes_connectors_and_kiosks_are_not_routable(
    app: Flask, kiosk: tuple[FlaskClient, str]
) -> None:
    client, csrf = kiosk
    ids = floorplan_ids(app)
    routable = public_destinations(app)
    floor = ids["floor"][0]
    for kind in ("node", "connector", "kiosk"):
        for place in ids[kind]:
            if place in routable:
                continue
            assert client.get(f"/find/to/{place}").status_code == 404, (kind, place)
            assert_friendly(app, client, csrf, place, floor)


def test_a_plain_node_gets_the_unknown_place_screen_and_no_link(
    app: Flask, client: FlaskClient
) -> None:
    response = client.get("/find/to/main-1-lobby")
    assert response.status_code == 404
    assert "We don't know that place" in response.get_data(as_text=True)
    assert client.get("/find/to/main-1-lobby/qr.svg").status_code == 404
    assert rows_written(app) == 0


def test_every_destination_answers_without_error(
    app: Flask, kiosk: tuple[FlaskClient, str]
) -> None:
    client, csrf = kiosk
    ids = floorplan_ids(app)
    for place, floor in zip(ids["destination"], itertools.cycle(ids["floor"]), strict=False):
        assert_friendly(app, client, csrf, place, floor)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(place=st.text(min_size=1, max_size=80), floor=st.text(min_size=1, max_size=20))
def test_random_ids_never_error_and_write_nothing_on_404(
    app: Flask, kiosk: tuple[FlaskClient, str], place: str, floor: str
) -> None:
    client, csrf = kiosk
    assert_friendly(app, client, csrf, place, floor)
