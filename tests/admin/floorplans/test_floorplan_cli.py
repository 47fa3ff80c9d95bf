"""`flask floorplan versions / export / import`: import publishes what passes the checks and
refuses the rest with located errors; export gives back the exact text, so an export → import
round trip reproduces the floorplan exactly (property-tested over generated campuses)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskCliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admin.floorplans.publishing import check_document
from kiosk.floorplan import DEMO_FLOORPLAN
from kiosk.floorplan_versions import all_versions, live_version
from tests.admin.floorplans.floorplan_documents import renamed_cafeteria, with_island
from tests.wayfinding.campus_strategies import campuses
from wayfinding import load_floorplan
from wayfinding.json_input import parse_json_text


def stored_numbers(app: Flask) -> list[int]:
    """The stored version numbers, newest first."""
    with app.app_context():
        return [v.number for v in all_versions()]


def test_import_publishes_and_versions_lists_it(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    assert "No version published yet" in runner.invoke(args=["floorplan", "versions"]).output
    plan = tmp_path / "cafe.json"
    plan.write_text(renamed_cafeteria(), encoding="utf-8")
    result = runner.invoke(args=["floorplan", "import", str(plan), "--note", "Café renamed"])
    assert result.exit_code == 0, result.output
    assert f"Published floorplan version 2 from {plan}" in result.output
    listing = runner.invoke(args=["floorplan", "versions"]).output.splitlines()
    assert "2 live" in listing[0] and "import" in listing[0] and "Café renamed" in listing[0]
    assert "1     " in listing[1] and "file" in listing[1]


def test_import_refuses_a_file_with_errors_listing_them(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    broken = tmp_path / "island.json"
    broken.write_text(with_island(), encoding="utf-8")
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\xff\xfe\x00")
    refused = runner.invoke(args=["floorplan", "import", str(broken)])
    assert refused.exit_code == 2
    assert "has errors: not published" in refused.output and "lost-corridor" in refused.output
    not_text = runner.invoke(args=["floorplan", "import", str(garbage)])
    assert not_text.exit_code == 2 and "not UTF-8 text" in not_text.output
    assert stored_numbers(app) == []


def test_export_gives_the_live_version_or_the_file_while_nothing_is_stored(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    before = runner.invoke(args=["floorplan", "export"])
    assert before.stdout_bytes == DEMO_FLOORPLAN.read_bytes()
    plan = tmp_path / "cafe.json"
    plan.write_text(renamed_cafeteria(), encoding="utf-8")
    runner.invoke(args=["floorplan", "import", str(plan)])
    assert runner.invoke(args=["floorplan", "export"]).stdout_bytes == plan.read_bytes()
    first = tmp_path / "first.json"
    runner.invoke(args=["floorplan", "export", "--version", "1", "--out", str(first)])
    assert first.read_bytes() == DEMO_FLOORPLAN.read_bytes()
    missing = runner.invoke(args=["floorplan", "export", "--version", "7"])
    assert missing.exit_code != 0 and "no floorplan version 7" in missing.output


def with_accented_names(campus: dict[str, Any], accent: str) -> dict[str, Any]:
    """The campus with non-ASCII place names (the text must survive byte for byte)."""
    for destination in campus["destinations"]:
        destination["name"] = f"{destination['name']} {accent}"
    return campus


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    campus=campuses(),
    indent=st.sampled_from([None, 1, 2, 4]),
    ensure_ascii=st.booleans(),
    accent=st.sampled_from(["Cardiología", "Café", "Ünité", "診療所"]),
)
def test_export_then_import_reproduces_the_floorplan_exactly(
    app: Flask,
    runner: FlaskCliRunner,
    tmp_path: Path,
    campus: dict[str, Any],
    indent: int | None,
    ensure_ascii: bool,
    accent: str,
) -> None:
    text = json.dumps(with_accented_names(campus, accent), indent=indent, ensure_ascii=ensure_ascii)
    source = tmp_path / "campus.json"
    source.write_text(text, encoding="utf-8")
    before = stored_numbers(app)
    imported = runner.invoke(args=["floorplan", "import", str(source), "--note", "generated"])
    if check_document(text).errors:
        assert imported.exit_code == 2 and stored_numbers(app) == before
        return
    assert imported.exit_code == 0, imported.output
    exported = runner.invoke(args=["floorplan", "export"]).stdout_bytes
    assert exported == source.read_bytes()
    assert load_floorplan(parse_json_text(exported.decode())) == load_floorplan(campus)
    # And importing the export again stores the same document once more, unchanged.
    again = tmp_path / "again.json"
    again.write_bytes(exported)
    runner.invoke(args=["floorplan", "import", str(again)])
    with app.app_context():
        live = live_version()
        assert live is not None and live.document == text
