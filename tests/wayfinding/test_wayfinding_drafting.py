"""The floorplan editor's operations: each one does what the form says, refuses what would
break the file with a reason, leaves the document it was given untouched, and any sequence of
them leaves a file that still loads."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wayfinding import load_floorplan, validate
from wayfinding.drafting import (
    DestinationFields,
    EditProblem,
    EditRefused,
    Names,
    add_node,
    align_floor_image,
    connect,
    delete_node,
    delete_place,
    disconnect,
    link_connector,
    move_node,
    save_destination,
    save_kiosk,
    save_landmark,
    scale_floor_image,
    set_edge,
    set_floor_image,
    set_node,
    unlink_connector,
)
from wayfinding.loader import checked_json
from wayfinding.model import Access, EdgeKind, NodeKind
from wayfinding.name_clashes import name_clash_warnings


def small_clinic() -> dict[str, Any]:
    """Two floors of one building (4 m apart) joined by an elevator, a kiosk and a clinic."""
    return {
        "format": "lobby-floorplan",
        "format_version": 2,
        "version": "test",
        "facility": {"id": "clinic", "name": "Synthetic test clinic"},
        "buildings": [{"id": "main", "name": "Main"}],
        "floors": [
            {"id": "f1", "building": "main", "level": 0, "sign": "1"},
            {
                "id": "f2",
                "building": "main",
                "level": 1,
                "sign": "2",
                "image": {"href": "f2.png", "metres_per_unit": 0.1, "origin": [0, 0]},
            },
        ],
        "nodes": [
            {"id": "lobby", "floor": "f1", "x": 0, "y": 0, "kind": "entrance"},
            {"id": "lift-1", "floor": "f1", "x": 10, "y": 0, "kind": "elevator"},
            {"id": "lift-2", "floor": "f2", "x": 10, "y": 0, "kind": "elevator"},
            {"id": "clinic-door", "floor": "f2", "x": 20, "y": 0, "kind": "door"},
        ],
        "edges": [
            {"id": "e1", "from": "lobby", "to": "lift-1"},
            {"id": "e2", "from": "lift-2", "to": "clinic-door"},
        ],
        "connectors": [{"id": "lift", "kind": "elevator", "stops": ["lift-1", "lift-2"]}],
        "destinations": [
            {"id": "clinic", "name": "Clinic", "category": "clinic", "node": "clinic-door"}
        ],
        "kiosks": [{"id": "k", "name": "Lobby kiosk", "node": "lobby", "heading": 0}],
        "landmarks": [],
        "phrases": [{"from": "lobby", "to": "lift-1", "text": "Walk to the lift"}],
        "closures": [{"id": "shut", "element": "e2", "reason": "Cleaning"}],
    }


def test_a_new_corridor_and_clinic_are_reachable_once_connected() -> None:
    plan = small_clinic()
    corridor = add_node(plan, "f2", 30, 0)
    assert corridor.selected == "f2-corridor-1"
    clinic = save_destination(
        corridor.document,
        DestinationFields(
            id="new-clinic",
            node=corridor.selected,
            name=Names("New clinic", "Clínica nueva"),
            category="clinic",
            synonyms={"en": ["skin doctor", " skin  doctor "], "es": ["dermatólogo"]},
            phone="555 0199",
        ),
    )
    added = clinic.document["destinations"][-1]
    assert added["name_i18n"] == {"es": "Clínica nueva"}
    assert added["synonyms"] == {"en": ["skin doctor"], "es": ["dermatólogo"]}
    unreachable = validate(load_floorplan(clinic.document))
    assert [issue.element for issue in unreachable.errors if issue.element == "new-clinic"]
    joined = connect(clinic.document, "clinic-door", corridor.selected)
    report = validate(load_floorplan(joined.document))
    assert not [issue for issue in report.errors if issue.element == "new-clinic"]


def test_operations_leave_the_given_document_untouched() -> None:
    plan = small_clinic()
    before = copy.deepcopy(plan)
    move_node(plan, "lobby", 1, 1)
    delete_node(plan, "lift-2")
    set_edge(plan, "e1", "door", True, "staff")
    scale_floor_image(plan, "f2", (0, 0), (30, 40), 10)
    assert plan == before


def test_deleting_a_node_takes_its_edges_stop_phrases_and_closures_with_it() -> None:
    edit = delete_node(small_clinic(), "lift-2")
    document = edit.document
    assert [e["id"] for e in document["edges"]] == ["e1"]
    # The elevator is left with one stop, so it goes too; the closure of e2 has nothing to close.
    assert document["connectors"] == []
    assert document["closures"] == []
    assert {"lift-2", "e2", "lift", "shut"} <= edit.changed
    checked_json(document)


def test_a_node_under_a_place_is_not_deleted() -> None:
    with pytest.raises(EditRefused) as refused:
        delete_node(small_clinic(), "clinic-door")
    assert refused.value.problem is EditProblem.NODE_IN_USE
    assert refused.value.subject == "clinic"


@pytest.mark.parametrize(
    ("operation", "problem"),
    [
        (lambda p: connect(p, "lobby", "lobby"), EditProblem.SAME_NODE),
        (lambda p: connect(p, "lobby", "lift-1"), EditProblem.ALREADY_CONNECTED),
        (lambda p: connect(p, "lobby", "clinic-door"), EditProblem.NEEDS_CLIMBING_KIND),
        (lambda p: connect(p, "lift-1", "lift-2", "stairs"), EditProblem.SAME_PLACE),
        (lambda p: connect(p, "lobby", "nowhere"), EditProblem.UNKNOWN_ELEMENT),
        (lambda p: move_node(p, "lobby", 10, 0), EditProblem.SAME_PLACE),
        (lambda p: move_node(p, "lobby", float("nan"), 0), EditProblem.BAD_NUMBER),
        (lambda p: move_node(p, "lobby", 1e6, 0), EditProblem.BAD_NUMBER),
        (lambda p: add_node(p, "f1", 1, 1, "teleporter"), EditProblem.BAD_CHOICE),
        (lambda p: add_node(p, "f1", 1, 1, node_id="lobby"), EditProblem.ID_TAKEN),
        (lambda p: add_node(p, "f1", 1, 1, node_id="<b>x</b>"), EditProblem.BAD_ID),
        (lambda p: set_node(p, "lobby", "entrance", "staff"), EditProblem.STAFF_ONLY_NODE),
        (lambda p: link_connector(p, "l2", "elevator", ["lift-1"]), EditProblem.TOO_FEW_STOPS),
        (
            lambda p: link_connector(p, "l2", "elevator", ["lift-1", "lobby"]),
            EditProblem.STOPS_SHARE_A_LEVEL,
        ),
        (lambda p: scale_floor_image(p, "f1", (0, 0), (1, 1), 5), EditProblem.NO_FLOOR_IMAGE),
        (lambda p: scale_floor_image(p, "f2", (3, 3), (3, 3), 5), EditProblem.SAME_POINT),
        (lambda p: scale_floor_image(p, "f2", (0, 0), (3, 4), -1), EditProblem.BAD_NUMBER),
        (lambda p: save_landmark(p, "fountain", "lobby", Names("  ")), EditProblem.TEXT_REQUIRED),
        (
            lambda p: save_landmark(p, "fountain", "lobby", Names("x" * 201)),
            EditProblem.TEXT_TOO_LONG,
        ),
        (lambda p: save_kiosk(p, "k2", "lobby", Names("K"), float("inf")), EditProblem.BAD_NUMBER),
        (lambda p: delete_place(p, "nodes", "lobby"), EditProblem.BAD_CHOICE),
    ],
)
def test_edits_that_would_break_the_file_are_refused_with_their_reason(
    operation: Any, problem: EditProblem
) -> None:
    with pytest.raises(EditRefused) as refused:
        operation(small_clinic())
    assert refused.value.problem is problem


def test_floor_image_scale_and_alignment() -> None:
    scaled = scale_floor_image(small_clinic(), "f2", (100, 100), (400, 500), 25)
    assert scaled.document["floors"][1]["image"]["metres_per_unit"] == pytest.approx(0.05)
    aligned = align_floor_image(scaled.document, "f2", -5.5, 12)
    assert aligned.document["floors"][1]["image"]["origin"] == [-5.5, 12]
    imaged = set_floor_image(aligned.document, "f1", "floor-images/f1.png")
    assert imaged.document["floors"][0]["image"] == {
        "href": "floor-images/f1.png",
        "metres_per_unit": 0.1,
    }
    checked_json(imaged.document)


def test_editing_keeps_translations_into_languages_the_editor_does_not_show() -> None:
    plan = small_clinic()
    plan["destinations"][0].update(
        name_i18n={"es": "Clínica", "fr": "Clinique"}, synonyms={"en": ["gp"], "fr": ["médecin"]}
    )
    fields = DestinationFields(
        id="clinic",
        node="clinic-door",
        name=Names("Family clinic", "Clínica familiar"),
        category="clinic",
        synonyms={"en": ["doctor"], "es": []},
    )
    saved = save_destination(plan, fields).document["destinations"][0]
    assert saved["name_i18n"] == {"fr": "Clinique", "es": "Clínica familiar"}
    assert saved["synonyms"] == {"fr": ["médecin"], "en": ["doctor"]}


def test_a_kiosk_heading_is_kept_within_the_compass() -> None:
    edit = save_kiosk(small_clinic(), "k", "lobby", Names("Lobby", "Vestíbulo"), 450)
    assert edit.document["kiosks"][0] == {
        "id": "k",
        "name": "Lobby",
        "name_i18n": {"es": "Vestíbulo"},
        "node": "lobby",
        "heading": 90,
    }


NODE_KINDS = [kind.value for kind in NodeKind]
EDGE_KINDS = [kind.value for kind in EdgeKind]
ACCESS = [access.value for access in Access]
# A small grid, so moves and new nodes often land on each other's spots (the zero-length case).
COORDINATE = st.integers(-3, 3).map(lambda v: v * 10.0)


def an_edit(data: st.DataObject, plan: dict[str, Any]) -> Any:
    """One operation with arguments drawn from the plan's own ids and a few unknown ones."""
    nodes = [n["id"] for n in plan["nodes"]] + ["missing-node"]
    edges = [e["id"] for e in plan["edges"]] + ["missing-edge"]
    connectors = [c["id"] for c in plan.get("connectors", [])] + ["new-lift"]
    places = ["clinic", "k", "new-place", "fountain"]
    node = st.sampled_from(nodes)
    name = Names(data.draw(st.sampled_from(["Clinic", "<script>x</script>", ""])))
    operations = {
        "add": lambda: add_node(
            plan,
            data.draw(st.sampled_from(["f1", "f2", "f3"])),
            data.draw(COORDINATE),
            data.draw(COORDINATE),
            data.draw(st.sampled_from(NODE_KINDS)),
            access=data.draw(st.sampled_from(ACCESS)),
        ),
        "move": lambda: move_node(
            plan, data.draw(node), data.draw(COORDINATE), data.draw(COORDINATE)
        ),
        "set": lambda: set_node(
            plan,
            data.draw(node),
            data.draw(st.sampled_from(NODE_KINDS)),
            data.draw(st.sampled_from(ACCESS)),
        ),
        "delete": lambda: delete_node(plan, data.draw(node)),
        "connect": lambda: connect(
            plan,
            data.draw(node),
            data.draw(node),
            data.draw(st.sampled_from(EDGE_KINDS)),
            one_way=data.draw(st.booleans()),
            access=data.draw(st.sampled_from(ACCESS)),
        ),
        "set-edge": lambda: set_edge(
            plan,
            data.draw(st.sampled_from(edges)),
            data.draw(st.sampled_from(EDGE_KINDS)),
            data.draw(st.booleans()),
            data.draw(st.sampled_from(ACCESS)),
        ),
        "disconnect": lambda: disconnect(plan, data.draw(st.sampled_from(edges))),
        "link": lambda: link_connector(
            plan,
            data.draw(st.sampled_from(connectors)),
            data.draw(st.sampled_from(["elevator", "stairs", "escalator"])),
            data.draw(st.lists(node, max_size=3)),
        ),
        "unlink": lambda: unlink_connector(plan, data.draw(st.sampled_from(connectors))),
        "destination": lambda: save_destination(
            plan,
            DestinationFields(
                id=data.draw(st.sampled_from(places)),
                node=data.draw(node),
                name=name,
                category="clinic",
                access=data.draw(st.sampled_from(ACCESS)),
            ),
        ),
        "kiosk": lambda: save_kiosk(
            plan, data.draw(st.sampled_from(places)), data.draw(node), name, data.draw(COORDINATE)
        ),
        "landmark": lambda: save_landmark(
            plan, data.draw(st.sampled_from(places)), data.draw(node), name
        ),
        "delete-place": lambda: delete_place(
            plan,
            data.draw(st.sampled_from(["destinations", "kiosks", "landmarks"])),
            data.draw(st.sampled_from(places)),
        ),
        "scale": lambda: scale_floor_image(
            plan, "f2", (0.0, 0.0), (data.draw(COORDINATE), 3.0), data.draw(COORDINATE)
        ),
    }
    return operations[data.draw(st.sampled_from(sorted(operations)))]()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_sequence_of_accepted_edits_still_loads(data: st.DataObject) -> None:
    plan = small_clinic()
    for _ in range(data.draw(st.integers(1, 12))):
        frozen = json.dumps(plan)
        try:
            edit = an_edit(data, plan)
        except EditRefused:
            continue
        assert json.dumps(plan) == frozen  # the previous document is untouched
        plan = edit.document
        load_floorplan(plan)


def test_places_sharing_a_name_are_warned_about_once_naming_the_first() -> None:
    plan = small_clinic()
    plan["destinations"].append(
        {"id": "clinic-2", "name": " clinic ", "category": "clinic", "node": "lobby"}
    )
    plan["destinations"].append(
        {
            "id": "staff-clinic",
            "name": "Clinic",
            "category": "staff",
            "node": "lobby",
            "access": "staff",
        }
    )
    warnings = name_clash_warnings(plan)
    assert [(w.element, w.json_path, w.message) for w in warnings] == [
        ("clinic-2", "$.destinations[1].name", "same name as 'clinic': ' clinic '")
    ]
    assert name_clash_warnings(small_clinic()) == []
