"""Walk-ins are limited per kiosk (each is a patient row and a printed ticket): past the limit
the kiosk sends people to the desk and staff are alerted once."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from kiosk.checkin import walk_in
from kiosk.extensions import db
from kiosk.models import AuditEvent, CheckIn, KioskSession, Patient
from kiosk.models.types import utcnow
from tests.builders import add_department
from tests.checkin.test_committed_uploads import same_screen
from tests.flows import KioskVisit, ticket_labels


@pytest.fixture
def laboratory(app: Flask) -> str:
    with app.app_context():
        add_department("laboratory", "L")
    return "laboratory"


def register_walk_in(visit: KioskVisit, number: int, department_code: str) -> int:
    """Walk through the three walk-in screens; the status of the last answer."""
    visit.post("/check-in/walk-in", first_name="Sam", last_name=f"Walker{'x' * number}")
    visit.post("/check-in/walk-in/birth-date", day="2", month="2", year="1990")
    chosen = visit.post("/check-in/walk-in/department", department=department_code)
    if chosen.headers.get("Location") == "/check-in/walk-in/route":  # the way has stairs
        return visit.post("/check-in/walk-in/route", answer="no").status_code
    return chosen.status_code


def patients(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Patient)) or 0)


def test_a_kiosk_registers_six_walk_ins_in_ten_minutes_then_sends_people_to_the_desk(
    app: Flask, laboratory: str, caplog: pytest.LogCaptureFixture
) -> None:
    visit = KioskVisit(app)
    assert [register_walk_in(visit, n, laboratory) for n in range(6)] == [303] * 6
    assert ticket_labels(visit.client.get("/check-in/done").get_data(as_text=True)) == ["L-006"]
    with caplog.at_level(logging.WARNING, logger="kiosk.checkin.walk_in"):
        refused = visit.client.get("/check-in/walk-in")
        assert refused.status_code == 429
        assert "Please see the front desk" in refused.get_data(as_text=True)
        assert (
            visit.post("/check-in/walk-in", first_name="Eve", last_name="Late").status_code == 429
        )
    assert patients(app) == 6
    with app.app_context():
        alerts = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "walk_in_limit_reached")
        ).all()
        assert [(alert.kiosk_id, alert.patient_id) for alert in alerts] == [
            (alerts[0].kiosk_id, None)
        ]
    warnings = [r.getMessage() for r in caplog.records if r.name == "kiosk.checkin.walk_in"]
    assert warnings == [f"Walk-in limit reached (kiosk:{alerts[0].kiosk_id}): staff alert raised"]
    # Another kiosk is not affected, and once the window has passed this one registers again.
    assert register_walk_in(KioskVisit(app, place="east-lobby"), 7, laboratory) == 303
    with app.app_context():
        db.session.execute(update(CheckIn).values(checked_in_at=utcnow() - timedelta(minutes=11)))
        db.session.commit()
    assert register_walk_in(visit, 8, laboratory) == 303


def test_the_limit_is_configurable(app: Flask, laboratory: str) -> None:
    app.config.update(WALK_IN_LIMIT=1)
    visit = KioskVisit(app)
    assert register_walk_in(visit, 1, laboratory) == 303
    assert register_walk_in(visit, 2, laboratory) == 429
    assert patients(app) == 1


def test_nothing_of_an_unfinished_walk_in_survives_its_expired_session(
    app: Flask, laboratory: str
) -> None:
    """The screen loses power after a walk-in typed their name and date of birth: once
    housekeeping ends the expired session, no table holds either."""
    visit = KioskVisit(app)
    visit.post("/check-in/walk-in", first_name="Zebulon", last_name="Quixotewalk")
    visit.post("/check-in/walk-in/birth-date", day="2", month="2", year="1990")
    typed = ("Zebulon", "Quixotewalk", "1990-02-02")
    assert all(any(value in row for row in every_stored_value(app)) for value in typed)
    with app.app_context():
        db.session.execute(update(KioskSession).values(expires_at=utcnow()))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["housekeeping"])
    assert result.exit_code == 0 and "1 expired session(s) ended." in result.output
    stored = every_stored_value(app)
    assert not any(value in row for row in stored for value in typed)
    assert visit.client.get("/check-in/walk-in/department").status_code == 303  # starts over


def every_stored_value(app: Flask) -> list[str]:
    """Every row of every table, as text."""
    with app.app_context():
        return [
            repr(tuple(row))
            for table in db.metadata.sorted_tables
            for row in db.session.execute(table.select())
        ]


def test_a_double_tap_on_the_last_walk_in_screen_registers_the_person_once(
    app: Flask, laboratory: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    visit = KioskVisit(app)
    visit.post("/find/step-free", step_free="off", next="/find/")  # stairs are fine: no question
    visit.post("/check-in/walk-in", first_name="Sam", last_name="Walker")
    visit.post("/check-in/walk-in/birth-date", day="2", month="2", year="1990")
    both_arrived = threading.Barrier(2, timeout=10)
    real = walk_in.complete_walk_in

    def once_both_arrived(*args: Any) -> Any:
        both_arrived.wait()
        return real(*args)

    monkeypatch.setattr(walk_in, "complete_walk_in", once_both_arrived)
    answers: list[int] = []
    errors: list[BaseException] = []

    def tap(client: FlaskClient) -> None:
        try:
            data = {"csrf_token": visit.token, "department": laboratory}
            answers.append(client.post("/check-in/walk-in/department", data=data).status_code)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=tap, args=(same_screen(app, visit),)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and answers == [303, 303]
    assert patients(app) == 1
    assert ticket_labels(visit.client.get("/check-in/done").get_data(as_text=True)) == ["L-001"]
