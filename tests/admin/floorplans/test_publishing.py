"""Publishing floorplan versions: what is stored, what is refused, rollback, the diff staff see,
and every app instance on the database serving the new version without a restart."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from admin.floorplans.publishing import (
    LiveVersionChanged,
    PublishRefused,
    UnknownVersion,
    diff_floorplans,
    publish_document,
    rollback_to,
)
from kiosk import create_app, floorplan
from kiosk.extensions import db
from kiosk.floorplan import DEMO_FLOORPLAN
from kiosk.floorplan_versions import all_versions, document_sha256, live_version, version
from tests.admin.floorplans.floorplan_documents import (
    as_text,
    demo_raw,
    renamed_cafeteria,
    with_island,
    without_elevators,
)
from tests.builders import published_off_the_request_path
from tests.helpers import app_config


@pytest.fixture
def publishing_app(app: Flask) -> Iterator[Flask]:
    """The app in an app context, checking for new versions on every request."""
    app.config["FLOORPLAN_CHECK_SECONDS"] = 0
    with app.app_context():
        yield app


def test_the_first_publish_keeps_the_file_as_version_1_and_stores_the_text_exactly(
    publishing_app: Flask,
) -> None:
    text = renamed_cafeteria()
    published = publish_document(
        text, staff_id=7, note="New café name", origin="editor", expected_live=None
    )
    assert published.number == 2
    first = version(1)
    assert first is not None and first.origin == "file"
    assert first.document == DEMO_FLOORPLAN.read_text(encoding="utf-8")
    live = live_version()
    assert live is not None and live.number == 2
    assert live.document == text and live.sha256 == document_sha256(text)
    assert (live.published_by, live.note, live.origin) == (7, "New café name", "editor")


def test_a_document_with_errors_is_refused_with_its_report_and_nothing_is_stored(
    publishing_app: Flask,
) -> None:
    with pytest.raises(PublishRefused) as refused:
        publish_document(with_island(), staff_id=1, note="", origin="import", expected_live=None)
    assert any(issue.element == "lost-corridor" for issue in refused.value.report.errors)
    assert all_versions() == []


@pytest.mark.parametrize("garbage", ["", "{", "[1, 2]", '{"format": "lobby-floorplan"}', "\x00"])
def test_garbage_is_refused_with_a_located_report(publishing_app: Flask, garbage: str) -> None:
    with pytest.raises(PublishRefused) as refused:
        publish_document(garbage, staff_id=1, note="", origin="import", expected_live=None)
    assert refused.value.report.errors
    assert all(issue.json_path.startswith("$") for issue in refused.value.report.errors)
    assert all_versions() == []


def test_a_publish_based_on_an_older_live_version_is_refused(publishing_app: Flask) -> None:
    publish_document(renamed_cafeteria(), staff_id=1, note="", origin="editor", expected_live=None)
    # A colleague looked at the file version (nothing stored) and publishes afterwards.
    with pytest.raises(LiveVersionChanged) as changed:
        publish_document(
            without_elevators(), staff_id=2, note="", origin="editor", expected_live=None
        )
    assert (changed.value.expected, changed.value.live) == (None, 2)
    with pytest.raises(LiveVersionChanged):
        publish_document(without_elevators(), staff_id=2, note="", origin="editor", expected_live=1)
    assert [v.number for v in all_versions()] == [2, 1]


def test_two_publishes_at_once_from_the_same_live_version_store_one(
    publishing_app: Flask,
) -> None:
    publish_document(renamed_cafeteria(), staff_id=1, note="", origin="editor", expected_live=None)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def publish(text: str) -> None:
        with publishing_app.app_context():
            start.wait()
            try:
                publish_document(text, staff_id=1, note="", origin="editor", expected_live=2)
                outcomes.append("published")
            except LiveVersionChanged:
                outcomes.append("refused")

    threads = [
        threading.Thread(target=publish, args=(text,))
        for text in (without_elevators(), renamed_cafeteria("2025.3"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["published", "refused"]
    assert [v.number for v in all_versions()] == [3, 2, 1]


def test_rollback_publishes_the_earlier_document_as_a_new_version(publishing_app: Flask) -> None:
    publish_document(renamed_cafeteria(), staff_id=1, note="", origin="editor", expected_live=None)
    publish_document(without_elevators(), staff_id=1, note="", origin="editor", expected_live=2)
    restored = rollback_to(2, staff_id=5, note="Elevators open again", expected_live=3)
    assert (restored.number, restored.origin, restored.restores_number) == (4, "rollback", 2)
    assert restored.document == renamed_cafeteria()
    with pytest.raises(UnknownVersion):
        rollback_to(99, staff_id=5, note="")
    published_off_the_request_path(publishing_app)
    served = floorplan.current_floorplan()
    assert served.number == 4
    assert served.wayfinder.floorplan.destinations["cafeteria"].name.default == "Garden Café"


def test_a_second_app_on_the_same_database_serves_the_published_version(
    database_url: str, publishing_app: Flask, tmp_path: Path
) -> None:
    # Another app server on the same database. Its own copy of the configured file gives it
    # its own serving state in this process, as a separate server would have.
    copy = tmp_path / "demo-copy.json"
    copy.write_bytes(DEMO_FLOORPLAN.read_bytes())
    other = create_app(
        app_config(database_url, FLOORPLAN_CHECK_SECONDS=0, FLOORPLAN_PATH=str(copy))
    )
    try:
        assert other.test_client().get("/healthz").get_json()["floorplan"]["version"] == "2025.1"
        publish_document(
            renamed_cafeteria("2025.7"), staff_id=1, note="", origin="editor", expected_live=None
        )
        published_off_the_request_path(other)
        health = other.test_client().get("/healthz").get_json()["floorplan"]
        assert (health["version"], health["published_number"]) == ("2025.7", 2)
    finally:
        with other.app_context():
            db.engine.dispose()


def test_a_request_during_the_build_is_answered_by_the_old_version_whole(
    publishing_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = floorplan.current_floorplan()
    building, release = threading.Event(), threading.Event()
    real_build = floorplan.build

    def held_build(source: Any) -> floorplan.PublishedFloorplan:
        building.set()
        assert release.wait(timeout=60)
        return real_build(source)

    monkeypatch.setattr(floorplan, "build", held_build)
    publish_document(
        renamed_cafeteria("2025.9"), staff_id=1, note="", origin="editor", expected_live=None
    )
    assert building.wait(timeout=60)
    client = publishing_app.test_client()
    during = client.get("/healthz").get_json()["floorplan"]
    page = client.get("/find/to/cafeteria").get_data(as_text=True)
    assert floorplan.current_floorplan() is old
    assert (during["version"], during["published_number"]) == ("2025.1", None)
    assert "Cafeteria" in page and "Garden Café" not in page
    builder = floorplan.installation().builder
    release.set()
    assert builder is not None
    builder.join()
    assert floorplan.current_floorplan().wayfinder.floorplan.version == "2025.9"
    assert "Garden Café" in client.get("/find/to/cafeteria").get_data(as_text=True)


def test_the_diff_names_elements_by_section_and_the_routes_that_change(
    publishing_app: Flask,
) -> None:
    original = DEMO_FLOORPLAN.read_text(encoding="utf-8")
    renamed = diff_floorplans(original, renamed_cafeteria())
    assert (renamed.old_content_version, renamed.new_content_version) == ("2025.1", "2025.2")
    assert [(s.section, s.changed) for s in renamed.sections] == [("destinations", ("cafeteria",))]
    assert renamed.route_changes == ()

    closed = diff_floorplans(original, without_elevators())
    assert [(s.section, s.added) for s in closed.sections] == [
        ("closures", ("closure-elevators-a", "closure-elevators-b"))
    ]
    lost = {(c.kiosk, c.destination, c.profile.value) for c in closed.route_changes}
    assert ("main-lobby", "cardiology", "step-free") in lost
    assert all(c.now_unreachable for c in closed.route_changes if c.profile.value == "step-free")
    # Without elevators the standard profile takes the stairs: longer, still there.
    imaging = next(
        c
        for c in closed.route_changes
        if (c.kiosk, c.destination, c.profile.value) == ("main-lobby", "imaging", "standard")
    )
    assert imaging.old_length_m is not None and imaging.new_length_m is not None
    assert imaging.new_length_m > imaging.old_length_m
    assert not any(
        c.kiosk == "main-lobby" and c.destination == "cafeteria" for c in closed.route_changes
    )

    assert diff_floorplans(original, original).is_empty


PUBLIC_DESTINATIONS = sorted(
    d["id"] for d in demo_raw()["destinations"] if d.get("access", "public") == "public"
)


@settings(max_examples=10, deadline=None)
@given(st.sets(st.sampled_from(PUBLIC_DESTINATIONS), min_size=1, max_size=5))
def test_removing_destinations_shows_them_removed_and_their_routes_gone(
    removed: set[str],
) -> None:
    raw = demo_raw()
    raw["destinations"] = [d for d in raw["destinations"] if d["id"] not in removed]
    diff = diff_floorplans(DEMO_FLOORPLAN.read_text(encoding="utf-8"), as_text(raw))
    assert [(s.section, set(s.removed), s.added, s.changed) for s in diff.sections] == [
        ("destinations", removed, (), ())
    ]
    assert {c.destination for c in diff.route_changes} == removed
    assert all(c.new_length_m is None for c in diff.route_changes)
    # Every kiosk reaches every public demo destination in both profiles before the edit.
    assert len(diff.route_changes) == len(removed) * 4 * 2
