"""Words a person says: no doubled words, agreement, articles, plurals, distances at turns, and
Spanish for a US hospital checked against the glossary kept in docs/spanish-glossary.md."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.spanish_glossary import glossary_breaches
from wayfinding import Profile, StepKind, Wayfinder, directions
from wayfinding.i18n import LOCALE_DIR
from wayfinding.noun_phrases import NounPhrase, finish_sentence, noun_phrase


def demo_routes(finder: Wayfinder) -> list[Any]:
    """Every public destination from every demo kiosk, both profiles."""
    routes = []
    for kiosk in finder.floorplan.kiosks:
        for destination in finder.floorplan.destinations.values():
            if not destination.is_public:
                continue
            for profile in Profile:
                routes.append(finder.route_from_kiosk(kiosk, destination.id, profile))
    return routes


@pytest.fixture(scope="module")
def every_demo_route(demo_finder: Wayfinder) -> list[Any]:
    return demo_routes(demo_finder)


def test_escalator_direction_is_said_once(demo_finder: Wayfinder) -> None:
    route = demo_finder.route_from_kiosk("main-lobby", "laboratory")
    texts = [s.text for s in directions(route).steps]
    assert "Take the up escalator to Level 2 (Blue)." in texts


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_word_is_doubled_and_no_bare_turn(every_demo_route: list[Any], lang: str) -> None:
    for route in every_demo_route:
        result = directions(route, lang)
        for step in result.steps:
            for direction in ("up", "down", "suba", "baje"):
                assert len(re.findall(rf"\b{direction}\b", step.text)) <= 1, step.text
            assert not re.search(r"\b(\w+) \1\b", step.text, re.IGNORECASE), step.text
            if step.kind in (StepKind.TURN, StepKind.CONTINUE) and step.landmark is None:
                # A turn without a landmark says how far it is: "In 20 m, turn left."
                assert re.match(r"^(In|A los) \d+ m, ", step.text), step.text
        assert " 0 " not in result.summary
        assert "1 minutes" not in result.summary and "1 minutos" not in result.summary


@pytest.mark.parametrize(
    ("destination", "lang", "last_step"),
    [
        ("outpatient-clinics", "en", "The Clinics are on your left."),
        ("restroom-main-2", "en", "The Restroom is on your right."),
        ("laboratory", "es", "El Laboratorio está a su derecha."),
        ("outpatient-clinics", "es", "Las Consultas están a su izquierda."),
    ],
)
def test_arrival_agrees_with_the_name(
    demo_finder: Wayfinder, destination: str, lang: str, last_step: str
) -> None:
    route = demo_finder.route_from_kiosk("main-lobby", destination)
    assert directions(route, lang).steps[-1].text == last_step


def test_spanish_articles_contract_and_colours_are_translated(demo_finder: Wayfinder) -> None:
    route = demo_finder.route_from_kiosk("main-lobby", "laboratory")
    result = directions(route, "es")
    texts = [s.text for s in result.steps]
    assert "A los 15 m, siga recto y pase junto al Baño (a su derecha)." in texts
    assert "Tome la escalera eléctrica de subida hasta el piso 2 (Azul)." in texts
    assert [c.title for c in result.chunks] == [
        "Edificio principal, piso 1",
        "Edificio principal, piso 2 (Azul)",
    ]
    assert all("Blue" not in s.floor_sign for s in result.steps)


@pytest.mark.parametrize(
    ("seconds", "en", "es"),
    [
        (20.0, "Under a minute (30 m)", "Menos de un minuto (30 m)"),
        (60.0, "About 1 minute (30 m)", "Aproximadamente 1 minuto (30 m)"),
        (61.0, "About 2 minutes (30 m)", "Aproximadamente 2 minutos (30 m)"),
    ],
)
def test_summary_says_minutes_as_people_do(
    demo_finder: Wayfinder, seconds: float, en: str, es: str
) -> None:
    route = demo_finder.route_from_kiosk("main-lobby", "chapel")
    timed = type(route)(
        route.floorplan,
        route.profile,
        route.nodes,
        tuple(hop._replace(length_m=30.0 / len(route.hops)) for hop in route.hops),
        seconds,
        route.destination,
        route.kiosk,
    )
    assert (directions(timed, "en").summary, directions(timed, "es").summary) == (en, es)


@pytest.mark.parametrize(
    ("name", "lang", "phrase"),
    [
        ("Gift Shop", "en", NounPhrase("the Gift Shop", False)),
        ("Restrooms (Level 1)", "en", NounPhrase("the Restrooms (Level 1)", True)),
        ("Clinics", "en", NounPhrase("the Clinics", True)),
        ("Toilets", "en", NounPhrase("the Toilets", True)),
        ("Imaging", "en", NounPhrase("Imaging", False)),
        ("Pediatrics", "en", NounPhrase("Pediatrics", False)),
        ("Elevator A", "en", NounPhrase("Elevator A", False)),
        ("Suite 2B", "en", NounPhrase("Suite 2B", False)),
        ("the up escalator", "en", NounPhrase("the up escalator", False)),
        ("Women's Clinic", "en", NounPhrase("the Women's Clinic", False)),
        ("Mary's Chapel", "en", NounPhrase("Mary's Chapel", False)),
        ("Laboratorio", "es", NounPhrase("el Laboratorio", False)),
        ("Baños (piso 1)", "es", NounPhrase("los Baños (piso 1)", True)),
        ("Farmacia", "es", NounPhrase("la Farmacia", False)),
        ("Consultas", "es", NounPhrase("las Consultas", True)),
        ("Área de espera", "es", NounPhrase("el Área de espera", False)),
        ("Oncología", "es", NounPhrase("Oncología", False)),
        ("Urgencias", "es", NounPhrase("Urgencias", True)),
        ("el elevador B", "es", NounPhrase("el elevador B", False)),
    ],
)
def test_names_get_the_article_and_number_of_their_language(
    name: str, lang: str, phrase: NounPhrase
) -> None:
    assert noun_phrase(name, lang) == phrase


def test_spanish_contractions_and_capitals() -> None:
    assert finish_sentence("pase junto a el Baño y salga de el elevador", "es") == (
        "Pase junto al Baño y salga del elevador"
    )
    assert finish_sentence("a El Paso", "es") == "A El Paso"
    assert finish_sentence("the Clinics are on your left.", "en") == (
        "The Clinics are on your left."
    )


def test_spanish_catalog_follows_the_us_spanish_glossary() -> None:
    assert glossary_breaches(LOCALE_DIR / "es" / "LC_MESSAGES" / "wayfinding.po") == []
