"""Search the way visitors ask: synonyms, accents, typos, categories, A-Z, nearest."""

from __future__ import annotations

from typing import Any

import pytest

from wayfinding import Wayfinder


def top(finder: Wayfinder, text: str, lang: str = "en") -> str:
    hits = finder.search(text, lang=lang)
    assert hits, text
    return hits[0].destination.id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("X-ray", "imaging"),
        ("xray", "imaging"),
        ("MRI", "imaging"),
        ("blood draw", "laboratory"),
        ("ER", "emergency"),
        ("heart", "cardiology"),
        ("chemo", "oncology"),
        ("car park", "parking"),
        ("registration", "admissions"),
        ("having a baby", "maternity"),
        ("Pharmacy", "pharmacy"),
        ("gift", "gift-shop"),
    ],
)
def test_names_and_lay_synonyms(demo_finder: Wayfinder, text: str, expected: str) -> None:
    assert top(demo_finder, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("radiologia", "imaging"),
        ("RADIOLOGÍA", "imaging"),
        ("Cardiología", "cardiology"),
        ("farmacia", "pharmacy"),
        ("urgencias", "emergency"),
        ("análisis de sangre", "laboratory"),
        ("analisis de sangre", "laboratory"),
    ],
)
def test_accents_case_and_spanish_synonyms(
    demo_finder: Wayfinder, text: str, expected: str
) -> None:
    assert top(demo_finder, text, "es") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cardiolgy", "cardiology"),
        ("pharmcy", "pharmacy"),
        ("radiolgy", "imaging"),
        ("emergancy", "emergency"),
        ("blod test", "laboratory"),
        ("parkng", "parking"),
        ("matrnity", "maternity"),
    ],
)
def test_typos(demo_finder: Wayfinder, text: str, expected: str) -> None:
    assert top(demo_finder, text) == expected


def test_short_terms_do_not_match_inside_longer_words(demo_finder: Wayfinder) -> None:
    hits = demo_finder.search("blood draw")
    assert [h.destination.id for h in hits] == ["laboratory"]
    assert demo_finder.search("zzzz qqqq") == []
    assert demo_finder.search("   ") == []


def test_exact_beats_fuzzy(demo_finder: Wayfinder) -> None:
    hits = demo_finder.search("ultrasound")
    assert {h.destination.id for h in hits[:2]} == {"imaging", "prenatal-ultrasound"}
    assert all(h.score == 100 for h in hits[:2])


def test_staff_only_destinations_never_appear(demo_finder: Wayfinder) -> None:
    assert demo_finder.search("Sterile Processing") == []
    assert demo_finder.search("staff locker rooms") == []
    everything = [d.id for s in demo_finder.directory() for d in s.destinations]
    assert "sterile-processing" not in everything
    assert "staff" not in demo_finder.index.categories()


def test_categories(demo_finder: Wayfinder) -> None:
    restrooms = demo_finder.by_category("restroom")
    assert len(restrooms) == len(demo_finder.floorplan.floors)
    assert {d.category for d in restrooms} == {"restroom"}
    assert {"department", "clinic", "food", "parking", "pharmacy"} <= set(
        demo_finder.index.categories()
    )


def test_directory_a_to_z(demo_finder: Wayfinder) -> None:
    sections = demo_finder.directory("en")
    letters = [s.letter for s in sections]
    assert letters == sorted(letters)
    names = [d.name.default for s in sections for d in s.destinations]
    assert names == sorted(names, key=str.casefold)
    public = [d for d in demo_finder.floorplan.destinations.values() if d.is_public]
    assert len(names) == len(public)
    assert all(d.name.default[0].upper() == s.letter for s in sections for d in s.destinations)


def test_spanish_directory_folds_accents(demo_finder: Wayfinder) -> None:
    sections = {s.letter: s for s in demo_finder.directory("es")}
    under_a = [d.name.in_language("es") for d in sections["A"].destinations]
    assert "Admisiones y registro" in under_a
    assert "Estacionamiento de visitantes" in [
        d.name.in_language("es") for d in sections["E"].destinations
    ]
    assert all("A" <= letter <= "Z" for letter in sections)


def test_accented_initials_file_under_the_plain_letter(plan_builder: Any) -> None:
    builder = plan_builder().node("k", 0, 0, kind="kiosk").node("w", 10, 0).edge("k", "w")
    builder.kiosk("kiosk", "k", 0)
    builder.destination("waiting", "Waiting Area", "w", name_i18n={"es": "Área de espera"})
    [section] = Wayfinder(builder.load()).directory("es")
    assert section.letter == "A"


def test_nearest_restroom_depends_on_profile(plan_builder: Any) -> None:
    builder = plan_builder()
    builder.floor("f1", 0, "1").floor("f2", 1, "2")
    builder.node("k", 0, 0, kind="kiosk").node("far", 60, 0).node("s1", 5, 0, kind="stairs")
    builder.node("s2", 5, 0, floor="f2", kind="stairs").node("wc-up", 8, 0, floor="f2")
    builder.path("k", "s1").edge("k", "far").edge("s2", "wc-up")
    builder.node("wc-far", 60, 4, kind="destination").edge("far", "wc-far")
    builder.connector("stair", "Stair", "stairs", "s1", "s2")
    builder.kiosk("kiosk", "k", 90)
    builder.destination("wc-1", "Restrooms upstairs", "wc-up", "restroom")
    builder.destination("wc-2", "Restrooms far", "wc-far", "restroom")
    finder = Wayfinder(builder.load())
    assert finder.nearest("restroom", "kiosk", "standard").destination.id == "wc-1"
    assert finder.nearest("restroom", "kiosk", "step-free").destination.id == "wc-2"
    assert finder.nearest("restroom", "k", "step-free").destination.id == "wc-2"
