"""Server-side kiosk sessions: nothing of the last person survives a reset or idle time."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from kiosk.extensions import db
from kiosk.models import KioskSession
from kiosk.models.types import utcnow
from tests.helpers import csrf_token_from


def start_spanish_session(client: FlaskClient) -> str:
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"lang": "es", "csrf_token": token})
    return token


def session_rows(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(KioskSession)) or 0)


def test_session_data_lives_on_the_server_not_in_the_cookie(
    app: Flask, client: FlaskClient
) -> None:
    start_spanish_session(client)
    cookie = client.get_cookie("lobby_session")
    assert cookie is not None
    assert "es" not in cookie.value and "lang" not in cookie.value
    with app.app_context():
        rows = db.session.scalars(select(KioskSession)).all()
    assert [row.data["lang"] for row in rows] == ["es"]
    assert all(cookie.value not in row.id_hash for row in rows)


def test_reset_deletes_the_session_and_returns_home_in_the_default_language(
    app: Flask, client: FlaskClient
) -> None:
    start_spanish_session(client)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post("/reset", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert session_rows(app) == 0
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_replaying_the_old_cookie_after_reset_shows_nothing(
    app: Flask, client: FlaskClient
) -> None:
    start_spanish_session(client)
    old_cookie = client.get_cookie("lobby_session")
    assert old_cookie is not None
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    client.post("/reset", data={"csrf_token": token})

    replay = app.test_client()
    replay.set_cookie("lobby_session", old_cookie.value)
    assert '<html lang="en">' in replay.get("/").get_data(as_text=True)
    # A form from before the reset no longer works either.
    stale = replay.post("/language", data={"lang": "es", "csrf_token": token})
    assert stale.status_code == 400


def test_idle_session_expires_on_the_server_even_if_the_screen_script_failed(
    app: Flask, client: FlaskClient
) -> None:
    start_spanish_session(client)
    with app.app_context():
        db.session.execute(update(KioskSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_activity_keeps_the_session_alive_for_the_idle_time(
    app: Flask, client: FlaskClient
) -> None:
    start_spanish_session(client)
    client.get("/help")
    with app.app_context():
        expires_at = db.session.scalar(select(KioskSession.expires_at))
    assert expires_at is not None
    idle = (
        app.config["IDLE_SECONDS"]
        + app.config["IDLE_COUNTDOWN_SECONDS"]
        + app.config["IDLE_SERVER_GRACE_SECONDS"]
    )
    remaining = (expires_at - utcnow()).total_seconds()
    assert idle - 30 < remaining <= idle


def test_untouched_home_screen_does_not_arm_the_idle_reset(client: FlaskClient) -> None:
    assert 'data-idle-reset="off"' in client.get("/").get_data(as_text=True)
    assert 'data-idle-reset="on"' in client.get("/help").get_data(as_text=True)
    start_spanish_session(client)
    assert 'data-idle-reset="on"' in client.get("/").get_data(as_text=True)
