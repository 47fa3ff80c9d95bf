"""Maps: SVG for screens (escaped, CSP-safe, forward-up) and 1-bit images for receipts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from PIL import Image

from wayfinding import Wayfinder, render_floor_svg, render_route_bitmap, render_route_svg

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


def black_box(image: Image.Image) -> tuple[int, int]:
    inverted = image.convert("L").point(lambda v: 255 - v)
    left, top, right, bottom = inverted.getbbox() or (0, 0, 0, 0)
    return right - left, bottom - top


def test_receipt_bitmap_is_forward_up_with_thick_lines(plan_builder: Any) -> None:
    route = east_corridor(plan_builder).route_from_kiosk("kiosk", "clinic")
    forward = render_route_bitmap(route, width_dots=384)
    width, height = black_box(forward)
    assert height > 2 * width  # the eastward route runs up the paper
    north_up = render_route_bitmap(route, width_dots=384, heading=0)
    width, height = black_box(north_up)
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
