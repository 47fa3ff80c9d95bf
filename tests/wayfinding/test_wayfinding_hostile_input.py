"""Broken and hostile floorplan files: always exit 2 with a short, located message.

Deep nesting, a 50 MB string, NaN, Infinity, 1e999 and numbers with thousands of digits must
never give a traceback, echo the file back, or be accepted and blamed on something else later.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.wayfinding.test_wayfinding_loader import small_plan
from wayfinding import FloorplanError, load_floorplan
from wayfinding.cli import main
from wayfinding.json_input import parse_json_text

# Generous bound for everything a broken file may make the CLI print.
MAX_STDERR_CHARS = 4000


def deeply_nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def run_cli(capsys: Any, *args: Any) -> tuple[int, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert len(captured.err) <= MAX_STDERR_CHARS
    return code, captured.err


def broken_file(tmp_path: Path, plan_builder: Any, key: str, value_text: str) -> Path:
    """The small plan's file with the JSON text of `key`'s value replaced by `value_text`."""
    data = small_plan(plan_builder).build()
    data[key] = "PLACEHOLDER"
    text = json.dumps(data).replace('"PLACEHOLDER"', value_text)
    path = tmp_path / "broken.json"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", [("validate",), ("route", "--from", "k", "--to", "clinic")])
def test_nesting_100000_deep_is_located_not_a_traceback(
    capsys: Any, tmp_path: Path, plan_builder: Any, command: tuple[str, ...]
) -> None:
    path = broken_file(tmp_path, plan_builder, "nodes", deeply_nested(100_000))
    code, err = run_cli(capsys, command[0], path, *command[1:])
    assert code == 2
    assert "line 1, column" in err and "nested more than" in err


@pytest.mark.parametrize("command", [("validate",), ("route", "--from", "k", "--to", "clinic")])
def test_a_50_mb_string_where_nodes_belongs_is_not_echoed(
    capsys: Any, tmp_path: Path, plan_builder: Any, command: tuple[str, ...]
) -> None:
    path = broken_file(tmp_path, plan_builder, "nodes", '"' + "x" * 50_000_000 + '"')
    code, err = run_cli(capsys, command[0], path, *command[1:])
    assert code == 2
    assert "$.nodes" in err and "array" in err


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("-Infinity", "Infinity"),
        ("1e999", "too large"),
        ("1" + "0" * 5000, "too large"),
    ],
)
def test_numbers_json_does_not_have_are_located(
    capsys: Any, tmp_path: Path, plan_builder: Any, number: str, words: str
) -> None:
    data = small_plan(plan_builder).build()
    data["edges"][0]["length_m"] = "PLACEHOLDER"
    path = tmp_path / "numbers.json"
    path.write_text(json.dumps(data).replace('"PLACEHOLDER"', number), encoding="utf-8")
    code, err = run_cli(capsys, "validate", path)
    assert code == 2
    assert "$.edges[0].length_m [a--b]" in err and words in err
    assert "stairs" not in err


def test_a_length_too_long_for_any_building_is_refused(plan_builder: Any) -> None:
    data = small_plan(plan_builder).build()
    data["edges"][0]["length_m"] = 1e300
    with pytest.raises(FloorplanError) as caught:
        load_floorplan(data)
    (issue,) = caught.value.issues
    assert issue.json_path == "$.edges[0].length_m" and "maximum" in issue.message


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (float("nan"), "NaN"),
        (float("-inf"), "Infinity"),
        (10**400, "too large"),
        (datetime(2025, 1, 1), "not a JSON value"),
        ({1: "a"}, "keys"),
    ],
)
def test_python_objects_that_are_not_json_are_located(
    plan_builder: Any, value: Any, words: str
) -> None:
    data = small_plan(plan_builder).build()
    data["nodes"][1]["x"] = value
    with pytest.raises(FloorplanError) as caught:
        load_floorplan(data)
    (issue,) = caught.value.issues
    assert issue.json_path == "$.nodes[1].x" and issue.element == "b"
    assert words in issue.message


def test_a_dict_nested_100000_deep_is_a_floorplan_error(plan_builder: Any) -> None:
    data = small_plan(plan_builder).build()
    deep: list[Any] = []
    data["nodes"] = deep
    for _ in range(100_000):
        deep.append([])
        deep = deep[0]
    with pytest.raises(FloorplanError) as caught:
        load_floorplan(data)
    (issue,) = caught.value.issues
    assert issue.json_path.startswith("$.nodes[0][0]") and "nested more than" in issue.message
    assert len(str(issue)) < 400


def test_thousands_of_errors_print_a_bounded_report(
    capsys: Any, tmp_path: Path, plan_builder: Any
) -> None:
    builder = small_plan(plan_builder)
    for index in range(5000):
        builder.node(f"n{index}", "far", 0)
    code, err = run_cli(capsys, "validate", builder.write(tmp_path / "many.json"))
    assert code == 2
    assert "$.nodes[3].x [n0]" in err
    assert "and 4950 more" in err


def test_an_unpaired_surrogate_in_a_file_is_located(
    capsys: Any, tmp_path: Path, plan_builder: Any
) -> None:
    data = small_plan(plan_builder).build()
    data["destinations"][0]["name"] = "PLACEHOLDER"
    path = tmp_path / "surrogate.json"
    path.write_text(json.dumps(data).replace('"PLACEHOLDER"', '"Clinic \\ud800"'))
    code, err = run_cli(capsys, "validate", path)
    assert code == 2
    assert "$.destinations[0].name [clinic]" in err and "surrogate" in err


def test_a_paired_surrogate_escape_is_an_ordinary_character(plan_builder: Any) -> None:
    data = small_plan(plan_builder).build()
    data["destinations"][0]["name"] = "PLACEHOLDER"
    text = json.dumps(data).replace('"PLACEHOLDER"', '"Clinic \\ud83d\\ude00"')
    assert parse_json_text(text)["destinations"][0]["name"] == "Clinic \U0001f600"
