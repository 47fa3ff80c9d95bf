"""Server-side kiosk sessions: nothing of the last person survives a reset or idle time."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from flask import Flask, session
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select, update

from kiosk.checkin.flow import CheckinFlow
from kiosk.extensions import db
from kiosk.models import KioskSession
from kiosk.models.types import utcnow
from kiosk.shell.sessions import end_user_sessions, start_staff_session
from kiosk.tokens import token_hash
from kiosk.uploads.secure_store import store_for
from tests.flows import choose_spanish
from tests.helpers import csrf_token_from


def session_rows(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(KioskSession)) or 0)


def test_session_data_lives_on_the_server_not_in_the_cookie(
    app: Flask, client: FlaskClient
) -> None:
    choose_spanish(client)
    cookie = client.get_cookie("lobby_session")
    assert cookie is not None
    # The cookie is nothing but the random session id, whose hash names the server-side row.
    # (Looking for "es" in it failed whenever the random id happened to contain those letters.)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", cookie.value)
    with app.app_context():
        rows = db.session.scalars(select(KioskSession)).all()
    assert [row.data["lang"] for row in rows] == ["es"]
    assert [row.id_hash for row in rows] == [token_hash(cookie.value)]


def test_reset_deletes_the_session_and_returns_home_in_the_default_language(
    app: Flask, client: FlaskClient
) -> None:
    choose_spanish(client)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post("/reset", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert session_rows(app) == 0
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_replaying_the_old_cookie_after_reset_shows_nothing(
    app: Flask, client: FlaskClient
) -> None:
    choose_spanish(client)
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
    choose_spanish(client)
    with app.app_context():
        db.session.execute(update(KioskSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_activity_keeps_the_session_alive_for_the_idle_time(
    app: Flask, client: FlaskClient
) -> None:
    choose_spanish(client)
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
    choose_spanish(client)
    assert 'data-idle-reset="on"' in client.get("/").get_data(as_text=True)


def expire_every_session(app: Flask) -> None:
    with app.app_context():
        db.session.execute(update(KioskSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def test_card_photos_of_a_session_that_expired_on_the_server_are_deleted_by_housekeeping(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """A screen that crashed or lost power never sends its reset: the server's expiry must
    still take the unfinished check-in's card photos and signature with it."""
    app.config["PROTECTED_FILES_DIR"] = str(tmp_path / "protected")
    choose_spanish(client)
    with app.app_context():
        store = store_for(app)
        front = store.put(b"front of a card", purpose="card_front")
        signature = store.put(b"a signature", purpose="signature")
        flow = CheckinFlow(method="code", card_front=front, signature_file=signature)
        db.session.execute(update(KioskSession).values(data={"checkin": asdict(flow)}))
        db.session.commit()
    expire_every_session(app)
    result = runner.invoke(args=["housekeeping"])
    assert result.exit_code == 0 and "1 expired session(s) ended." in result.output
    assert session_rows(app) == 0
    assert not any((tmp_path / "protected").iterdir())


def test_a_new_session_also_purges_expired_ones_with_their_uploads(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    app.config.update(
        PROTECTED_FILES_DIR=str(tmp_path / "protected"), SESSION_PURGE_EVERY_SECONDS=0
    )
    choose_spanish(client)
    with app.app_context():
        photo = store_for(app).put(b"front of a card", purpose="card_front")
        db.session.execute(
            update(KioskSession).values(data={"checkin": asdict(CheckinFlow(card_front=photo))})
        )
        db.session.commit()
    expire_every_session(app)
    choose_spanish(app.test_client())
    assert session_rows(app) == 1
    assert not (tmp_path / "protected" / photo).exists()


def test_new_sessions_purge_at_most_once_a_minute(app: Flask, client: FlaskClient) -> None:
    choose_spanish(client)
    expire_every_session(app)
    choose_spanish(app.test_client())
    assert session_rows(app) == 2  # the expired one waits for the next purge or housekeeping


def test_a_page_view_within_seconds_of_the_last_does_not_write_the_session(
    app: Flask, client: FlaskClient
) -> None:
    choose_spanish(client)
    with app.app_context():
        first = db.session.scalar(select(KioskSession.expires_at))
    for _ in range(3):
        client.get("/help")
    with app.app_context():
        assert db.session.scalar(select(KioskSession.expires_at)) == first


def staff_sign_in_route(app: Flask) -> None:
    """A stand-in for the staff sign-in form: turns the session into user 7's staff session."""

    def sign_in() -> str:
        session["seen"] = True
        start_staff_session(7)
        return "signed in"

    app.add_url_rule("/staff-sign-in-for-test", view_func=sign_in)


def test_staff_sessions_idle_out_after_fifteen_minutes_and_end_after_twelve_hours(
    app: Flask, client: FlaskClient
) -> None:
    staff_sign_in_route(app)
    choose_spanish(client)
    before_id = client.get_cookie("lobby_session")
    assert before_id is not None
    client.get("/staff-sign-in-for-test")
    after_id = client.get_cookie("lobby_session")
    assert after_id is not None and after_id.value != before_id.value  # no session fixation
    with app.app_context():
        row = db.session.scalars(select(KioskSession)).one()
        assert (row.audience, row.user_id) == ("staff", 7)
        assert row.absolute_expires_at is not None
        idle = (row.expires_at - utcnow()).total_seconds()
        absolute = (row.absolute_expires_at - utcnow()).total_seconds()
    assert 14 * 60 < idle <= 15 * 60
    assert 11.9 * 3600 < absolute <= 12 * 3600
    with app.app_context():
        db.session.execute(
            update(KioskSession).values(absolute_expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    assert '<html lang="en">' in client.get("/help").get_data(as_text=True)


def test_ending_a_users_sessions_signs_them_out_everywhere(app: Flask) -> None:
    staff_sign_in_route(app)
    desks = [app.test_client() for _ in range(2)]
    for desk in desks:
        desk.get("/staff-sign-in-for-test")
    kiosk = app.test_client()
    choose_spanish(kiosk)
    with app.app_context():
        assert end_user_sessions(7) == 2
    assert session_rows(app) == 1
    assert '<html lang="es">' in kiosk.get("/").get_data(as_text=True)
