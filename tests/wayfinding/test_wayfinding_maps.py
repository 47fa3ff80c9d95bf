"""Maps: SVG for screens (escaped, CSP-safe, forward-up) and 1-bit images for receipts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.wayfinding.campus_strategies import campuses
from wayfinding import (
    NoRouteError,
    Wayfinder,
    directions,
    load_floorplan,
    render_floor_svg,
    render_route_bitmap,
    render_route_svg,
)
from wayfinding.noun_phrases import ARTICLES
from wayfinding.render_bitmap import receipt_font, route_paper_scene
from wayfinding.render_svg import route_scene

SVG = "{http://www.w3.org/2000/svg}"


def east_corridor(plan_builder: Any, label: str = "Clinic") -> Wayfinder:
    """A kiosk facing east, with the clinic 30 m straight ahead (east)."""
    builder = plan_builder().node("k", 0, 0, kind="kiosk").node("mid", 15, 0).node("e", 30, 0)
    builder.node("door", 33, 0, kind="destination").path("k", "mid", "e", "door")
    builder.kiosk("kiosk", "k", 90).destination("clinic", label, "door")
    return Wayfinder(builder.load())


def route_points(svg: str) -> list[tuple[float, float]]:
    root = ET.fromstring(svg)
    [line] = [e for e in root.iter(f"{SVG}polyline") if e.get("class") == "route"]
    return [tuple(map(float, p.split(","))) for p in line.get("points", "").split()]  # type: ignore[misc]


def test_route_svg_is_forward_up_at_the_kiosk(plan_builder: Any) -> None:
    route = east_corridor(plan_builder).route_from_kiosk("kiosk", "clinic")
    points = route_points(render_route_svg(route))
    (x0, y0), (x1, y1) = points[0], points[-1]
    assert y1 < y0 - 100  # walking east is walking up the screen
    assert abs(x1 - x0) < 1
    north_up = route_points(render_route_svg(route, heading=0))
    assert north_up[-1][0] > north_up[0][0] + 100  # east is to the right on a north-up map


def test_route_svg_has_a_you_are_here_arrow_pointing_up(plan_builder: Any) -> None:
    route = east_corridor(plan_builder).route_from_kiosk("kiosk", "clinic")
    root = ET.fromstring(render_route_svg(route))
    [arrow] = [e for e in root.iter(f"{SVG}polygon") if e.get("class") == "you-are-here"]
    tip, *base = [tuple(map(float, p.split(","))) for p in arrow.get("points", "").split()]
    assert all(tip[1] < corner[1] for corner in base)


def test_svg_is_csp_safe_and_escapes_staff_text(plan_builder: Any) -> None:
    hostile = '<script>alert("x")</script> & Sons'
    finder = east_corridor(plan_builder, label=hostile)
    route = finder.route_from_kiosk("kiosk", "clinic")
    for svg in (render_route_svg(route), render_floor_svg(finder.floorplan, "f1")):
        root = ET.fromstring(svg)  # well-formed
        tags = {element.tag for element in root.iter()}
        assert f"{SVG}script" not in tags and f"{SVG}style" not in tags
        assert "<script>" not in svg
        assert "style=" not in svg
        assert any(hostile in (element.text or "") for element in root.iter())


def test_floor_svgs_of_the_demo_label_places(demo_plan: Any) -> None:
    svg = render_floor_svg(demo_plan, "main-1")
    texts = {t.text for t in ET.fromstring(svg).iter(f"{SVG}text")}
    assert {"Gift Shop", "Cafeteria", "Elevator A", "Pharmacy"} <= texts


@pytest.mark.parametrize("width", [384, 576])
def test_receipt_bitmap_is_one_bit_at_printer_width(plan_builder: Any, width: int) -> None:
    route = east_corridor(plan_builder).route_from_kiosk("kiosk", "clinic")
    image = render_route_bitmap(route, width_dots=width, title="Level 1")
    assert image.mode == "1"
    assert image.width == width
    assert 0 < image.height <= width * 1.2


def route_box(scene: Any) -> tuple[float, float]:
    """Width and height of the drawn route line."""
    xs = [x for line in scene.route for x, _ in line]
    ys = [y for line in scene.route for _, y in line]
    return max(xs) - min(xs), max(ys) - min(ys)


def test_receipt_bitmap_is_forward_up_with_thick_lines(plan_builder: Any) -> None:
    route = east_corridor(plan_builder).route_from_kiosk("kiosk", "clinic")
    forward = render_route_bitmap(route, width_dots=384)
    width, height = route_box(route_paper_scene(route, width_dots=384))
    assert height > 2 * width  # the eastward route runs up the paper
    width, height = route_box(route_paper_scene(route, width_dots=384, heading=0))
    assert width > 2 * height
    # Thick enough for thermal paper: a horizontal cut through the route is several dots.
    row = forward.height // 2
    dark = [x for x in range(forward.width) if forward.getpixel((x, row)) == 0]
    assert len(dark) >= 8


def test_receipt_bitmap_for_each_floor_of_a_demo_route(demo_finder: Wayfinder) -> None:
    route = demo_finder.route_from_kiosk("main-lobby", "maternity", "step-free")
    for floor in route.floors:
        image = render_route_bitmap(route, floor, width_dots=576)
        assert image.mode == "1" and image.width == 576
    with pytest.raises(ValueError, match="384"):
        render_route_bitmap(route, width_dots=500)


# -- labels, legend, arrival floors and cropping ------------------------------------------


def demo_kiosk_routes(finder: Wayfinder) -> list[Any]:
    """A route to every public destination from each demo kiosk."""
    return [
        finder.route_from_kiosk(kiosk, destination.id)
        for kiosk in finder.floorplan.kiosks
        for destination in finder.floorplan.destinations.values()
        if destination.is_public
    ]


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def check_labels(scene: Any) -> None:
    """Every label inside the map, apart from the others and off every marker."""
    width, height = scene.frame.width, scene.frame.height
    for index, label in enumerate(scene.labels):
        left, top, right, bottom = label.box
        assert 0 <= left < right <= width and 0 <= top < bottom <= height, label
        for other in scene.labels[index + 1 :]:
            assert not overlap(label.box, other.box), (label, other)
        for marker in scene.markers:
            assert not overlap(label.box, marker), (label, marker)


def test_every_demo_route_map_is_labelled_legibly(demo_finder: Wayfinder) -> None:
    for route in demo_kiosk_routes(demo_finder):
        steps = directions(route)
        for floor in route.floors:
            for scene in (
                route_scene(route, floor),
                route_paper_scene(route, floor, width_dots=384),
                route_paper_scene(route, floor, width_dots=576),
            ):
                check_labels(scene)
                kinds = {label.kind for label in scene.labels}
                texts = {label.text for label in scene.labels}
                if floor == route.floors[0]:
                    assert "start" in kinds and "You are here" in texts
                if floor == route.floors[-1]:
                    assert "destination" in kinds
                named = {s.landmark for s in steps.steps if s.landmark and s.floor == floor}
                assert named <= texts, (route.destination, floor, named - texts)


def test_screen_labels_are_at_least_24_px_and_in_the_svg(demo_finder: Wayfinder) -> None:
    route = demo_finder.route_from_kiosk("main-lobby", "maternity", "step-free")
    for floor in route.floors:
        svg = render_route_svg(route, floor)
        root = ET.fromstring(svg)
        [group] = [g for g in root.iter(f"{SVG}g") if g.get("class") == "labels"]
        size = float(group.get("font-size", "0"))
        assert size >= 24
        drawn = [t.text for t in group.iter(f"{SVG}text")]
        scene = route_scene(route, floor)
        assert drawn == [label.text for label in scene.labels]
        for label in scene.labels:
            # The box is at least as wide as bold sans-serif text of that size needs.
            assert label.box[2] - label.box[0] >= len(label.text) * size * 0.55
            assert label.box[3] - label.box[1] >= size


def test_maps_have_a_legend_in_the_language_of_the_page(demo_finder: Wayfinder) -> None:
    route = demo_finder.route_from_kiosk("main-lobby", "laboratory")
    legends = {}
    for lang in ("en", "es"):
        root = ET.fromstring(render_route_svg(route, route.floors[0], lang=lang))
        [group] = [g for g in root.iter(f"{SVG}g") if g.get("class") == "legend"]
        legends[lang] = [t.text for t in group.iter(f"{SVG}text")]
    assert legends == {"en": ["Your route", "You are here"], "es": ["Su ruta", "Usted está aquí"]}


def test_arrival_floor_map_is_forward_up(plan_builder: Any) -> None:
    # Off the elevator on level 3 the walk goes east: east is up on that floor's map.
    builder = plan_builder().floor("f1", 0, "1").floor("f3", 2, "3")
    builder.node("k", 0, 0, kind="kiosk").node("lift-1", 0, 10, kind="elevator")
    builder.node("lift-3", 0, 10, floor="f3", kind="elevator").node("hall", 30, 10, floor="f3")
    builder.node("door", 30, 14, floor="f3", kind="destination")
    builder.path("k", "lift-1").path("lift-3", "hall", "door")
    builder.connector("lift", "Elevator A", "elevator", "lift-1", "lift-3")
    builder.kiosk("kiosk", "k", 0).destination("clinic", "Clinic", "door")
    route = Wayfinder(builder.load()).route_from_kiosk("kiosk", "clinic")
    points = route_points(render_route_svg(route, "f3"))
    (x0, y0), (x1, y1) = points[0], points[1]
    assert y1 < y0 - 100 and abs(x1 - x0) < 1
    width, height = route_box(route_paper_scene(route, "f3", width_dots=384))
    assert height > 2 * width  # the eastward walk runs up the paper


def test_receipt_maps_are_cropped_to_the_route(demo_finder: Wayfinder) -> None:
    heights = [
        render_route_bitmap(route, floor, width_dots=576).height
        for route in demo_kiosk_routes(demo_finder)
        for floor in route.floors
    ]
    # Square 576-dot maps were the rule; cropped to the route they average well under that.
    assert sum(heights) / len(heights) < 576 * 0.6
    assert min(heights) < 576 / 2


def test_receipt_labels_are_printed_bold_and_tall(demo_finder: Wayfinder) -> None:
    route = demo_finder.route_from_kiosk("main-lobby", "laboratory")
    scene = route_paper_scene(route, route.floors[0], width_dots=384)
    [here] = [label for label in scene.labels if label.kind == "start"]
    image = render_route_bitmap(route, route.floors[0], width_dots=384)
    # The map sits at the top of the image, cropped: find the label's ink there.
    assert here.box[3] - here.box[1] >= 20
    assert image.height < scene.frame.height + 60


@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(raw=campuses(), lang=st.sampled_from(["en", "es"]))
def test_labels_never_clip_or_collide_on_generated_campuses(raw: dict[str, Any], lang: str) -> None:
    finder = Wayfinder(load_floorplan(raw))
    for destination in raw["destinations"]:
        try:
            route = finder.route_from_kiosk("k", destination["id"])
        except NoRouteError:
            continue
        for floor in route.floors:
            for scene in (
                route_scene(route, floor, lang=lang),
                route_paper_scene(route, floor, width_dots=384, lang=lang),
            ):
                check_labels(scene)
                kinds = [label.kind for label in scene.labels]
                assert kinds.count("start") == (floor == route.floors[0])
                assert kinds.count("destination") == (floor == route.floors[-1])


@pytest.mark.parametrize("letter", list("áéíóúñüÁÉÍÓÚÑ¿¡"))
def test_receipt_type_prints_every_spanish_letter(letter: str) -> None:
    font = receipt_font(24)
    missing = font.getmask("\ue000")  # a private-use code point: no font has a glyph for it
    drawn = font.getmask(letter)
    assert drawn.size != missing.size or bytes(drawn) != bytes(missing)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_map_labels_name_places_as_signs_do_without_an_article(
    demo_finder: Wayfinder, lang: str
) -> None:
    """ "Elevador A" and "Up escalator" on the paper map, as on the signs, not the sentence's
    "el elevador A" or "the up escalator"."""
    connectors: set[str] = set()
    for destination in demo_finder.floorplan.destinations.values():
        if not destination.is_public:
            continue
        route = demo_finder.route_from_kiosk("main-lobby", destination.id)
        for floor in route.floors:
            for label in route_paper_scene(route, floor, width_dots=576, lang=lang).labels:
                first = label.text.split(" ", 1)[0]
                assert first.lower() not in ARTICLES[lang] and label.text[0].isupper(), label
                if label.kind == "connector":
                    connectors.add(label.text)
    expected = {
        "en": {"Elevator A", "Up escalator"},
        "es": {"Elevador A", "Escalera eléctrica de subida"},
    }
    assert expected[lang] <= connectors
