"""Revalidating one edit, as the floorplan editor does: the answer a full check would give."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wayfinding.editing import CheckedFloorplan, check_floorplan, revalidate

SECOND_HOSPITAL = Path(__file__).parent / "fixtures" / "second-hospital.json"
RAW: dict[str, Any] = json.loads(SECOND_HOSPITAL.read_text(encoding="utf-8"))
BASE = check_floorplan(RAW)

Edit = Callable[[dict[str, Any]], set[str]]


def item(raw: dict[str, Any], section: str, item_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(i for i in raw[section] if i["id"] == item_id)
    return found


def move_node(raw: dict[str, Any]) -> set[str]:
    item(raw, "nodes", "w1-south")["x"] = 16.0
    return {"w1-south"}


def one_way_trap(raw: dict[str, Any]) -> set[str]:
    item(raw, "edges", "w2-hall--w2-imaging")["one_way"] = True
    return {"w2-hall--w2-imaging"}


def staff_only_node(raw: dict[str, Any]) -> set[str]:
    item(raw, "nodes", "w2-bridge")["access"] = "staff"
    return {"w2-bridge"}


def delete_the_ramp(raw: dict[str, Any]) -> set[str]:
    raw["edges"] = [e for e in raw["edges"] if e["id"] != "w1-south--sg-ramp-foot"]
    return {"w1-south--sg-ramp-foot"}


def steepen_the_ramp(raw: dict[str, Any]) -> set[str]:
    item(raw, "nodes", "sg-ramp-foot")["y"] = -12.0
    return {"sg-ramp-foot"}


def add_an_elevator_to_the_mezzanine(raw: dict[str, Any]) -> set[str]:
    raw["nodes"] += [
        {"id": "sg-lift", "floor": "s-g", "x": 10, "y": -50, "kind": "elevator"},
        {"id": "sm-lift", "floor": "s-m", "x": 10, "y": -50, "kind": "elevator"},
    ]
    raw["edges"] += [
        {"id": "sg-hall--sg-lift", "from": "sg-hall", "to": "sg-lift"},
        {"id": "sm-lift--sm-audiology", "from": "sm-lift", "to": "sm-audiology"},
    ]
    raw["connectors"].append(
        {"id": "south-elevator", "kind": "elevator", "stops": ["sg-lift", "sm-lift"]}
    )
    return {"sg-lift", "sm-lift", "sg-hall--sg-lift", "sm-lift--sm-audiology", "south-elevator"}


def close_the_bridge(raw: dict[str, Any]) -> set[str]:
    raw["closures"].append({"id": "bridge-works", "element": "w2-bridge--n2-bridge", "reason": "x"})
    return {"bridge-works"}


def stop_moves_floor(raw: dict[str, Any]) -> set[str]:
    item(raw, "connectors", "north-stairs")["stops"] = ["n2-stairs", "n3-stairs", "sm-stairs"]
    return {"north-stairs"}


def raise_a_floor(raw: dict[str, Any]) -> set[str]:
    item(raw, "floors", "s-g")["elevation_m"] = 3.0
    return {"s-g"}


def break_a_coordinate(raw: dict[str, Any]) -> set[str]:
    item(raw, "nodes", "n3-hall")["x"] = "far"
    return {"n3-hall"}


def nan_and_wrong_types_in_two_sections(raw: dict[str, Any]) -> set[str]:
    item(raw, "nodes", "n3-hall")["y"] = float("nan")
    item(raw, "edges", "w1-hall--w1-lift")["one_way"] = "yes"
    return {"n3-hall", "w1-hall--w1-lift"}


def dangling_edge(raw: dict[str, Any]) -> set[str]:
    item(raw, "edges", "n3-hall--n3-dialysis")["to"] = "n3-nowhere"
    return {"n3-hall--n3-dialysis"}


def empty_version(raw: dict[str, Any]) -> set[str]:
    raw["version"] = ""
    return set()


EDITS = [
    move_node,
    one_way_trap,
    staff_only_node,
    delete_the_ramp,
    steepen_the_ramp,
    add_an_elevator_to_the_mezzanine,
    close_the_bridge,
    stop_moves_floor,
    raise_a_floor,
    empty_version,
    nan_and_wrong_types_in_two_sections,
    break_a_coordinate,
    dangling_edge,
]


def same_answer(incremental: CheckedFloorplan, full: CheckedFloorplan) -> None:
    assert incremental.report == full.report
    assert incremental.plan == full.plan


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.__name__)
def test_one_edit_gives_the_answer_of_a_full_check(edit: Edit) -> None:
    edited = copy.deepcopy(RAW)
    changed = edit(edited)
    after = revalidate(BASE, edited, changed)
    same_answer(after, check_floorplan(edited))
    if after.plan is not None:
        assert after.report != BASE.report or edit is move_node


def test_edits_that_break_then_fix_the_file() -> None:
    broken = copy.deepcopy(RAW)
    changed = break_a_coordinate(broken)
    after_break = revalidate(BASE, broken, changed)
    assert after_break.plan is None
    assert [i.json_path for i in after_break.report.errors] == ["$.nodes[28].x"]
    fixed = revalidate(after_break, copy.deepcopy(RAW), changed)
    same_answer(fixed, BASE)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(EDITS[:-4]), min_size=1, max_size=4, unique=True))
def test_a_run_of_edits_gives_the_answer_of_a_full_check(edits: list[Edit]) -> None:
    state, raw = BASE, copy.deepcopy(RAW)
    for edit in edits:
        raw = copy.deepcopy(raw)
        state = revalidate(state, raw, edit(raw))
    same_answer(state, check_floorplan(raw))
