"""The route on a visitor's phone: `/d/<token>` links, expiry, language and step-free."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from kiosk import create_app
from kiosk.extensions import db
from kiosk.find.phone_links import link_period
from kiosk.models.types import utcnow
from kiosk.models.wayfinding import PhoneRouteLink
from tests.find.screen_qr import phone_path_on_screen
from tests.flows import choose_spanish

phone_path = phone_path_on_screen


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
    assert app.test_client().get(path + "/map/main-0.svg").status_code == 410
    # The kiosk's QR code never hands out a dead link: showing it again renews the link.
    assert phone_path(client) == path
    assert app.test_client().get(path).status_code == 200


def expire_every_link(app: Flask) -> None:
    with app.app_context():
        db.session.execute(update(PhoneRouteLink).values(expires_at=utcnow() - timedelta(1)))
        db.session.commit()


def test_expired_spanish_link_says_so_in_spanish(app: Flask, client: FlaskClient) -> None:
    choose_spanish(client)
    path = phone_path(client)
    expire_every_link(app)
    phone = app.test_client()  # a phone set to English: the link's language still wins
    response = phone.get(path, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response.status_code == 410
    body = response.get_data(as_text=True)
    assert '<html lang="es">' in body and "Este enlace ha caducado" in body
    assert "This link has expired" not in body


def test_a_link_housekeeping_removed_speaks_the_phones_language(
    app: Flask, client: FlaskClient
) -> None:
    path = phone_path(client)
    expire_every_link(app)
    assert app.test_cli_runner().invoke(args=["housekeeping"]).exit_code == 0
    assert link_rows(app) == []
    spanish_phone = app.test_client().get(path, headers={"Accept-Language": "es-US,es;q=0.9"})
    english_phone = app.test_client().get(path)
    assert spanish_phone.status_code == english_phone.status_code == 410
    assert "Este enlace ha caducado" in spanish_phone.get_data(as_text=True)
    assert "This link has expired" in english_phone.get_data(as_text=True)


def test_phone_pages_name_the_facility_in_the_chosen_language(
    app: Flask, client: FlaskClient
) -> None:
    app.config["FACILITY_NAME"] = ""  # the floorplan's name, which has a Spanish form
    path = phone_path(client)
    phone = app.test_client()
    assert "St. Example General Hospital" in phone.get(path).get_data(as_text=True)
    spanish = phone.get(path + "?lang=es").get_data(as_text=True)
    assert "Hospital General St. Example" in spanish
    assert "St. Example General Hospital" not in spanish
    expire_every_link(app)
    expired = phone.get(path + "?lang=es").get_data(as_text=True)
    assert "Hospital General St. Example" in expired and "Este enlace ha caducado" in expired


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


def link_rows(app: Flask) -> list[PhoneRouteLink]:
    with app.app_context():
        return list(db.session.scalars(select(PhoneRouteLink)))


def test_showing_route_screens_writes_no_phone_link(app: Flask, client: FlaskClient) -> None:
    for _ in range(5):
        assert client.get("/find/to/imaging").status_code == 200
    client.get("/find/to/pharmacy")
    assert link_rows(app) == []


def test_everyone_shown_the_same_route_shares_one_link(app: Flask, client: FlaskClient) -> None:
    path = phone_path(client)
    assert phone_path(client) == path
    assert phone_path(app.test_client()) == path
    assert len(link_rows(app)) == 1
    spanish = app.test_client()
    choose_spanish(spanish)
    assert phone_path(spanish) != path
    assert phone_path(client, "pharmacy") != path
    links = {(row.destination_id, row.lang) for row in link_rows(app)}
    assert links == {("imaging", "en"), ("imaging", "es"), ("pharmacy", "en")}
    spanish_page = app.test_client().get(phone_path(spanish))
    assert '<html lang="es">' in spanish_page.get_data(as_text=True)


@settings(max_examples=60, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    hours=st.sampled_from([0.5, 1, 4, 24]),
)
def test_a_shared_link_works_at_least_the_configured_hours(moment: datetime, hours: float) -> None:
    app = create_app({"SECRET_KEY": "test", "PHONE_LINK_HOURS": hours, "TESTING": True})
    with app.app_context():
        period = link_period(moment)
        assert timedelta(hours=hours) < period.expires_at - moment <= timedelta(hours=2 * hours)
        assert link_period(moment + timedelta(hours=hours)).number == period.number + 1


def test_housekeeping_deletes_expired_links_only(app: Flask, client: FlaskClient) -> None:
    expired = phone_path(client, "pharmacy")
    kept = phone_path(client)
    with app.app_context():
        db.session.execute(
            update(PhoneRouteLink)
            .where(PhoneRouteLink.destination_id == "pharmacy")
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["housekeeping"])
    assert result.exit_code == 0, result.output
    assert "1 expired phone link(s) removed." in result.output
    assert [row.destination_id for row in link_rows(app)] == ["imaging"]
    assert app.test_client().get(kept).status_code == 200
    assert app.test_client().get(expired).status_code == 410
