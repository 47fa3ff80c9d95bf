"""The route on a visitor's phone: `/d/<token>` links, expiry, language and step-free."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from kiosk.extensions import db
from kiosk.models.types import utcnow
from kiosk.models.wayfinding import PhoneRouteLink

QR_PATH = re.compile(r'src="/d/([A-Za-z0-9_-]+)/qr\.svg"')


def phone_path(client: FlaskClient, destination: str = "imaging") -> str:
    match = QR_PATH.search(client.get(f"/find/to/{destination}").get_data(as_text=True))
    assert match, "route screen has no QR code"
    return f"/d/{match.group(1)}"


def steps(html: str) -> list[str]:
    return re.findall(r'class="route-step [^"]*">([^<]+)<', html)


def test_phone_page_shows_the_route_without_kiosk_chrome(app: Flask, client: FlaskClient) -> None:
    path = phone_path(client)
    page = app.test_client().get(path)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Imaging" in body and steps(body)
    assert "<script" not in body and "csrf_token" not in body and "idle-dialog" not in body
    assert page.headers["Cache-Control"] == "no-store"
    assert f'src="{path}/map/' in body


def test_qr_code_is_an_svg_for_the_link(app: Flask, client: FlaskClient) -> None:
    path = phone_path(client)
    response = app.test_client().get(path + "/qr.svg")
    assert response.mimetype == "image/svg+xml" and "<path" in response.get_data(as_text=True)


def test_phone_language_and_step_free_switches(app: Flask, client: FlaskClient) -> None:
    path = phone_path(client)
    phone = app.test_client()
    spanish = phone.get(path + "?lang=es").get_data(as_text=True)
    assert '<html lang="es">' in spanish and "Cómo llegar a" in spanish
    step_free = phone.get(path + "?profile=step-free").get_data(as_text=True)
    assert "Step-free route: on" in step_free
    assert not any("Stair" in s or "escalator" in s for s in steps(step_free))
    nonsense = phone.get(path + "?profile=flying&lang=xx")
    assert nonsense.status_code == 200 and '<html lang="en">' in nonsense.get_data(as_text=True)


def test_expired_link_gets_a_friendly_page(app: Flask, client: FlaskClient) -> None:
    path = phone_path(client)
    with app.app_context():
        db.session.execute(update(PhoneRouteLink).values(expires_at=utcnow() - timedelta(1)))
        db.session.commit()
    response = app.test_client().get(path)
    assert response.status_code == 410
    assert "This link has expired" in response.get_data(as_text=True)
    assert app.test_client().get(path + "/qr.svg").status_code == 410


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(token=st.text(min_size=1, max_size=200).filter(lambda t: "/" not in t and "?" not in t))
def test_unknown_or_odd_tokens_never_error(client: FlaskClient, token: str) -> None:
    assert client.get(f"/d/{token}").status_code in (404, 410)


def test_phone_maps_are_served_per_floor_of_the_route(app: Flask, client: FlaskClient) -> None:
    path = phone_path(client)
    phone = app.test_client()
    body = phone.get(path).get_data(as_text=True)
    map_paths = re.findall(r'src="(/d/[^"]+/map/[^"]+)"', body)
    assert len(map_paths) >= 2  # Imaging is one floor down: a map for each floor
    for map_path in map_paths:
        response = phone.get(map_path.replace("&amp;", "&"))
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert phone.get(path + "/map/no-floor.svg").status_code == 404
