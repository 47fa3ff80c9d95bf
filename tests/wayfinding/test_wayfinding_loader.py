"""Loading floorplans: the demo loads; broken files give located errors, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wayfinding import FloorplanError, Issue, Profile, load_floorplan, validate
from wayfinding.json_input import json_path
from wayfinding.loader import floorplan_schema, schema_issues
from wayfinding.migration import format_version_of
from wayfinding.model import Access, ConnectorKind, EdgeKind


def small_plan(plan_builder: Any) -> Any:
    return (
        plan_builder()
        .node("a", 0, 0, kind="kiosk")
        .node("b", 10, 0)
        .node("c", 10, 5, kind="destination")
        .path("a", "b", "c")
        .kiosk("k", "a", 90)
        .destination("clinic", "Clinic", "c")
    )


def issues_of(data: dict[str, Any]) -> list[Issue]:
    with pytest.raises(FloorplanError) as caught:
        load_floorplan(data)
    return caught.value.issues


def test_demo_hospital_meets_the_brief(demo_plan: Any) -> None:
    plan = demo_plan
    assert plan.facility.synthetic is True
    assert plan.facility.phone
    assert len(plan.buildings) >= 2
    assert len(plan.floors) >= 5
    assert min(f.level for f in plan.floors.values()) < 0  # a lower ground floor
    kinds = [c.kind for c in plan.connectors.values()]
    assert kinds.count(ConnectorKind.ELEVATOR) >= 2
    assert ConnectorKind.STAIRS in kinds
    escalators = [c for c in plan.connectors.values() if c.kind is ConnectorKind.ESCALATOR]
    assert {
        plan.floor_of(c.stops[0]).level < plan.floor_of(c.stops[-1]).level for c in escalators
    } == {True, False}  # an up and a down escalator
    edge_kinds = {e.kind for e in plan.edges.values()}
    assert edge_kinds & {EdgeKind.SKYBRIDGE, EdgeKind.TUNNEL}
    assert any(e.one_way for e in plan.edges.values())
    assert any(e.access is Access.STAFF for e in plan.edges.values())
    assert len(plan.kiosks) >= 3
    public = [d for d in plan.destinations.values() if d.is_public]
    assert len(public) >= 30
    assert all(d.synonyms["en"] and d.hours.text.default for d in public)
    for needed in (
        "emergency",
        "imaging",
        "laboratory",
        "pharmacy",
        "admissions",
        "cardiology",
        "oncology",
        "pediatrics",
        "maternity",
        "outpatient-clinics",
        "cafeteria",
        "chapel",
        "gift-shop",
        "parking",
    ):
        assert needed in plan.destinations
    restroom_floors = {plan.nodes[d.node].floor for d in public if d.category == "restroom"}
    assert restroom_floors == set(plan.floors)


def test_demo_hospital_has_floor_images_drawn_from_the_data(
    demo_plan: Any, demo_path: Path
) -> None:
    for floor in demo_plan.floors.values():
        assert floor.image is not None
        image = demo_path.parent / floor.image.href
        assert image.read_text(encoding="utf-8").startswith("<svg")


def test_loads_from_path_and_dict_alike(demo_path: Path, demo_raw: dict[str, Any]) -> None:
    assert load_floorplan(demo_path).nodes == load_floorplan(demo_raw).nodes


def test_unknown_reference_names_element_and_json_path(plan_builder: Any) -> None:
    data = small_plan(plan_builder).build()
    data["nodes"][1]["floor"] = "f9"
    [issue] = issues_of(data)
    assert (issue.element, issue.json_path) == ("b", "$.nodes[1].floor")
    assert "unknown floor 'f9'" in issue.message


def test_duplicate_id_is_located_at_the_second_use(plan_builder: Any) -> None:
    data = small_plan(plan_builder).build()
    data["nodes"][2]["id"] = "b"
    issues = issues_of(data)
    assert issues[0].element == "b"
    assert issues[0].json_path == "$.nodes[2].id"
    assert "first used at $.nodes[1].id" in issues[0].message


def test_schema_errors_are_located(plan_builder: Any) -> None:
    data = small_plan(plan_builder).build()
    data["nodes"][0]["x"] = "east"
    data["edges"][0]["kind"] = "teleporter"
    issues = issues_of(data)
    located = {(i.element, i.json_path) for i in issues}
    assert ("a", "$.nodes[0].x") in located
    assert ("a--b", "$.edges[0].kind") in located


def test_invalid_json_reports_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "lobby-floorplan",\n  "nodes": [,]\n}')
    with pytest.raises(FloorplanError) as caught:
        load_floorplan(path)
    assert "line 3" in str(caught.value)


def test_nan_coordinates_are_rejected(tmp_path: Path, plan_builder: Any) -> None:
    text = json.dumps(small_plan(plan_builder).build()).replace('"x": 10,', '"x": NaN,', 1)
    path = tmp_path / "nan.json"
    path.write_text(text)
    with pytest.raises(FloorplanError, match="NaN"):
        load_floorplan(path)
    data = small_plan(plan_builder).build()
    data["nodes"][1]["x"] = float("inf")
    assert any(i.json_path == "$.nodes[1].x" for i in issues_of(data))


def test_missing_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(FloorplanError, match="cannot read"):
        load_floorplan(tmp_path / "nowhere.json")


def test_connector_without_stops(plan_builder: Any) -> None:
    data = small_plan(plan_builder).connector("lift", "Lift", "elevator", "a").build()
    [issue] = issues_of(data)
    assert issue.element == "lift"
    assert issue.json_path == "$.connectors[0].stops"
    assert "at least two stops" in issue.message


def test_bad_geometry(plan_builder: Any) -> None:
    builder = small_plan(plan_builder).node("d", 10, 0).edge("b", "d")
    builder.floor("f2", 1, "2").node("up", 0, 0, floor="f2").edge("a", "up")
    issues = issues_of(builder.build())
    messages = {i.element: i.message for i in issues}
    assert "no length" in messages["b--d"]
    assert "cannot join floors at 0 m and 4 m" in messages["a--up"]


def test_closure_checks(plan_builder: Any) -> None:
    data = (
        small_plan(plan_builder)
        .closure("x1", "nowhere")
        .closure("x2", "b", until="2030-01-01T10:00")
        .build()
    )
    issues = {i.element: i for i in issues_of(data)}
    assert issues["x1"].json_path == "$.closures[0].element"
    assert "UTC offset" in issues["x2"].message


def test_public_destination_cannot_sit_on_staff_node(plan_builder: Any) -> None:
    data = small_plan(plan_builder).build()
    data["nodes"][2]["access"] = "staff"
    [issue] = issues_of(data)
    assert (issue.element, issue.json_path) == ("clinic", "$.destinations[0].node")


def test_step_free_follows_kind_unless_overridden(plan_builder: Any) -> None:
    plan = (
        small_plan(plan_builder)
        .node("d", 20, 0)
        .node("e", 30, 0)
        .edge("b", "d", kind="stairs")
        .edge("d", "e", kind="corridor", step_free=False)
        .load()
    )
    assert plan.edges["a--b"].step_free
    assert not plan.edges["b--d"].step_free
    assert not plan.edges["d--e"].step_free
    assert Profile("step-free") is Profile.STEP_FREE


# Any JSON-like value, including NaN (which Python's json module would accept).
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=5,
)


def json_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            paths += json_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths += json_paths(item, (*prefix, index))
    return paths


@settings(max_examples=150, deadline=None, database=None)
@given(data=st.data())
def test_any_corruption_gives_located_errors_never_a_traceback(data: st.DataObject) -> None:
    """Set or delete up to three random places of a valid file: it either loads (and then
    validates) or fails with located issues; nothing else escapes."""
    raw = corrupted(small_plan_data(), data, JSON_VALUES)
    try:
        plan = load_floorplan(raw)
    except FloorplanError as error:
        assert error.issues
        assert all(issue.json_path.startswith("$") and issue.message for issue in error.issues)
        return
    report = validate(plan)  # a file that loads can always be validated
    assert all(issue.json_path.startswith("$") for issue in report.errors + report.warnings)


def corrupted(raw: dict[str, Any], data: st.DataObject, values: Any) -> dict[str, Any]:
    """`raw` with up to three random places set to random values or deleted."""
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(json_paths(raw)))
        parent = raw
        for key in path[:-1]:
            parent = parent[key]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(values)
        if not json_paths(raw):
            break
    return raw


# Values both schema checkers read alike (NaN and unpaired surrogates have their own messages:
# see the hostile inputs).
FINITE_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=["Cs"]), max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=5,
)


@settings(max_examples=150, deadline=None, database=None)
@given(data=st.data())
def test_jsonschema_rs_gives_the_verdicts_and_locations_of_jsonschema(
    data: st.DataObject,
) -> None:
    """The schema check moved to jsonschema-rs for speed; it must judge files the same."""
    raw = corrupted(small_plan_data(), data, FINITE_JSON_VALUES)
    # Both judge against the schema of the version the file claims (the current one when it
    # claims none it could be): the comparison is of the checkers, not of the versions.
    reference = jsonschema.Draft202012Validator(floorplan_schema(format_version_of(raw)))
    expected = {json_path(error.absolute_path) for error in reference.iter_errors(raw)}
    assert {issue.json_path for issue in schema_issues(raw)} == expected


def test_a_file_that_claims_no_format_version_is_judged_by_the_current_format() -> None:
    # A connector without a name is fine in the current format (it gets a default), so the only
    # problem to report is the missing version, once.
    raw = small_plan_data()
    del raw["format_version"]
    del raw["connectors"][0]["name"]
    assert [(issue.json_path, issue.message) for issue in schema_issues(raw)] == [
        ("$", '"format_version" is a required property')
    ]


def small_plan_data() -> dict[str, Any]:
    return {
        "format": "lobby-floorplan",
        "format_version": 1,
        "version": "1",
        "facility": {"id": "f", "name": "F", "phone": "1"},
        "buildings": [{"id": "b", "name": "B"}],
        "floors": [
            {"id": "f1", "building": "b", "level": 0, "sign": "1"},
            {"id": "f2", "building": "b", "level": 1, "sign": "2"},
        ],
        "nodes": [
            {"id": "a", "floor": "f1", "x": 0, "y": 0, "kind": "kiosk"},
            {"id": "l1", "floor": "f1", "x": 5, "y": 0, "kind": "elevator"},
            {"id": "l2", "floor": "f2", "x": 5, "y": 0, "kind": "elevator"},
            {"id": "c", "floor": "f2", "x": 9, "y": 0, "kind": "destination"},
        ],
        "edges": [
            {"id": "a-l1", "from": "a", "to": "l1"},
            {"id": "l2-c", "from": "l2", "to": "c", "one_way": False},
        ],
        "connectors": [{"id": "lift", "name": "Lift", "kind": "elevator", "stops": ["l1", "l2"]}],
        "destinations": [{"id": "clinic", "name": "Clinic", "category": "clinic", "node": "c"}],
        "kiosks": [{"id": "k", "name": "K", "node": "a", "heading": 0}],
        "landmarks": [{"id": "m", "name": "M", "node": "c"}],
        "phrases": [{"from": "a", "to": "l1", "text": "Go"}],
        "closures": [
            {"id": "x", "element": "lift", "reason": "r", "until": "2030-01-01T00:00:00+00:00"}
        ],
    }
