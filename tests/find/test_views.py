""" "Find your way" screens: search, categories, A–Z, nearest, step-free, route, bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.find.views import SEARCH_MAX_CHARS
from kiosk.floorplan import current_wayfinder
from kiosk.models.wayfinding import WayfindingEvent, WayfindingEventKind
from tests.builders import demo_floorplan_with_elevators_closed
from tests.flows import choose_spanish
from tests.helpers import csrf_token_from
from wayfinding import Profile


def set_step_free(client: FlaskClient, on: bool, next_path: str = "/find/") -> None:
    token = csrf_token_from(client.get(next_path).get_data(as_text=True))
    response = client.post(
        "/find/step-free",
        data={"step_free": "on" if on else "off", "next": next_path, "csrf_token": token},
    )
    assert response.status_code == 303 and response.headers["Location"] == next_path


def events(app: Flask) -> list[WayfindingEvent]:
    with app.app_context():
        return list(db.session.scalars(select(WayfindingEvent).order_by(WayfindingEvent.id)))


def test_find_screen_offers_search_categories_a_to_z_and_nearest_restroom(
    client: FlaskClient,
) -> None:
    body = client.get("/find/").get_data(as_text=True)
    for text in (
        "Where do you want to go?",
        "Restrooms",
        "Exits &amp; parking",
        "Nearest restroom",
        "A–Z of all places",
        "Step-free route: off",
    ):
        assert text in body


def test_lay_word_finds_the_department_as_a_partial_for_htmx(client: FlaskClient) -> None:
    partial = client.get("/find/search?q=xray", headers={"HX-Request": "true"})
    body = partial.get_data(as_text=True)
    assert "<html" not in body
    assert 'href="/find/to/imaging"' in body
    assert "HX-Request" in partial.headers["Vary"]


def test_search_without_javascript_returns_the_whole_screen(client: FlaskClient) -> None:
    body = client.get("/find/search?q=blood+test").get_data(as_text=True)
    assert "<html" in body and 'href="/find/to/laboratory"' in body


def test_search_with_no_match_says_what_to_do_and_is_counted(
    app: Flask, client: FlaskClient
) -> None:
    body = client.get("/find/search?q=Zzyzx%20Qqq").get_data(as_text=True)
    assert "We could not find “Zzyzx Qqq”" in body and "ask at the front desk" in body
    client.get("/find/search?q=xray")
    kinds = [(e.kind, e.query) for e in events(app)]
    assert kinds == [
        (WayfindingEventKind.SEARCH_NO_RESULT, "zzyzx qqq"),
        (WayfindingEventKind.SEARCH, "xray"),
    ]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=400))
def test_any_search_text_gets_a_page_not_an_error(client: FlaskClient, text: str) -> None:
    response = client.get("/find/search", query_string={"q": text})
    assert response.status_code == 200


def test_over_long_search_is_cut_to_a_normal_search(client: FlaskClient) -> None:
    response = client.get("/find/search", query_string={"q": "pharmacy " + "x" * 10000})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    search_box = re.search(r'<input id="search-q"[^>]*>', body)
    assert search_box, "the search screen has no search box"
    value = re.search(r'value="([^"]*)"', search_box.group(0))
    assert value and value.group(1) == ("pharmacy " + "x" * 10000)[:SEARCH_MAX_CHARS]
    assert f'maxlength="{SEARCH_MAX_CHARS}"' in search_box.group(0)


def test_staff_only_places_never_appear_or_route(client: FlaskClient) -> None:
    results = client.get("/find/search?q=sterile+processing").get_data(as_text=True)
    assert "/find/to/sterile" not in results
    assert "Sterile" not in client.get("/find/a-z").get_data(as_text=True)
    assert client.get("/find/to/sterile-processing").status_code == 404


def test_unknown_destination_gets_a_friendly_page(client: FlaskClient) -> None:
    response = client.get("/find/to/no-such-place")
    assert response.status_code == 404
    assert "We don't know that place" in response.get_data(as_text=True)


def test_category_and_directory_list_public_places(client: FlaskClient) -> None:
    restrooms = client.get("/find/category/restrooms").get_data(as_text=True)
    assert restrooms.count('href="/find/to/restroom-') >= 5
    assert client.get("/find/category/nonsense").status_code == 404
    directory = client.get("/find/a-z").get_data(as_text=True)
    assert "Cardiology" in directory and "Pharmacy" in directory


def listed(html: str) -> list[tuple[str, str, str]]:
    """(destination id, name, where) of each place a list shows."""
    return re.findall(
        r'href="/find/to/([^"]+)">\s*<span class="place-name">([^<]+)</span>\s*'
        r'<span class="place-where">([^<]+)</span>',
        html,
    )


def test_search_results_say_which_building_and_floor_each_place_is_on(
    client: FlaskClient,
) -> None:
    results = listed(client.get("/find/search?q=laboratory").get_data(as_text=True))
    assert ("laboratory", "Laboratory &amp; Blood Draw", "Main Building, Level 2 (Blue)") in results
    choose_spanish(client)
    spanish = listed(client.get("/find/search?q=laboratorio").get_data(as_text=True))
    assert any(where == "Edificio principal, piso 2 (Azul)" for _id, _name, where in spanish)
    for path in ("/find/a-z", "/find/category/clinics"):
        assert listed(client.get(path).get_data(as_text=True)), path


@pytest.mark.parametrize("kiosk_place", ["main-lobby", "east-lobby", "parking-lobby"])
@pytest.mark.parametrize("path", ["/find/search?q=toilet", "/find/category/restrooms"])
def test_restrooms_are_listed_nearest_first(app: Flask, kiosk_place: str, path: str) -> None:
    app.config["DEFAULT_KIOSK_PLACE"] = kiosk_place
    ids = [
        place_id
        for place_id, _name, _where in listed(app.test_client().get(path).get_data(as_text=True))
    ]
    assert len(ids) >= 5
    with app.app_context():
        finder = current_wayfinder()
        seconds = [
            finder.route_from_kiosk(kiosk_place, place, Profile.STANDARD).duration_s
            for place in ids
        ]
        nearest = finder.nearest("restroom", kiosk_place, Profile.STANDARD).destination
    assert seconds == sorted(seconds)
    assert nearest is not None and ids[0] == nearest.id


def test_nearest_restroom_opens_a_restroom_route(client: FlaskClient) -> None:
    response = client.get("/find/nearest/restroom")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/find/to/restroom-")


def test_route_screen_shows_destination_summary_steps_maps_and_qr(
    app: Flask, client: FlaskClient
) -> None:
    body = client.get("/find/to/imaging").get_data(as_text=True)
    assert "Imaging" in body and "min" in body
    assert "Take Elevator" in body or "escalator" in body or "Stair" in body
    assert 'src="/find/to/imaging/map/' in body
    assert "/qr.svg" in body and "Print directions" in body
    assert [e.kind for e in events(app)] == [WayfindingEventKind.ROUTE_SHOWN]


def floor_steps(html: str) -> list[str]:
    return re.findall(r'class="route-step [^"]*">([^<]+)<', html)


def test_route_screen_shows_one_floor_at_a_time_and_next_turns_to_the_following_floor(
    app: Flask, client: FlaskClient
) -> None:
    first = client.get("/find/to/laboratory").get_data(as_text=True)
    assert "Part 1 of 2" in first and "Print directions" in first and "/qr.svg" in first
    assert first.count('class="route-map"') == 1
    assert 'src="/find/to/laboratory/map/main-1.svg"' in first
    next_link = re.search(r'<a [^>]*href="([^"]+)"[^>]*>Next: Main Building, Level 2', first)
    assert next_link and next_link.group(1) == "/find/to/laboratory?floor=2"
    assert "Back: " not in first

    second = client.get(next_link.group(1)).get_data(as_text=True)
    assert "Part 2 of 2" in second and "<html" in second  # works without JavaScript
    assert 'src="/find/to/laboratory/map/main-2.svg"' in second
    assert ">Back: Main Building, Level 1<" in second and "Next: " not in second
    assert set(floor_steps(first)).isdisjoint(floor_steps(second))
    assert "The Laboratory is on your right." in floor_steps(second)

    swapped = client.get(next_link.group(1), headers={"HX-Request": "true"})
    partial = swapped.get_data(as_text=True)
    assert "<html" not in partial and 'id="route-floor"' in partial
    assert floor_steps(partial) == floor_steps(second)
    # Showing the route counts once; turning to its other floors is the same showing.
    assert [e.kind for e in events(app)] == [WayfindingEventKind.ROUTE_SHOWN]


@pytest.mark.parametrize("asked", ["0", "-3", "99", "two", "1e9", ""])
def test_any_floor_number_shows_a_floor_of_the_route(client: FlaskClient, asked: str) -> None:
    response = client.get("/find/to/laboratory", query_string={"floor": asked})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert re.search(r"Part [12] of 2", body) and floor_steps(body)


def test_kiosk_maps_are_drawn_at_the_size_the_screen_shows_them(client: FlaskClient) -> None:
    body = client.get("/find/to/laboratory").get_data(as_text=True)
    shown = re.search(r'<img class="route-map" src="([^"]+)" width="(\d+)"', body)
    assert shown, "route screen has no map"
    svg = client.get(shown.group(1)).get_data(as_text=True)
    assert re.search(r'<svg[^>]* width="(\d+)"', svg).group(1) == shown.group(2)  # type: ignore[union-attr]


def test_route_maps_are_svg_images_and_unknown_floors_404(client: FlaskClient) -> None:
    body = client.get("/find/to/imaging").get_data(as_text=True)
    map_path = body.split('src="/find/to/imaging/map/')[1].split('"')[0]
    response = client.get("/find/to/imaging/map/" + map_path)
    assert response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).lstrip().startswith(("<svg", "<?xml"))
    assert client.get("/find/to/imaging/map/no-floor.svg").status_code == 404


def test_step_free_switch_changes_the_route_and_says_so(client: FlaskClient) -> None:
    set_step_free(client, True, "/find/to/imaging")
    body = client.get("/find/to/imaging").get_data(as_text=True)
    assert "Step-free route: on" in body and "step-free-mark" in body
    steps = " ".join(part.split("</li>")[0] for part in body.split('class="route-step ')[1:])
    assert "Take Elevator" in steps
    assert "Stair" not in steps and "escalator" not in steps
    set_step_free(client, False, "/find/to/imaging")
    assert "Step-free route: off" in client.get("/find/to/imaging").get_data(as_text=True)


def test_route_is_in_spanish_after_choosing_spanish(client: FlaskClient) -> None:
    choose_spanish(client)
    body = client.get("/find/to/imaging").get_data(as_text=True)
    assert '<html lang="es">' in body
    assert "Imprimir indicaciones" in body
    assert "Tome el elevador" in body or "elevador" in body.lower()


@pytest.fixture
def closed_elevators_app(app: Flask, tmp_path: Path) -> Flask:
    app.config["FLOORPLAN_PATH"] = str(demo_floorplan_with_elevators_closed(tmp_path))
    return app


def test_no_step_free_route_says_why_and_what_to_do(closed_elevators_app: Flask) -> None:
    client = closed_elevators_app.test_client()
    set_step_free(client, True, "/find/")
    response = client.get("/find/to/imaging")
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "No step-free route while Elevator A and Elevator B are closed." in body
    assert "ask at the front desk" in body
