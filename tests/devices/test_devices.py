"""Kiosk identity: enrolment links, the device cookie, visitor screens."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select, update

from kiosk.extensions import db
from kiosk.models import Kiosk
from kiosk.models.types import utcnow
from tests.flows import choose_spanish
from tests.helpers import csrf_token_from

LINK = re.compile(r"http://127\.0\.0\.1:5000(/enrol/[A-Za-z0-9_-]+)")


def enrolment_path(runner: FlaskCliRunner, *args: str) -> str:
    result = runner.invoke(args=["kiosk", "enroll", *args])
    assert result.exit_code == 0, result.output
    match = LINK.search(result.output)
    assert match, result.output
    return match.group(1)


def enrol_browser(app: Flask, path: str):  # type: ignore[no-untyped-def]
    browser = app.test_client()
    page = browser.get(path)
    assert page.status_code == 200
    response = browser.post(path, data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    return browser, response


def test_enroll_creates_the_kiosk_with_place_and_printer(
    app: Flask, runner: FlaskCliRunner
) -> None:
    enrolment_path(
        runner, "front-desk-screen", "--place", "east-lobby", "--printer", "network://10.1.2.3:9100"
    )
    with app.app_context():
        kiosk = db.session.scalar(select(Kiosk).where(Kiosk.name == "front-desk-screen"))
        assert kiosk is not None
        assert (kiosk.place, kiosk.printer_uri) == ("east-lobby", "network://10.1.2.3:9100")
        assert kiosk.device_token_hash is None


def test_opening_the_link_does_not_spend_it(app: Flask, runner: FlaskCliRunner) -> None:
    path = enrolment_path(runner, "main-lobby")
    client = app.test_client()
    assert "main-lobby" in client.get(path).get_data(as_text=True)
    assert client.get(path).status_code == 200


def test_enrolment_turns_the_browser_into_the_kiosk(app: Flask, runner: FlaskCliRunner) -> None:
    browser, response = enrol_browser(app, enrolment_path(runner, "main-lobby"))
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lobby_kiosk=") and "HttpOnly" in cookie
    assert int(re.search(r"Max-Age=(\d+)", cookie).group(1)) > 365 * 24 * 3600  # type: ignore[union-attr]
    # The first screen tells staff which kiosk was enrolled; after that patients read where
    # they are, never the device's internal name.
    assert "main-lobby" in browser.get("/").get_data(as_text=True)
    home = browser.get("/").get_data(as_text=True)
    assert "You are here: Main entrance lobby" in home and "main-lobby" not in home
    choose_spanish(browser)
    spanish_home = browser.get("/").get_data(as_text=True)
    assert "Usted está aquí: Vestíbulo de la entrada principal" in spanish_home
    with app.app_context():
        kiosk = db.session.scalar(select(Kiosk).where(Kiosk.name == "main-lobby"))
        assert kiosk is not None
        assert kiosk.enrolled_at is not None and kiosk.last_seen_at is not None


def test_link_works_only_once(app: Flask, runner: FlaskCliRunner) -> None:
    path = enrolment_path(runner, "main-lobby")
    enrol_browser(app, path)
    second = app.test_client()
    page = second.get(path)
    assert page.status_code == 404
    assert "This setup link is not valid" in page.get_data(as_text=True)


def test_expired_link_is_refused(app: Flask, runner: FlaskCliRunner) -> None:
    path = enrolment_path(runner, "main-lobby")
    with app.app_context():
        db.session.execute(update(Kiosk).values(enrolment_expires_at=utcnow() - timedelta(1)))
        db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_re_enrolling_moves_the_identity_to_the_new_screen(
    app: Flask, runner: FlaskCliRunner
) -> None:
    old_screen, _ = enrol_browser(app, enrolment_path(runner, "main-lobby"))
    new_screen, _ = enrol_browser(app, enrolment_path(runner, "main-lobby"))
    assert "You are here: Main entrance lobby" in new_screen.get("/").get_data(as_text=True)
    assert "You are here" not in old_screen.get("/").get_data(as_text=True)


def test_unknown_device_cookie_is_a_plain_visitor_screen(app: Flask) -> None:
    client = app.test_client()
    client.set_cookie("lobby_kiosk", "made-up")
    response = client.get("/")
    assert response.status_code == 200
    assert "You are here" not in response.get_data(as_text=True)


def test_enroll_all_issues_a_link_for_every_kiosk(runner: FlaskCliRunner) -> None:
    enrolment_path(runner, "east-lobby")
    enrolment_path(runner, "parking-lobby")
    result = runner.invoke(args=["kiosk", "enroll", "--all"])
    assert len(LINK.findall(result.output)) == 2
    listing = runner.invoke(args=["kiosk", "list"]).output
    assert "east-lobby" in listing and "parking-lobby" in listing and "not enrolled" in listing


def test_enroll_without_a_name_explains_itself(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["kiosk", "enroll"])
    assert result.exit_code == 2
    assert "name a kiosk" in result.output


def test_only_hashes_of_tokens_are_stored(app: Flask, runner: FlaskCliRunner) -> None:
    path = enrolment_path(runner, "main-lobby")
    token = path.rsplit("/", 1)[1]
    with app.app_context():
        kiosk = db.session.scalar(select(Kiosk))
        assert kiosk is not None and kiosk.enrolment_token_hash != token
        assert len(kiosk.enrolment_token_hash or "") == 64


def test_enroll_refuses_a_malformed_printer_or_profile(runner: FlaskCliRunner) -> None:
    bad_uri = runner.invoke(
        args=["kiosk", "enroll", "main-lobby", "--printer", "carrier-pigeon://x"]
    )
    assert bad_uri.exit_code == 2 and "Invalid value" in bad_uri.output
    bad_profile = runner.invoke(args=["kiosk", "enroll", "main-lobby", "--profile", "NoSuchModel"])
    assert bad_profile.exit_code == 2


def test_enroll_stores_the_printer_uri_in_canonical_form(
    app: Flask, runner: FlaskCliRunner
) -> None:
    enrolment_path(runner, "main-lobby", "--printer", "network://10.0.0.5")
    with app.app_context():
        kiosk = db.session.scalar(select(Kiosk))
        assert kiosk is not None and kiosk.printer_uri == "network://10.0.0.5:9100"


def test_enroll_refuses_a_place_the_published_floorplan_lacks(
    app: Flask, runner: FlaskCliRunner
) -> None:
    """Such a kiosk would route people from another kiosk's spot."""
    for args in (["lobby-1"], ["main-lobby", "--place", "basement-9"]):
        result = runner.invoke(args=["kiosk", "enroll", *args])
        assert result.exit_code == 2
        assert "has no kiosk place" in result.output and "main-lobby" in result.output
    with app.app_context():
        assert db.session.scalars(select(Kiosk)).all() == []
