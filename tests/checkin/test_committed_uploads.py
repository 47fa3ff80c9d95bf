"""A committed check-in owns its card photos and signature: a double tap on the final "Check
in", a retry after a crash, or the session of a crashed screen expiring never deletes them, and
the patient sees their ticket, not the start screen."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select, update
from werkzeug.test import TestResponse

from kiosk.checkin import views
from kiosk.extensions import db
from kiosk.models import CheckIn, Consent, InsuranceCoverage, KioskSession
from kiosk.models.types import utcnow
from kiosk.uploads.secure_store import StoredFileMissing, store_for
from tests.builders import book_patient
from tests.checkin.test_flow import jpeg_card, signature_data_url
from tests.flows import KioskVisit, ticket_labels

SESSION_COOKIE = "lobby_session"


@pytest.fixture
def at_consent(app: Flask) -> KioskVisit:
    """A patient who photographed a new card and is about to sign and tap "Check in"."""
    booked = book_patient(app)
    visit = KioskVisit(app)
    assert visit.identify_by_code(booked.code).status_code == 303
    visit.answer_through_to_consent(insurance="new")
    for side in ("front", "back"):
        photo = (io.BytesIO(jpeg_card()), "card.jpg")
        assert visit.post(f"/check-in/insurance/card/{side}", photo=photo).status_code == 303
    assert visit.post("/check-in/insurance/details", member_id="NEW5551234").status_code == 303
    return visit


def tap_check_in(visit: KioskVisit, client: FlaskClient | None = None) -> TestResponse:
    """The final tap, signed with a finger."""
    data = {"csrf_token": visit.token, "method": "signature", "signature": signature_data_url()}
    return (client or visit.client).post("/check-in/consent", data=data)


def same_screen(app: Flask, visit: KioskVisit) -> FlaskClient:
    """Another connection from the same kiosk screen (same session), as a second tap opens."""
    client = app.test_client()
    for name in (SESSION_COOKIE, app.config["DEVICE_COOKIE_NAME"]):
        cookie = visit.client.get_cookie(name)
        assert cookie is not None
        client.set_cookie(name, cookie.value)
    return client


def assert_every_committed_file_exists_and_decrypts(app: Flask) -> None:
    with app.app_context():
        store = store_for(app)
        coverages = list(
            db.session.scalars(select(InsuranceCoverage).where(InsuranceCoverage.source == "kiosk"))
        )
        consents = list(db.session.scalars(select(Consent)))
        assert coverages and consents
        for coverage in coverages:
            for name, purpose in (
                (coverage.front_image, "card_front"),
                (coverage.back_image, "card_back"),
            ):
                assert name is not None
                with Image.open(io.BytesIO(store.get(name, purpose=purpose))) as image:
                    assert image.format == "JPEG"
        for consent in consents:
            assert consent.signature_file is not None
            assert store.get(consent.signature_file, purpose="signature").startswith(b"\x89PNG")


def assert_one_check_in_and_its_ticket_on_screen(app: Flask, visit: KioskVisit) -> None:
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1
    done = visit.client.get("/check-in/done")
    assert done.status_code == 200 and ticket_labels(done.get_data(as_text=True)) == ["R-001"]


def both_taps_inside_the_check_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold each tap at the start of the final transaction until the other has arrived too, so
    both have read the unfinished check-in from the session: the race a double tap runs."""
    both_arrived = threading.Barrier(2, timeout=10)
    real: Callable[..., Any] = views.complete_check_in

    def once_both_arrived(*args: Any) -> Any:
        both_arrived.wait()
        return real(*args)

    monkeypatch.setattr(views, "complete_check_in", once_both_arrived)


def test_a_double_tap_keeps_the_photos_and_shows_the_ticket(
    app: Flask, at_consent: KioskVisit, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_taps_inside_the_check_in(monkeypatch)
    screens = [same_screen(app, at_consent) for _ in range(2)]
    answers: list[TestResponse] = []
    errors: list[BaseException] = []

    def tap(client: FlaskClient) -> None:
        try:
            answers.append(tap_check_in(at_consent, client))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=tap, args=(screen,)) for screen in screens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [(a.status_code, a.headers.get("Location")) for a in answers] == [
        (303, "/check-in/done")
    ] * 2
    assert_one_check_in_and_its_ticket_on_screen(app, at_consent)
    assert_every_committed_file_exists_and_decrypts(app)


class CrashAfterCommit(Exception):
    """The server dies after the check-in committed, before the screen heard of it."""


def crash_after_the_commit(at_consent: KioskVisit, monkeypatch: pytest.MonkeyPatch) -> None:
    """The final tap commits, then the process dies before saving the session."""

    def crash(_flow: object) -> None:
        raise CrashAfterCommit

    with monkeypatch.context() as patched:
        patched.setattr(views, "save_flow", crash)
        assert tap_check_in(at_consent).status_code == 500


def test_a_retry_after_a_crash_keeps_the_photos_and_shows_the_ticket(
    app: Flask, at_consent: KioskVisit, monkeypatch: pytest.MonkeyPatch
) -> None:
    crash_after_the_commit(at_consent, monkeypatch)
    retry = tap_check_in(at_consent)
    assert (retry.status_code, retry.headers.get("Location")) == (303, "/check-in/done")
    assert_one_check_in_and_its_ticket_on_screen(app, at_consent)
    assert_every_committed_file_exists_and_decrypts(app)


def test_the_expired_session_of_a_crashed_screen_keeps_the_committed_photos(
    app: Flask, at_consent: KioskVisit, monkeypatch: pytest.MonkeyPatch
) -> None:
    crash_after_the_commit(at_consent, monkeypatch)
    with app.app_context():
        db.session.execute(update(KioskSession).values(expires_at=utcnow()))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["housekeeping"])
    assert result.exit_code == 0 and "1 expired session(s) ended." in result.output
    assert_every_committed_file_exists_and_decrypts(app)


def test_an_expired_session_of_another_release_still_takes_its_unfinished_photos(
    app: Flask, at_consent: KioskVisit
) -> None:
    """A session written by a newer (or older) release, around an upgrade, has a key this one
    does not know: the cleanup still deletes the photos of its unfinished check-in."""
    with app.app_context():
        row = db.session.scalars(select(KioskSession)).one()
        flow = dict(row.data["checkin"])
        names = [flow["card_front"], flow["card_back"]]
        row.data = {**row.data, "checkin": {**flow, "field_of_another_release": True}}
        row.expires_at = utcnow()
        db.session.commit()
        store = store_for(app)
        assert all(
            store.get(name, purpose=f"card_{side}")
            for name, side in zip(names, ("front", "back"), strict=True)
        )
    result = app.test_cli_runner().invoke(args=["housekeeping"])
    assert "1 expired session(s) ended." in result.output
    with app.app_context():
        for name, side in zip(names, ("front", "back"), strict=True):
            with pytest.raises(StoredFileMissing):
                store_for(app).get(name, purpose=f"card_{side}")
