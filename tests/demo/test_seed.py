"""`flask seed-demo` gives a fresh installation its demo kiosks, once, and demo staff whose
printed sign-in details work."""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from kiosk.extensions import db
from kiosk.floorplan import DEMO_FLOORPLAN
from kiosk.models import Department, Kiosk, Patient, StaffUser
from tests.staff_signin import StaffAccount, sign_in


def test_seeding_twice_creates_each_demo_kiosk_once(app: Flask, runner: FlaskCliRunner) -> None:
    expected = {entry["id"] for entry in json.loads(DEMO_FLOORPLAN.read_text())["kiosks"]}
    assert len(expected) >= 3
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert f"{len(expected)} kiosk(s) added" in first.output
    assert "0 kiosk(s) added" in second.output
    with app.app_context():
        kiosks = db.session.scalars(select(Kiosk)).all()
    assert {k.name for k in kiosks} == expected
    assert all(k.place == k.name and k.printer_uri == "dummy://" for k in kiosks)


def test_seeding_keeps_what_staff_changed(app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        kiosk = db.session.scalars(select(Kiosk)).first()
        assert kiosk is not None
        kiosk.printer_uri = "network://10.0.0.9:9100"
        name = kiosk.name
        db.session.commit()
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        kiosk = db.session.scalar(select(Kiosk).where(Kiosk.name == name))
        assert kiosk is not None and kiosk.printer_uri == "network://10.0.0.9:9100"


def test_another_hospitals_floorplan_gets_kiosks_but_no_demo_patients(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """Its destinations may share ids with the demo's ("laboratory") yet be other places."""
    plan = json.loads(DEMO_FLOORPLAN.read_text())
    plan["facility"]["id"] = "another-synthetic-clinic"
    path = tmp_path / "other.json"
    path.write_text(json.dumps(plan))
    app.config["FLOORPLAN_PATH"] = str(path)
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo patients skipped" in result.output and "another-synthetic-clinic" in result.output
    assert "Traceback" not in result.output
    with app.app_context():
        assert db.session.scalars(select(Department)).all() == []
        assert db.session.scalars(select(Patient)).all() == []
        assert len(db.session.scalars(select(Kiosk)).all()) == len(plan["kiosks"])


DEMO_STAFF_LINE = re.compile(r"(coordinator|facility-admin)\s+(\S+@example\.org)  password: (\S+)")
DEMO_KEY_LINE = re.compile(r"authenticator key: ([A-Z2-7]+)")


def test_demo_staff_sign_in_with_the_printed_details_which_change_on_every_run(
    app: Flask, runner: FlaskCliRunner
) -> None:
    first = runner.invoke(args=["seed-demo"]).output
    second = runner.invoke(args=["seed-demo"]).output
    accounts = {
        role: (email, password) for role, email, password in DEMO_STAFF_LINE.findall(second)
    }
    assert set(accounts) == {"coordinator", "facility-admin"}
    first_passwords = {password for _, _, password in DEMO_STAFF_LINE.findall(first)}
    assert first_passwords.isdisjoint(password for _, password in accounts.values())
    keys = DEMO_KEY_LINE.findall(second)
    assert len(keys) == 1 and keys == DEMO_KEY_LINE.findall(first)
    with app.app_context():
        users = db.session.scalars(select(StaffUser)).all()
        assert len(users) == 2 and all(user.is_demo for user in users)
    coordinator = StaffAccount(0, *accounts["coordinator"], None)
    admin = StaffAccount(0, *accounts["facility-admin"], keys[0])
    for account in (coordinator, admin):
        browser = app.test_client()
        sign_in(browser, app, account)
        assert "Demo account" in browser.get("/staff/").get_data(as_text=True)
