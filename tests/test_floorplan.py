"""Publishing the floorplan: refused at start when broken, rebuilt off the request path when
the file changes, and one "you are here" for finding the way and for tickets."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from kiosk import create_app, floorplan
from kiosk.checkin.arrival import ticket_receipt_for
from kiosk.extensions import db
from kiosk.floorplan import DEMO_FLOORPLAN, FloorplanRefused, place_of
from kiosk.printing.escpos_render import render_escpos
from kiosk.printing.preview import receipt_text
from kiosk.printing.profiles import DEFAULT_PROFILE
from tests.builders import add_department, add_kiosk, published_off_the_request_path
from tests.helpers import app_config


def demo_plan() -> dict[str, Any]:
    plan: dict[str, Any] = json.loads(DEMO_FLOORPLAN.read_text())
    return plan


def with_island(plan: dict[str, Any]) -> dict[str, Any]:
    """The demo hospital plus a corridor node joined to nothing: a validation error."""
    plan["nodes"].append(
        {"id": "lost-corridor", "floor": "main-1", "x": 90, "y": 90, "kind": "corridor"}
    )
    return plan


def write(tmp_path: Path, plan: dict[str, Any], name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(plan))
    return path


def test_a_floorplan_that_fails_validation_is_refused_at_start(
    database_url: str, tmp_path: Path
) -> None:
    path = write(tmp_path, with_island(demo_plan()))
    with pytest.raises(FloorplanRefused) as refused:
        create_app(app_config(database_url, FLOORPLAN_PATH=str(path)))
    message = str(refused.value)
    assert "fails validation" in message and "lost-corridor" in message
    assert "LOBBY_ALLOW_INVALID_FLOORPLAN" in message
    assert refused.value.code != 0


def test_an_unreadable_floorplan_is_refused_with_a_located_message(
    database_url: str, tmp_path: Path
) -> None:
    plan = demo_plan()
    plan["nodes"] = "x" * 100_000
    path = write(tmp_path, plan)
    with pytest.raises(FloorplanRefused) as refused:
        create_app(app_config(database_url, FLOORPLAN_PATH=str(path)))
    message = str(refused.value)
    assert "cannot be loaded" in message and "nodes" in message
    assert len(message) < 5_000


def test_an_allowed_invalid_floorplan_shows_its_errors_in_healthz(
    database_url: str, tmp_path: Path
) -> None:
    path = write(tmp_path, with_island(demo_plan()))
    app = create_app(
        app_config(database_url, FLOORPLAN_PATH=str(path), ALLOW_INVALID_FLOORPLAN=True)
    )
    try:
        body = app.test_client().get("/healthz").get_json()
    finally:
        with app.app_context():
            db.engine.dispose()  # close its pooled connection now, not whenever GC runs
    assert any("lost-corridor" in line for line in body["floorplan"]["errors"])


def test_healthz_lists_kiosks_whose_place_the_floorplan_lacks(app: Flask) -> None:
    with app.app_context():
        add_kiosk()
        add_kiosk("gone", name="old")
    body = app.test_client().get("/healthz").get_json()
    assert body["floorplan"]["kiosks_off_floorplan"] == ["old"]
    assert body["floorplan"]["version"]


def test_a_changed_file_is_rebuilt_in_the_background_and_swapped_in_whole(
    database_url: str, tmp_path: Path
) -> None:
    plan = demo_plan()
    path = write(tmp_path, plan)
    app = create_app(app_config(database_url, FLOORPLAN_PATH=str(path), FLOORPLAN_CHECK_SECONDS=0))
    try:
        with app.app_context():
            first = floorplan.current_floorplan()
            plan["version"] = "next-version"
            path.write_text(json.dumps(plan))
            assert isinstance(first.source, floorplan.FileVersion)
            later = first.source.mtime_ns + 1_000_000
            os.utime(path, ns=(later, later))
            # The request that notices the change is answered from the old version, never waits.
            assert floorplan.current_floorplan() is first
        published_off_the_request_path(app)
        with app.app_context():
            assert floorplan.current_wayfinder().floorplan.version == "next-version"
    finally:
        with app.app_context():
            db.engine.dispose()


def test_a_kiosk_whose_place_is_missing_prints_directions_from_where_find_routes_from(
    app: Flask,
) -> None:
    """Before: the find screens routed from the default spot while the ticket had none."""
    with app.test_request_context():
        kiosk = add_kiosk("no-such-place", name="renamed")
        department = add_department()
        origin = place_of(kiosk)
        assert origin.id == place_of(None).id
        receipt = ticket_receipt_for(
            "R-001", department, "token", kiosk, "en", datetime.now(UTC), 5
        )
        text = receipt_text(render_escpos(receipt, DEFAULT_PROFILE), DEFAULT_PROFILE)
    assert "Where to go" in text
    assert "Imaging" in text and ("Take" in text or "Walk" in text or "Turn" in text)
