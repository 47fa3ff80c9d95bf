"""Kiosk alerts raised at the kiosk, on SQLite and PostgreSQL: "Call staff" on an enrolled
kiosk's help screen raises one open alert however often it is pressed, a browser that is no
kiosk cannot raise one, and repeated failed lookups turn the throttle's staff alert into an
alert row. Alerts carry the kiosk and the time, never anything about the person."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select

from kiosk.checkin.identity import identify_by_name_and_birth_date
from kiosk.extensions import db
from kiosk.models import KioskAlert, KioskAlertKind
from kiosk.models.types import utcnow
from tests.builders import add_kiosk, audit_events, enrolled_client
from tests.helpers import csrf_token_from


def alerts() -> list[KioskAlert]:
    """Every alert stored, oldest first."""
    db.session.expire_all()
    return list(db.session.scalars(select(KioskAlert).order_by(KioskAlert.id)))


def test_call_staff_raises_one_alert_however_often_it_is_pressed(app: Flask) -> None:
    kiosk = enrolled_client(app, "main-lobby")
    page = kiosk.get("/help").get_data(as_text=True)
    assert "Call staff to this screen" in page
    token = csrf_token_from(page)
    first = kiosk.post("/help/call-staff", data={"csrf_token": token})
    assert first.status_code == 303
    told = kiosk.get(first.headers["Location"]).get_data(as_text=True)
    assert "The front desk has been told" in told
    assert kiosk.post("/help/call-staff", data={"csrf_token": token}).status_code == 303
    with app.app_context():
        [alert] = alerts()
        assert (alert.kind, alert.detail, alert.resolved_at) == (
            KioskAlertKind.HELP_REQUESTED,
            "",
            None,
        )
        assert [event.patient_id for event in audit_events("staff_called")] == [None, None]


def test_a_browser_that_is_no_kiosk_cannot_call_staff(app: Flask) -> None:
    browser = app.test_client()
    page = browser.get("/help").get_data(as_text=True)
    assert "Call staff to this screen" not in page
    response = browser.post("/help/call-staff", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 403
    assert "This screen cannot call staff" in response.get_data(as_text=True)
    with app.app_context():
        assert alerts() == []


def test_call_staff_without_a_form_token_is_refused(app: Flask) -> None:
    kiosk = enrolled_client(app, "main-lobby")
    assert kiosk.post("/help/call-staff").status_code == 400
    with app.app_context():
        assert alerts() == []


def test_repeated_failed_lookups_raise_an_alert_for_the_kiosk(app: Flask) -> None:
    limit = int(app.config["THROTTLE_ALERT_FAILURES"])
    with app.app_context():
        kiosk_id = add_kiosk("main-lobby").id
        at = utcnow()
        for guess in range(limit):
            identify_by_name_and_birth_date(
                f"Nobody{guess}", date(1990, 1, 1), kiosk_id=kiosk_id, now=at
            )
            at += timedelta(minutes=1)
        [alert] = alerts()
        assert (alert.kiosk_id, alert.kind) == (kiosk_id, KioskAlertKind.FAILED_LOOKUPS)
        assert alert.detail == ""
