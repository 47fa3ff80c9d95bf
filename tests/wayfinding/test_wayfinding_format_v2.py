"""Format version 2: synonyms by language, other systems' ids, defaults for small clinics,
exits, and the automatic, lossless migration of version 1 files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wayfinding import FloorplanError, load_floorplan
from wayfinding.cli import main
from wayfinding.loader import checked_json
from wayfinding.migration import migrate_to_current
from wayfinding.model import NodeKind

SECOND_HOSPITAL = Path(__file__).parent / "fixtures" / "second-hospital.json"


def small_clinic_v2() -> dict[str, Any]:
    """A one-floor clinic written by hand in v2, with ids exported from another system."""
    return {
        "format": "lobby-floorplan",
        "format_version": 2,
        "version": "1",
        "facility": {"id": "Clinic.42", "name": "Corner Clinic"},
        "buildings": [{"id": "B1", "name": "Clinic"}],
        "floors": [
            {"id": "B1.L0", "building": "B1", "level": 0, "sign": "G"},
            {"id": "B1.L1", "building": "B1", "level": 1, "sign": "1", "elevation_m": 3.5},
        ],
        "nodes": [
            {"id": "B1.L0:Door", "floor": "B1.L0", "x": 0, "y": 0, "kind": "entrance"},
            {"id": "B1.L0:Kiosk", "floor": "B1.L0", "x": 4, "y": 0, "kind": "kiosk"},
            {"id": "B1.L0:Lift", "floor": "B1.L0", "x": 8, "y": 0, "kind": "elevator"},
            {"id": "B1.L0:Out", "floor": "B1.L0", "x": 4, "y": -6, "kind": "exit"},
            {"id": "B1.L1:Lift", "floor": "B1.L1", "x": 8, "y": 0, "kind": "elevator"},
            {"id": "B1.L1:Room-101", "floor": "B1.L1", "x": 12, "y": 0, "kind": "destination"},
        ],
        "edges": [
            {"id": "E1", "from": "B1.L0:Door", "to": "B1.L0:Kiosk"},
            {"id": "E2", "from": "B1.L0:Kiosk", "to": "B1.L0:Lift"},
            {"id": "E3", "from": "B1.L0:Kiosk", "to": "B1.L0:Out"},
            {"id": "E4", "from": "B1.L1:Lift", "to": "B1.L1:Room-101"},
        ],
        "connectors": [{"id": "Lift", "kind": "elevator", "stops": ["B1.L0:Lift", "B1.L1:Lift"]}],
        "destinations": [
            {
                "id": "Dept.XRAY",
                "name": "X-ray",
                "category": "department",
                "node": "B1.L1:Room-101",
                "synonyms": {"en": ["radiology"], "es": ["rayos x", "radiografía"]},
            }
        ],
        "kiosks": [{"id": "K1", "name": "Front desk", "node": "B1.L0:Kiosk", "heading": 90}],
    }


def test_synonyms_carry_their_language() -> None:
    plan = load_floorplan(small_clinic_v2())
    assert plan.destinations["Dept.XRAY"].synonyms == {
        "en": ("radiology",),
        "es": ("rayos x", "radiografía"),
    }


def test_ids_from_other_systems_load_unchanged() -> None:
    plan = load_floorplan(small_clinic_v2())
    assert "B1.L1:Room-101" in plan.nodes and "Dept.XRAY" in plan.destinations
    assert plan.destinations["Dept.XRAY"].node == "B1.L1:Room-101"


def test_a_small_clinic_needs_no_connector_name_or_phone() -> None:
    plan = load_floorplan(small_clinic_v2())
    lift = plan.connectors["Lift"]
    assert (lift.name.default, lift.name.in_language("es")) == ("Elevator", "Elevador")
    assert plan.facility.phone == ""


def test_an_exit_to_the_outside_is_a_node_kind() -> None:
    plan = load_floorplan(small_clinic_v2())
    assert plan.nodes["B1.L0:Out"].kind is NodeKind.EXIT


def test_v2_refuses_a_plain_list_of_synonyms_with_its_location() -> None:
    data = small_clinic_v2()
    data["destinations"][0]["synonyms"] = ["radiology"]
    with pytest.raises(FloorplanError) as caught:
        load_floorplan(data)
    (issue,) = caught.value.issues
    assert (issue.element, issue.json_path) == ("Dept.XRAY", "$.destinations[0].synonyms")


def test_v1_still_needs_lower_case_ids(plan_builder: Any) -> None:
    data = plan_builder().node("Upper", 0, 0).build()
    with pytest.raises(FloorplanError) as caught:
        load_floorplan(data)
    assert [i.json_path for i in caught.value.issues] == ["$.nodes[0].id"]


def test_v1_synonyms_migrate_by_language() -> None:
    v1 = {
        "format_version": 1,
        "$schema": "../wayfinding/schema/floorplan-v1.schema.json",
        "destinations": [
            {"id": "a", "synonyms": ["x-ray"], "synonyms_i18n": {"es": ["rayos x"]}, "node": "n"},
            {"id": "b", "node": "n"},
        ],
    }
    v2 = migrate_to_current(v1)
    assert v2["format_version"] == 2
    assert v2["$schema"] == "../wayfinding/schema/floorplan-v2.schema.json"
    assert v2["destinations"] == [
        {"id": "a", "synonyms": {"en": ["x-ray"], "es": ["rayos x"]}, "node": "n"},
        {"id": "b", "node": "n"},
    ]
    assert v1["format_version"] == 1  # the caller's data is left as it was


def v1_of(data: dict[str, Any]) -> dict[str, Any]:
    """A v2 file written back as v1 (synonyms split into English and the rest)."""
    v1 = json.loads(json.dumps(data))
    v1["format_version"] = 1
    for destination in v1["destinations"]:
        by_language = destination.pop("synonyms", {})
        destination["synonyms"] = by_language.pop("en", [])
        if by_language:
            destination["synonyms_i18n"] = by_language
    return v1


@pytest.mark.parametrize("path_name", ["demo", "second"])
def test_migration_is_lossless(demo_path: Path, path_name: str) -> None:
    path = demo_path if path_name == "demo" else SECOND_HOSPITAL
    current = checked_json(path)
    assert current["format_version"] == 2
    assert load_floorplan(v1_of(current)) == load_floorplan(path)


def test_cli_migrate_prints_a_v2_file_that_loads_the_same(
    capsys: Any, tmp_path: Path, plan_builder: Any
) -> None:
    builder = plan_builder().node("a", 0, 0, kind="kiosk").node("b", 5, 0, kind="destination")
    builder.edge("a", "b").kiosk("k", "a", 0).destination("clinic", "Clinic", "b")
    path = builder.write(tmp_path / "v1.json")
    assert main(["migrate", str(path)]) == 0
    migrated = json.loads(capsys.readouterr().out)
    assert migrated["format_version"] == 2
    assert migrated["destinations"][0]["synonyms"] == {"en": ["clinic"]}
    assert load_floorplan(migrated) == load_floorplan(path)
