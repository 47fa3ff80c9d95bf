"""Fixtures for the wayfinding library tests: the demo hospital and a small floorplan builder."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from wayfinding import Floorplan, Wayfinder, load_floorplan

DEMO_PATH = Path(__file__).resolve().parents[2] / "floorplans" / "demo-hospital.json"


class PlanBuilder:
    """Builds floorplan JSON dicts by hand, so each test shows exactly the geometry it needs."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {
            "format": "lobby-floorplan",
            "format_version": 1,
            "version": "test",
            "facility": {"id": "test-clinic", "name": "Test Clinic", "phone": "555 0100"},
            "buildings": [{"id": "main", "name": "Main Building"}],
            "floors": [],
            "nodes": [],
            "edges": [],
            "connectors": [],
            "destinations": [],
            "kiosks": [],
            "landmarks": [],
            "phrases": [],
            "closures": [],
        }

    def floor(self, floor_id: str, level: int, sign: str, building: str = "main") -> PlanBuilder:
        if building not in {b["id"] for b in self.data["buildings"]}:
            self.data["buildings"].append({"id": building, "name": building.title()})
        self.data["floors"].append(
            {"id": floor_id, "building": building, "level": level, "sign": sign}
        )
        return self

    def node(
        self,
        node_id: str,
        x: float,
        y: float,
        floor: str = "f1",
        kind: str = "corridor",
        **extra: Any,
    ) -> PlanBuilder:
        if not self.data["floors"]:
            self.floor("f1", 0, "1")
        self.data["nodes"].append(
            {"id": node_id, "floor": floor, "x": x, "y": y, "kind": kind, **extra}
        )
        return self

    def edge(self, a: str, b: str, **extra: Any) -> PlanBuilder:
        self.data["edges"].append({"id": f"{a}--{b}", "from": a, "to": b, **extra})
        return self

    def path(self, *ids: str, **extra: Any) -> PlanBuilder:
        for a, b in zip(ids, ids[1:], strict=False):
            self.edge(a, b, **extra)
        return self

    def connector(self, connector_id: str, name: str, kind: str, *stops: str) -> PlanBuilder:
        self.data["connectors"].append(
            {"id": connector_id, "name": name, "kind": kind, "stops": list(stops)}
        )
        return self

    def destination(
        self,
        destination_id: str,
        name: str,
        node: str,
        category: str = "department",
        **extra: Any,
    ) -> PlanBuilder:
        self.data["destinations"].append(
            {
                "id": destination_id,
                "name": name,
                "category": category,
                "node": node,
                "synonyms": [name.lower()],
                **extra,
            }
        )
        return self

    def kiosk(self, kiosk_id: str, node: str, heading: float) -> PlanBuilder:
        self.data["kiosks"].append(
            {"id": kiosk_id, "name": f"Kiosk {kiosk_id}", "node": node, "heading": heading}
        )
        return self

    def landmark(self, landmark_id: str, name: str, node: str) -> PlanBuilder:
        self.data["landmarks"].append({"id": landmark_id, "name": name, "node": node})
        return self

    def closure(self, closure_id: str, element: str, until: str | None = None) -> PlanBuilder:
        closure = {"id": closure_id, "element": element, "reason": "maintenance"}
        if until:
            closure["until"] = until
        self.data["closures"].append(closure)
        return self

    def build(self) -> dict[str, Any]:
        return copy.deepcopy(self.data)

    def load(self) -> Floorplan:
        return load_floorplan(self.build())

    def write(self, path: Path) -> Path:
        path.write_text(json.dumps(self.data), encoding="utf-8")
        return path


@pytest.fixture(scope="session")
def plan_builder() -> type[PlanBuilder]:
    """The PlanBuilder class (a fixture, since test modules cannot import conftest)."""
    return PlanBuilder


@pytest.fixture(scope="session")
def demo_path() -> Path:
    return DEMO_PATH


@pytest.fixture(scope="session")
def demo_raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEMO_PATH.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def demo_plan() -> Floorplan:
    return load_floorplan(DEMO_PATH)


@pytest.fixture(scope="session")
def demo_finder(demo_plan: Floorplan) -> Wayfinder:
    return Wayfinder(demo_plan)
