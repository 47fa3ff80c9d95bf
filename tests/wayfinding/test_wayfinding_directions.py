"""Direction text from geometry: turn words at L, T, cross and Y junctions, kiosk headings,
landmarks with sides, floor changes, arrival side, chunks, staff phrases and Spanish."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from wayfinding import (
    CatalogMissingError,
    StepKind,
    Turn,
    UnsupportedLanguageError,
    Wayfinder,
    directions,
)
from wayfinding.i18n import LOCALE_DIR, translator


def at_angle(x: float, y: float, bearing: float, distance: float) -> tuple[float, float]:
    rad = math.radians(bearing)
    return round(x + distance * math.sin(rad), 3), round(y + distance * math.cos(rad), 3)


def junction(plan_builder: Any, shape: str, turn_deg: float) -> Any:
    """Kiosk at (0,0) facing north; walk north 20 m to J, then leave at `turn_deg`."""
    builder = plan_builder().node("k", 0, 0, kind="kiosk").node("p", 0, 10).node("j", 0, 20)
    builder.path("k", "p", "j").kiosk("kiosk", "k", 0)
    branches = {
        "L": [turn_deg],
        "T": [turn_deg, -turn_deg],
        "cross": [turn_deg, -turn_deg, 0],
        "Y": [turn_deg, 0],
    }[shape]
    for index, relative in enumerate(branches):
        x, y = at_angle(0, 20, relative, 10)
        builder.node(f"b{index}", x, y).edge("j", f"b{index}")
    dx, dy = at_angle(*at_angle(0, 20, turn_deg, 10), turn_deg + 90, 4)
    builder.node("door", dx, dy, kind="destination").edge("b0", "door")
    return builder.destination("clinic", "Clinic", "door")


@pytest.mark.parametrize(
    ("shape", "turn_deg", "turn", "text"),
    [
        ("L", -90, Turn.LEFT, "In 20 m, turn left."),
        ("L", 90, Turn.RIGHT, "In 20 m, turn right."),
        ("L", -140, Turn.SHARP_LEFT, "In 20 m, turn sharp left."),
        ("L", 140, Turn.SHARP_RIGHT, "In 20 m, turn sharp right."),
        ("T", -90, Turn.LEFT, "In 20 m, turn left."),
        ("T", 90, Turn.RIGHT, "In 20 m, turn right."),
        ("T", 140, Turn.SHARP_RIGHT, "In 20 m, turn sharp right."),
        ("cross", -90, Turn.LEFT, "In 20 m, turn left."),
        ("cross", 90, Turn.RIGHT, "In 20 m, turn right."),
        ("Y", -40, Turn.SLIGHT_LEFT, "In 20 m, bear slightly left."),
        ("Y", 40, Turn.SLIGHT_RIGHT, "In 20 m, bear slightly right."),
    ],
)
def test_turn_words_at_junctions(
    plan_builder: Any, shape: str, turn_deg: float, turn: Turn, text: str
) -> None:
    finder = Wayfinder(junction(plan_builder, shape, turn_deg).load())
    steps = directions(finder.route_from_kiosk("kiosk", "clinic")).steps
    assert [s.kind for s in steps] == [StepKind.START, StepKind.TURN, StepKind.ARRIVE]
    assert steps[0].text == "Walk straight ahead."
    assert (steps[1].node, steps[1].turn, steps[1].text) == ("j", turn, text)
    assert steps[2].text == "The Clinic is on your right."


def test_gentle_bend_without_a_choice_needs_no_instruction(plan_builder: Any) -> None:
    finder = Wayfinder(junction(plan_builder, "L", 40).load())
    steps = directions(finder.route_from_kiosk("kiosk", "clinic")).steps
    assert [s.kind for s in steps] == [StepKind.START, StepKind.ARRIVE]


def test_straight_runs_through_junctions_merge_into_one_step(plan_builder: Any) -> None:
    builder = plan_builder().node("k", 0, 0, kind="kiosk").node("j1", 0, 10)
    builder.node("j2", 10, 10).node("j3", 20, 10).node("end", 30, 10)
    builder.node("door", 30, 6, kind="destination").path("k", "j1", "j2", "j3", "end", "door")
    for name, x in (("j2", 10), ("j3", 20)):  # cross junctions
        builder.node(f"{name}-n", x, 20).node(f"{name}-s", x, 0)
        builder.edge(name, f"{name}-n").edge(name, f"{name}-s")
    builder.node("shop", 20, 14, kind="destination").edge("j3", "shop")
    builder.kiosk("kiosk", "k", 0).destination("clinic", "Clinic", "door")
    builder.destination("gift-shop", "Gift Shop", "shop", "shop")
    steps = directions(Wayfinder(builder.load()).route_from_kiosk("kiosk", "clinic")).steps
    assert [s.text for s in steps] == [
        "Walk straight ahead.",
        "In 10 m, turn right.",
        "In 10 m, continue straight past the Gift Shop (on your left).",
        "The Clinic is on your right.",
    ]
    assert steps[2].landmark == "Gift Shop"
    assert steps[2].distance_m == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("heading", "text"),
    [
        (0, "Walk straight ahead towards the Clinic."),
        (350, "Walk straight ahead towards the Clinic."),
        (30, "Turn slightly left and walk towards the Clinic."),
        (315, "Turn slightly right and walk towards the Clinic."),
        (90, "Turn left and walk towards the Clinic."),
        (270, "Turn right and walk towards the Clinic."),
        (135, "Turn sharp left and walk towards the Clinic."),
        (225, "Turn sharp right and walk towards the Clinic."),
        (180, "Turn around, with the screen behind you, and walk towards the Clinic."),
    ],
)
def test_first_step_is_relative_to_the_kiosk_heading(
    plan_builder: Any, heading: float, text: str
) -> None:
    builder = plan_builder().node("k", 0, 0, kind="kiosk").node("e", 0, 20)
    builder.node("door", 4, 20, kind="destination").path("k", "e", "door")
    builder.kiosk("kiosk", "k", heading).destination("clinic", "Clinic", "door")
    route = Wayfinder(builder.load()).route_from_kiosk("kiosk", "clinic")
    assert directions(route).steps[0].text == text
    # The same route from a phone has no heading: it names what to walk towards instead.
    assert directions(route, kiosk_heading=0).steps[0].text == (
        "Walk straight ahead towards the Clinic."
    )


def test_landmark_at_the_decision_point_with_its_side(plan_builder: Any) -> None:
    builder = junction(plan_builder, "T", -90)
    builder.node("chapel-door", 3, 18, kind="destination").edge("j", "chapel-door")
    builder.landmark("chapel", "Chapel", "chapel-door")
    steps = directions(Wayfinder(builder.load()).route_from_kiosk("kiosk", "clinic")).steps
    assert steps[0].text == "Walk straight ahead towards the Chapel."
    assert steps[1].text == "In 20 m, turn left at the Chapel (on your right)."
    assert (steps[1].landmark, steps[1].landmark_side.value) == ("Chapel", "right")


def test_arrival_side(plan_builder: Any) -> None:
    builder = plan_builder().node("k", 0, 0, kind="kiosk").node("e", 0, 20)
    builder.node("left-door", -4, 20, kind="destination").node("far", 0, 40)
    builder.path("k", "e", "left-door").edge("e", "far").kiosk("kiosk", "k", 0)
    builder.destination("imaging", "Imaging", "left-door").destination("end", "End Room", "far")
    finder = Wayfinder(builder.load())
    assert directions(finder.route_from_kiosk("kiosk", "imaging")).steps[-1].text == (
        "Imaging is on your left."
    )
    assert directions(finder.route_from_kiosk("kiosk", "end")).steps[-1].text == (
        "The End Room is straight ahead."
    )


def two_floor_plan(plan_builder: Any) -> Any:
    builder = plan_builder().floor("f1", 0, "1").floor("f3", 2, "3 (Blue)")
    builder.node("k", 0, 0, kind="kiosk").node("lift-1", 10, 0, kind="elevator")
    builder.node("lift-3", 10, 0, floor="f3", kind="elevator")
    builder.node("hall", 10, 10, floor="f3").node("door", 14, 10, floor="f3", kind="destination")
    builder.edge("k", "lift-1").path("lift-3", "hall", "door")
    builder.connector("lift-b", "Elevator B", "elevator", "lift-1", "lift-3")
    builder.data["connectors"][0]["name_i18n"] = {"es": "el elevador B"}
    builder.kiosk("kiosk", "k", 90)
    return builder.destination("imaging", "Imaging", "door", name_i18n={"es": "Imagen"})


def test_floor_change_is_its_own_step_with_the_sign_name(plan_builder: Any) -> None:
    route = Wayfinder(two_floor_plan(plan_builder).load()).route_from_kiosk("kiosk", "imaging")
    result = directions(route)
    assert [s.text for s in result.steps] == [
        "Walk straight ahead towards Elevator B.",
        "Take Elevator B up to Level 3 (Blue).",
        "Leave Elevator B and head towards Imaging.",
        "Imaging is on your right.",
    ]
    change = result.steps[1]
    assert (change.kind, change.floor, change.to_floor) == (StepKind.CHANGE_FLOOR, "f1", "f3")
    assert [(c.floor, c.title) for c in result.chunks] == [
        ("f1", "Main Building, Level 1"),
        ("f3", "Main Building, Level 3 (Blue)"),
    ]
    assert result.summary == "Under a minute (24 m)"
    assert result.step_count_text == "4 steps"


def test_spanish_from_the_same_generator(plan_builder: Any) -> None:
    route = Wayfinder(two_floor_plan(plan_builder).load()).route_from_kiosk("kiosk", "imaging")
    result = directions(route, "es")
    assert [s.text for s in result.steps] == [
        "Camine recto hacia el elevador B.",
        "Tome el elevador B para subir al piso 3 (Azul).",
        "Salga del elevador B y diríjase hacia Imagen.",
        "Imagen está a su derecha.",
    ]
    assert result.summary == "Menos de un minuto (24 m)"
    assert result.step_count_text == "4 pasos"


def test_demo_route_in_spanish_has_no_english_left(demo_finder: Wayfinder) -> None:
    route = demo_finder.route_from_kiosk("parking-lobby", "maternity", "step-free")
    english = " ".join(s.text for s in directions(route, "en").steps)
    spanish = " ".join(s.text for s in directions(route, "es").steps)
    assert "Take Elevator A up to Level 2 (Blue)." in english
    assert "Cross the Skybridge to the Women's & Children's Building." in english
    for word in ("Turn", "Take", "Cross", "Head", "towards", "your", "Level", "Blue"):
        assert word not in spanish
    assert "para subir al piso 2 (Azul)." in spanish


def test_a_long_floor_is_one_section_numbered_once(plan_builder: Any) -> None:
    builder = plan_builder().node("k", 0, 0, kind="kiosk")
    points = [(0, 10), (10, 10), (10, 20), (20, 20), (20, 30), (30, 30), (30, 40)]
    previous = "k"
    for index, (x, y) in enumerate(points):
        builder.node(f"z{index}", x, y).edge(previous, f"z{index}")
        previous = f"z{index}"
    builder.node("door", 34, 40, kind="destination").edge(previous, "door")
    builder.kiosk("kiosk", "k", 0).destination("clinic", "Clinic", "door")
    result = directions(Wayfinder(builder.load()).route_from_kiosk("kiosk", "clinic"))
    assert result.step_count == 8  # start, six turns, arrival
    assert [(c.title, len(c.steps)) for c in result.chunks] == [("Main Building, Level 1", 8)]


# Suite 2B is the kiosk's neutral label for Oncology.
@pytest.mark.parametrize("destination", ["laboratory", "oncology", "outpatient-clinics"])
def test_demo_routes_have_one_section_per_floor_visit(
    demo_finder: Wayfinder, destination: str
) -> None:
    for lang in ("en", "es"):
        for profile in ("standard", "step-free"):
            route = demo_finder.route_from_kiosk("main-lobby", destination, profile)
            result = directions(route, lang)
            visits = [c.floor for c in result.chunks]
            assert all(a != b for a, b in zip(visits, visits[1:], strict=False)), visits
            assert len(result.chunks) <= len(route.floors)


def test_staff_phrase_replaces_the_generated_text(plan_builder: Any) -> None:
    builder = junction(plan_builder, "T", 90)
    builder.data["phrases"].append(
        {
            "from": "j",
            "to": "b0",
            "text": "Go through the double doors marked Clinics.",
            "text_i18n": {"es": "Cruce las puertas dobles marcadas Consultas."},
        }
    )
    route = Wayfinder(builder.load()).route_from_kiosk("kiosk", "clinic")
    assert directions(route).steps[1].text == "Go through the double doors marked Clinics."
    assert directions(route, "es").steps[1].text == ("Cruce las puertas dobles marcadas Consultas.")


def test_uncompiled_catalog_fails_loudly(tmp_path: Path, demo_finder: Wayfinder) -> None:
    with pytest.raises(CatalogMissingError, match="pybabel compile"):
        translator("es", tmp_path)
    route = demo_finder.route_from_kiosk("main-lobby", "chapel")
    with pytest.raises(UnsupportedLanguageError):
        directions(route, "fr")


def test_spanish_catalog_is_complete_and_keeps_placeholders() -> None:
    with (LOCALE_DIR / "wayfinding.pot").open("rb") as handle:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with (LOCALE_DIR / "es" / "LC_MESSAGES" / "wayfinding.po").open("rb") as handle:
        catalog = [m for m in read_po(handle) if m.id]
    assert {m.id if isinstance(m.id, str) else m.id[0] for m in catalog} == template
    for message in catalog:
        source = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for translated in strings:
            assert translated, source
            assert set(re.findall(r"%\(\w+\)", translated)) <= set(
                re.findall(r"%\(\w+\)", source)
            ), source
